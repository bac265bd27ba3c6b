"""The numbered 議事要旨 layout (the bundled seed's): PDF-to-text dumps with title lines, then
numbered sections (1 日時, 2 場所, 3 出席者, 4 議事概要), with agenda items
``- (n) …`` and subsections ``(n) 出席者意見開陳`` whose remarks start with
``- ``. A page break leaves a blank line inside a remark; the paragraph after
it does not start with ``- `` and belongs to the remark before it.

Every span keeps offsets into the decoded text so that
``text[start:end] == span.text`` holds exactly; nothing is normalised in place.
Matching is done on NFKC forms so full-width digits and brackets are accepted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import replace

from ..domain import AgendaItem, Attendee, Decision, Meeting, Remark, Span
from .lines import Line, span_of, split_lines


class LayoutMismatch(Exception):
    """The text is not in this layout; another parser should try (never shown to users)."""

# ---------------------------------------------------------------- patterns (on NFKC text)

_SECTION_KEYWORDS = {
    "日時": "date",
    "開催日時": "date",
    "場所": "place",
    "開催場所": "place",
    "出席者": "attendees",
    "議事概要": "proceedings",
    "議事": "proceedings",
    "議事次第": "proceedings",
    "議題": "proceedings",
    "概要": "proceedings",
}
_SECTION_RE = re.compile(r"^(\d{1,2})[\.、．]?\s*(.{1,20})$")
_NUMBERED_LINE_RE = re.compile(r"^\d{1,2}\s*[.、．]\s*\S")
_ITEM_RE = re.compile(r"^(?:[-・]\s*)?\((\d{1,2})\)\s*(.+)$")
_BULLET_RE = re.compile(r"^[-・○◯●]\s*")
_END_RE = re.compile(r"^[-－ー―‐─−\s]*以\s*上[-－ー―‐─−\s]*$")  # − (U+2212): EUC-JP's JIS minus
_WAREKI = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_DATE_RE = re.compile(
    r"(?:(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})|(\d{4}))\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"(?:\s*\(\s*[月火水木金土日]\s*\))?"
)
_TIME_RE = re.compile(r"\d{1,2}\s*[:時]\s*\d{0,2}\s*分?\s*[~〜\-–]\s*\d{1,2}\s*[:時]\s*\d{0,2}\s*分?")
_NUMBER_RE = re.compile(r"第\s*(\d+)\s*回")
_KIND_RE = re.compile(r"(議事要旨|議事録|議事概要|会議録)")
_PROXY_RE = re.compile(r"^\(\s*※?\s*(.+?)\s*代理(?:出席)?\s*\)$")
_NOTE_RE = re.compile(r"^\(.*\)$")
_ORG_RE = re.compile(
    r"^(?:また、|なお、|さらに、)?"
    r"([^\s、。「」()]{0,20}?(?:省|庁|府|警察|委員会|本部|センター|機構|事務局))"
    r"(?:としては|として|では|においては|においても|から(?:は)?、)"
)
_AGENDA_REF_RE = re.compile(r"上記\s*(\(\d+\)\s*[~〜\-–]\s*\(\d+\)|\(\d+\))")


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


# NFKC maps a full-width character to one character in every case we match on
# (digits, brackets, colon, letters); offsets found in the NFKC string are only
# used after checking the lengths agree, otherwise we fall back to the line span.
def _sub_span(line: Line, m: re.Match[str], group: int = 0) -> Span:
    if len(line.norm) == len(line.text):
        s, e = m.span(group)
        return Span(line.text[s:e], line.start + s, line.start + e)
    return Span(line.text, line.start, line.end)


# ---------------------------------------------------------------- parser


def parse_numbered_summary(text: str, source: str, meeting_id: str) -> Meeting:
    """Parse the numbered 議事要旨 layout; ``LayoutMismatch`` when the text is not in it."""
    lines = split_lines(text)
    sections = _find_sections(lines)
    if len(sections) < 2 or "proceedings" not in {key for _, _, key in sections}:
        raise LayoutMismatch("expected numbered sections such as 「1 日時」「2 場所」「3 出席者」「4 議事概要」")
    first_section = sections[0][0]
    title_lines = [ln for ln in lines[:first_section] if ln is not None]
    if not title_lines:
        raise LayoutMismatch("no title before the first section")
    if any(_NUMBERED_LINE_RE.match(ln.norm) for ln in title_lines):
        # 「１．日　時　令和５年…」 before the first section found: numbered sections this
        # layout cannot read (a value on the heading's line) would be taken for the title
        raise LayoutMismatch("numbered lines before the first section: sections are not in this layout")
    title_span = Span(text[title_lines[0].start:title_lines[-1].end], title_lines[0].start, title_lines[-1].end)
    title = " ".join(ln.text for ln in title_lines)
    body, name, number, kind = _parse_title(_nfkc(title))

    by_kind: dict[str, tuple[int, int]] = {}
    for i, (idx, line, key) in enumerate(sections):
        stop = sections[i + 1][0] if i + 1 < len(sections) else len(lines)
        by_kind.setdefault(key, (idx + 1, stop))

    date_lines = _section_lines(lines, by_kind.get("date"))
    date_span, iso, time = _parse_date(date_lines, source)
    if date_span is None:  # some minutes put the date in the title block
        date_span, iso, time = _parse_date(title_lines, source)
    if date_span is None or iso is None:
        raise LayoutMismatch("no meeting date in the 日時 section")

    place_lines = _section_lines(lines, by_kind.get("place"))
    place_span = _join_span(text, place_lines)

    attendee_lines = _section_lines(lines, by_kind.get("attendees"))
    attendees = _parse_attendees(attendee_lines)
    attendees_span = _join_span(text, attendee_lines)

    proceedings = lines[by_kind["proceedings"][0]:by_kind["proceedings"][1]] if "proceedings" in by_kind else []
    agenda, agenda_span, secretariat, remarks, decisions = _parse_proceedings(text, proceedings)
    if not remarks and not decisions:
        # nothing read in the proceedings (speaker turns, free bullets): the open layouts read it
        raise LayoutMismatch("no remarks or decisions under the numbered proceedings section")

    return Meeting(
        meeting_id=meeting_id,
        source=source,
        title=title,
        body=body,
        name=name,
        number=number,
        kind=kind,
        date=iso,
        date_original=date_span.text,
        time=time,
        place=place_span.text if place_span else None,
        attendees=tuple(attendees),
        agenda=tuple(agenda),
        secretariat=secretariat,
        remarks=tuple(remarks),
        decisions=tuple(decisions),
        title_span=title_span,
        date_span=date_span,
        place_span=place_span,
        attendees_span=attendees_span,
        agenda_span=agenda_span,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _find_sections(lines: list[Line | None]) -> list[tuple[int, Line, str]]:
    found = []
    for idx, line in enumerate(lines):
        if line is None:
            continue
        m = _SECTION_RE.match(line.norm)
        if not m:
            continue
        heading = _nospace(m.group(2))
        heading = re.sub(r"\(.*\)$", "", heading)  # 出席者(敬称略)
        key = _SECTION_KEYWORDS.get(heading)
        if key:
            found.append((idx, line, key))
    return found


def _section_lines(lines: list[Line | None], bounds: tuple[int, int] | None) -> list[Line]:
    if bounds is None:
        return []
    return [ln for ln in lines[bounds[0]:bounds[1]] if ln is not None]


def _join_span(text: str, lines: list[Line]) -> Span | None:
    if not lines:
        return None
    return span_of(text, lines[0].start, lines[-1].end)


def _parse_title(title: str) -> tuple[str, str, int | None, str]:
    kind_m = _KIND_RE.search(title)
    kind = kind_m.group(1) if kind_m else "議事要旨"
    num_m = _NUMBER_RE.search(title)
    number = int(num_m.group(1)) if num_m else None
    head = title[: num_m.start()] if num_m else (title[: kind_m.start()] if kind_m else title)
    parts = head.split()
    name = parts[-1] if parts else title
    body = " ".join(parts[:-1])
    return body, name, number, kind


def _parse_date(lines: list[Line], source: str) -> tuple[Span | None, str | None, str | None]:
    for line in lines:
        m = _DATE_RE.search(line.norm)
        if not m:
            continue
        era, era_year, year, month, day = m.groups()
        if era:
            y = _WAREKI[era] + (1 if era_year == "元" else int(era_year))
        else:
            y = int(year)
        try:
            iso = dt.date(y, int(month), int(day)).isoformat()
        except ValueError:
            raise LayoutMismatch(f"the date 「{m.group(0)}」 is not a valid calendar date") from None
        t = _TIME_RE.search(line.norm, m.end())
        time = re.sub(r"\s+", "", t.group(0)) if t else None
        return _sub_span(line, m), iso, time
    return None, None, None


def _parse_attendees(lines: list[Line]) -> list[Attendee]:
    people: list[Attendee] = []
    group = "member"
    for line in lines:
        norm = line.norm.strip()
        proxy = _PROXY_RE.match(norm)
        if proxy:
            name, title = _split_person(proxy.group(1))
            members = [i for i, p in enumerate(people) if p.proxy_for is None]
            if not members:
                continue  # a proxy with nobody before it: keep nothing rather than guess
            mi = members[-1]
            member = people[mi]
            people[mi] = replace(member, represented_by=name)
            people.append(Attendee(name, title, Span(line.text, line.start, line.end), "proxy", proxy_for=member.name))
            continue
        if _NOTE_RE.match(norm):
            if "ほか" in norm or "他" in norm:
                group = "other"
            continue
        name, title = _split_person(line.text)
        people.append(Attendee(name, title, Span(line.text, line.start, line.end), group))
    return people


def _split_person(raw: str) -> tuple[str, str]:
    """「町村 信孝\\t内閣官房長官」 -> name, title. Tabs (or wide gaps) separate them when present."""
    raw = raw.strip()
    parts = re.split(r"\t+|\s{2,}|\u3000{1,}", raw, maxsplit=1)
    if len(parts) == 2:
        return re.sub(r"\s+", " ", parts[0]).strip(), parts[1].strip()
    tokens = raw.split()
    if len(tokens) >= 3:  # 姓 名 肩書
        return " ".join(tokens[:2]), " ".join(tokens[2:])
    if len(tokens) == 2:
        return tokens[0], tokens[1]
    return raw, ""


def _paragraphs(lines: list[Line | None]) -> list[list[Line]]:
    paras: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line is None:
            if current:
                paras.append(current)
                current = []
        else:
            current.append(line)
    if current:
        paras.append(current)
    return paras


def _parse_proceedings(
    text: str, lines: list[Line | None]
) -> tuple[list[AgendaItem], Span | None, Span | None, list[Remark], list[Decision]]:
    agenda: list[AgendaItem] = []
    secretariat: Span | None = None
    remarks: list[Remark] = []
    decisions: list[Decision] = []
    agenda_open = True  # the leading run of (n) items is the agenda
    agenda_start: int | None = None
    agenda_end: int | None = None
    section: str | None = None
    section_ref: str | None = None
    # Remark under construction: start offset, end offset, section, agenda ref
    open_remark: list | None = None

    def close_remark() -> None:
        nonlocal open_remark
        if open_remark is not None:
            start, end, sec, ref = open_remark
            body = text[start:end]
            org = _ORG_RE.match(_nfkc(body))
            remarks.append(Remark(len(remarks) + 1, body, start, end, sec, org.group(1) if org else None, ref))
            open_remark = None

    for line in lines:
        if line is None:
            continue
        norm = line.norm
        if _END_RE.match(norm):
            close_remark()
            continue
        item = _ITEM_RE.match(norm)
        bulleted = bool(_BULLET_RE.match(norm))
        if item and agenda_open:
            title_start = line.start + _title_offset(line)
            agenda.append(AgendaItem(item.group(1), item.group(2).strip(), span_of(text, title_start, line.end)))
            agenda_start = line.start if agenda_start is None else agenda_start
            agenda_end = line.end
            continue
        if item and not bulleted and len(item.group(2)) <= 30 and "。" not in item.group(2):
            close_remark()
            agenda_open = False
            section = _nospace(item.group(2))
            section_ref = None
            continue
        if agenda and agenda_open:
            agenda_open = False
        if section is None:
            # Explanation paragraphs between the agenda and the first subsection.
            if secretariat is None and "事務局" in norm:
                secretariat = Span(line.text, line.start, line.end)
                agenda_end = line.end
            continue
        if "決定" in section or "了承" in section:
            decisions.append(Decision(line.text, line.start, line.end, section))
            continue
        if bulleted:
            close_remark()
            marker = _BULLET_RE.match(line.text)
            offset = marker.end() if marker else 0
            open_remark = [line.start + offset, line.end, section, section_ref]
        elif open_remark is not None:
            # A wrapped line or a paragraph after a page break continues the remark.
            open_remark[1] = line.end
        else:
            ref = _AGENDA_REF_RE.search(norm)
            if ref and ("意見" in norm or "説明" in norm or "述べ" in norm):
                section_ref = ref.group(1)  # 「上記(1)～(7)について、出席者から…」 introduces the remarks
            else:
                open_remark = [line.start, line.end, section, section_ref]
    close_remark()
    agenda_span = span_of(text, agenda_start, agenda_end) if agenda_start is not None and agenda_end is not None else None
    return agenda, agenda_span, secretariat, remarks, decisions


def _title_offset(line: Line) -> int:
    """Offset within the line of the agenda title, after 「- (1) 」."""
    m = re.match(r"^(?:[-・]\s*)?[(（]\s*[0-9０-９]{1,2}\s*[)）]\s*", line.text)
    return m.end() if m else 0
