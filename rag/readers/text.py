"""Plain-text minutes (.txt, .md, .rst): decoding, and page markers turned into pages.

Minutes come as UTF-8 (with or without BOM), UTF-16 with a BOM, Shift_JIS/CP932
or EUC-JP. Empty, binary (a NUL byte anywhere) and undecodable files are
refused here, naming the file, so they are never half-indexed.

Page markers some systems put on lines of their own (``<PAGE="2">``) are
layout, not minutes text: they are removed from the stored text and kept as
``SourceDoc.pages``, so no remark's text contains one and every span still
records its page; so are page numbers printed as lines (「－３－」) in a file without such
markers. A file with neither is stored exactly as decoded.
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import InputError
from .base import SourceDoc
from .pagenumbers import move_page_footers

_ENCODINGS = ("utf-8-sig", "cp932", "euc-jp")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
PAGE_MARKER_RE = re.compile(r'^[ \t\u3000]*<\s*PAGE\s*=\s*"?(\d+)"?\s*>[ \t\u3000]*\r?\n?', re.IGNORECASE | re.MULTILINE)


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file; the error names the file and the problem."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {encoding.upper()} byte-order mark but cannot be decoded as {encoding.upper()}") from None
            return _checked(text.lstrip("\ufeff"), source)
    if not data.strip():
        raise InputError(source, "the file is empty")
    if b"\x00" in data:
        raise InputError(source, "this is a binary file (it contains NUL bytes), not a text minutes file")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return _checked(text, source)
    raise InputError(
        source,
        "cannot decode the file as UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP text; "
        "it may be binary or in another encoding",
    )


def _checked(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "the file is empty")
    if "\x00" in text:
        raise InputError(source, "this is a binary file (it contains NUL characters), not a text minutes file")
    if _looks_binary(text):
        raise InputError(source, "this looks like a binary file, not a text minutes file")
    return text


def _looks_binary(text: str) -> bool:
    control = sum(1 for ch in text[:20000] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
    return control > max(3, len(text[:20000]) // 100)


def read_text(data: bytes, source: str) -> SourceDoc:
    return text_document(decode_text(data, source), source)


def text_document(text: str, source: str) -> SourceDoc:
    """A decoded text as a SourceDoc, with page-marker lines (or, where there are none, page numbers
    printed as lines: 「－３－」, rag.readers.pagenumbers) moved out into ``pages``."""
    if not PAGE_MARKER_RE.search(text):
        text, pages = move_page_footers(text)
        return SourceDoc(source=source, text=text, file_type="text", pages=pages)
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    pos, length = 0, 0
    for m in PAGE_MARKER_RE.finditer(text):
        parts.append(text[pos : m.start()])
        length += m.start() - pos
        pages.append((length, int(m.group(1))))
        pos = m.end()
    parts.append(text[pos:])
    return SourceDoc(source=source, text="".join(parts), file_type="text", pages=tuple(pages))
