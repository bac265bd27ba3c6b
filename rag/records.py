"""Parsed meetings and their stored text, kept beside the indexes, plus a meetings catalog.

Citations are checked against, and the UI highlights within, the text that was
indexed — not whatever the file says today — so the stored text is kept with
the record. One JSON file per meeting keeps writes small and atomic.

The catalog (SQLite, ``catalog.sqlite`` in the same folder) holds one small row
per meeting (id, source, body, name, number, date, speakers …), so listing
meetings and resolving 「第25回」「文部科学委員会」 in a question never reads
every record.

A text that holds several meetings is stored once (``texts/<sha256>.txt``) and named by
each of its records, so a session export of a thousand meetings is not copied a thousand times.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

from .domain import AgendaItem, Attendee, Decision, Meeting, Remark, Span, content_id, fold


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
            "date_span": span(d["date_span"]),
            "place_span": span(d["place_span"]),
            "attendees_span": span(d["attendees_span"]),
            "agenda_span": span(d["agenda_span"]),
            "closing_span": span(d.get("closing_span")),
            "warnings": tuple(d.get("warnings", ())),
            "pages": tuple(tuple(p) for p in d.get("pages", ())),
            "extent": tuple(d["extent"]) if d.get("extent") else None,
        }
    )


@dataclass(frozen=True)
class CatalogEntry:
    """What the catalog knows of a meeting without reading its record."""

    meeting_id: str
    source: str
    ordinal: int
    label: str
    body: str
    name: str
    number: int | None
    number_unit: str
    kind: str
    layout: str
    file_type: str
    date: str | None
    date_original: str | None
    remarks: int
    speakers: tuple[tuple[str, str | None, int], ...]  # (name, role, remarks)
    content_hash: str
    warnings: tuple[str, ...]

    @classmethod
    def of(cls, m: Meeting) -> "CatalogEntry":
        return cls(m.meeting_id, m.source, m.ordinal, m.label, m.body, m.name, m.number, m.number_unit, m.kind,
                   m.layout, m.file_type, m.date, m.date_original, len(m.remarks), tuple(m.speakers()),
                   m.content_hash, tuple(m.warnings))

    @cached_property
    def folded_speakers(self) -> tuple[str, ...]:
        """Speaker names as matched against questions (computed once per catalog read)."""
        return tuple(fold(n) for n, _, _ in self.speakers)

    @cached_property
    def folded_body_names(self) -> tuple[str, ...]:
        """The body as matched against questions: as written and without its legal form."""
        import re

        core = re.sub(r"^(?:一般社団法人|一般財団法人|公益社団法人|公益財団法人|独立行政法人|国立研究開発法人|株式会社|"
                      r"特定非営利活動法人|NPO法人)\s*", "", self.body)
        return tuple(dict.fromkeys(f for f in (fold(self.body), fold(core)) if len(f) >= 2))

    @cached_property
    def _place_pattern(self):
        """For a local assembly, the municipality it serves: 「墨田区の給付金」「音更町長は」 ask about
        what 墨田区議会's / 音更町議会's minutes record. Not the tail of a longer place name
        (「津市」 in 「大津市の」), though a prefecture may precede it (「東京都墨田区の」)."""
        import re

        place = re.fullmatch(r"(.+?[都道府県市区町村])議会", fold(self.body))
        if not place:
            return None
        return re.compile(rf"(?<![一-龥々ぁ-んァ-ヶー])(?:[一-龥]{{1,3}}?[都道府県])?{re.escape(place.group(1))}")

    def body_named_in(self, folded_question: str) -> bool:
        """Whether the question names this meeting's body, or the municipality of a local assembly."""
        if any(f in folded_question for f in self.folded_body_names):
            return True
        return self._place_pattern is not None and self._place_pattern.search(folded_question) is not None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["speakers"] = [{"name": n, "role": r, "remarks": c} for n, r, c in self.speakers]
        d["id"] = d.pop("meeting_id")
        return d


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meetings (
  meeting_id TEXT PRIMARY KEY, source TEXT NOT NULL, ordinal INTEGER NOT NULL, label TEXT NOT NULL,
  body TEXT NOT NULL, name TEXT NOT NULL, number INTEGER, number_unit TEXT NOT NULL, kind TEXT NOT NULL,
  layout TEXT NOT NULL, file_type TEXT NOT NULL, date TEXT, date_original TEXT, remarks INTEGER NOT NULL,
  speakers TEXT NOT NULL, content_hash TEXT NOT NULL, warnings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS meetings_source ON meetings(source);
"""
_COLUMNS = ("meeting_id", "source", "ordinal", "label", "body", "name", "number", "number_unit", "kind", "layout",
            "file_type", "date", "date_original", "remarks", "speakers", "content_hash", "warnings")


class RecordStore:
    """Meeting records on disk: ``<dir>/<meeting_id>.json`` = {"meeting": …, "text": …}, and the catalog."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, tuple[Meeting, str]] = {}
        self._shared: dict[str, str] = {}  # texts/<sha256>.txt -> text (one copy for all its meetings)
        self._lock = threading.Lock()
        self._catalog_ready = False
        self._catalog_cache: tuple[tuple[int, int], list[CatalogEntry]] | None = None

    def forget(self) -> None:
        """Drop cached records (another process may have rewritten them)."""
        self._cache.clear()
        self._shared.clear()
        self._catalog_cache = None

    def _path(self, meeting_id: str) -> Path:
        return self.directory / f"{meeting_id}.json"

    # ------------------------------------------------------------ catalog

    def _db(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.directory / "catalog.sqlite", timeout=30)
        db.executescript(_SCHEMA)
        if not self._catalog_ready:
            self._catalog_ready = True
            if db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0] == 0:
                self._backfill(db)  # a data dir written before the catalog existed
        return db

    def _backfill(self, db: sqlite3.Connection) -> None:
        for path in sorted(self.directory.glob("*.json")):
            item = self.get(path.stem)
            if item:
                self._write_row(db, item[0])
        db.commit()

    @staticmethod
    def _write_row(db: sqlite3.Connection, m: Meeting) -> None:
        e = CatalogEntry.of(m)
        row = [getattr(e, c) for c in _COLUMNS]
        row[_COLUMNS.index("speakers")] = json.dumps(e.speakers, ensure_ascii=False)
        row[_COLUMNS.index("warnings")] = json.dumps(e.warnings, ensure_ascii=False)
        db.execute(f"INSERT OR REPLACE INTO meetings ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", row)

    def catalog(self) -> list[CatalogEntry]:
        """Every meeting, oldest first (undated last). Cached while the catalog file is unchanged
        (another process's ingest changes its size or mtime)."""
        path = self.directory / "catalog.sqlite"
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp is not None and self._catalog_cache is not None and self._catalog_cache[0] == stamp:
            return list(self._catalog_cache[1])
        entries = self._read_catalog()
        try:
            st = path.stat()
            self._catalog_cache = ((st.st_mtime_ns, st.st_size), entries)
        except FileNotFoundError:
            self._catalog_cache = None
        return list(entries)

    def _read_catalog(self) -> list[CatalogEntry]:
        with self._lock:
            db = self._db()
            try:
                rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM meetings").fetchall()
            finally:
                db.close()
        out = []
        for row in rows:
            d = dict(zip(_COLUMNS, row))
            d["speakers"] = tuple(tuple(s) for s in json.loads(d["speakers"]))
            d["warnings"] = tuple(json.loads(d["warnings"]))
            out.append(CatalogEntry(**d))
        return sorted(out, key=lambda e: (e.date is None, e.date or "", e.source, e.ordinal))

    def ids_for_source(self, source: str) -> list[str]:
        with self._lock:
            db = self._db()
            try:
                return [r[0] for r in db.execute("SELECT meeting_id FROM meetings WHERE source = ? ORDER BY ordinal", (source,))]
            finally:
                db.close()

    # ------------------------------------------------------------ records

    def save(self, meeting: Meeting, text: str) -> None:
        """Write one record. A text holding several meetings (``meeting.extent`` set) is stored
        once in ``texts/<sha256>.txt`` and named by each of its records, not copied into each."""
        self.directory.mkdir(parents=True, exist_ok=True)
        record: dict = {"meeting": meeting_to_dict(meeting)}
        if meeting.extent is None:
            record["text"] = text
        else:
            record["text_file"] = self._save_text(meeting.content_hash, text)
        _write_atomic(self._path(meeting.meeting_id), json.dumps(record, ensure_ascii=False))
        self._cache[meeting.meeting_id] = (meeting, text)
        with self._lock:
            db = self._db()
            try:
                old = db.execute("SELECT content_hash FROM meetings WHERE meeting_id = ?", (meeting.meeting_id,)).fetchone()
                self._write_row(db, meeting)
                db.commit()
                if old and old[0] != meeting.content_hash:
                    self._drop_text_if_unused(db, old[0])
            finally:
                db.close()

    def delete(self, meeting_id: str) -> None:
        self._cache.pop(meeting_id, None)
        self._path(meeting_id).unlink(missing_ok=True)
        with self._lock:
            db = self._db()
            try:
                old = db.execute("SELECT content_hash FROM meetings WHERE meeting_id = ?", (meeting_id,)).fetchone()
                db.execute("DELETE FROM meetings WHERE meeting_id = ?", (meeting_id,))
                db.commit()
                if old:
                    self._drop_text_if_unused(db, old[0])
            finally:
                db.close()

    def get(self, meeting_id: str) -> tuple[Meeting, str] | None:
        if meeting_id in self._cache:
            return self._cache[meeting_id]
        try:
            data = json.loads(self._path(meeting_id).read_text(encoding="utf-8"))
            text = data["text"] if "text" in data else self._read_text(data["text_file"])
        except FileNotFoundError:  # not indexed, or removed by another process meanwhile
            return None
        item = (meeting_from_dict(data["meeting"]), text)
        self._cache[meeting_id] = item
        return item

    # ------------------------------------------------------------ texts shared by several meetings

    @property
    def _texts_dir(self) -> Path:
        return self.directory / "texts"

    def _save_text(self, content_hash: str, text: str) -> str:
        """Named by the meeting's content_hash (the sha256 of its stored text), written once."""
        name = content_hash + ".txt"
        if self._shared.get(name) is not text and not (self._texts_dir / name).exists():
            self._texts_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(self._texts_dir / name, text)
        self._shared[name] = text
        return name

    def _read_text(self, name: str) -> str:
        if name not in self._shared:
            self._shared[name] = (self._texts_dir / name).read_bytes().decode("utf-8")  # "\r\n" kept: offsets count it
        return self._shared[name]

    def _drop_text_if_unused(self, db: sqlite3.Connection, content_hash: str) -> None:
        """Remove a shared text no record names any more (a meeting's content_hash is the sha256
        of its stored text, which is the shared file's name)."""
        name = content_hash + ".txt"
        if (self._texts_dir / name).exists() and db.execute(
                "SELECT 1 FROM meetings WHERE content_hash = ? LIMIT 1", (content_hash,)).fetchone() is None:
            (self._texts_dir / name).unlink(missing_ok=True)
            self._shared.pop(name, None)

    def text(self, meeting_id: str) -> str | None:
        item = self.get(meeting_id)
        return item[1] if item else None

    def ids(self) -> list[str]:
        return [e.meeting_id for e in self.catalog()] if self.directory.exists() else []

    def meetings(self) -> list[Meeting]:
        """All meetings, oldest first."""
        found = [self.get(e.meeting_id) for e in self.catalog()] if self.directory.exists() else []
        return [m for m, _ in filter(None, found)]

    def find(self, ref: str) -> Meeting | None:
        """A meeting by id, source name, or file name (a file's first meeting)."""
        direct = self.get(ref) if ref and "/" not in ref else None
        if direct:
            return direct[0]
        by_source = self.get(content_id("meeting", ref, length=12)) if ref else None
        if by_source and by_source[0].source == ref:
            return by_source[0]
        for e in self.catalog():
            if ref in (e.source, Path(e.source).name):
                found = self.get(e.meeting_id)
                return found[0] if found else None
        return None


def _write_atomic(path: Path, content: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:  # written as is: offsets index it
        fh.write(content)
    os.replace(tmp, path)
