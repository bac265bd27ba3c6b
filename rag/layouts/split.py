"""Where a text holding several meetings divides: repeated title/date header blocks.

Vendor exports of a whole session concatenate complete minutes, each opening
with the same kind of header block: a title line naming the minutes
(「…委員会会議録」「第14回会合 議事要旨」) followed by its date, or the fields
「開催日：…」「会議名：…」. The block that opens the file sets the pattern; a
later block of the same shape starts the next meeting. Blocks of another shape
(「総務常任委員会記録」 under a 「開催日/会議名」 export header) and repeats of the
same title and date (running page headers) do not split, so a file is divided
only where the pattern decides it; otherwise it stays one record and the layout
parser's warning says what was ignored.

Every part keeps its offsets in the whole text (the text stored with the
index), so ``stored_text[start:end] == text`` holds for every span of every part.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from ..domain import Meeting, Span
from ..readers.base import Hints, SourceDoc
from .header import FIELD_KEYS, match_field
from .japanese import find_date
from .lines import Line, is_rule, split_lines
from .meta import KIND_RE

_LOOKAHEAD = 3  # a block's date is at most this many non-blank lines below its first line
_FIRST_BLOCK_WITHIN = 4  # the pattern must open the file: its block starts among the first lines
_MIN_BODY_LINES = 2  # a part must hold more than its header block
_OPENING_KEYS = re.compile("|".join(re.escape(k) for k in sorted(
    (k for k, f in FIELD_KEYS.items() if f in ("date", "title")), key=len, reverse=True)))


@dataclass(frozen=True)
class _Block:
    at: int  # index into the non-blank lines
    lines: int  # how many non-blank lines the block spans
    shape: tuple[str, ...]
    key: str  # the block's lines: the same block again is a running page header, not a meeting


def meeting_parts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each meeting in ``text``; one part (the whole text) unless a repeated
    header block of the opening block's shape divides it."""
    lines = [ln for ln in split_lines(text) if ln is not None]
    norms = [ln.norm for ln in lines]  # NFKC once per line: the one costly step on a large export
    rules = [is_rule(n) for n in norms]
    content = [i for i in range(len(lines)) if not rules[i]]
    first = next((b for b in (_block_at(lines, rules, i) for i in content[:_FIRST_BLOCK_WITHIN]) if b), None)
    if first is None:
        return [(0, len(text))]
    lead = first.at  # lines above the block that belong to it (a 会議体 line above 「第14回会合 議事要旨」)
    starts = [0]
    previous = first
    i = first.at + first.lines
    while i < len(lines):
        block = _block_at(lines, rules, i) if _may_open(norms[i]) else None
        if (block is None or block.shape != first.shape or block.key == previous.key
                or block.at - (previous.at + previous.lines) < _MIN_BODY_LINES + lead):
            i += 1
            continue
        begin = block.at - lead
        if any(len(n) > 60 or "。" in n for n in norms[begin : block.at]):
            begin = block.at  # what stands above is body text of the previous meeting, not a title
        starts.append(_line_start(text, lines[begin].start))
        previous = block
        i = block.at + block.lines
    if len(starts) == 1:
        return [(0, len(text))]
    return list(zip(starts, starts[1:] + [len(text)]))


def split_document(doc: SourceDoc) -> list[tuple[int, int, SourceDoc]]:
    """``doc`` as (start, end, SourceDoc of that part) per meeting, each part with its own text
    and pages; just ``doc`` when it holds one meeting or states its own structure (turns, header)."""
    parts = meeting_parts(doc.text) if doc.turns is None and doc.header is None else []
    if len(parts) < 2:
        return [(0, len(doc.text), doc)]
    out = []
    for n, (a, b) in enumerate(parts):
        pages = tuple((max(off - a, 0), page) for off, page in doc.pages if off < b and _next_page(doc.pages, off) > a)
        # the file's hints (an HTML page's <title>, its date) describe the file, not each meeting
        out.append((a, b, replace(doc, text=doc.text[a:b], pages=pages, hints=Hints(url=doc.hints.url), ordinal=n)))
    return out


def place_in_whole(meeting: Meeting, whole: SourceDoc, start: int, end: int) -> Meeting:
    """A meeting parsed from ``whole.text[start:end]`` with every offset moved into the whole text."""

    def span(s: Span | None) -> Span | None:
        return None if s is None else Span(s.text, s.start + start, s.end + start)

    return replace(
        meeting,
        attendees=tuple(replace(a, span=span(a.span)) for a in meeting.attendees),
        agenda=tuple(replace(x, span=span(x.span)) for x in meeting.agenda),
        secretariat=span(meeting.secretariat),
        remarks=tuple(replace(r, start=r.start + start, end=r.end + start) for r in meeting.remarks),
        decisions=tuple(replace(d, start=d.start + start, end=d.end + start) for d in meeting.decisions),
        title_span=span(meeting.title_span),
        date_span=span(meeting.date_span),
        place_span=span(meeting.place_span),
        attendees_span=span(meeting.attendees_span),
        agenda_span=span(meeting.agenda_span),
        content_hash=hashlib.sha256(whole.text.encode("utf-8")).hexdigest(),
        pages=whole.pages,
        extent=(start, end),
    )


def _may_open(norm: str) -> bool:
    """A cheap test before the full one: the line names the minutes or starts with a 日時/会議名 key."""
    return bool(KIND_RE.search(norm) or _OPENING_KEYS.search(re.sub(r"\s+", "", norm[:40])[:16]))


def _block_at(lines: list[Line], rules: list[bool], i: int) -> _Block | None:
    """The header block opening at non-blank line ``i``, if one does: a title line naming the
    minutes over a date, or a 開催日/会議名 field pair."""
    head = lines[i]
    below = [j for j in range(i + 1, min(len(lines), i + 1 + 2 * _LOOKAHEAD)) if not rules[j]][:_LOOKAHEAD]
    field = match_field(head)
    if field is not None and field.field in ("date", "title"):
        want = "title" if field.field == "date" else "date"
        for j in below[:2]:
            other = match_field(lines[j])
            if other is not None and other.field == want:
                date_line = head if field.field == "date" else lines[j]
                iso = _date_of(date_line, lines, j if date_line is lines[j] else i)
                if iso:
                    return _Block(i, j - i + 1, ("field", field.key, other.key), _key(lines, i, j))
        return None
    if not _is_title(head):
        return None
    for j in below:
        f = match_field(lines[j])
        if f is not None and f.field != "date":
            continue
        iso = _date_of(lines[j], lines, j) if f is not None else _bare_date(lines[j])
        if iso:
            return _Block(i, j - i + 1, ("title", f.key if f else "date line"), _key(lines, i, j))
    return None


def _key(lines: list[Line], i: int, j: int) -> str:
    return "\n".join(re.sub(r"\s+", "", ln.norm) for ln in lines[i : j + 1])


def _is_title(line: Line) -> bool:
    norm = line.norm.strip()
    return (len(norm) <= 60 and "。" not in norm and bool(KIND_RE.search(norm)) and match_field(line) is None
            and not re.match(r"^[○◯〇◎◆●・\-*]", norm) and not re.search(r"(について|の確認|の承認|を承認)", norm))


def _date_of(line: Line, lines: list[Line], index: int) -> str | None:
    """The date a 日時/開催日 field states: on its own line, or on the next line."""
    found = find_date(line.text)
    if found:
        return found[0]
    if index + 1 < len(lines):
        return _bare_date(lines[index + 1])
    return None


def _bare_date(line: Line) -> str | None:
    """A line that is a date (and perhaps a weekday and a time), not prose that mentions one."""
    found = find_date(line.text)
    if found is None or found[1] > 2 or len(line.norm) > 50 or "。" in line.norm:
        return None
    return found[0]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _next_page(pages: tuple[tuple[int, int], ...], offset: int) -> int:
    later = [off for off, _ in pages if off > offset]
    return min(later) if later else 1 << 62
