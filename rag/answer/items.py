"""Numbered items of business (議案第171号, 請願第3号, 日程第四十一, 第5号議案).

A question that names such an item asks about that item. A remark that names only other items
of the same kind (a committee chair's report on 議案第132号 to 第145号) is about something else,
however many of the question's other words it shares; ``gather`` puts it after the evidence that
does not contradict the question.
"""
from __future__ import annotations

import re
import unicodedata

from ..layouts.japanese import kanji_number

_NUMBER = r"[0-9〇一二三四五六七八九十百千]+"
_KINDS = r"議案|請願|陳情|報告|認定|諮問|同意|承認|発議|発議案|意見書案|決議案|日程"
ITEM_REF = re.compile(rf"({_KINDS})\s*第\s*({_NUMBER})\s*号?|第\s*({_NUMBER})\s*号\s*(議案)")
# 「議案第132号「…」から議案第145号「…」まで」: every item between is named (a title in brackets may stand
# between the two numbers; at most this many characters)
RANGE_GAP = 200
MAX_RANGE = 200


def item_numbers(text: str) -> dict[str, set[int]]:
    """The items ``text`` names, by kind: {"議案": {132, 133, …, 145}}."""
    text = unicodedata.normalize("NFKC", text)
    refs: list[tuple[str, int, int, int]] = []  # (kind, number, start, end)
    for m in ITEM_REF.finditer(text):
        kind, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        n = kanji_number(number)
        if n is not None:
            refs.append((kind, n, m.start(), m.end()))
    named: dict[str, set[int]] = {}
    for i, (kind, n, _, end) in enumerate(refs):
        named.setdefault(kind, set()).add(n)
        later = next((r for r in refs[i + 1:] if r[0] == kind), None)
        if later is None or later[2] - end > RANGE_GAP:
            continue
        between = text[end:later[2]]
        if "から" in between and n < later[1] <= n + MAX_RANGE:
            named[kind].update(range(n, later[1] + 1))
    return named


def names_asked_items(asked: dict[str, set[int]], text: str) -> bool:
    """``text`` names one of the items the question names (``asked``: its ``item_numbers``)."""
    named = item_numbers(text)
    return any(named.get(kind, set()) & numbers for kind, numbers in asked.items())


def names_other_items(asked: dict[str, set[int]], text: str) -> bool:
    """``text`` names items of a kind the question names, and none of the question's items."""
    if not asked or names_asked_items(asked, text):
        return False
    named = item_numbers(text)
    return any(named.get(kind) for kind in asked)
