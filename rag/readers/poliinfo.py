"""PoliInfo JSON (the local-assembly minutes of the NTCIR QA Lab PoliInfo task): a list of
meetings, each ``{"Date", "Prefecture", "ProceedingTitle", "URL", "Proceeding": [{"Speaker",
"Utterance"}, …]}``.

``Speaker`` is the label as the minutes print it without its mark (「議長（石川良一君）」,
「六十七番（岡本こうき君）」) or the string ``"null"`` for text no one speaks (the opening roster).
Each meeting's stored text is its items in order, a speaker's label on the line before the
words spoken (so excerpts and highlights show who speaks); the turns come from the ``Speaker``
field, read by the same label rules as the text layouts, and the roster is the header.
"""
from __future__ import annotations

import re
from dataclasses import replace

from rag.errors import InputError
from rag.layouts.speakers import split_label
from rag.readers.base import Hints, SourceDoc, Turn

SEPARATOR = "\n\n"
EXPECTED = 'a PoliInfo list of meetings: [{"Date", "ProceedingTitle", "Proceeding": [{"Speaker", "Utterance"}]}]'


def is_poliinfo(obj) -> bool:
    return (isinstance(obj, list) and bool(obj) and all(isinstance(m, dict) for m in obj)
            and all("Proceeding" in m and "ProceedingTitle" in m for m in obj))


def read_poliinfo(obj: list, source: str) -> list[SourceDoc]:
    """One SourceDoc per meeting that has words spoken; a meeting with none (an index entry) is
    named in a warning of the first document, never read silently."""
    docs: list[SourceDoc] = []
    skipped: list[str] = []
    for ordinal, meeting in enumerate(obj):
        items = meeting.get("Proceeding") or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError(source, f"meeting {ordinal} ({meeting.get('ProceedingTitle')!r}): Proceeding is not a list of objects; expected {EXPECTED}")
        title = str(meeting.get("ProceedingTitle") or "").strip()
        if not any(_speaker(i) for i in items):
            skipped.append(title or f"meeting {ordinal}")
            continue
        docs.append(_meeting(meeting, items, title, len(docs), source))
    if not docs:
        raise InputError(source, f"no meeting with a speaker's words; expected {EXPECTED}")
    if skipped:
        note = (f"{len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} with no speaker's words not read as "
                f"meetings: {', '.join(skipped[:3])}")
        docs[0] = replace(docs[0], warnings=docs[0].warnings + (note,))
    return docs


def _speaker(item: dict) -> str:
    value = str(item.get("Speaker") or "").strip()
    return "" if value.lower() == "null" else value


def _meeting(meeting: dict, items: list[dict], title: str, ordinal: int, source: str) -> SourceDoc:
    parts: list[str] = []
    turns: list[Turn] = []
    header: tuple[int, int] | None = None
    warnings: list[str] = []
    offset = 0
    for n, item in enumerate(items):
        words = str(item.get("Utterance") or "").replace("\r\n", "\n").strip()
        label = _speaker(item)
        block = f"{label}\n{words}" if label else words
        if n:
            offset += len(SEPARATOR)
        parts.append(block)
        start = offset + (len(label) + 1 if label else 0)
        offset += len(block)
        if not label:
            if not turns and header is None:
                header = (start, offset)  # the roster before anyone speaks
            continue
        if not words:
            warnings.append(f"{title}: item {n} ({label}) has no words; no turn made")
            continue
        who = split_label(label)
        speaker, role = who if who else (None, None)
        if who is None:
            warnings.append(f"{title}: item {n}: the speaker 「{label}」 is not a label these rules read; kept as its text")
        turns.append(Turn(start=start, end=offset, speaker=speaker, role=role, label=label))
    # the title (「令和二年第一回臨時会会議録第七号」) is parsed as any title is: session and number
    hints = Hints(title=title or None, date=_iso(meeting.get("Date")), url=str(meeting.get("URL") or "") or None)
    return SourceDoc(source=source, text=SEPARATOR.join(parts), file_type="json", turns=tuple(turns), header=header,
                     hints=hints, warnings=tuple(warnings), ordinal=ordinal)


def _iso(value) -> str | None:
    """「2020/4/17」 → 2020-04-17; None when the field states no date."""
    m = re.fullmatch(r"\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*", str(value or ""))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
