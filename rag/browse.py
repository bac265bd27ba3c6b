"""The 会議一覧 page's content as plain data: the meetings table, its filters, and one meeting's record.

No Streamlit here, so what the page shows is unit-tested; ``rag.app.meetings_page``
only lays it out. Everything taken from the minutes that ends up in HTML goes
through ``rag.inert``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .domain import Meeting, Remark, fold
from .inert import html_text
from .presentation import one_line, seireki
from .records import CatalogEntry

NO_BODY = "（会議体の記載なし）"
# (first day, era): 和暦 of a 西暦 date, for minutes that give only 西暦 (or nothing)
_ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"), (dt.date(1989, 1, 8), "平成"), (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"), (dt.date(1868, 10, 23), "明治"),
)
_ERA_WORDS = re.compile("明治|大正|昭和|平成|令和")
GROUPS = {"member": "構成員", "other": "その他の出席者"}


def wareki(iso: str | None) -> str | None:
    """「2023-12-01」 -> 「令和5年12月1日」 (first year: 元年); None before 明治 or for no date."""
    try:
        d = dt.date.fromisoformat(iso or "")
    except ValueError:
        return None
    for first, era in _ERAS:
        if d >= first:
            year = d.year - first.year + 1
            return f"{era}{'元' if year == 1 else year}年{d.month}月{d.day}日"
    return None


@dataclass(frozen=True)
class DateLabels:
    """The date as the record page shows it."""

    seireki: str  # 「2023年12月1日」, or 「日付の記載なし」
    wareki: str | None  # as the minutes write it when they use an era name, else converted
    wareki_is_original: bool
    original: str | None  # the minutes' own text, whatever form it takes


def date_labels(meeting: Meeting) -> DateLabels:
    return dates_of(meeting.date, meeting.date_original)


def dates_of(iso: str | None, original: str | None) -> DateLabels:
    """The labels of a date given as ISO and as the minutes write it (catalog rows carry both)."""
    original = original.strip() if original else None
    west = seireki(iso) if iso else "日付の記載なし"
    if original and _ERA_WORDS.search(original):
        return DateLabels(west, original, True, original)
    return DateLabels(west, wareki(iso), False, original)


def date_line(iso: str | None, original: str | None) -> str:
    """「2023年12月1日（令和五年十二月一日（金曜日））」, 「2024年12月17日（令和6年12月17日）」."""
    d = dates_of(iso, original)
    return f"{d.seireki}（{d.wareki}）" if d.wareki else d.seireki


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class ListFilter:
    """What the list is narrowed to; empty means every meeting."""

    bodies: tuple[str, ...] = ()
    date_from: str | None = None  # ISO, inclusive; set → undated meetings are left out
    date_to: str | None = None
    speakers: tuple[str, ...] = ()  # a meeting where any of them spoke
    text: str = ""  # words that must all occur in the meeting's label, body or file name


def body_of(entry: CatalogEntry) -> str:
    return entry.body or NO_BODY


def filter_catalog(entries: Iterable[CatalogEntry], f: ListFilter) -> list[CatalogEntry]:
    wanted = {fold(s) for s in f.speakers}
    words = [fold(w) for w in f.text.split()]
    out = []
    for e in entries:
        if f.bodies and body_of(e) not in f.bodies:
            continue
        if (f.date_from or f.date_to) and not e.date:
            continue
        if (f.date_from and e.date < f.date_from) or (f.date_to and e.date > f.date_to):
            continue
        if wanted and not wanted & set(e.folded_speakers):
            continue
        haystack = fold(f"{e.label} {e.body} {e.name} {Path(e.source).name}")
        if any(w not in haystack for w in words):
            continue
        out.append(e)
    return out


def speaker_choices(entries: Sequence[CatalogEntry]) -> list[tuple[str, str | None, int]]:
    """(name, first role, remarks) over all meetings, most remarks first."""
    counts: dict[str, int] = {}
    roles: dict[str, str | None] = {}
    for e in entries:
        for name, role, n in e.speakers:
            counts[name] = counts.get(name, 0) + n
            roles.setdefault(name, role)
    return [(n, roles[n], counts[n]) for n in sorted(counts, key=lambda n: (-counts[n], n))]


def table_rows(entries: Iterable[CatalogEntry]) -> list[dict]:
    """One row per meeting for the sortable table (newest first); ``id`` is kept for selection, not shown."""
    rows = []
    for e in sorted(entries, key=lambda e: (e.date or "", e.source, e.ordinal), reverse=True):
        top = sorted(e.speakers, key=lambda s: -s[2])[:3]
        rows.append({
            "id": e.meeting_id,
            "開催日": dt.date.fromisoformat(e.date) if e.date else None,
            "会議": e.label,
            "会議体": body_of(e),
            "種別": e.kind,
            "発言数": e.remarks,
            "発言者数": len(e.speakers),
            "主な発言者": "、".join(n for n, _, _ in top),
            "ファイル": Path(e.source).name,
        })
    return rows


def list_label(e: CatalogEntry) -> str:
    """How a meeting is offered in the picker: 「2023-12-01 参議院 本会議 第8号」."""
    return f"{e.date or '日付不明'} {e.label}"


# ------------------------------------------------------------------ one meeting


def attendee_rows(meeting: Meeting) -> list[dict]:
    rows = []
    for a in meeting.attendees:
        note = ""
        if a.proxy_for:
            note = f"{a.proxy_for} の代理"
        elif a.represented_by:
            note = f"代理出席: {a.represented_by}"
        rows.append({"氏名": a.name, "役職・所属": a.title or "", "区分": GROUPS.get(a.group, a.group), "代理": note})
    return rows


def speaker_rows(meeting: Meeting) -> list[dict]:
    return [{"発言者": n, "役職": r or "", "発言数": c} for n, r, c in meeting.speakers()]


def remark_heading(number: int, speaker: str | None, role: str | None, organisation: str | None, section: str) -> str:
    """「発言12　今竹大祐（議長）」, 「発言30　防衛省（出席者意見開陳）」."""
    who = speaker or organisation or ""
    if who and role:
        who += f"（{role}）"
    where = section if section and section != "発言" else ""
    return "　".join(x for x in (f"発言{number}", who, f"〔{where}〕" if where else "") if x)


def remark_html(r: Remark, text: str, focus: bool = False) -> str:
    """One remark as an inert HTML block with its anchor (``id="remark-N"``), number and speaker."""
    style = "background:#fff6d5;border-left:4px solid #ffbf00;" if focus else "border-left:3px solid #ddd;"
    head = html_text(remark_heading(r.number, r.speaker, r.role, r.organisation, r.section))
    return (f'<div id="remark-{r.number}" class="remark" style="{style}padding:0.2rem 0.7rem;margin:0.4rem 0;">'
            f'<div style="font-weight:600;font-size:0.85rem;color:#444;">{head}</div>'
            f'<div>{html_text(text[r.start:r.end])}</div></div>')


def full_text_html(meeting: Meeting, text: str, focus: int | None = None) -> str:
    """The stored minutes as one inert HTML block: each remark its own anchored block (``remark_html``),
    the text between remarks (headers, attendance, stage notes) in grey. ``focus``: a remark to highlight."""
    blocks: list[str] = []
    pos, stop = meeting.extent or (0, len(text))  # a file of several meetings: this meeting's part only
    for r in sorted(meeting.remarks, key=lambda r: r.start):
        if text[pos:r.start].strip():
            blocks.append(_between(text[pos:r.start]))
        blocks.append(remark_html(r, text, r.number == focus))
        pos = max(pos, r.end)
    if text[pos:stop].strip():
        blocks.append(_between(text[pos:stop]))
    return wrap_html("".join(blocks), scroll=True)


def wrap_html(body: str, scroll: bool = False) -> str:
    height = "max-height:40rem;overflow-y:auto;" if scroll else ""
    return f'<div class="minutes-full" style="white-space:pre-wrap;line-height:1.7;font-size:0.92rem;{height}">{body}</div>'


def _between(text: str) -> str:
    return f'<div style="color:#666;margin:0.3rem 0;">{html_text(text.strip())}</div>'


def agenda_lines(meeting: Meeting) -> list[str]:
    return [one_line(a.title) for a in meeting.agenda]


def decision_lines(meeting: Meeting) -> list[str]:
    return [one_line(d.text) for d in meeting.decisions]
