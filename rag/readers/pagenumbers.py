"""Page numbers printed as lines of their own (「－３－」, 「- 12 -」): the footers of minutes that
were laid out as PDF pages, left in a text or a JSON export of that text, or in a PDF page's text.

They are layout, not minutes: left in the text they end up inside a remark (「…いたします。⏎－３－⏎
ご異議ございませんか」), as a section's name or as an attendee. Like ``<PAGE="n">`` markers
(rag.readers.text), they are moved out of the stored text into ``SourceDoc.pages``, so no span
contains one and every span still records its page.
"""
from __future__ import annotations

import re
import unicodedata

_DASH = "-－―—‐─ー−–"
FOOTER_RE = re.compile(
    rf"^[ \t\u3000]*[{_DASH}][ \t\u3000]*([0-9０-９]{{1,4}})[ \t\u3000]*[{_DASH}][ \t\u3000]*(?:\r?\n|$)", re.MULTILINE)


def _number(match: re.Match) -> int:
    return int(unicodedata.normalize("NFKC", match.group(1)))


def page_footers(text: str) -> list[re.Match]:
    """The footer lines of ``text``: two or more, their numbers rising. A single 「－１－」, or numbers
    out of order, may be the minutes' own words (a list's dashes), so nothing is taken then."""
    found = list(FOOTER_RE.finditer(text))
    numbers = [_number(m) for m in found]
    if len(found) < 2 or any(b <= a for a, b in zip(numbers, numbers[1:])):
        return []
    return found


def move_page_footers(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` without its footer lines, and the pages they delimit as (offset, page number): the text
    before 「－３－」 is page 3, the text after it page 4. Unchanged, with no pages, when it has none."""
    footers = page_footers(text)
    if not footers:
        return text, ()
    parts: list[str] = []
    pages: list[tuple[int, int]] = [(0, _number(footers[0]))]
    pos = length = 0
    for m in footers:
        parts.append(text[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        if pos < len(text):
            pages.append((length, _number(m) + 1))
    parts.append(text[pos:])
    return "".join(parts), tuple(pages)


def strip_edge_footer(page_text: str) -> str:
    """A PDF page's text without the page number printed as its first or last line (the reader knows
    the page already)."""
    lines = page_text.split("\n")
    if lines and FOOTER_RE.fullmatch(lines[-1]):
        lines.pop()
    elif lines and FOOTER_RE.fullmatch(lines[0]):
        lines.pop(0)
    return "\n".join(lines).strip("\n")
