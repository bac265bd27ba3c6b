"""SourceDoc -> Meeting: one record shape for every layout.

Order of trial: the numbered 議事要旨 layout (strict, the seed's); speaker turns
(stated by the source, or found as labels in the text) make a 会議録; otherwise
the text is read as summary minutes (headings and bullets) or, failing that,
as a generic document of paragraphs, with a warning naming what was not found.
Readable minutes are never refused for their layout.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from dataclasses import replace

from ..domain import AgendaItem, Attendee, Meeting, Remark, Span, content_id
from ..errors import InputError
from ..readers.base import SourceDoc
from .generic import items
from .header import (FieldLine, agenda_items, attendees_in, closing_in, date_in, find_fields, from_to_time,
                     split_date_in, time_in, title_year_date, with_closing)
from .japanese import find_date, unspaced
from .lines import Line, is_rule, is_stage_note, nospace, split_lines
from .meta import ASSEMBLY_RE, KIND_RE, assembly_from_parts, assembly_in, assembly_named_most, display_name, parse_title
from .split import place_in_whole, split_document
from .summary import LayoutMismatch, parse_numbered_summary
from .transcript import remarks_from_turns, split_at_inline_marks, text_turns

LAYOUTS = ("numbered-summary", "transcript", "summary", "generic")
_HAS_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def meeting_id_for(source: str, ordinal: int = 0) -> str:
    """Content-addressed by source (and position, for files holding several meetings)."""
    return content_id("meeting", source, length=12) if ordinal == 0 else content_id("meeting", source, ordinal, length=12)


def parse_documents(docs: list[SourceDoc]) -> list[tuple[Meeting, str]]:
    """Every meeting of a file's documents, each with the stored text its offsets index. A text
    holding several meetings (repeated header blocks, layouts/split.py) becomes one record per
    meeting, all over the same stored text."""
    pieces = [(doc, split_document(doc)) for doc in docs]
    if all(len(parts) == 1 for _, parts in pieces):
        return [(parse_document(doc), doc.text) for doc in docs]
    out: list[tuple[Meeting, str]] = []
    for doc, parts in pieces:  # ordinals renumbered across the file, so meeting ids stay distinct
        for start, end, part in parts:
            if len(parts) == 1:
                out.append((parse_document(replace(doc, ordinal=len(out))), doc.text))
            else:
                meeting = parse_document(replace(part, ordinal=len(out)))
                out.append((place_in_whole(meeting, doc, start, end), doc.text))
    return out


def parse_document(doc: SourceDoc) -> Meeting:
    if not _HAS_JAPANESE.search(doc.text):
        raise InputError(doc.source, "contains no Japanese text, so it is not Japanese meeting minutes")
    meeting_id = meeting_id_for(doc.source, doc.ordinal)
    if doc.turns is None:
        try:
            meeting = parse_numbered_summary(doc.text, doc.source, meeting_id)
        except LayoutMismatch:
            pass
        else:
            remarks = tuple(replace(r, page=doc.page_at(r.start)) for r in meeting.remarks) if doc.pages else meeting.remarks
            return replace(meeting, remarks=remarks, file_type=doc.file_type, pages=doc.pages,
                           warnings=doc.warnings, ordinal=doc.ordinal, url=doc.hints.url)
    return _parse_open_layout(doc, meeting_id)


def _parse_open_layout(doc: SourceDoc, meeting_id: str) -> Meeting:
    text = doc.text
    lines = split_lines(text)
    warnings = list(doc.warnings)
    structured = doc.turns is not None
    closing_span = closing_in(lines)  # where the sitting ended: the record's time, and where signatures begin
    turns = doc.turns if structured else text_turns(doc, lines, closing_span)
    transcript = len(turns) >= 2 or (structured and len(turns) >= 1) or _one_turn_page(text, turns)

    if doc.header is not None:
        header_start, header_end = doc.header
    else:
        header_start = 0
        header_end = text.rfind("\n", 0, turns[0].start) + 1 if transcript else len(text)
        label_at = text.rfind(turns[0].label, 0, turns[0].start) if transcript and turns[0].label else -1
        if not structured and header_end == 0 and label_at > 0 and text[:label_at].strip():
            # line breaks flattened into spaces (rag.layouts.transcript.split_at_inline_marks): the first
            # label stands mid-line, and the header is the text before it, read as the pieces the labels cut
            lines = split_at_inline_marks(lines)
            header_end = label_at
    head_idx = [i for i, ln in enumerate(lines) if ln is not None and header_start <= ln.start < header_end]
    lo, hi = (head_idx[0], head_idx[-1] + 1) if head_idx else (0, 0)
    fields = [f for f in find_fields(lines, hi) if f.index >= lo]
    blocks = _kind_labels(_agenda_lists(_blocks(lines, fields, hi, paragraph_ends=not transcript)))
    body_fields = set() if transcript else _inside_body(blocks)
    if body_fields:  # 「(1) 報告事項」 under 「議事概要」 is a section of the body, not a header field
        fields = [f for f in fields if f.index not in body_fields]
        blocks = _kind_labels(_agenda_lists(_blocks(lines, fields, hi, paragraph_ends=not transcript)))
    by_field: dict[str, list[tuple[FieldLine, list[Line]]]] = {}
    for f, block in blocks:
        by_field.setdefault(f.field, []).append((f, block))

    # title
    first_lines = [ln for ln in lines[lo:hi] if _may_be_title(ln)]
    title_field = by_field.get("title", [(None, [])])[0][1]
    pre_field = [ln for ln in lines[lo : (fields[0].index if fields else hi)] if _may_be_title(ln)]
    named = [ln for ln in pre_field if KIND_RE.search(_title_form(ln.norm)) or ASSEMBLY_RE.search(_title_form(ln.norm))]
    found_title = (title_field[:1] or named[:1] or pre_field[:1] or first_lines[:1])
    if found_title:
        title_line = found_title[0]
        if not title_field and not doc.hints.title:
            title_line = _with_title_lines_above(text, lines, title_line, {f.index for f in fields})
        title = doc.hints.title or _title_form(title_line.text)
    else:  # a page with no title at all: the file name stands in, and the user is told
        title_line = next(ln for ln in lines if ln is not None)
        title = doc.hints.title or ""
        if not title:
            warnings.append("no title found in the minutes: the meeting is labelled by its body and file name")
    title_span = title_line.span
    parts = parse_title(title)

    # date: a stated field first, then the header, then the opening of the text
    date_lines = [ln for _, b in by_field.get("date", []) for ln in b]
    header_lines = [ln for ln in lines[lo:hi] if ln is not None]
    found = (date_in(date_lines) or date_in([title_line]) or date_in(header_lines) or split_date_in(header_lines)
             or title_year_date(title, header_lines) or date_in([ln for ln in lines[:80] if ln is not None]))
    date_span, iso, time = (found if found else (None, None, None))
    if doc.hints.date:
        if iso != doc.hints.date:
            # the source's date field decides; the text's date is kept only when it agrees
            date_span = _date_span_matching(header_lines, doc.hints.date)
        iso = doc.hints.date
    if iso is None:
        warnings.append("no meeting date found: the record has no date, so date filters and date questions cannot find it")
    time = time or from_to_time(date_lines) or time_in(date_lines) or time_in(header_lines)
    time = with_closing(time, closing_span)

    place_block = by_field.get("place", [(None, [])])[0][1]
    place_span = place_block[0].span if place_block else _unlabelled_place(header_lines, date_span)
    place = doc.hints.place or (place_span.text if place_span else None)

    attendees: list[Attendee] = []
    att_lines: list[Line] = []
    present_listed = any(f.key in ("出席委員", "出席議員") for f, _ in by_field.get("attendees", []))
    for f, block in by_field.get("attendees", []):
        if present_listed and f.key == "委員" and nospace(lines[f.index].norm).startswith("委員氏名"):
            continue  # the Diet's 「委員氏名」 lists the membership; 「出席委員」 below it, who attended
        attendees += attendees_in(block, f.key)
        att_lines += block
    attendees_span = Span(text[att_lines[0].start : att_lines[-1].end], att_lines[0].start, att_lines[-1].end) if att_lines else None

    agenda: list[AgendaItem] = []
    agenda_lines: list[Line] = []
    for _, block in by_field.get("agenda", []):
        found_items = agenda_items(text, block)
        listed = {re.sub(r"\s+", "", a.title) for a in agenda}  # 議事日程 and 会議に付した事件 list the same items
        agenda += [AgendaItem(n, span.text, span) for n, span in found_items if re.sub(r"\s+", "", span.text) not in listed]
        if found_items:  # a 「○議事日程」 block holding only the document's heading spans nothing
            last = found_items[-1][1].end  # nor does the 「（午後１時００分開会）」 line after the items
            agenda_lines += [ln for ln in block if ln.start < last]
    agenda_span = Span(text[agenda_lines[0].start : agenda_lines[-1].end], agenda_lines[0].start, agenda_lines[-1].end) if agenda_lines else None

    # remarks
    if transcript:
        remarks, decisions = remarks_from_turns(doc, turns, structured)
        if not structured:
            remarks = _split_by_roster(remarks, attendees)
        layout, kind = "transcript", parts.kind or "会議録"
    else:
        body_start = _body_start(lines, blocks, title_line)
        section = by_field["proceedings"][0][0].key if "proceedings" in by_field else "本文"
        remarks, decisions = items(text, lines[body_start:], section)
        bulleted = sum(1 for ln in lines[body_start:] if ln is not None and re.match(r"^[-・•*○◯●]", ln.norm))
        if "proceedings" in by_field or bulleted >= 2 or parts.kind in ("議事要旨", "議事概要"):
            layout, kind = "summary", parts.kind or "議事要旨"
        else:
            layout, kind = "generic", parts.kind or "文書"
            warnings.append("layout not recognised (no speaker turns, numbered sections or bullets): "
                            "indexed as a generic document in paragraphs")
        if doc.pages:
            remarks = [replace(r, page=doc.page_at(r.start)) for r in remarks]
    if not remarks:
        warnings.append("no remarks found: only the header is indexed")
    several = _other_meeting_dates(lines, iso)
    if several:
        warnings.append(f"{Path(doc.source).name}: the text seems to hold {len(several) + 1} meetings (other 日時 "
                        f"fields: {', '.join(several[:5])}), but no repeated title/date header block divides it; "
                        f"it is indexed as one record dated {iso or 'unknown'} and those other dates are ignored")

    body = (doc.hints.body or parts.body or assembly_in(text[:header_end] if header_end else text)
            or assembly_named_most(text) or "")
    # a title that is its body, kind and number only (「横浜市会　会議録（第16号）」) names no meeting beyond them
    name = doc.hints.name or parts.name or (title if found_title and not parts.body else "")
    number = doc.hints.number if doc.hints.number is not None else parts.number
    unit = doc.hints.number_unit or parts.number_unit
    if not body:
        derived = assembly_from_parts(text)
        if derived:
            body = derived
            warnings.append(f"会議体 「{derived}」 derived from the text (it names 「…議会」 and that municipality), not stated in full")
        else:
            warnings.append("no 会議体 (body) named in the title or text")

    return Meeting(
        meeting_id=meeting_id,
        source=doc.source,
        title=re.sub(r"\s+", " ", title).strip(),
        body=body,
        name=name,
        number=number,
        kind=kind,
        date=iso,
        date_original=date_span.text if date_span else None,
        time=time,
        place=place,
        attendees=tuple(attendees),
        agenda=tuple(agenda),
        secretariat=None,
        remarks=tuple(remarks),
        decisions=tuple(decisions),
        title_span=title_span,
        date_span=date_span,
        place_span=place_span,
        attendees_span=attendees_span,
        agenda_span=agenda_span,
        closing_span=closing_span,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        layout=layout,
        file_type=doc.file_type,
        number_unit=unit,
        display_name=display_name(body, name, number, unit) or Path(doc.source).stem,
        warnings=tuple(warnings),
        pages=doc.pages,
        url=doc.hints.url,
        ordinal=doc.ordinal,
    )


def _other_meeting_dates(lines: list[Line | None], iso: str | None) -> list[str]:
    """Dates of 日時/開催日/期日 fields anywhere in the text that differ from the meeting's: a
    file that concatenates several meetings (never silently cut to the first)."""
    found: list[str] = []
    for f in find_fields(lines):
        if f.field != "date":
            continue
        block = [f.value] if f.value else [ln for ln in lines[f.index + 1 : f.index + 3] if ln is not None]
        got = date_in([Line(b.start, b.end, b.text) for b in block if b is not None])
        if got and got[1] != iso and got[1] not in found:
            found.append(got[1])
    return found


def _with_title_lines_above(text: str, lines: list[Line | None], line: Line, field_rows: set[int]) -> Line:
    """A title printed over several lines, the body and the committee above the meeting's own line
    (「法制審議会」「商法（船荷証券等関係）部会」 over 「第１６回会議　議事録」): the block as one title line (its
    span covers the lines between, verbatim). Only short, unpunctuated lines directly above join."""
    i = lines.index(line)
    first = i
    while first > 0 and i - first < 2:
        above = lines[first - 1]
        if (above is None or first - 1 in field_rows or not _may_be_title(above) or len(above.norm.strip()) > 30
                or re.search(r"[。、,，:：]", above.norm) or find_date(above.norm)
                # 「第４回」 over 「横浜市会　会議録」 over 「定例会」: a title set in a column, not a body above it
                or re.fullmatch(r"[第0-9〇一二三四五六七八九十百回号日\s]+", above.norm.strip())):
            break
        first -= 1
    if first == i:
        return line
    start = lines[first].start
    return Line(start, line.end, text[start : line.end], lines[first].indent)


def _one_turn_page(text: str, turns) -> bool:
    """A page that holds one speaker's turn (a vendor's site serves each remark as a page of its own:
    「○議長（川崎浩之君）　皆さん、おはようございます。…」): a marked label naming a person and a role, with
    no sentence before it. Read as a summary it had no remark, and the speech became the title."""
    if len(turns) != 1 or not turns[0].label or not turns[0].speaker or not turns[0].role:
        return False
    label_at = text.rfind(turns[0].label, 0, turns[0].start)
    return turns[0].label[:1] in "○◯◎◆〇" and label_at >= 0 and not re.search(r"[。？?！!]", text[:label_at])


def _title_form(text: str) -> str:
    """A title printed letter-spaced (「令 和 ６ 年 豊 富 町 議 会 第 １ 回 臨 時 会 会 議 録」) read without its spaces,
    and a Markdown heading (「# ICT演習教育系第3回」) without its marks, line by line (a title of several lines
    keeps its line breaks); any other text as it is."""
    return "\n".join(unspaced(re.sub(r"^#{1,6}[ \t\u3000]+", "", line)) for line in text.split("\n"))


def _may_be_title(line: Line | None) -> bool:
    """Not a rule, a bare speech number (「1」「2:」) or a time line (「午前10時開議」)."""
    if line is None or is_rule(line.norm):
        return False
    norm = line.norm.strip()
    return not re.fullmatch(r"\d{1,4}\s*[:：]?", norm) and not re.fullmatch(r"[(（]?(?:午前|午後)?\s*\d{1,2}\s*時.{0,8}(?:開議|開会|再開)[)）]?", norm)


_PROCEEDINGS_FOLLOW_RE = re.compile(r"^(?:議事|会議)?の?(?:経過|顛末|次第)(?:等)?は[、,]?\s*次のとおり")
_OPENED_RE = re.compile(r"[0-9一二三四五六七八九十〇零]\s*分?\s*(?:開会|開議|再開|開始)")


def _blocks(lines: list[Line | None], fields: list[FieldLine], stop: int, paragraph_ends: bool) -> list[tuple[FieldLine, list[Line]]]:
    """Each field with its lines: its own line's value, then the lines up to the next field.
    In summary layouts a blank line followed by an unindented non-field line also ends it
    (the body starts there)."""
    out = []
    for n, f in enumerate(fields):
        end = fields[n + 1].index if n + 1 < len(fields) else stop
        body: list[Line] = []
        first = [Line(f.value.start, f.value.end, f.value.text)] if f.value else []
        blank = False
        for ln in lines[f.index + 1 : end]:
            if ln is None:
                blank = True
                continue
            if paragraph_ends and blank and ln.indent == 0 and (body or first):
                break
            if (is_stage_note(ln.text) and _OPENED_RE.search(ln.norm)) or _PROCEEDINGS_FOLLOW_RE.search(ln.norm):
                # 「（午前１１時００分開会）」: the sitting has begun, a heading under it (「◎開会宣告」) is no one;
                # 「議事経過は、次のとおり」 says the proceedings follow
                break
            blank = False
            if not is_rule(ln.norm):
                body.append(ln)
        out.append((f, first + body))
    return out


_NUMBERED_ITEM_RE = re.compile(r"^(?:[-・]\s*)?(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.．、)）]|第\s*[0-9一二三四五六七八九十]+\s)")


def _agenda_lists(blocks: list[tuple[FieldLine, list[Line]]]) -> list[tuple[FieldLine, list[Line]]]:
    """A proceedings heading (「４．議事」) over nothing but numbered item lines with no
    sentence in them, followed by another proceedings heading (「５．議事概要」), lists the
    agenda: its items are the agenda, the later heading opens the body."""
    out = list(blocks)
    for n, (f, block) in enumerate(out):
        if f.field != "proceedings" or not block or not any(g.field == "proceedings" for g, _ in out[n + 1 :]):
            continue
        if all(_NUMBERED_ITEM_RE.match(ln.norm) and not re.search(r"[。．]", ln.norm) for ln in block):
            out[n] = (replace(f, field="agenda"), block)
    return out


def _kind_labels(blocks: list[tuple[FieldLine, list[Line]]]) -> list[tuple[FieldLine, list[Line]]]:
    """A proceedings word alone under the title (「議事概要」 over 「1 日 時」「2 場 所」…) names the
    document's kind: with nothing under it and the date or place still to come, it does not open
    the body (a roster key after it may be a section of the body: 「委員」 over what they said)."""
    out = list(blocks)
    for n, (f, block) in enumerate(out):
        if f.field == "proceedings" and not block and f.value is None and any(
                g.field in ("date", "place") for g, _ in out[n + 1 :]):
            out[n] = (replace(f, field="other"), block)
    return out


def _inside_body(blocks: list[tuple[FieldLine, list[Line]]]) -> set[int]:
    """Line indexes of field-like lines after the body has begun: once a proceedings
    heading (「議事概要」) has opened the body, only further proceedings headings
    (「委員からの主な意見」) name its sections; 「(1) 報告事項」「出席者」 there are the
    body's own headings and text, not header fields."""
    opened = next((n for n, (f, _) in enumerate(blocks) if f.field == "proceedings"), None)
    if opened is None:
        return set()
    return {f.index for f, _ in blocks[opened + 1 :] if f.field != "proceedings"}


def _body_start(lines: list[Line | None], blocks: list[tuple[FieldLine, list[Line]]], title_line: Line) -> int:
    """Index of the first body line: after the proceedings heading if there is one,
    else after the last header field's lines (or after the title)."""
    for f, _ in blocks:
        if f.field == "proceedings":
            return f.index  # the heading line names the first section
    end_offset = title_line.end
    for f, block in blocks:
        end_offset = max(end_offset, block[-1].end if block else 0, lines[f.index].end if lines[f.index] else 0)
    for i, ln in enumerate(lines):
        if ln is not None and ln.start >= end_offset:
            return i
    return len(lines)


# words that name a building or room (the gate's place guard reads them in evidence lines too)
PLACE_WORDS = re.compile(r"(会議室|ホール|ビル|庁舎|議事堂|官邸|会館|ホテル|講堂|スクエア|センター|大会議室|会場|オンライン|Web会議|WEB会議)")


def _unlabelled_place(header: list[Line], date_span: Span | None) -> Span | None:
    """A place line with no 「場所」 key: the short line right after the date line that
    names a building or room (「日比谷国際ビルコンファレンススクエア（８Ｆ会議室）」)."""
    if date_span is None:
        return None
    for i, line in enumerate(header[:-1]):
        if line.start <= date_span.start < line.end + 1:
            nxt = header[i + 1]
            if len(nxt.norm) <= 60 and "。" not in nxt.norm and PLACE_WORDS.search(nxt.norm) and not find_date(nxt.text):
                return nxt.span
    return None


def _date_span_matching(lines: list[Line], iso: str) -> Span | None:
    for line in lines:
        found = find_date(line.text)
        if found and found[0] == iso:
            return line.sub_span(found[1], found[2])
    return None


def _split_by_roster(remarks: list[Remark], attendees: list[Attendee]) -> list[Remark]:
    """A label the dictionary split wrongly or not at all (「○福住財務部税務室債権管理課長」 → 福住財務部税務室債権管理 /
    課長: 福住 is not in it) is split where the roster shows it: the label is a roster title after
    the start of that person's name (「福住　哲哉」, 財務部税務室債権管理課長), or a roster title whole
    (「○医療課長」, 佐藤医療課長 in the roster), which names no one. The roster is the minutes' own
    word; the dictionary's surname is a guess."""
    titles = [(re.sub(r"\s+", "", a.name), re.sub(r"\s+", "", a.title)) for a in attendees if a.title]
    whole_titles = {t for _, t in titles}
    out = []
    for r in remarks:
        if r.speaker and r.role:
            printed = r.speaker + r.role
            label = re.sub(r"\s+", "", printed)
            if label in whole_titles and not any(name.startswith(re.sub(r"\s+", "", r.speaker)) for name, _ in titles):
                # 「○医療課長」 with 「佐藤医療課長」 in the roster: the label is a title alone (医療 is no one)
                out.append(replace(r, speaker=None, role=printed.strip()))
                continue
            for name, title in titles:
                head = label[: len(label) - len(title)]
                if len(label) > len(title) and label.endswith(title) and name.startswith(head):
                    if re.sub(r"\s+", "", r.speaker) != head:  # cut the label as printed (「月嶹　真」 keeps its space)
                        cut = next(i for i in range(len(printed) + 1) if re.sub(r"\s+", "", printed[:i]) == head)
                        r = replace(r, speaker=printed[:cut].strip(), role=printed[cut:].strip())
                    break
        out.append(r)
    return out
