"""Header fields of any minutes layout: 日時, 場所, 出席者, 議題 … in whatever dress.

The same field appears as 「1 日時」, 「１．日 時」, 「日時：…」, 「【日時】」,
「* 日時: …」, 「開催日：…」, 「〇出席議員（１９名）」 or a bare heading line. A
line opens a field when, after an optional bullet or number, its first
characters (spaces ignored, so letter-spaced 「日　時」 counts) are a known key
followed by a separator, a gap or the end of the line. The field's value is the
rest of that line plus the lines that follow, up to the next field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..domain import Attendee, Span
from .japanese import (CLOSING_RE, FROM_TO_RE, START_TIME_RE, TIME_RANGE_RE, date_from_parts, find_date, find_time,
                       modern_forms, unspaced)
from .lines import Line, is_rule, nfkc, nospace
from .speakers import OFFICE_ENDINGS, OFFICE_SUFFIXES, ROLE_WORDS, name_end, remit_only

# key (spaces removed, NFKC) -> field
FIELD_KEYS: dict[str, str] = {}
for _field, _keys in {
    "date": ("日時", "開催日時", "開催日", "期日", "日付", "開会日時", "会議日時", "開催年月日", "年月日", "とき", "招集年月日"),
    "place": ("場所", "開催場所", "会場", "会議場所", "ところ", "開催方法", "招集の場所", "招集場所"),
    "title": ("会議名", "会議の名称", "件名", "名称"),
    "attendees": ("出席者", "出席委員", "出席議員", "出席構成員", "参加者", "出席者名", "委員出席者", "構成員", "出席国務大臣",
                  "出席政府委員", "出席政府参考人", "出席政府特別補佐人", "委員外の出席者", "出席説明員", "説明員", "出席事務局員", "事務局出席職員", "事務局職員", "出席職員",
                  "職務のため出席した者", "職務のため出席した事務局職員", "理事者側出席者", "説明のため出席した者",
                  "出席理事者", "欠席理事者", "出席事務局職員", "出席議会事務局職員", "議会事務局職員", "委員外議員", "委員外出席議員", "欠席説明員", "議会事務局出席者", "委員外出席者",
                  "出席委員の氏名", "出席職員の職・氏名", "出席職員の職氏名", "正副議長", "出席した委員", "出席した説明員",
                  "出席した職員", "出席した者",
                  "地方自治法第121条の規定により出席した者", "出席者(敬称略)", "委員", "臨時委員", "専門委員", "オブザーバー",
                  "政府", "事務局", "理事", "社員", "欠席議員", "欠席委員", "欠席者", "欠席",
                  "事務局員", "議会事務局", "執行部", "市執行部", "町執行部", "村執行部", "区執行部",
                  "市議会事務局", "区議会事務局", "町議会事務局", "村議会事務局", "県議会事務局", "都議会事務局",
                  "府議会事務局", "道議会事務局"),
    "agenda": ("議事日程", "本日の会議に付した事件", "本日の会議に付した案件", "会議に付した事件", "議題", "協議事項", "議事次第",
               "付議事件", "案件", "審議事項", "報告事項", "次第",
               "本日審査した案件", "審査した案件", "会議事項", "会議に付した案件"),
    "proceedings": ("議事概要", "議事要旨", "議事内容", "議事", "概要", "会議の概要", "主な意見", "委員からの主な意見", "主な発言",
                    "審議の概要", "審議経過", "審議の経過", "議事の経過概要", "議事の経過", "会議の経過", "会議の経過及び概要", "会議概要", "質疑応答", "意見交換", "討議", "内容", "決定事項", "配付資料", "資料"),
    # fields of a municipal 会議録 form that are none of the above; they end the field before them
    "other": ("会議の公開・非公開", "会議の公開", "傍聴の可否", "傍聴者数", "傍聴者人数", "会議録の作成方法", "附属機関等の名称",
              # a council's web form goes on after the roster: 「次回開催予定日　未定」「問い合わせ先」「電話番号」
              "次回開催予定日", "次回開催予定", "次回の開催予定", "問い合わせ先", "問合せ先", "お問い合わせ先", "電話番号",
              "ファックス番号", "ファクス番号", "FAX番号",
              # 「○ 会議録署名議員」 over the members the chair names to sign (a town assembly's header)
              "会議録署名議員", "署名議員"),
}.items():
    for _k in _keys:
        FIELD_KEYS[_k] = _field
_KEYS_LONGEST_FIRST = sorted(FIELD_KEYS, key=len, reverse=True)
_PREFIX_RE = re.compile(r"^(?:#{1,6}\s+|[○◯〇●◎■□◆◇・\-*•]\s*|\d{1,2}\s*[.．、)]\s*|\d{1,2}\s+|\(\d{1,2}\)\s*|[一二三四五六七八九十]{1,2}\s*[、.．]\s*|第\d+\s+)?")
_SEPARATORS = ":：　 \t"
_ORG_KEY_RE = re.compile(r"[^\s、。]{1,15}(?:省|庁|府|局|事務局|構成員|オブザーバー|有識者|関係者|関係省庁)")


@dataclass(frozen=True)
class FieldLine:
    index: int  # position in the lines list
    key: str  # the canonical key matched: 「出席議員」
    field: str  # date, place, title, attendees, agenda, proceedings
    value: Span | None  # the rest of the line after the key and its separator


def match_field(line: Line) -> FieldLine | None:
    """The header field this line opens, if any (index is filled in by the caller)."""
    norm = line.norm
    if len(norm) != len(line.text) or len(norm) > 200:
        return None
    bracket = re.match(r"^[【\[]\s*([^】\]]{1,20})\s*[】\]]", norm)
    if bracket:
        key = re.sub(r"\(.*\)$", "", nospace(bracket.group(1)))
        field = FIELD_KEYS.get(key)
        if field is None and _ORG_KEY_RE.fullmatch(key) and norm[bracket.end():].strip():
            field = "attendees"  # 「【総務省】 山田真子(局長)、…」: an organisation heading its people
        if field is None:
            return None
        return FieldLine(-1, key, field, _value(line, bracket.end()))
    pos = _PREFIX_RE.match(norm).end()
    # walk the line, skipping spaces, until the compacted prefix is a key
    compact, positions = "", []
    for i in range(pos, min(len(norm), pos + 40)):
        if norm[i].isspace():
            continue
        compact += modern_forms(norm[i])  # 「出席國務大臣」「本日の會議に付した事件」: one character for one
        positions.append(i)
    for key in _KEYS_LONGEST_FIRST:
        if not compact.startswith(key):
            continue
        end = positions[len(key) - 1] + 1
        rest = norm[end:]
        paren = re.match(r"^\s*\([^)]{0,12}\)", rest)  # 出席議員（１９名）/ 出席者（敬称略）
        if paren:
            end += paren.end()
            rest = norm[end:]
        said = re.match(r"^の?職?・?氏名", rest)  # 「説明のため出席した者の職氏名」「出席職員氏名」
        if said and FIELD_KEYS[key] == "attendees":
            end += said.end()
            rest = norm[end:]
        if rest and rest[0] not in _SEPARATORS:
            continue  # 「日時点で」 is prose, not the 日時 field
        if not rest.strip() and len(key) == 1:
            continue
        # a one-word key on a long prose line is not a field: 「議題について説明があった。」
        if rest.strip() and rest.lstrip(_SEPARATORS) and key in ("委員", "政府", "事務局", "理事", "社員", "内容", "資料", "次第", "概要", "議事") and not re.match(r"^\s*[:：]", rest):
            continue
        return FieldLine(-1, key, FIELD_KEYS[key], _value(line, end))
    # 「地方自治法第121条による出席者」「地方自治法第百二十一条第一項の規定により出席した者」: officials
    legal = re.match(r"地方自治法第[0-9一二三四五六七八九十百]+条(?:第[0-9一二三四五六七八九十]+項)?(?:の規定)?(?:により|による)[、,]?"
                     r"(?:説明のため)?(?:会議に)?出席(?:した者|者|した説明員)", compact)
    if legal and len(compact) <= len(legal.group(0)) + 12:
        return FieldLine(-1, legal.group(0), "attendees", None)
    # 「町長の委任を受けて説明のため会議に出席した者」「職務のため出席した議会事務局職員」 (a town assembly's
    # numbered header): the officials and staff present, under a heading that is a phrase, not a key
    present = re.fullmatch(r"[^。、]{0,30}?(?:説明のため(?:会議に)?出席した者|職務のため(?:会議に)?出席した(?:議会)?事務局職員)", compact)
    if present:
        return FieldLine(-1, present.group(0), "attendees", None)
    heading = re.search(r"(議事日程(?:第\d+号)?|会議事項|付議事件)$", compact) if len(compact) <= 60 else None
    if heading:  # 「令和６年度…１２月緊急議会議事日程　第１号」「追加議事日程」「議会運営委員会会議事項」
        return FieldLine(-1, re.sub(r"第\d+号$", "", heading.group(1)), "agenda", None)
    return None


def _value(line: Line, end: int) -> Span | None:
    rest = line.text[end:]
    lead = len(rest) - len(rest.lstrip(_SEPARATORS))
    s = end + lead
    if s >= len(line.text):
        return None
    return Span(line.text[s:], line.start + s, line.end)


def find_fields(lines: list[Line | None], stop: int | None = None) -> list[FieldLine]:
    """Field-opening lines among ``lines[:stop]``, in order."""
    found = []
    for i, line in enumerate(lines[:stop]):
        if line is None:
            continue
        f = match_field(line)
        while f is not None:
            value, following = _split_joined(f.value)
            found.append(FieldLine(i, f.key, f.field, value))
            f = following
    return found


_JOIN_RE = re.compile(r"\s*[／/｜|]\s*")


def _split_joined(value: Span | None) -> tuple[Span | None, FieldLine | None]:
    """Fields a scraper joined on one line (「開催日：…／会議名：…」): the first field's value up
    to the separator, and the field that follows it (index filled in by the caller)."""
    if value is None:
        return None, None
    for m in _JOIN_RE.finditer(value.text):
        rest = value.text[m.end():]
        if not rest:
            break
        following = match_field(Line(value.start + m.end(), value.end, rest))
        if following is not None and following.value is not None:
            head = value.text[: m.start()]
            return (Span(head, value.start, value.start + len(head)) if head else None), following
    return value, None


def date_in(lines: list[Line]) -> tuple[Span, str, str | None] | None:
    """The first calendar date among ``lines``: (span as written, ISO, time as written)."""
    for line in lines:
        found = find_date(line.text)
        if found:
            iso, s, e = found
            span = line.sub_span(s, e)
            rest = line.text[e:] if len(line.norm) == len(line.text) else line.text
            time = find_time(rest)
            if time is None and len(line.norm) == len(line.text):
                alone = START_TIME_RE.fullmatch(nfkc(rest))  # 「…(木)10時00分」: the start, no end stated
                time = re.sub(r"\s+", "", alone.group(1)) if alone else None
            return span, iso, time
    return None


TITLE_BLOCK_LINES = 8


def split_date_in(lines: list[Line]) -> tuple[Span, str, str | None] | None:
    """A date whose year and month-day stand on different header lines (「令 和 ８ 年」 over
    「赤平市議会第１回臨時会会議録（第１日）」 over 「１月３０日（金曜日）午前１０時００分 開 会」): the first
    line with a month, a day and its weekday, and the nearest year printed above it, at most three
    lines up, among the header's first lines (a title block, not the prose under it: 「令和７年度関係議案が
    ２月10日（火）…」 dates nothing). The span is the month and day as written."""
    for i, line in enumerate(lines[:TITLE_BLOCK_LINES]):
        for above in reversed(lines[max(0, i - 3) : i + 1]):
            found = _dated_by(above.text, line)
            if found:
                return found
    return None


def _dated_by(year_text: str, line: Line) -> tuple[Span, str, str | None] | None:
    """``line``'s month and day with its weekday, dated by the year in ``year_text``: (the month and day as
    written, ISO, the time after them, spaces dropped: 「午前１０時００分 開 会」)."""
    found = date_from_parts(year_text, line.text)
    if not found:
        return None
    iso, s, e = found
    rest = line.text[e:] if len(line.norm) == len(line.text) else line.text
    return line.sub_span(s, e), iso, find_time(re.sub(r"\s+", "", rest))


def title_year_date(title: str, lines: list[Line]) -> tuple[Span, str, str | None] | None:
    """The month and day of a header line that prints no year (「議事日程 第１号 １月16日（火） 午前11時25分開議」),
    dated by the year of the meeting's title (「令和６年豊富町議会第１回臨時会会議録」), when no other line
    dates it: the first such line with its weekday and no sentence in it (prose such as 「令和７年度関係議案が
    ２月10日（火）…」 dates nothing)."""
    return next((found for line in lines if not re.search(r"[。、]", line.norm) and (found := _dated_by(title, line))), None)


def closing_in(lines: list[Line | None]) -> Span | None:
    """Where the sitting ended, as printed (「午後１時４８分散会」「散会（午後３時２５分）」): the last such
    clock line of the meeting, which a chair's last remark, a trailer after it or a header may hold."""
    for line in reversed(lines):
        if line is None:
            continue
        m = CLOSING_RE.search(modern_forms(line.norm))  # 「午後三時十一分散會」 in 1940s minutes
        if m is None and (spaced := unspaced(modern_forms(line.norm))) != line.norm:
            if re.fullmatch(rf"[(（〔\[〇○◯]*(?:{CLOSING_RE.pattern})[)）〕\]]*", spaced):
                return line.span  # 「午　後　一　時　二　十　四　分　閉　会」: the whole line
            continue
        if m:
            if re.fullmatch(r"[\s(（〔\[〇○◯]*", line.norm[: m.start()]) and re.fullmatch(r"[\s)）〕\]]*", line.norm[m.end():]):
                return line.span  # 「（午後　４時３７分　閉会）」「〇午後３時５１分散会」: the line as printed
            return line.sub_span(m.start(), m.end())
    return None


def with_closing(time: str | None, closing: Span | None) -> str | None:
    """The record's time with where it ended: 「午後1時開議」 → 「午後1時開議〜午後1時48分散会」 (a time range
    as written already says it)."""
    if closing is None:
        return time
    end = re.sub(r"\s+", "", nfkc(closing.text))
    end = end.lstrip("〇○◯")  # 「〇午後３時５１分散会」: the line's mark is no part of the time
    if end.startswith("(") and end.endswith(")"):
        end = end[1:-1]  # 「（午後４時３７分　閉会）」
    if not time:
        return end
    if TIME_RANGE_RE.search(nfkc(time)) or end in time:
        return time
    return f"{time}〜{end}"


def from_to_time(lines: list[Line]) -> str | None:
    """「自　午後１時３０分」「至　午後２時３７分」 across the lines of a 日時 field: 「午後1時30分~午後2時37分」."""
    m = FROM_TO_RE.search(nfkc(" ".join(ln.text for ln in lines)))
    return f"{nospace(m.group(1))}~{nospace(m.group(2))}" if m else None


def time_in(lines: list[Line]) -> str | None:
    for line in lines:
        t = find_time(line.text)
        if t:
            return t
    return None


# how a title printed whole ends (「副区長」「情報政策推進部長」「教育委員会教育長」「理事・総務課長」)
_WHOLE_TITLE_ENDINGS = "|".join(OFFICE_ENDINGS + ("区長", "市長", "町長", "村長", "知事", "教育長", "管理者", "委員", "監査委員"))
# a letter-spaced name (「青　木　英　二」), two spaces, then a title printed whole
_TITLE_AFTER_NAME = re.compile(r"(?<=\S)[ \u3000]{2}(\S{0,14}?(?:" + _WHOLE_TITLE_ENDINGS + r"))$")
_CELL_SPLIT = re.compile(r"[ \t\u3000]{3,}|[ \t\u3000]*[|｜][ \t\u3000]*")  # wide gaps, or a flattened table's bars
# a seat number: 「２２番」, or in kanji 「第十一番」 (a kanji one without 第 only before a space or a name with 君:
# 「一番古城まさお君」; 一番ヶ瀬 is a name)
_SEAT = r"(?:\d+\s*番|第\s*[〇一二三四五六七八九十百]+\s*番|[〇一二三四五六七八九十百]+\s*番(?=\s|[^ヶケがの\s][^君\n]{0,12}君))"
_NUMBERED = re.compile(rf"^({_SEAT})\s*(.+)$")
_SEAT_RE = re.compile(rf"({_SEAT})\s*(.+?)\s*(?=\s{_SEAT}|$)")


def attendees_in(block: list[Line], group: str) -> list[Attendee]:
    """People of a roster block: 「１番　小林しょう　　　１７番　たかはしのりこ」, 「市長　　　都　　倉　　達　　殊」,
    「山田太郎（○○大学教授）」, several names per line separated by 、 or wide gaps.

    Names are taken as printed with letter-spacing removed; the span of each
    attendee is the line (or the cell) it stands on, verbatim.
    """
    people: list[Attendee] = []
    field_group = group
    spaced = sum(1 for line in block if _SPACED_RE.search(line.text)) >= min(2, len(block))
    pending_role: str | None = None  # a role printed on a line of its own, the name below it
    wrapped = _wrapped_roles(block, spaced)
    listed: set[int] = set()  # lines of full names one space apart
    taken: set[int] = set()  # lines read already as part of a title printed around a name
    each_role = ""  # 「…清沢謙治各委員」: the role every name of such a list holds
    stacked = _stacked_titles(block)
    for _, lines_above in stacked.values():
        taken.update(lines_above)
    for n, line in enumerate(block):
        norm = line.norm
        if n in stacked and len(norm) == len(line.text):
            title, _ = stacked[n]
            s = _name_start(line.text)
            people.append(_person(line, s, len(line.text), _fold(line.text[s:]), title, group))
            continue
        if len(norm) != len(line.text) or is_rule(norm) or n in wrapped.lines or n in taken:
            continue
        if nospace(norm) in _NOBODY:
            continue  # 「欠席委員　な　し」
        bare = re.sub(r"^[•・\-*]", "", nospace(norm))  # 「• 【委員】」
        if bare in ("衆議院", "参議院"):  # a joint committee's roster lists each house's members under it
            group = f"{field_group}（{bare}）"
            continue
        if bare in ("衆議院事務局", "参議院事務局"):  # each house's staff under 「委員外の出席者」
            group = bare
            continue
        if _ROSTER_HEADING_RE.fullmatch(bare) and len(_cells(line, spaced)) == 1 and not bare.endswith("君"):
            group = bare  # 「出席議会局職員」 under 「出席説明員」's people: a roster's next heading, no one's name
            continue
        heading = _SUBGROUP_RE.fullmatch(bare) or re.fullmatch(r"()([^\s:：、，,。()]{1,15})[:：]", bare)
        if heading and heading.lastindex == 2:  # 「分科会委員:」「経済産業省:」 heads the people below it
            group = heading.group(2)
            continue
        if heading and not any(w in heading.group(1) for w in _ORDER_NOTES) and (
                heading.group(1).endswith(_GROUP_WORDS) or not norm.lstrip().startswith("(")):
            group = heading.group(1)  # 「<事務局>」「【委員】」「（事務局）」「【財務部】」 heads the people below it
            continue
        spaced_names = _spaced_full_names(line.text, _cells(line, spaced), continuing=n - 1 in listed)
        if spaced_names:  # 「◎山川昌子 ○肥沼茂男 佐藤真和 北久保眞道」: full names one space apart
            listed.add(n)
            for s, e, name, each in spaced_names:
                people.append(_person(line, s, e, name, "", group))
                each_role = each or each_role
            continue
        if re.match(r"^[(（].*[)）]$", line.text) and "代理" not in norm:
            continue  # 「（敬称略）」「（五十音順）」
        lead = re.match(r"^[(（]([^()（）0-9０-９、]{1,8})[)）]\s*(?=\S)", line.text)
        if lead and not any(w in lead.group(1) for w in _ORDER_NOTES):
            # 「(委員)野路國夫委員長、樫谷隆夫委員長代理、…」「(事務局等)栗原管理官他」: the group, then its people
            group = lead.group(1)
            for name, role, ps, pe in _names_in_cell(line.text[lead.end():], lead.end()):
                people.append(_person(line, ps, pe, name, role, group))
            continue
        if _TIME_LINE_RE.fullmatch(nospace(norm)):
            continue  # 「午前１０時００分開会」 after the roster
        cells = _cells(line, spaced)
        tabled = bool(re.search(r"[|｜]", line.text))
        role_above, pending_role = pending_role, None
        if role_above and len(cells) == 1 and not nospace(norm).endswith(ROLE_WORDS):
            s, e = cells[0]
            people.append(_person(line, s, e, _fold(line.text[s:e]), role_above, group))
            continue
        titled = _titled_names(line.text, cells)
        if titled:  # 「山川一郎会長　海野花子委員　森田二郎委員」: one space between people, each with a title
            for s, e, name, role in titled:
                people.append(_person(line, s, e, name, role, group))
            continue
        nxt = block[n + 1] if n + 1 < len(block) else None
        wrapped_title = _title_over_name(block, n, spaced)
        if wrapped_title is not None:
            # 「選挙管理委員会」 over 「　　…武島和仁君」 over 「事務局長」: a long title printed around its holder's name
            title, name_line, rest = wrapped_title
            s, e = _cells(name_line, spaced)[0]
            people.append(_person(name_line, s, e, _fold(name_line.text[s:e]), title, group))
            taken.update(rest)
            continue
        if (len(cells) == 1 and nxt is not None and nxt.indent > line.indent and nospace(norm).endswith(ROLE_WORDS)
                and len(_cells(nxt, spaced)) == 1 and not _role_and_name(nospace(nxt.norm))[0]
                and not nospace(nxt.norm).endswith(ROLE_WORDS + ("君",))):
            pending_role = nospace(line.text)  # 「子ども未来部長」 over 「宿　村　篤　由」
            continue
        i = 0
        while i < len(cells):
            s, e = cells[i]
            cell = nfkc(line.text[s:e])
            numbered = _NUMBERED.match(cell)
            if numbered:  # 「３番　　稲葉かずひろ　　１９番　　中村あきひろ」: seats two spaces apart share a cell
                for seat in _SEAT_RE.finditer(cell):
                    people.append(_person(line, s + seat.start(), s + seat.end(), _fold(seat.group(2)),
                                          seat.group(1).replace(" ", ""), group))
                i += 1
                continue
            below = wrapped.names.get((n, s))
            if below is not None and i == len(cells) - 1:  # 「子ども・子育て支援部長」 over its name, far right
                nline, ns, ne = below
                people.append(_person(nline, ns, ne, _fold(nline.text[ns:ne]), nospace(cell), group))
                i += 1
                continue
            tail = wrapped.roles.get((n, s))
            if tail is not None and i + 1 < len(cells):  # 「政策部経営企画室　稲岡　諭」 over 「企画課主幹」
                s2, e2 = cells[i + 1]
                people.append(_person(line, s, e2, _fold(line.text[s2:e2]), nospace(cell) + tail, group))
                i += 2
                continue
            if (i + 1 < len(cells) and len(nospace(cell)) <= 24 and not tabled
                    and (nospace(cell).endswith(ROLE_WORDS + ("番",)) or _title_before_kun(cell, line.text[cells[i + 1][0]:cells[i + 1][1]]))):
                # a table's cells are one person each: 「甲野一郎委員 | 乙野二郎委員 |」; 「危機管理監　　高坂哲也君」
                s2, e2 = cells[i + 1]
                people.append(_person(line, s, e2, _fold(line.text[s2:e2]), nospace(cell), group))
                i += 2
                continue
            for name, role, ps, pe in _names_in_cell(line.text[s:e], s):
                people.append(_person(line, ps, pe, name, role, group))
            i += 1
    if each_role:
        listed_starts = {ln.start for i, ln in enumerate(block) if i in listed}
        people = [replace(p, title=each_role) if not p.title and _line_start(block, p) in listed_starts else p
                  for p in people]
    people = _ditto_titles(block, _inline_groups(_absent_in_brackets(people)))
    people = _marked_roles(block, people)
    # a list's bullet is no part of a name: 「* B4 中野佑（マネージャー）」 (a Markdown list)
    people = [replace(p, name=bare) if (bare := re.sub(r"^[•・*\-]\s*", "", p.name)) != p.name and bare else p for p in people]
    # a count after the last name is no part of it: 「矢野裕美〔計12名〕」
    people = [replace(p, name=p.name[: tail.start()]) if (tail := _TRAILING_COUNT_RE.search(p.name)) and tail.start() else p
              for p in people]
    # a count is no one: 「出席委員　十九名」「委員定数6名のうち出席者6名」; nor is a table's column
    # heading (「議席番号」) or a PDF's page number on a line of its own (「1」)
    return [p for p in people if not _COUNT_RE.search(nospace(nfkc(p.name)))
            and not _NOT_A_NAME_RE.fullmatch(nospace(nfkc(p.name)))]


_NOT_A_NAME_RE = re.compile(r"[0-9]+|議席番号|番号|氏名|職名|職氏名|議席")


_TRAILING_COUNT_RE = re.compile(r"\s*[〔（(\[［]\s*(?:計|以上|合計)?\s*[0-9０-９〇一二三四五六七八九十]+\s*(?:名|人)\s*[〕）)\]］]$")


_LEGEND_RE = re.compile(r"([◎○◯●☆★])\s*([^◎○◯●☆★、，,()（）\s]{1,12})")


def _marked_roles(block: list[Line], people: list[Attendee]) -> list[Attendee]:
    """A roster that marks its chair with a sign and explains the signs in a legend
    (「江口隆裕、○大久保一郎、…」 with 「(◎部会長、○副部会長)」): the marked person gets the role
    the legend gives, the sign is dropped from the name."""
    legend: dict[str, str] = {}
    for line in block:
        inner = re.fullmatch(r"\s*[(（](.+)[)）]\s*", line.norm)
        if inner and re.fullmatch(r"(?:[◎○◯●☆★]\s*[^、，,()（）]{1,12}[、，,\s]*)+", inner.group(1)):
            legend.update(_LEGEND_RE.findall(inner.group(1)))
    out = []
    for p in people:
        mark = p.name[:1]
        if mark in legend and len(p.name) > 1:
            p = replace(p, name=p.name[1:].strip(), title=p.title or legend[mark])
        elif mark in "◎○◯" and len(p.name) > 2:
            p = replace(p, name=p.name[1:].strip())  # a chair's mark with no legend: not part of the name, its role unstated
        out.append(p)
    return out


_COUNT_RE = re.compile(r"[0-9〇一二三四五六七八九十百]+\s*(?:名|人)")
# a heading inside a roster that names the group below it: 「<事務局>」「【政府】」「（事務局）」
_SUBGROUP_RE = re.compile(r"[<＜〈《【〔\[(]([^<>＜＞〈〉《》【】〔〕\[\]()]{1,12})[>＞〉》】〕\])]")
_ROSTER_HEADING_RE = re.compile(r"(?:出席|欠席)[^\s0-9]{0,10}(?:職員|説明員|説明者|議員|委員|者)")
_ORDER_NOTES = ("敬称略", "順不同", "五十音順", "名簿順", "役職順", "代理")
_GROUP_WORDS = ("事務局", "事務局等", "委員", "政府", "説明員", "幹事", "オブザーバー", "参考人", "関係者", "省", "庁")


def _inline_groups(people: list[Attendee]) -> list[Attendee]:
    """「《委員会》 村田純主査(架空大学)、…《ワーキンググループ》 相田宏之(…)」: a group name in 《》 before a
    name heads the people from there on."""
    out, group = [], None
    for p in people:
        lead = re.match(r"^[《≪〈<＜]([^》≫〉>＞]{1,15})[》≫〉>＞]\s*", p.name)
        if lead and len(p.name) > lead.end():
            group, p = lead.group(1), replace(p, name=p.name[lead.end():])
        out.append(replace(p, group=group) if group else p)
    return out


def _absent_in_brackets(people: list[Attendee]) -> list[Attendee]:
    """「梅田委員、浦田委員、(欠席:浜田委員、渡部委員)」: the bracketed names are the absent ones."""
    out, absent = [], False
    for p in people:
        name, title = p.name, p.title
        opens = re.match(r"^[(（]\s*欠席\s*[:：]?\s*", name)
        if opens:
            absent, name = True, name[opens.end():]
            if not title:
                name, title = _name_and_title(name)
        closes = absent and re.search(r"[)）]$", name + title)
        if closes:
            name, title = (name[:-1], title) if name.endswith((")", "）")) else (name, title[:-1])
            if not title:
                name, title = _name_and_title(name)
        out.append(replace(p, name=name.strip(), title=title, group="欠席") if absent else p)
        if closes:
            absent = False
    return out


def _name_and_title(text: str) -> tuple[str, str]:
    """「浜田委員」 → (浜田, 委員): the title a role word ends it with, the name where the dictionary ends it."""
    role = next((w for w in ROLE_WORDS if text.endswith(w)), "")
    cut = name_end(text[: len(text) - len(role)]) if role else len(text)
    return text[:cut], text[cut:]


_MINISTERIAL = ("大臣", "長官", "補佐人", "政務官")  # the Diet's stacked titles end so


def _name_start(text: str) -> int:
    """Where the name begins on a roster line that ends with 君: after a bracketed portfolio (「（内閣官房長官）　菅
    義偉君」, one space or more), else after the first gap of two spaces or more (「国務大臣　　　松野　博一君」),
    else after the indent."""
    lead = len(text) - len(text.lstrip())
    bracket = re.match(r"[ \t\u3000]*(?:[(（][^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*[)）])+|[ \t\u3000]*[)）]+", text)
    if bracket:
        rest = text[bracket.end():]
        return bracket.end() + len(rest) - len(rest.lstrip())
    gap = re.match(r"[ \t\u3000]*\S.*?[ \t\u3000]{2,}(?=\S)", text)
    return gap.end() if gap else lead


def _stacked_titles(block: list[Line]) -> dict[int, tuple[str, list[int]]]:
    """A minister's titles printed in a narrow column over the line with the name (the Diet's 会議録情報:
    「財務大臣」「国務大臣」「（金融担当）　麻生　太郎君」, or wrapped mid-word: 「（内閣府特命担」「当大臣（金融）」
    「）　　麻生　太郎君」): the name line's index -> (the whole title, the lines above that hold it). The title
    lines stand at the name line's indent and are a minister's (ending 大臣/長官/補佐人…, or a bracketed
    portfolio, or inside one), and are taken only where the title is evidently continued: two or more lines,
    or a part of it printed before the name as well (a single title over a name is read elsewhere, as is a
    municipal title wrapped around its holder's name)."""
    out: dict[int, tuple[str, list[int]]] = {}
    run: list[int] = []
    depth = 0  # brackets the run has opened and not closed
    for n, line in enumerate(block):
        bare = nospace(line.norm)
        if bare.endswith("君"):
            start = _name_start(line.text)
            fragment = nospace(nfkc(line.text[:start]))
            if run and all(block[i].indent == line.indent for i in run) and (len(run) >= 2 or fragment):
                parts = [nospace(block[i].norm) for i in run] + ([fragment] if fragment else [])
                title, level = "", 0
                for part in parts:
                    if title and level == 0 and title.endswith(_MINISTERIAL + (")",)) and part[:1] != ")":
                        title += " "
                    title += part
                    level += part.count("(") - part.count(")")
                out[n] = (title, list(run))
            run, depth = [], 0
            continue
        ministerial = (depth > 0 or bare[:1] == "(" or bare.endswith(_MINISTERIAL)) and len(bare) <= 20 and "。" not in bare
        if ministerial and (not run or block[run[-1]].indent == line.indent):
            run.append(n)
            depth = max(0, depth + bare.count("(") - bare.count(")"))
        else:
            run, depth = [], 0
    return out


_DITTO = ("〃", "同", "同上", "々")


def _ditto_titles(block: list[Line], people: list[Attendee]) -> list[Attendee]:
    """「〃」 in a roster's title column repeats the title above it: 「委員　渡辺峰子君」 over 「〃　木村修寿君」
    is two 委員. Read as printed, the mark was a person of its own (「〃」) or the start of a name (「〃木村修寿」)."""
    out: list[Attendee] = []
    last_title = ""
    i = 0
    while i < len(people):
        p = people[i]
        name = p.name.strip()
        if name in _DITTO and not p.title and i + 1 < len(people) and not people[i + 1].title \
                and _line_start(block, people[i + 1]) == _line_start(block, p):
            p = replace(people[i + 1], title=last_title)  # 「〃」 and the name read as two cells of one line
            i += 1
        elif name[:1] == "〃" and len(name) > 1 and not p.title:
            p = replace(p, name=name[1:].strip(), title=last_title)
        elif p.title.strip() in _DITTO:
            p = replace(p, title=last_title)
        if p.title:
            last_title = p.title
        out.append(p)
        i += 1
    return out


def _line_start(block: list[Line], person: Attendee) -> int:
    return next((ln.start for ln in block if ln.start <= person.span.start < ln.end + 1), -1)


_ORG_END_RE = re.compile(r"(?:省|庁|府|局|部|課|室|会|所|団|社|院|大学|協会|機構|センター|法人|組合|銀行|新聞)$")
_EACH = r"の?各(委員|議員|理事|構成員)"  # 「…清沢謙治各委員」「…、保坂の各委員」: every name before it holds the role
_EACH_LIST_RE = re.compile(_EACH + r"\s*(?:[（(][^()（）]*[)）])?$")
_EACH_RE = re.compile(_EACH + "$")


def _words_of_one_cell(text: str, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each space-separated word of a line that is one cell; none for a line of several."""
    if len(cells) != 1:
        return []
    s0, e0 = cells[0]
    return [(m.start() + s0, m.end() + s0) for m in re.finditer(r"\S+", text[s0:e0])]


def _spaced_full_names(text: str, cells: list[tuple[int, int]], continuing: bool) -> list[tuple[int, int, str, str]]:
    """Full names one space apart on a one-cell line, none with a title (「◎山川昌子 ○肥沼茂男 佐藤真和」,
    「駒崎高行 田中富造 清沢謙治各委員」): three or more words of three to six characters (a surname
    and given name one space apart, 「山田 太郎」, is two short words), or two on a line continuing such
    a list. A chair's mark (◎ ○) stays in the span, out of the name; a closing 「各委員」 is the role
    of the whole list. Returns (start, end, name, each-role) per person, or nothing."""
    words = _words_of_one_cell(text, cells)
    if len(words) < (2 if continuing else 3):
        return []
    out = []
    for s, e in words:
        word = nfkc(text[s:e])
        if len(word) != e - s or re.search(r"[0-9、，,()（）:：君]", word):
            return []
        each = _EACH_RE.search(word) if (s, e) == words[-1] else None
        name = word[: each.start()] if each else word
        name = name.lstrip("◎○◯")
        if (not 3 <= len(name) <= 6 or any(w in name for w in ROLE_WORDS) or not re.fullmatch(r"[一-龥々ぁ-んァ-ヶー]+", name)
                or _ORG_END_RE.search(name)):
            return []  # 「総務省 財務省 経済産業省」 are organisations, not people
        out.append((s, e, name, each.group(1) if each else ""))
    return out


def _titled_names(text: str, cells: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """People one space apart in a one-cell line, each name with its title after it
    (「佐藤医療課長　田中審議官」): every word ends with a title and has a surname before it.
    Empty unless every word is such a person."""
    words = _words_of_one_cell(text, cells)
    if len(words) < 2:
        return []
    out = []
    for s, e in words:
        word = nfkc(text[s:e])
        if len(word) != e - s or re.search(r"[、，,()（）君]", word):
            return []
        role = next((w for w in ROLE_WORDS if word.endswith(w)), None)
        if role is None or len(word) == len(role) or (len(word) - len(role) == 1 and word[0] in "副次総主代元前新"):
            return []  # a name before every title (「林主査」: one character may be a surname; 「副主査」 is a title)
        cut = name_end(word[: -len(role)])
        out.append((s, e, text[s:s + cut], text[s + cut:e]))
    return out


_NOBODY = ("なし", "無し", "該当なし", "該当者なし")


@dataclass(frozen=True)
class _Wrapped:
    lines: frozenset[int]  # indices of the lines that continue the line above
    roles: dict[tuple[int, int], str]  # (line index, cell start) -> the wrapped rest of that role
    names: dict[tuple[int, int], tuple[Line, int, int]]  # (line index, title cell start) -> the name below


def _wrapped_roles(block: list[Line], spaced: bool) -> "_Wrapped":
    """Roles a column roster wraps onto the next line, under their own column:

        政策部経営企画室　　　稲岡　　諭　　　　財務部財務室長　　　　榎並　一道
        企画課主幹

    A line whose every cell ends with a role word and starts in the column of a cell of the
    line above that is no role on its own (「政策部経営企画室」) continues that cell's role.
    A line of role/name pairs ending with a title alone has that title's name on the line below
    (「…　子ども・子育て支援部長」 over 「酒井敏春」).
    Returns the continuation lines, the wrapped rest of each role and the name below each title."""
    lines: set[int] = set()
    roles: dict[tuple[int, int], str] = {}
    names: dict[tuple[int, int], tuple[Line, int, int]] = {}
    for n in range(len(block) - 1):
        above, below = block[n], block[n + 1]
        if len(above.norm) != len(above.text) or len(below.norm) != len(below.text):
            continue
        under = _cells(below, spaced)
        cells = _cells(above, spaced)
        if len(cells) >= 2 and len(under) == 1:
            # 「副区長　　岸川紀子　　子ども・子育て支援部長」 over 「　…　酒井敏春」: the last cell is a title
            # with no name after it, the line below is one name at or right of that title's column
            ls, le = cells[-1]
            title, name = nospace(nfkc(above.text[ls:le])), nospace(nfkc(below.text[under[0][0]:under[0][1]]))
            if (_role_only(title) and not name.endswith(ROLE_WORDS) and not re.search(r"[0-9]|番", name)
                    and 2 <= len(name) <= 8 and below.indent + under[0][0] >= above.indent + ls
                    and not _role_only(nospace(nfkc(above.text[cells[-2][0]:cells[-2][1]])))):  # no title waits for it as its name
                lines.add(n + 1)
                names[(n, ls)] = (below, *under[0])
                continue
        rests = [nospace(nfkc(below.text[s:e])) for s, e in under]
        if not under or not all(_role_only(r) and len(r) <= 16 for r in rests):
            continue
        heads = {above.indent + s: (i, s) for i, (s, e) in enumerate(cells)
                 if i + 1 < len(cells) and _role_only(nospace(nfkc(above.text[s:e])), complete=False)}
        found = [heads.get(below.indent + s) for s, _ in under]
        if all(found):
            lines.add(n + 1)
            for (_, s), rest in zip(found, rests):
                roles[(n, s)] = rest
    return _Wrapped(frozenset(lines), roles, names)


def _title_over_name(block: list[Line], n: int, spaced: bool) -> tuple[str, Line, list[int]] | None:
    """A title too long for its column, printed on a line of its own with its holder's 「…君」 on the
    next line, further right, and maybe its last words or a bracketed note on the line after that,
    back in the title's column (「会計管理者」/「関森雅之君」/「（会計室長）」): (the whole title, the
    name's line, the lines used after the title's)."""
    line = block[n]
    if n + 1 >= len(block) or len(_cells(line, spaced)) != 1:
        return None
    title, below = nospace(nfkc(line.text)), block[n + 1]
    name = nospace(nfkc(below.text))
    if ("君" in title or re.search(r"[0-9]|番", title) or len(_cells(below, spaced)) != 1 or below.indent <= line.indent + 2
            or not name.endswith("君") or len(name) < 3 or len(norm_name := name[:-1]) > 10 or norm_name.endswith(ROLE_WORDS)):
        return None
    used = [n + 1]
    after = block[n + 2] if n + 2 < len(block) else None
    if (after is not None and after.indent == line.indent and len(_cells(after, spaced)) == 1
            and "君" not in after.text and len(nospace(after.text)) <= 16
            and not (n + 3 < len(block) and block[n + 3].indent > after.indent and nospace(block[n + 3].text).endswith("君"))):
        title += nospace(nfkc(after.text))  # 「事務局長」「（会計室長）」: the title's end, under its start
        used.append(n + 2)
    return (title, below, used) if title.endswith(_TITLE_ENDINGS + (")", "）")) else None


_TITLE_ENDINGS = ROLE_WORDS + OFFICE_SUFFIXES  # 「危機管理監」「デジタル統括本部長」「会計管理者」「…委員会専門員」


def _title_before_kun(title: str, name: str) -> bool:
    """「危機管理監」 before 「高坂哲也君」: a title (no 君, ending as titles end) and a person named with 君."""
    title, name = nospace(nfkc(title)), nospace(nfkc(name))
    return (name.endswith("君") and len(name) >= 3 and "君" not in title and not re.search(r"[0-9]", title)
            and title.endswith(_TITLE_ENDINGS))


def _role_only(cell: str, complete: bool = True) -> bool:
    """A roster cell holding a title and no person: no seat number, no 君/議員 after a name;
    ``complete``: it ends with a role word (「企画課主幹」), else it does not (「政策部経営企画室」)."""
    if re.search(r"[0-9]|君|議員$", cell):
        return False
    return cell.endswith(ROLE_WORDS) == complete


# a letter-spaced name: single characters one or two spaces apart (「吉　田　崇　仁」「入　　江　　啓　　太」)
_SPACED_RE = re.compile(r"(?:^|\s)\S[ \u3000]{1,2}\S(?=\s|$)")
_TIME_LINE_RE = re.compile(r"[(（]?(?:午前|午後)?[0-9〇一二三四五六七八九十]+時[0-9〇一二三四五六七八九十]*分?(?:開会|開議|再開|散会|閉会|延会|休憩)[)）]?")


def _cells(line: Line, spaced: bool = False) -> list[tuple[int, int]]:
    """Cells of a roster line, split at wide gaps. In a letter-spaced roster a wide gap
    also stands for the missing characters of a short name (「島　　　昌　之」「小笠原　　　聡」):
    a cell that is neither a role nor a numbered seat joins the name before it when
    the two together are no longer than a name; and a title printed whole two spaces after a
    letter-spaced name (「青　木　英　二　　副区長」) is the next column's."""
    out, pos = [], 0
    for m in _CELL_SPLIT.finditer(line.text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(line.text):
        out.append((pos, len(line.text)))
    if not spaced:
        return _joined_at_kun(line, out)
    split: list[tuple[int, int]] = []
    for s, e in out:
        tail = _TITLE_AFTER_NAME.search(line.text[s:e])
        if tail:
            split += [(s, s + tail.start()), (s + tail.start(1), e)]
        else:
            split += _titles_one_space_apart(line.text, s, e)
    out = split
    merged: list[tuple[int, int]] = []
    for s, e in out:
        cell = nospace(nfkc(line.text[s:e]))
        core = re.sub(r"(?:議員|君)$", "", cell)  # 「竹　浪　　　敦　議員」: the given name, then the suffix
        if merged and core and not _NUMBERED.match(cell) and not core.endswith(ROLE_WORDS + ("番",)):
            ps, pe = merged[-1]
            prev = nospace(nfkc(line.text[ps:pe]))
            numbered = _NUMBERED.match(nfkc(line.text[ps:pe]))
            prev_name = (nospace(numbered.group(2)) if numbered else
                         "" if prev.endswith(ROLE_WORDS) else _role_and_name(prev)[1])
            if prev_name and len(prev_name) + len(core) <= 6:
                merged[-1] = (ps, e)
                continue
        merged.append((s, e))
    return merged


# a title printed whole (「教育委員会教育長」「理事・総務課長」) one space after a letter-spaced name, in a
# roster of two people to a line with single spaces only (a town's PDF minutes as text:
# 「町 長 及 川 秀一郎 教育委員会教育長 種 田 直 章」)
_WHOLE_TITLE = re.compile(r"\S{1,14}(?:" + _WHOLE_TITLE_ENDINGS + r")")  # 「副村長」 too
_TITLE_WORD = re.compile("|".join(sorted(set(ROLE_WORDS + OFFICE_ENDINGS), key=len, reverse=True)))


def _titles_one_space_apart(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The cell ``text[s:e]`` split before each whole title that follows a title and a letter-spaced
    name (two or more single characters since the cell's start or the last cut, and a title ending
    at least two characters before it: 「議 会 事務局長」 is one title, 「町 長 及 川 秀一郎 教育委員会教育長」
    two people)."""
    cuts, singles, last = [], 0, s
    for m in re.finditer(r"\S+", text[s:e]):
        token = m.group(0)
        before = nospace(text[last : s + m.start()])
        if singles >= 2 and _WHOLE_TITLE.fullmatch(token) and _TITLE_WORD.search(before[:-2]):
            cuts.append(s + m.start())
            singles, last = 0, s + m.start()
        elif len(token) == 1:
            singles += 1
    if not cuts:
        return [(s, e)]
    bounds = [s, *cuts, e]
    return [(a, a + len(text[a:b].rstrip())) for a, b in zip(bounds, bounds[1:])]


def _joined_at_kun(line: Line, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """In a roster whose names end with 君, a wide gap inside a short name (「理事　原　　　侑君」)
    is padding, not a column: a cell that neither ends with 君 nor is a title joins the cell after
    it when that cell's first name ends with 君 soon enough for the two to be one name."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(cells):
        s, e = cells[i]
        cell = nospace(nfkc(line.text[s:e]))
        if i + 1 < len(cells) and not cell.endswith(("君",) + ROLE_WORDS + ("番",)) and not re.search(r"[0-9]", cell):
            s2, e2 = cells[i + 1]
            nxt = nospace(nfkc(line.text[s2:e2]))
            if "君" in nxt and len(cell.rsplit("君", 1)[-1]) + nxt.index("君") <= 10:  # the name the gap cut
                out.append((s, e2))
                i += 2
                continue
        out.append((s, e))
        i += 1
    return out


def _names_in_cell(cell: str, offset: int) -> list[tuple[str, str, int, int]]:
    """People in one cell: 「理事　辻井民之助君　理事　山下　榮二君」, 「委　　員　　川端　宏明」,
    「山田太郎（○○大学教授）、佐藤花子」, 「町村 信孝\t内閣官房長官」.

    君 ends a name where the roster uses it; a role word (委員長, 理事 …) before a
    name is its role. Names are returned without letter-spacing.
    """
    stripped = cell.strip()
    if not stripped:
        return []
    s0 = offset + (len(cell) - len(cell.lstrip()))
    span = (s0, s0 + len(stripped))
    m = re.match(r"^(.+?)\s*[（(](.+)[）)]$", stripped)
    if m and "、" not in stripped and "君" not in stripped:
        before, inside = nospace(nfkc(m.group(1))), nospace(nfkc(m.group(2)))
        title = next((w for w in ROLE_WORDS if before.endswith(w)), None)
        remit = bool(re.search(r"(?:担当|関係|兼務)$", inside))
        if (title and len(before) > len(title) and "各" not in before
                and (remit or not remit_only(before[: -len(title)]))):
            # a name, its title and the bracket after it: an affiliation (「村田純主査(架空大学)」) or the
            # title's remit (「香取政策統括官（社会保障担当）」)
            cut = name_end(before[: -len(title)])
            return [(before[:cut], before[cut:] + m.group(0)[len(m.group(1)):].strip(), *span)]
        if title and not remit and len(inside) <= 6 and not any(w in inside for w in ROLE_WORDS):
            return [(_fold(m.group(2)), m.group(1).strip(), *span)]  # 「庶務議事課主任(塚本志保)」: the title, then its holder
        return [(_fold(m.group(1)), m.group(2), *span)]
    if not re.search(r"[、，,]", stripped):
        titled = _titled_names(cell, [(len(cell) - len(cell.lstrip()), len(cell.rstrip()))])
        if titled:  # 「林主査　小橋主事」: two people one space apart, each with a title
            return [(name, role, offset + s, offset + e) for s, e, name, role in titled]
    tokens = stripped.split()
    if len(tokens) == 2 and _title_before_kun(tokens[0], tokens[1]) and len(nospace(tokens[0])) >= 3:
        return [(_fold(tokens[1]), tokens[0], *span)]  # 「にぎわいスポーツ文化局長　足立哲郎君」: one space between
    if (len(tokens) >= 2 and not re.search(r"[、，,]", stripped) and any(w in nfkc(tokens[0]) for w in ROLE_WORDS)
            and not any(w in nfkc("".join(tokens[1:])) for w in ROLE_WORDS + ("君",)) and len("".join(tokens[1:])) <= 6):
        return [("".join(tokens[1:]), tokens[0], *span)]  # 「財務部理事兼庁舎建設担当 下河邊卓美」
    each = _EACH_LIST_RE.search(stripped)
    if each and re.search(r"[、，,]", stripped[: each.start()]):
        # 「日向委員長、くり林、中里、保坂の各委員(後藤副委員長は欠席)」: every name without a title is a 委員;
        # the bracketed note after the list names no one present
        listed = _names_in_cell(cell[: cell.index(stripped) + each.start()], offset)
        return [(n, r or each.group(1), ps, pe) for n, r, ps, pe in listed]
    if re.search(r"[、，,]", stripped):
        out, pos = [], 0
        for part in re.split(r"([、，,])", cell):
            if part and part not in "、，,":
                out += _names_in_cell(part, offset + pos)
            pos += len(part)
        return out
    compact = nospace(nfkc(stripped))
    others = re.search(r"(?:および|及び|ほか|外)関係(?:職員|者)$", compact)
    if others and others.start() > 0:
        compact = compact[: others.start()]  # 「浅見県民生活部長および関係職員」: and the officials unnamed
    if re.search(r"(?:他|ほか)$", compact) and compact[:-1 if compact.endswith("他") else -2].endswith(ROLE_WORDS):
        compact = compact[:-1] if compact.endswith("他") else compact[:-2]  # 「栗原管理官他」: and others unnamed
    pieces = [p for p in re.split(r"君", compact) if p] if "君" in compact else [compact]
    out = []
    for piece in pieces:
        role, name = _role_and_name(piece)
        ending = next((w for w in ROLE_WORDS if piece.endswith(w)), "")
        if role and ending and ending.endswith(name):
            # 「丁野四郎委員長代理」: the title is the longer one the piece ends with, not 委員長 inside it
            role, name = "", piece
        if not role:  # 「山田太郎座長」「山田委員」: the role after the name
            suffix = next((w for w in ROLE_WORDS if name.endswith(w)), None)
            if suffix and len(name) - len(suffix) >= 2:
                # where the dictionary knows the surname, the title starts after it, as in a
                # speaker label: 「土屋議会総務課長」 → 土屋 / 議会総務課長
                cut = name_end(name[: -len(suffix)])
                if (cut < len(name) - len(suffix) and re.match(re.escape(name[:cut]) + r"\s", nfkc(stripped))
                        and not remit_only(name[cut: -len(suffix)])):
                    cut = len(name) - len(suffix)  # 「大森 彌会長」: the space parts surname and given name; the title follows
                name, role = name[:cut], name[cut:]
        if name:
            out.append((name, role, *span))
    if len(out) == 1 and "君" not in compact:
        tokens = re.split(r"\t+|\s{2,}", stripped, maxsplit=1)
        if not out[0][1] and len(tokens) == 2 and tokens[1].strip():  # 「町村 信孝\t内閣官房長官」
            return [(_fold(tokens[0]), tokens[1].strip(), *span)]
    return out


def _role_and_name(piece: str) -> tuple[str, str]:
    """「勞働委員長加藤勘十」→(勞働委員長, 加藤勘十); 「委員長島津明香」→(委員長, 島津明香); 「山田太郎」→("", 山田太郎)."""
    best = 0
    for word in ROLE_WORDS + ("理事",):
        i = piece.find(word)
        while i != -1:
            end = i + len(word)
            if len(piece) - end >= 2 and end > best and i <= 8:
                best = end
            i = piece.find(word, i + 1)
    return piece[:best], piece[best:]


def _fold(name: str) -> str:
    """Letter-spaced 「都　　倉　　達　　殊」 → 「都倉達殊」; 「町村 信孝」 keeps its one space."""
    name = name.strip()
    for h in ("君", "議員", "さん", "氏"):
        if name.endswith(h) and len(name) > len(h) + 1:
            name = name[: -len(h)]
    parts = name.split()
    if len(parts) > 2 or (parts and all(len(p) == 1 for p in parts)) or re.search(r"\s{2,}", name):
        return "".join(parts)
    return " ".join(parts)


def _person(line: Line, s: int, e: int, name: str, role: str, group: str) -> Attendee:
    return Attendee(name, role, Span(line.text[s:e], line.start + s, line.start + e), group)


def agenda_items(text: str, block: list[Line]) -> list[tuple[str, Span]]:
    """Agenda entries: 「日程第１　…」「第　１　…」「(1) …」「１．…」 lines, or one item a line in an
    unnumbered list; wrapped (more indented) lines join their item."""
    items: list[tuple[str, Span]] = []
    item_indent, numbered, any_numbered = 0, False, False  # any_numbered: the list opened with a numbered item
    # (the Diet marks every item of 「本日の会議に付した案件」 「一、」: a bullet, not a number)
    item_re = re.compile(r"^(?:日程\s*)?第\s*([0-9一二三四五六七八九十百]+)(?:\s+|$)|^[(（]?\s*(\d+)\s*[)）.．、]\s*|^(?:[・\-○]|一\s*[、，])\s*")
    for n, line in enumerate(block):
        norm = line.norm
        if items and re.fullmatch(r"〔[^〕]*〕", line.text.strip()):
            # 「〔佐藤勉君会長席に着く〕」 after the items (below a rule): the proceedings begin (a round
            # bracket line, 「（趣旨説明）」「（政策部）」, belongs to the list)
            break
        if (find_date(norm) or find_time(norm)) and not item_re.match(norm):
            continue  # 「令和５年５月２２日（月）午前１０時開会」 under 議事日程
        if re.fullmatch(r"第\s*[0-9一二三四五六七八九十百]+\s*号", norm.strip()):
            continue  # 「議事日程　第九号」
        following = block[n + 1].norm if n + 1 < len(block) else ""
        if ((re.fullmatch(r"[(（][^()（）]{1,20}[)）]", norm.strip()) and item_re.match(following))
                or re.search(r"(?:記録|会議録|議事録)(?:\s*第\s*[0-9一二三四五六七八九十]+\s*号)?$", norm.strip())
                or re.fullmatch(r"[〇○◯]?\s*第\s*[0-9一二三四五六七八九十]+\s*日", norm.strip())  # 「〇　第　１　日」: which day
                or re.fullmatch(r"(?:議事)?日程(?:第\d+号)?(?:と同じ|に同じ|のとおり)", nospace(norm))
                or re.fullmatch(r"別紙[^。]{0,10}(?:のとおり|による)", nospace(norm))
                or re.fullmatch(r"(?:日程番号|議案番号|番号|付議案件|付議事件|件名|議案名|案件名|提出者|議決結果|結果)+", nospace(norm))):
            # 「日程番号 議案番号 付 議 案 件」: the header row of an agenda printed as a table
            # 「本日の会議に付した事件　議事日程と同じ」 points at the agenda above; it is no item
            continue  # a group heading 「（消防本部）」 over its items (「（趣旨説明）」 after one is its end), the document's own 「総務常任委員会記録」
        m = item_re.match(norm)
        if m:
            from .japanese import kanji_number

            number = str(kanji_number(m.group(1) or m.group(2) or "") or len(items) + 1)
            start = m.end() if len(norm) == len(line.text) else 0
            items.append((number, Span(line.text[start:], line.start + start, line.end)))
            item_indent, numbered = line.indent, True
            any_numbered = any_numbered or len(items) == 1
        elif items and (line.indent > item_indent or (numbered and line.indent > 0)):
            number, span = items[-1]
            start = span.start if span.text.strip() else line.start  # 「日程第１」 alone: the title is below
            items[-1] = (number, Span(text[start : line.end], start, line.end))
        elif len(norm) <= 80 and not any_numbered:
            # an unnumbered list (「理事の互選」「議員の辞職について」 …): one item a line; after a numbered
            # list, an unnumbered line is the text that follows it (「△開会及び開議の宣告」), not an item
            items.append((str(len(items) + 1), line.span))
            item_indent, numbered = line.indent, False
    return items
