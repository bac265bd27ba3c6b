"""Files -> meeting records: the readers (file types) and layouts (what the text says) joined.

``load_meetings`` is what ingest and uploads call; ``parse_minutes`` parses a
decoded text (tests, synthetic minutes).
"""
from __future__ import annotations

from pathlib import Path

from .domain import Meeting
from .layouts import parse_document, parse_documents
from .readers import read_bytes, read_path
from .readers.text import decode_text, text_document


def decode_minutes(data: bytes, source: str) -> str:
    return decode_text(data, source)


def read_minutes(path: Path, source: str | None = None) -> str:
    """The decoded text of a plain-text minutes file."""
    source = source or str(path)
    (doc,) = read_path(path, source)
    return doc.text


def parse_minutes(text: str, source: str) -> Meeting:
    """One meeting from a decoded plain text (page markers, if any, are moved out first)."""
    return parse_document(text_document(text, source))


def load_meetings(path: Path, source: str) -> list[tuple[Meeting, str]]:
    """Every meeting a file holds (several records for a text holding several meetings),
    each with the stored text its offsets index."""
    return parse_documents(read_path(path, source))


def load_meetings_from_bytes(data: bytes, filename: str, source: str) -> list[tuple[Meeting, str]]:
    return parse_documents(read_bytes(data, filename, source))
