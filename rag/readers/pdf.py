"""Reader for text PDFs of minutes, through pdfminer.six.

The stored text is the text pdfminer extracts, page by page, so that a
citation's ``text[start:end]`` is what the PDF says; the only changes are
extraction artefacts that do not touch the words (CRLF, spaces at line ends,
runs of blank lines, pdfminer's form feeds). Pages are joined with one "\\n"
and ``SourceDoc.pages`` records where each begins, so citations can name the
page of the printed minutes.

Scanned PDFs (images without a text layer), password-protected and damaged
files are refused with an ``InputError`` that says what to do; no pdfminer
exception leaves this module.
"""
from __future__ import annotations

import io
import re

from rag.errors import InputError
from rag.readers.base import SourceDoc
from rag.readers.pagenumbers import strip_edge_footer

# Layout analysis for horizontal Japanese minutes (pdfminer's defaults are tuned
# for Latin text):
# - word_margin 0.5: a space is inserted only for a gap over half a character;
#   at the default 0.1, letter-spaced (均等割付/字間) Japanese text comes out as
#   「令 和 5 年」. Spaces that are glyphs (「　」) are kept whatever the margin.
# - char_margin 20: text on one baseline stays one line, even with a wide gap
#   (「○委員長　　　　それでは」, 出席者 tables); at the default 2.0 the parts
#   become separate boxes and may be printed out of order.
# - line_margin 1.2: lines whose gap is under ~1.2 line heights form one block,
#   so ordinary minutes line pitch (1.5-2x the font size) does not put a blank
#   line after every line; a visibly empty line still separates blocks.
_LAPARAMS = dict(char_margin=20.0, line_margin=1.2, word_margin=0.5, detect_vertical=False)

_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.MULTILINE)
_BLANK_RUN = re.compile(r"\n{4,}")  # 3 or more blank lines
_CID_PLACEHOLDER = re.compile(r"\(cid:\d+\)")


def read_pdf(data: bytes, source: str) -> SourceDoc:
    """The text of a text PDF, with the offset where each page begins."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    page_texts: list[str] = []
    layouts = extract_pages(io.BytesIO(data), laparams=LAParams(**_LAPARAMS))
    while True:
        # Only pdfminer runs inside this try: pages are parsed lazily as the
        # generator advances, and a damaged file can fail on any page with any
        # exception type (PDFSyntaxError, PSEOF, but also KeyError, zlib.error...).
        try:
            layout = next(layouts)
        except StopIteration:
            break
        except PDFPasswordIncorrect:
            raise InputError(
                source, "is password-protected: save an unprotected copy (or its text) and ingest that"
            ) from None
        except PDFEncryptionError as exc:
            raise InputError(
                source,
                f"is encrypted in a way that cannot be read ({exc or type(exc).__name__}): save an unencrypted copy",
            ) from None
        except Exception as exc:  # noqa: BLE001 - any pdfminer failure means the file is unreadable
            detail = str(exc) or type(exc).__name__
            if b"%PDF-" not in data[:1024]:
                detail = f"not a PDF file (no %PDF header; {detail})"
            raise InputError(source, f"cannot be read as a PDF: {detail}") from None
        page_texts.append(strip_edge_footer(_tidy(_render(layout))))  # 「−３−」: the page is known

    if not page_texts:
        raise InputError(source, "cannot be read as a PDF: it has no pages")

    text = "\n".join(page_texts)
    if not text.strip():
        raise InputError(source, "has no text layer (a scanned image?): OCR it to text first")
    warnings: tuple[str, ...] = ()
    if _CID_PLACEHOLDER.search(text):
        # pdfminer writes (cid:N) for glyphs whose font has no Unicode mapping.
        if not _CID_PLACEHOLDER.sub("", text).strip():
            raise InputError(
                source, "has no usable text layer (its fonts do not map to Unicode characters): OCR it to text first"
            )
        warnings = ("some characters could not be decoded (their fonts do not map to Unicode) and appear as (cid:N)",)

    pages: list[tuple[int, int]] = []
    offset = 0
    for number, page_text in enumerate(page_texts, start=1):
        pages.append((offset, number))
        offset += len(page_text) + 1
    return SourceDoc(source=source, text=text, file_type="pdf", pages=tuple(pages), warnings=warnings)


def _render(layout) -> str:
    """A page's text as pdfminer's ``extract_text`` writes it (a blank line between text blocks)."""
    from pdfminer.layout import LTContainer, LTText, LTTextBox

    parts: list[str] = []

    def walk(item) -> None:
        if isinstance(item, LTTextBox):
            parts.append(item.get_text())
            parts.append("\n")
        elif isinstance(item, LTContainer):  # the page, figures (text in figures is not laid out)
            for child in item:
                walk(child)
        elif isinstance(item, LTText):
            parts.append(item.get_text())

    walk(layout)
    return "".join(parts)


def _tidy(page: str) -> str:
    """Remove extraction artefacts only: CR line ends, form feeds, spaces at line ends, blank-line runs."""
    page = page.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    page = _TRAILING_SPACE.sub("", page)
    page = _BLANK_RUN.sub("\n\n", page)
    return page.strip("\n")
