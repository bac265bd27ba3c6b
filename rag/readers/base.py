"""What every reader returns: the stored text of one meeting, plus what the file format states.

A reader turns a file (text, PDF, HTML, NDL XML/JSON, TEI, vendor JSON) into one
or more ``SourceDoc``s, one per meeting it holds. ``text`` is the text that is
stored with the index and that every offset indexes (citations slice it:
``text[start:end]``); it is the decoded file for plain text, the extracted text
for PDF and HTML, and a rendering of the speeches for structured sources.

Structured sources state things a text parser would have to guess (the NDL
API's ``speaker`` field, TEI's ``@who``); readers pass those on as ``turns``
and ``hints`` so that the layout parser takes them as given, never re-parsed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError


@dataclass(frozen=True)
class Turn:
    """One speech whose speaker the source states in a field of its own.

    ``start``/``end`` delimit the speech in ``SourceDoc.text`` (the words
    spoken, after any 「○加藤委員長　」 label the text repeats).
    """

    start: int
    end: int
    speaker: str | None  # as the source gives it: 「加藤勘十」
    role: str | None = None  # 「委員長」「国務大臣」; None where the source has none
    group: str | None = None  # 会派/所属 where the source states it
    label: str | None = None  # the label as printed: 「○加藤委員長」


@dataclass(frozen=True)
class Hints:
    """Meeting fields a structured source states outright (None: not stated, parse the text)."""

    title: str | None = None
    body: str | None = None  # 会議体: 「参議院」「墨田区議会」「中央環境審議会」
    name: str | None = None  # 「本会議」「労働委員会」「総会」
    number: int | None = None  # 第9号 -> 9
    number_unit: str | None = None  # 「回」「号」「日」
    date: str | None = None  # ISO YYYY-MM-DD
    place: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceDoc:
    source: str  # the name the index uses for the file
    text: str  # the stored text; every offset in a record indexes it
    file_type: str  # "text" | "pdf" | "html" | "ndl-xml" | "ndl-json" | "tei" | "json"
    pages: tuple[tuple[int, int], ...] = ()  # (offset where a page begins, its page number), in order; empty when unpaged
    turns: tuple[Turn, ...] | None = None  # None: speakers are found in the text by the layout parser
    header: tuple[int, int] | None = None  # span of a header block the source marks (NDL 会議録情報)
    hints: Hints = field(default_factory=Hints)
    warnings: tuple[str, ...] = ()
    ordinal: int = 0  # position of this meeting within its file (files may hold several)

    def page_at(self, offset: int) -> int | None:
        return page_at(self.pages, offset)


def parse_xml(data: bytes, source: str, expected: str):
    """The root element of an untrusted XML file (no entities resolved, no network, no DTD)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"not well-formed XML ({exc}); expected {expected}") from None
    if root is None or not isinstance(root.tag, str):
        raise InputError(source, f"empty XML document; expected {expected}")
    return root


def page_at(pages: tuple[tuple[int, int], ...], offset: int) -> int | None:
    """The page number an offset falls on, from (start offset, page number) pairs; None when
    there are no pages or the offset lies before the first page marker."""
    number = None
    for start, page in pages:
        if start > offset:
            break
        number = page
    return number
