"""Japanese dates, times and numerals as minutes write them.

Dates come in 西暦 and 和暦, with ASCII, full-width or kanji numerals
(「令和五年十月二十日」「昭和二十二年七月二十八日」「令和 5年 5月22日」). Matching
runs on the NFKC form of a line; callers map the match back to the original
line only when NFKC kept its length (see ``LineSpan``).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

WAREKI = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"[0-9〇零一二三四五六七八九十百千]+"

DATE_RE = re.compile(
    rf"(?:(明治|大正|昭和|平成|令和)\s*(元|{NUM})|([0-9]{{4}}))\s*年\s*({NUM})\s*月\s*({NUM})\s*日"
    r"(?:\s*[\(（]\s*[月火水木金土日](?:曜日?)?\s*[\)）])?"
)
ISO_DATE_RE = re.compile(r"(?<![0-9])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])")
_CLOCK = rf"(?:(?:午前|午後)\s*)?{NUM}\s*(?:時|:)\s*(?:{NUM}\s*分?|半)?"
TIME_RANGE_RE = re.compile(rf"{_CLOCK}\s*(?:[~〜～\-–－]|から)\s*{_CLOCK}")
TIME_EVENT_RE = re.compile(
    rf"(?:(?:午前|午後)\s*)?{NUM}\s*時\s*(?:{NUM}\s*分|半)?\s*(開会|開議|再開|散会|閉会|休憩|延会)"
    rf"|(?:開会|開議)\s*\(\s*(?:午前|午後)\s*{NUM}\s*時\s*(?:{NUM}\s*分)?\s*\)")  # 「開会（午前１０時００分）」


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def kanji_number(token: str) -> int | None:
    """「二十二」→22, 「十」→10, 「一〇」→10, 「２２」→22 (after NFKC). None if not a number."""
    token = nfkc(token).strip()
    if token.isdigit():
        return int(token)
    if token == "元":
        return 1
    if not token or any(ch not in _KANJI_DIGITS and ch not in _KANJI_UNITS for ch in token):
        return None
    if not any(ch in _KANJI_UNITS for ch in token):  # positional: 「一〇」
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in token))
    total, current = 0, 0
    for ch in token:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return total + current


def date_from_match(m: re.Match[str]) -> str | None:
    """ISO date of a ``DATE_RE`` match, or None when it is not a calendar date."""
    era, era_year, year, month, day = m.groups()
    if era:
        n = kanji_number(era_year)
        if n is None:
            return None
        y = WAREKI[era] + n
    else:
        y = int(year)
    mo, d = kanji_number(month), kanji_number(day)
    if mo is None or d is None:
        return None
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def find_date(line: str) -> tuple[str, int, int] | None:
    """The first calendar date in ``line`` (NFKC-matched): (iso, start, end) in NFKC offsets."""
    norm = nfkc(line)
    for m in DATE_RE.finditer(norm):
        iso = date_from_match(m)
        if iso:
            return iso, m.start(), m.end()
    m = ISO_DATE_RE.search(norm)
    if m:
        try:
            iso = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            return iso, m.start(), m.end()
        except ValueError:
            return None
    return None


def find_time(line: str) -> str | None:
    """A time range (「17:20~18:20」「午後１時３０分～午後３時」) or an 開会/開議 time, as written
    (whitespace removed)."""
    norm = nfkc(line)
    m = TIME_RANGE_RE.search(norm) or TIME_EVENT_RE.search(norm)
    return re.sub(r"\s+", "", m.group(0)) if m else None


def meeting_number(text: str) -> tuple[int, str] | None:
    """「第14回」→(14, "回"), 「第９号」→(9, "号"), 「第一日」→(1, "日")."""
    m = re.search(rf"第\s*({NUM})\s*(回|号|日)", nfkc(text))
    if not m:
        return None
    n = kanji_number(m.group(1))
    return (n, m.group(2)) if n is not None else None
