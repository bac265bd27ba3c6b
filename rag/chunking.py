"""Meeting records -> chunks (the unit embedded, indexed and cited).

One chunk per remark (split at sentence boundaries only when a remark is
long), plus one each for the meeting header (title, date, place), the
attendee list, the agenda (with the secretariat's explanation) and each
decision, and "note" chunks for what no remark holds in a transcript (the closing line and
signatures after the last remark, 「休憩（午前１０時４８分）」 lines between remarks). Chunk text is
always a verbatim slice of the source text.
"""
from __future__ import annotations

import bisect
import re
import unicodedata

from .domain import Chunk, Meeting, Span, content_id
from .layouts.japanese import NUM

MAX_CHUNK_CHARS = 400  # e5-small reads 512 tokens; ~400 Japanese characters stay well inside

_SENTENCE_END = re.compile(r"[。！？!?](?:[」』）)]*)")


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of ``text`` as spans (offsets shifted by ``offset``), whitespace-trimmed.

    Splits after 。！？ (keeping closing brackets with their sentence). A page
    break inside a sentence does not split it: PDF dumps break mid-sentence.
    """
    spans: list[Span] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _append_trimmed(spans, text, pos, m.end(), offset)
        pos = m.end()
    _append_trimmed(spans, text, pos, len(text), offset)
    return spans


def split_lines(text: str, offset: int = 0) -> list[Span]:
    """Non-blank lines as spans: the units of list-like chunks (header, attendees, agenda)."""
    spans: list[Span] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        _append_trimmed(spans, text, pos, pos + len(raw.rstrip("\r\n")), offset)
        pos += len(raw)
    return spans


def _append_trimmed(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(text[start:end], start + offset, end + offset))


def units(chunk: Chunk) -> list[Span]:
    """The citable units of a chunk: lines for list-like chunks, sentences for prose."""
    if chunk.kind in ("header", "attendees", "agenda"):
        return split_lines(chunk.text, chunk.start)
    return split_sentences(chunk.text, chunk.start)


# What is embedded and BM25-indexed for a chunk besides its text (rag.index.speaker_prefix,
# section_prefix): part of every chunk id, so a change to it re-indexes each file on its next ingest
# instead of leaving vectors of the old form beside the new.
INDEXED_FORM = 3


def chunk_meeting(meeting: Meeting, text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """All chunks of one meeting, in document order."""
    chunks: list[Chunk] = []

    def add(start: int, end: int, kind: str, section: str, **extra: object) -> None:
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id=content_id(meeting.source, kind, start, end, body, INDEXED_FORM),
                text=body,
                source=meeting.source,
                start=start,
                end=end,
                meeting_id=meeting.meeting_id,
                meeting=meeting.label,
                date=meeting.date or "",
                section=section,
                kind=kind,
                **extra,  # type: ignore[arg-type]
            )
        )

    if meeting.layout == "numbered-summary":
        header_spans = [s for s in (meeting.title_span, meeting.date_span, meeting.place_span) if s is not None]
        add(min(s.start for s in header_spans), max(s.end for s in header_spans), "header", "日時・場所")
    else:
        # Everything before the first remark that is not the attendee list or the agenda:
        # title, date, time (「開会（午前１０時００分）」), place, notes — in line-packed chunks.
        for start, end in _header_pieces(meeting, text, max_chars):
            add(start, end, "header", "日時・場所")
    if meeting.attendees_span is not None:
        add(meeting.attendees_span.start, meeting.attendees_span.end, "attendees", "出席者")
    if meeting.agenda_span is not None:
        add(meeting.agenda_span.start, meeting.agenda_span.end, "agenda", "議事概要")
    for remark in meeting.remarks:
        pieces = _pack(_paragraph_units(remark.text, remark.start, meeting.layout == "transcript"), max_chars) if len(remark.text) > max_chars else [
            (remark.start, remark.end)
        ]
        for start, end in pieces:
            add(
                start,
                end,
                "remark",
                remark.section,
                agenda_item=remark.agenda_ref,
                remark_no=remark.number,
                organisation=remark.organisation,
                speaker=remark.speaker,
                role=remark.role,
                page=meeting.page_at(start) if meeting.pages else None,
            )
    for decision in meeting.decisions:
        # a decision announced in a remark (「よって、本案は可決されました。」 by the chair) is that
        # speaker's words: it carries who said it, so 「議長は…採決の結果について何と述べましたか」 finds it
        said = next((r for r in meeting.remarks if r.start <= decision.start and decision.end <= r.end), None)
        add(decision.start, decision.end, "decision", decision.section,
            **({"speaker": said.speaker, "role": said.role, "remark_no": said.number, "organisation": said.organisation,
                "page": meeting.page_at(decision.start) if meeting.pages else None} if said else {}))
    if meeting.layout != "numbered-summary":
        # what follows the last remark: 「（午後４時３７分　閉会）」, 「散会（午後３時２５分）」, signatures.
        # No remark holds it, and without a chunk the closing time could never be found. A "note", not
        # a "header": retrieved when asked for, not routed to (nor ranked as) every date question's record.
        for start, end in _trailer_pieces(meeting, text, max_chars, chunks):
            add(start, end, "note", "閉会")
        # 「閉会（午後３時２５分）」「午後２時休憩」 as headings between remarks: in no remark either
        for line in _uncovered_clock_lines(meeting, text, chunks):
            add(line.start, line.end, "note", "時刻")
    return chunks


def _header_pieces(meeting: Meeting, text: str, max_chars: int) -> list[tuple[int, int]]:
    lo, hi = meeting.extent or (0, len(text))  # a text holding several meetings: this one's part only
    first = min((r.start for r in meeting.remarks), default=hi)
    skip = [s for s in (meeting.attendees_span, meeting.agenda_span) if s is not None]
    from .layouts.lines import Line
    from .layouts.speakers import parse_label_line

    lines = [ln for ln in split_lines(text[lo:first], lo) if not any(s.start <= ln.start < s.end for s in skip)
             and parse_label_line(Line(ln.start, ln.end, ln.text)) is None]  # the first turn's 「○議長（…）」
    for extra in (meeting.title_span, meeting.date_span, meeting.place_span):  # stated outside the header block
        if extra is not None and extra.start >= first and not any(ln.start <= extra.start < ln.end for ln in lines):
            lines.append(extra)
    lines.sort(key=lambda ln: ln.start)
    return _pack(lines, max_chars) or [(meeting.title_span.start, meeting.title_span.end)]


_DIVIDER = re.compile(r"^[\s\-―－─━═=＝*＊・◇◆○〇~～_]*$")


def _trailer_pieces(meeting: Meeting, text: str, max_chars: int, chunks: list[Chunk]) -> list[tuple[int, int]]:
    """Line-packed pieces of the text after the meeting's last chunk (dividers dropped)."""
    if not meeting.remarks:
        return []
    hi = meeting.extent[1] if meeting.extent else len(text)
    last = max(c.end for c in chunks)
    lines = [ln for ln in split_lines(text[last:hi], last) if not _DIVIDER.match(ln.text)]
    return _pack(lines, max_chars)


_EVENTS = "開会|開議|再開|散会|閉会|休憩|延会"
_CLOCK_LINE = re.compile(
    rf"(?:(?:午前|午後)\s*)?{NUM}\s*時\s*(?:{NUM}\s*分|半)?\s*(?:{_EVENTS})"
    rf"|(?:{_EVENTS})\s*\(\s*(?:午前|午後)?\s*{NUM}\s*時\s*(?:{NUM}\s*分|半)?\s*\)")


def _uncovered_clock_lines(meeting: Meeting, text: str, chunks: list[Chunk]) -> list[Span]:
    """Short lines stating when the sitting opened, paused or closed that no chunk holds."""
    lo, hi = meeting.extent or (0, len(text))
    spans = sorted((c.start, c.end) for c in chunks)
    starts = [a for a, _ in spans]
    found = []
    for ln in split_lines(text[lo:hi], lo):
        if len(ln.text) > 40 or not _CLOCK_LINE.search(unicodedata.normalize("NFKC", ln.text)):
            continue
        i = bisect.bisect_right(starts, ln.start) - 1
        if not any(a <= ln.start < b for a, b in spans[max(i - 3, 0) : i + 1]):
            found.append(ln)
    return found


def _paragraph_units(text: str, offset: int, by_line: bool) -> list[Span]:
    """The units a long remark is packed from: in a verbatim transcript its paragraphs
    (each line, 「　…」), a paragraph longer than a chunk by its sentences; elsewhere
    (PDF dumps wrap lines mid-sentence) its sentences."""
    if not by_line:
        return split_sentences(text, offset)
    units: list[Span] = []
    for para in split_lines(text, offset):
        if len(para.text) > MAX_CHUNK_CHARS:
            units += split_sentences(para.text, para.start)
        else:
            units.append(para)
    return units


def _pack(sentences: list[Span], max_chars: int) -> list[tuple[int, int]]:
    """Greedily group consecutive sentences into pieces of at most ``max_chars`` (a longer
    single sentence stays whole: splitting inside a sentence would cut a statement)."""
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for s in sentences:
        if start is not None and s.end - start > max_chars:
            pieces.append((start, end))
            start = None
        if start is None:
            start = s.start
        end = s.end
    if start is not None:
        pieces.append((start, end))
    return pieces
