"""Summary minutes (議事要旨 / 議事概要) in free layouts, and any other readable text.

After the header fields, the body is read as headings and items: a bullet
(-, ・, •, *, ○, ◯, ●) starts an item, wrapped or indented lines continue it,
and a blank-line paragraph without bullets is an item of its own. Short lines
without sentence punctuation, 【…】 lines, numbered 「(n) …」/「n. …」 lines,
Markdown ``#`` lines and reStructuredText underlined titles are headings: they
name the section of the items below them. Speakers are not guessed here; the
organisation rule of the 議事要旨 layout (only where a remark names it) applies.
"""
from __future__ import annotations

import re

from ..domain import Decision, Remark
from .lines import Line, is_rule, nfkc
from .speakers import remit_only, split_label
from .summary import _ORG_RE  # one rule for 「防衛省としては」 in every summary layout

_BULLET_RE = re.compile(r"^(?:[-・•*○◯●◎■□◆◇▪‐]|\d{1,2}[)）]|[①-⑳])\s*")
_NUMBERED_HEADING_RE = re.compile(r"^(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.．、]|第\s*\d+\s*[号章節]|[一二三四五六七八九十]+\s*[、.．])\s*(.{1,40})$")
_DECISION_SECTION_RE = re.compile(r"決定|決議|了承|承認|議決")
# A summary states a decision in prose: 「…委員会として了承された。」「委員長に大森委員が選出された。」,
# or ends a bullet on the noun: 「鈴木たかのりが立候補し、決定」. Matched per sentence of an item.
_DECISION_SENTENCE_RE = re.compile(
    r"(?:了承|承認|決定|可決|否決|採択|選出|選任)(?:された|されました|することとなった|することとされた|となった|[。．]?$)")


def is_heading(line: Line, next_line: Line | None) -> bool:
    norm = line.norm.strip()
    if next_line is not None and is_rule(next_line.norm) and len(norm) <= 60:
        return True  # reStructuredText: a title over =====
    if norm.startswith("#") or re.match(r"^[【\[][^】\]]{1,30}[】\]]$", norm):
        return True
    if _NUMBERED_HEADING_RE.match(norm) and not re.search(r"[。]", norm):
        return True
    return len(norm) <= 20 and not re.search(r"[。、，,「」:：]", norm) and not _BULLET_RE.match(norm)


def heading_text(line: Line) -> str:
    norm = nfkc(line.text).strip().lstrip("#").strip()
    norm = re.sub(r"^[【\[]|[】\]]$", "", norm)
    m = _NUMBERED_HEADING_RE.match(norm)
    return (m.group(1) if m else norm).strip()


# who said it, at the item's end, as summary minutes print it: 「…検討すべきである。（山田委員）」, and
# notes that keep a member's handle: 「…継続していきたい(terada」
_ATTRIBUTION_RE = re.compile(r"[(（]\s*([^()（）\n。、,]{1,16}?)\s*([)）]?)\s*$")
_HANDLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{1,20}")


_LEADING_ATTRIBUTION_RE = re.compile(r"^\s*[・•*\-]?\s*([^\s:：、。「」()（）]{2,16})[:：]\s*\S")


def attribution(body: str) -> tuple[str | None, str | None]:
    """(speaker, role) an item names at its end, as printed (or at its start: 「・委員長：…」
    「・運営理事：…」, a role alone); (None, None) when it names no one (「（仮称）」「（資料１）」「（拍手）」,
    an office alone such as 「（事務局）」 at the end)."""
    m = _ATTRIBUTION_RE.search(nfkc(body).rstrip())
    if not m:
        return _leading_attribution(body)
    inside, closed = m.group(1).strip(), bool(m.group(2))
    if _HANDLE_RE.fullmatch(inside) and not inside.isupper():  # a member's handle, not 「(PSF)」「(IT)」
        return inside, None
    if closed:
        who = split_label(inside)
        if who and who[0] and who[1] and not remit_only(who[0]):  # 「山田委員」→ 山田 / 委員; not 「（出席議員）」
            return who
    return _leading_attribution(body)


def _leading_attribution(body: str) -> tuple[str | None, str | None]:
    """「・委員長：…」「・山田委員：…」「・運営理事：…」: who is named before a colon opening the item,
    as printed (a remit before an office is part of the role, no name: 運営 / 理事 → 運営理事), when
    what follows is something said (a sentence), not the name of who holds an office."""
    m = _LEADING_ATTRIBUTION_RE.match(nfkc(body))
    if not m:
        return None, None
    said = nfkc(body)[m.end() - 1:]
    if "。" not in said and len(said.strip()) < 20:
        return None, None  # 「会計理事: 清水川」: who holds an office, not what was said
    printed = body.lstrip(" \u3000・•*-＊－")[: len(m.group(1))]
    label = printed if nfkc(printed) == m.group(1) else m.group(1)  # as printed, where the slice is the label
    who = split_label(label)
    if not who or not who[1]:
        return None, None
    name, role = who
    if name and remit_only(name):
        return None, label.strip()
    return name, role


def items(text: str, lines: list[Line | None], first_section: str) -> tuple[list[Remark], list[Decision]]:
    remarks: list[Remark] = []
    decisions: list[Decision] = []
    section = first_section
    current: list[int] | None = None  # [start, end, bullet indent]

    def close() -> None:
        nonlocal current
        if current is not None:
            start, end, _ = current
            body = text[start:end]
            if _DECISION_SECTION_RE.search(section):
                decisions.append(Decision(body, start, end, section))
            else:
                org = _ORG_RE.match(nfkc(body))
                speaker, role = attribution(body)
                remarks.append(Remark(len(remarks) + 1, body, start, end, section, org.group(1) if org else None,
                                      None, speaker, role))
                decisions.extend(_decisions_in(body, start, section))
            current = None

    for i, line in enumerate(lines):
        if line is None:
            continue  # a blank line (page break) leaves the item open; what follows decides
        norm = line.norm
        if is_rule(norm):
            continue
        bullet = _BULLET_RE.match(norm)
        if not bullet and is_heading(line, lines[i + 1] if i + 1 < len(lines) else None):
            close()
            section = heading_text(line) or section
            continue
        if bullet:
            close()
            offset = bullet.end() if len(norm) == len(line.text) else 0
            current = [line.start + offset, line.end, line.indent]
            continue
        prev_blank = i > 0 and lines[i - 1] is None
        if current is not None and not (prev_blank and line.indent <= current[2] and _ends_sentence(text, current[1])):
            current[1] = line.end  # a wrapped line, or a paragraph continuing after a page break
            continue
        close()
        current = [line.start, line.end, line.indent]
    close()
    return remarks, decisions


def _decisions_in(body: str, start: int, section: str) -> list[Decision]:
    """The sentences of an item that state a decision, as verbatim spans (the item stays a remark)."""
    found = []
    for m in re.finditer(r"[^。]+(?:。|$)", body):
        sentence = m.group(0).strip()
        if sentence and _DECISION_SENTENCE_RE.search(nfkc(sentence)):
            s = start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            found.append(Decision(sentence, s, s + len(sentence), section))
    return found


def _ends_sentence(text: str, end: int) -> bool:
    return end > 0 and text[end - 1] in "。．.！!？?」）)"
