"""Lines of a text with exact offsets: the unit every layout parser reads.

Parsers match on the NFKC form of a line (full-width digits, brackets and
colons become ASCII) but report spans of the original text, so that
``text[start:end] == span.text`` always holds; nothing is normalised in place.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain import Span


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    text: str  # text[start:end]
    indent: int = 0  # leading whitespace characters (full-width spaces count one each)

    @property
    def norm(self) -> str:
        return unicodedata.normalize("NFKC", self.text)

    @property
    def span(self) -> Span:
        return Span(self.text, self.start, self.end)

    def sub_span(self, s: int, e: int) -> Span:
        """Span of ``norm[s:e]`` in the original text (the whole line if NFKC changed lengths)."""
        if len(self.norm) == len(self.text):
            return Span(self.text[s:e], self.start + s, self.start + e)
        return self.span


def split_lines(text: str) -> list[Line | None]:
    """Stripped lines with offsets; blank lines are None (paragraph breaks)."""
    out: list[Line | None] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            out.append(None)
        else:
            lead = len(body) - len(body.lstrip())
            start = pos + lead
            out.append(Line(start, start + len(stripped), stripped, lead))
        pos += len(raw)
    return out


def span_of(text: str, start: int, end: int) -> Span:
    return Span(text[start:end], start, end)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


# Lines that are layout, not content: rules, dividers, dotted leaders.
RULE_RE = re.compile(r"^[\s\-－ー―‐—–─━=＝…・.・〜~＊*◇◆□■☆★○◯]{3,}$")
# Stage notes: 〔「異議なし」と呼ぶ者あり〕, （拍手）, （午前１１時３６分　休憩）, 〔山田市長登壇〕
STAGE_NOTE_RE = re.compile(r"^[〔［\[（(][^〕］\]）)]{0,80}[〕］\]）)]$")


def is_rule(norm: str) -> bool:
    return bool(RULE_RE.match(norm))


def is_stage_note(line_text: str) -> bool:
    return bool(STAGE_NOTE_RE.match(line_text.strip()))
