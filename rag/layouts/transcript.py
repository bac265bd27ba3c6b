"""Verbatim 会議録 / 議事録: a header block, then speaker turns to the end.

Turns come either from the source (the NDL API's speech records, TEI
utterances: ``SourceDoc.turns``, taken as given) or from speaker labels at
line starts (``speakers.find_labels``). A turn runs to the next label; stage
notes (〔「異議なし」と呼ぶ者あり〕, （拍手）), dividers, speech numbers and
headings between turns are trimmed off its ends and never become remarks. A
signature block (地方自治法第123条 …) ends the last turn.
"""
from __future__ import annotations

import re

from ..domain import Decision, Remark, Span
from ..readers.base import SourceDoc, Turn
from .japanese import kanji_number
from .lines import Line, is_rule, is_stage_note, nfkc, split_lines
from .speakers import PRESIDING_ROLES, Label, find_labels

_SIGNATURE_RE = re.compile(r"地方自治法第\s*(?:123|百二十三)\s*条|ここに署名する|署名(?:議員|者)\s*$")
_SPEECH_NUMBER_RE = re.compile(r"^\d{1,4}\s*[:：]?$")
_DECISION_RE = re.compile(
    r"[^。]*(?:(?:可決|否決|承認|了承|決定|採択|同意|認定|選任|許可)(?:すべきものと)?"
    r"(?:されました|いたしました|致しました|(?<!ものと)しました|することに決しました|と決しました|に決しました|と決します|に決します|されたものと)"
    r"|[^。、]ことに決しました"  # 「本件は議員派遣一覧表のとおり派遣することに決しました。」「…継続審査に付することに決しました。」
    r"|のとおり決しました"  # 「よって、各案件については委員長報告のとおり決しました。」
    r"|決定(?:いたします|致します))"  # the chair's ruling in the present: 「御異議ないと認め、さよう決定いたします。」
    r"[^。\n]*(?:。|(?=\n)|$)"  # a web page may drop the full stop at the end of the line: 「…原案のとおり可決されました」
)
# what a decision sentence decides, or how (「よって」「異議がありませんので」「採決の結果」): a sentence about
# something else that was 認定/承認/決定 (「今年の秋、過労死認定されました。」) is a speaker's words, no decision
_DECIDES_A_MATTER_RE = re.compile(
    r"よって|したがって|従って|異議|採決|本案|本件|両案|各案|議案|法律案|決議|予算|決算|請願|陳情|条例|報告|動議|原案|"
    r"修正案|会期|日程|認定第|同意第|諮問|選挙|案件|委員長|互選")
# a vote's count announced before its result: 「総数81、賛成72、反対９。」「賛成者２５名、反対者３名。」
_TALLY_RE = re.compile(r"(?:総数|賛成|反対|白票|投票)[^。]{0,4}[0-9０-９〇一二三四五六七八九十百]+\s*(?:票|名|人)?[、，。]")
# waiving a step of procedure is no decision on a matter: 「よって、委員会の付託を省略することに決しました。」
_PROCEDURE_RE = re.compile(r"省略")
# The presiding officer opens an agenda item: 「日程第四　大麻取締法…法律案（内閣提出、衆議院送付）を議題といたします。」,
# 「日程第二 …。日程第三 …。以上両案を一括して議題といたします。」
_AGENDA_CALL_RE = re.compile(r"議題と(?:いた)?します|議題に供します|議題とすることに|議題といたしたい")
_ANAPHORIC_ITEM_RE = re.compile(r"^(?:本|両|以上|これ|右|同|前記|上記)")  # 「本決議案を議題といたします」: the one just named
_AGENDA_ITEM_RE = re.compile(r"日程第\s*[0-9０-９一二三四五六七八九十百]+")
_ITEM_NUMBER_RE = re.compile(r"日程第\s*([0-9一二三四五六七八九十百]+)")  # in a label (NFKC: ASCII digits)
# the item ends where the chair's request for it begins (「日程第２、会期の決定でありますが、…」, 「日程第７　教育行政執行方針について教育長から発言を
# 求められておりますので…」, 「日程第一　…法律案（趣旨説明）　本案について提出者の趣旨説明を求めます」
_ITEM_TAKEN_UP_RE = re.compile(
    r"(?:^|。)\s*(?:(?:次に|続いて|これより)[、，]\s*)?(日程第\s*[0-9０-９一二三四五六七八九十百]+[^。]*?)"
    r"(?:を行います|を行う|に入ります|について[、，]|でありますが[、，]|について(?=[^。]{0,12}?から(?:発言|報告|説明)を求め)"
    r"|\s+(?:本案|本件|両案)について|。)")
AGENDA_ITEM_CHARS = 60  # a label: an item longer than this (a treaty's title, several bills at once) is cut with …
_HEADING_RE = re.compile(r"^(?:日程第\s*\S+|[○◯〇]?諸般の報告|[○◯〇]?議事日程|開\s*会|閉\s*会|散\s*会|会議の経過)")
# a mark, then a short line with no sentence end: an item's heading between turns, spaced (安平町議会
# 「◎ 日程第１ …」) or not (赤井川村議会 「◎日程第１ 会議録署名議員の指名」); a speaker's label has been
# matched before this is asked, so 「◎副区長（岸川紀子）」 is never one
_MARKED_HEADING_RE = re.compile(r"^[◎■□◆●◇]\s*[^。]{2,40}$")


def text_turns(doc: SourceDoc, lines: list[Line | None], closing: Span | None = None) -> tuple[Turn, ...]:
    """Turns found from speaker labels in the text; ``closing`` is the sitting's closing line
    (``header.closing_in``), under which names signed are no speech."""
    labels = find_labels(lines)
    if len(labels) < 2:  # a text whose line breaks were lost: 「… ○議長（山田太郎君）　ただいまから… ○市長（…）」
        inline = split_at_inline_marks(lines)
        found = find_labels(inline)
        if len(found) >= 2:
            lines, labels = inline, found
    turns = []
    text = doc.text
    signature = _signature_start(lines, labels[0].start if labels else 0)
    if signature is None:
        signature = _signatures_after_closing(lines, labels, closing)
    for i, label in enumerate(labels):
        if signature is not None and label.start >= signature:
            break
        end = labels[i + 1].start if i + 1 < len(labels) else (signature if signature is not None else len(text))
        if signature is not None:
            end = min(end, signature)
        if _is_roster_heading(text, label, end):
            continue  # it still ends the turn before it
        turns.append(Turn(label.speech_start, end, label.speaker, label.role, None, label.text))
    return tuple(turns)


_INLINE_MARK_RE = re.compile(r"(?<=[ \t\u3000])[○◯◎◆〇](?=\S)")


def split_at_inline_marks(lines: list[Line | None]) -> list[Line | None]:
    """``lines`` with each line also cut before a speaker's mark that follows a space mid-line, for minutes
    whose line breaks a copy flattened into spaces; only labels found on such cuts are read (callers
    ask only where the lines themselves hold fewer than two)."""
    out: list[Line | None] = []
    for line in lines:
        if line is None:
            out.append(None)
            continue
        cuts = [m.start() for m in _INLINE_MARK_RE.finditer(line.text)]
        if not cuts:
            out.append(line)
            continue
        bounds = [0, *cuts, len(line.text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = line.text[a:b]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                start = line.start + a + lead
                out.append(Line(start, start + len(stripped), stripped, line.indent if a == 0 else 0))
    return out


def _is_roster_heading(text: str, label: Label, end: int) -> bool:
    """A label that is a header field's heading (「〇説明員」「○事務局」「○出席説明員」) or ends with a
    colon (「分科会委員:」) on a line of its own, over lines with no sentence in them (a roster:
    「市長　　山田太郎」), heads a header block; it is no speaker's turn."""
    from .header import match_field

    line_end = text.find("\n", label.start)
    line_end = len(text) if line_end == -1 else line_end
    if text[label.end:line_end].strip(" \u3000\t:："):
        return False  # speech on the label's own line
    if re.search(r"[。？?！!]", text[line_end:end]):
        return False
    if re.search(r"[:：]\s*$", text[label.start:line_end]):
        return True  # 「分科会委員:」 over 「小野分科会長、小川委員」: a roster's sub-heading, no sentence under it
    line = Line(label.start, label.end, text[label.start : label.end])
    field = match_field(line)
    return field is not None and field.field in ("attendees", "agenda") and field.value is None


def _signatures_after_closing(lines: list[Line | None], labels: list[Label], closing: Span | None) -> int | None:
    """Where the names signed under the closing line begin (「午前11時21分散会」 over 「市会議長　鈴木太郎」
    「市会議員　山下正人」), when no 地方自治法 heading says so: lines after the sitting's last clock line,
    after the last label, none of them a sentence."""
    if closing is None or not labels or closing.start < labels[-1].start:
        return None
    after = [ln for ln in lines if ln is not None and ln.start >= closing.end]
    if not after or any(re.search(r"[。？?！!]", ln.text) for ln in after):
        return None
    return after[0].start


def _signature_start(lines: list[Line | None], first_turn: int = 0) -> int | None:
    """Where the signature block (地方自治法第123条 …, 「会議録署名議員」 over names) begins. Only
    after the first turn: before it, 「○ 会議録署名議員」 is the header's field naming the members
    who will sign (安平町議会), and reading it as the end of the minutes dropped every turn."""
    for line in lines:
        if line is not None and line.start >= first_turn and _SIGNATURE_RE.search(line.norm):
            return line.start
    return None


def remarks_from_turns(doc: SourceDoc, turns: tuple[Turn, ...], structured: bool) -> tuple[list[Remark], list[Decision]]:
    """Remarks (one per turn) and the decisions announced in them (「…可決されました。」).

    ``structured``: the source delimited the turns itself, so only stage notes and
    dividers are trimmed, never a short last line taken for a heading."""
    text = doc.text
    remarks: list[Remark] = []
    decisions: list[Decision] = []
    section = "発言"
    from_call = False  # the section is an item a presiding officer opened (the next one replaces it)
    reached = 0  # the highest 日程 number opened so far
    for turn in turns:
        start, end, heading = _trim(text, turn.start, turn.end, headings=not structured)
        if end <= start:
            if heading:
                section = heading
            continue
        body = text[start:end]
        page = doc.page_at(start)
        # every item the chair opens here, in order; the remark stands under the first, and a result given
        # before an item is opened (「…可決されました。次に、日程第２、…」) belongs to the item before it
        opened: list[tuple[int, str]] = []
        if section == "発言" or from_call or _AGENDA_ITEM_RE.match(section):
            # 「日程第2及び日程第3」 (a page heading) says less than the item the chair names
            opened, reached = _announced_items(body, turn.role, reached)
        in_force = section
        if opened:
            section, from_call = opened[0][1], True
        remarks.append(Remark(len(remarks) + 1, body, start, end, section, None, None, turn.speaker, turn.role, page))
        for m in _DECISION_RE.finditer(body):
            if not _DECIDES_A_MATTER_RE.search(m.group(0)) or _PROCEDURE_RE.search(m.group(0)):
                continue  # 「今年の秋、過労死認定されました。」 in a question: no matter before the house
            s, e = start + m.start(), start + m.end()
            note = re.match(r"\s*[（(][^（）()]*[）)]", m.group(0))
            if note:
                s += note.end()  # 「（資料編30ページ参照）」 before 「よって、…可決されました。」 refers to the sentence before
            before = body[body.rfind("。", 0, max(m.start() - 1, 0)) + 1 : m.start()]
            if _TALLY_RE.search(before):
                s = start + m.start() - len(before)  # 「総数81、賛成72、反対９。」: the count the result rests on
            while s < e and text[s] in " \u3000\n\t　":
                s += 1
            if e - s <= 160:
                under = next((label for at, label in reversed(opened) if at < m.end()), in_force)
                decisions.append(Decision(text[s:e], s, e, under))
        if opened:
            section = opened[-1][1]
        if heading:
            section, from_call = heading, False  # a heading after this turn applies to the next ones
    return remarks, decisions


def _announced_items(body: str, role: str | None, reached: int) -> tuple[list[tuple[int, str]], int]:
    """Every agenda item a presiding officer's remark opens (「日程第１、会議録署名議員の指名…。日程第２、会期の
    決定…」), as (where it opens, label) in order, and the highest 日程 number reached so far; no items
    for anyone else's remark. An item put on the agenda (「…を議題といたします」) always opens, even again
    (a bill back from committee); one only mentioned whose number was already reached (「日程第８…から
    日程第４２…を一括して上程いたします。…日程第２３、議案第２２号をもう一回読ませていただきます」) opens
    nothing new."""
    if not role or not any(r in role for r in PRESIDING_ROLES):
        return [], reached
    items: list[tuple[int, str]] = []
    offset = 0
    while offset < len(body):
        found = _announced_item(body[offset:])
        if found is None:
            break
        label, at, end, called = found
        numbers = [kanji_number(n) or 0 for n in _ITEM_NUMBER_RE.findall(label)]
        if called or not numbers or numbers[0] > reached:
            items.append((offset + at, label))
        reached = max([reached, *numbers])
        offset += max(end, at + 1)
    return items, reached


def _announced_item(body: str) -> tuple[str, int, int, bool] | None:
    """The agenda item a presiding officer's remark opens, in the minutes' words: from its first
    「日程第N」 to 「…を議題といたします」, or the item named before 「…を議題とすることに御異議ございませんか」
    (「この際、日程に追加して、物価高騰対策給付金に…法律案を…」); cut at AGENDA_ITEM_CHARS. None for
    any other remark, and for 「本決議案を議題といたします」 (the item just named stays). With it, where in
    the remark the item opens (what the chair says before it closes the last item), where its call ends,
    and whether it was put on the agenda (「議題」) rather than taken up. Later remarks
    stand under it until the next one (their ``section``), so 「…法律案はどのように議決されましたか」
    finds 「よって、本案は全会一致をもって可決されました。」."""
    call = _AGENDA_CALL_RE.search(body)
    if not call:  # 「日程第1、会議録署名議員の指名を行います。」: an item taken up without 「議題」
        taken = _ITEM_TAKEN_UP_RE.search(body)
        label = _label(taken.group(1)) if taken else None
        return (label, taken.start(1), taken.end(), False) if label else None
    first = _AGENDA_ITEM_RE.search(body, 0, call.start())
    if first:
        label = _label(body[first.start() : call.start()])
        return (label, first.start(), call.end(), True) if label else None
    # the sentence that puts it on the agenda: 「この際、日程に追加して、Xを議題と…」「Xは、…議題とすることに…」
    opened = body.rfind("。", 0, call.start()) + 1
    sentence = body[opened : call.start()]
    after = re.split(r"日程に追加して[、，]?", sentence)[-1]
    # 「…日程に追加して、Xを議題と…」: X; 「Xは、…日程に追加して(これを)議題とすることに」: X
    for item in (after.split("は、")[0], sentence.split("は、")[0]):
        item = re.sub(r"〔[^〕]*〕", "", item)  # a stage note inside the turn: 〔「異議なし」と呼ぶ者あり〕
        label = _label(re.sub(r"^(?:\s*(?:この際|よって|次に|これより|(?:御|ご)?異議なしと認め(?:ます)?)[、，])*\s*", "", item))
        if label:
            return label, opened, call.end(), True
    return None


def _label(item: str) -> str | None:
    """An announced item as a section label: spaces folded, trailing 「を」「以上…一括して」 dropped,
    cut at AGENDA_ITEM_CHARS; None when it only points back (「本決議案」)."""
    item = re.sub(r"\s+", " ", nfkc(item)).strip()
    item = re.sub(r"を(?:一括して)?(?:採決|上程)(?:いた)?します$", "", item)  # 「日程第４、議案第262号を採決いたします」
    item = re.sub(r"(?:。?\s*以上[^。]*?|を|、)*(?:一括して|一括)?$", "", item).strip(" 、。")
    if not item or _ANAPHORIC_ITEM_RE.match(item):
        return None
    if len(item) > AGENDA_ITEM_CHARS:
        item = item[: AGENDA_ITEM_CHARS - 1] + "…"
    return item


def _trim(text: str, start: int, end: int, headings: bool) -> tuple[int, int, str | None]:
    """The turn's span without stage notes, dividers, speech numbers and headings at its
    ends; and the last heading trimmed off its end (it opens what follows)."""
    lines = [ln for ln in split_lines(text[start:end])]
    kept = [(ln.start + start, ln.end + start, ln) for ln in lines if ln is not None]
    heading = None

    def droppable(ln: Line, at_end: bool) -> bool:
        norm = ln.norm
        if is_rule(norm) or is_stage_note(ln.text) or _SPEECH_NUMBER_RE.match(norm):
            return True
        if headings and at_end and ln.indent == 0 and len(norm) <= 30 and not re.search(r"[。、」]", norm) and (
            _HEADING_RE.match(norm) or len(norm) <= 12
        ):
            return True
        if headings and at_end and _MARKED_HEADING_RE.match(norm):
            return True  # 「◎ 日程第１ 会議録署名議員の指名」「◎ 開会・開議宣告、議事日程の報告」 (安平町議会)
        return False

    while kept and droppable(kept[0][2], False):
        kept.pop(0)
    # the turn's first line is its speech (「◎副区長（岸川紀子）　議長」), never a heading
    while kept and droppable(kept[-1][2], len(kept) > 1):
        ln = kept.pop()[2]
        if not heading and not (is_rule(ln.norm) or is_stage_note(ln.text) or _SPEECH_NUMBER_RE.match(ln.norm)):
            heading = nfkc(ln.text).strip()
    # 「…可決されました」 over a divider and the next item's heading lines (「日程第46　議員提出議案第25号　…」),
    # none of them a sentence: that heading opens what follows, also where the source delimited the turns
    # (read from the end: only lines after the last sentence qualify)
    for i in range(len(kept) - 2, 0, -1):
        ln, nxt = kept[i][2], kept[i + 1][2]
        if "。" in nxt.norm:
            break
        if is_rule(ln.norm) and (_AGENDA_ITEM_RE.match(nxt.norm) or _MARKED_HEADING_RE.match(nxt.norm)):
            heading = heading or nfkc(nxt.text).strip()
            kept = kept[:i]
            break
    if not kept:
        return start, start, heading
    return kept[0][0], kept[-1][1], heading
