"""Parsed meetings and their decoded source text, kept beside the indexes.

Citations are checked against, and the UI highlights within, the text that was
indexed — not whatever the file says today — so the decoded text is stored
with the record. One JSON file per meeting keeps writes small and atomic.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .domain import AgendaItem, Attendee, Decision, Meeting, Remark, Span, content_id


def meeting_to_dict(meeting: Meeting) -> dict:
    return asdict(meeting)


def meeting_from_dict(d: dict) -> Meeting:
    def span(x: dict | None) -> Span | None:
        return Span(**x) if x else None

    return Meeting(
        **{
            **d,
            "attendees": tuple(Attendee(**{**a, "span": Span(**a["span"])}) for a in d["attendees"]),
            "agenda": tuple(AgendaItem(**{**a, "span": Span(**a["span"])}) for a in d["agenda"]),
            "secretariat": span(d["secretariat"]),
            "remarks": tuple(Remark(**r) for r in d["remarks"]),
            "decisions": tuple(Decision(**x) for x in d["decisions"]),
            "title_span": Span(**d["title_span"]),
            "date_span": Span(**d["date_span"]),
            "place_span": span(d["place_span"]),
            "attendees_span": span(d["attendees_span"]),
            "agenda_span": span(d["agenda_span"]),
        }
    )


class RecordStore:
    """Meeting records on disk: ``<dir>/<meeting_id>.json`` = {"meeting": …, "text": …}."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, tuple[Meeting, str]] = {}

    def _path(self, meeting_id: str) -> Path:
        return self.directory / f"{meeting_id}.json"

    def save(self, meeting: Meeting, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"meeting": meeting_to_dict(meeting), "text": text}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, self._path(meeting.meeting_id))
        self._cache[meeting.meeting_id] = (meeting, text)

    def delete(self, meeting_id: str) -> None:
        self._cache.pop(meeting_id, None)
        self._path(meeting_id).unlink(missing_ok=True)

    def get(self, meeting_id: str) -> tuple[Meeting, str] | None:
        if meeting_id in self._cache:
            return self._cache[meeting_id]
        path = self._path(meeting_id)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        item = (meeting_from_dict(data["meeting"]), data["text"])
        self._cache[meeting_id] = item
        return item

    def text(self, meeting_id: str) -> str | None:
        item = self.get(meeting_id)
        return item[1] if item else None

    def ids(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json"))

    def meetings(self) -> list[Meeting]:
        """All meetings, oldest first."""
        found = [self.get(i) for i in self.ids()]
        return sorted((m for m, _ in filter(None, found)), key=lambda m: (m.date, m.source))

    def find(self, ref: str) -> Meeting | None:
        """A meeting by id, source name, or file name."""
        direct = self.get(ref) if ref and "/" not in ref else None
        if direct:
            return direct[0]
        # The id is a hash of the source name (parsing.parse_minutes), so a source is
        # found without reading every record (seconds at thousands of meetings).
        by_source = self.get(content_id("meeting", ref, length=12)) if ref else None
        if by_source and by_source[0].source == ref:
            return by_source[0]
        for m in self.meetings():
            if ref in (m.source, Path(m.source).name):
                return m
        return None
