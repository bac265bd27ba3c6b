"""Files -> ``SourceDoc``s: one reader per file type, chosen by suffix and by content.

``read_path`` is the one entry point ingest and the app use; ``SUFFIXES``
lists what a folder ingest picks up (everything else is reported as skipped).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from .base import Hints, SourceDoc, Turn

TEXT_SUFFIXES = (".txt", ".text", ".md", ".rst")
SUFFIXES = TEXT_SUFFIXES + (".pdf", ".html", ".htm", ".xhtml", ".json", ".xml")

__all__ = ["Hints", "SourceDoc", "Turn", "SUFFIXES", "read_bytes", "read_path"]


def read_path(path: Path, source: str | None = None) -> list[SourceDoc]:
    """Read one file into the meetings it holds; errors name ``source``."""
    source = source or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(source, f"cannot be read: {exc.strerror or exc}") from None
    return read_bytes(data, path.name, source)


def read_bytes(data: bytes, filename: str, source: str) -> list[SourceDoc]:
    """Dispatch on the file's suffix, checked against what the bytes start with."""
    suffix = Path(filename).suffix.lower()
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data.strip():
        raise InputError(source, "the file is empty")
    if suffix == ".pdf" or head.startswith(b"%pdf"):
        from .pdf import read_pdf

        return [read_pdf(data, source)]
    if suffix in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        from .html import read_html

        return [read_html(data, source)]
    if suffix == ".json":
        return _read_json(data, source)
    if suffix == ".xml" or head.startswith(b"<?xml"):
        return _read_xml(data, source)
    if suffix and suffix not in TEXT_SUFFIXES:
        raise InputError(source, f"is not a minutes file type this assistant reads ({suffix}); "
                                 f"supported: {', '.join(SUFFIXES)}")
    from .text import read_text

    return [read_text(data, source)]


def _read_json(data: bytes, source: str) -> list[SourceDoc]:
    from .text import decode_text

    try:
        obj = json.loads(decode_text(data, source))
    except ValueError as exc:
        raise InputError(source, f"is not valid JSON ({exc})") from None
    from .ndl import meeting_records_within, read_ndl_json, speech_records_within
    from .poliinfo import is_poliinfo, read_poliinfo

    if is_poliinfo(obj):
        return read_poliinfo(obj, source)

    if isinstance(obj, dict) and ("meetingRecord" in obj or "numberOfRecords" in obj or meeting_records_within(obj)
                                  or speech_records_within(obj)):
        return read_ndl_json(obj, source)
    from .jsonexport import read_vendor_json

    return read_vendor_json(obj, source)


def _read_xml(data: bytes, source: str) -> list[SourceDoc]:
    from lxml import etree

    from .base import parse_xml

    root = parse_xml(data, source, "an NDL API response or a TEI document")
    local = etree.QName(root).localname
    if local in ("TEI", "teiCorpus"):
        from .tei import read_tei

        return read_tei(data, source)
    if local == "data" or any(etree.QName(el).localname == "meetingRecord" for el in root.iter() if isinstance(el.tag, str)):
        from .ndl import read_ndl_xml

        return read_ndl_xml(data, source)
    raise InputError(source, f"is XML with root <{local}>, which is neither an NDL API response nor TEI")
