"""What the UI shows, as plain data and text: no Streamlit here, so all of it is unit-tested.

Source cards, the highlighted context of a citation, filter choices and their
summary, Japanese explanations of input errors, and the Markdown export of an
answer with its sources.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from .domain import Answer, Citation, Filters, Meeting

if TYPE_CHECKING:
    from .conversation import Resolution
    from .errors import InputError
    from .index import MinutesIndex

CONTEXT_CHARS = 120  # at least this much surrounding text (in whole lines) on each side of a cited span
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>|~$])")
# 「[資料](https://…)」「![](https://…)」 in minutes must not become a live link or a remote image:
# an escaped 「[」 opens neither (citation markers 「[1]」 are left as they are: they link nowhere)
_LINK_OPEN = re.compile(r"\[(?!\d{1,3}\](?!\())")
_LINE_START = re.compile(r"(?m)^(\s*)([#+\-=])|^(\s*\d+)([.)])")


# ------------------------------------------------------------------ text helpers


def md_escape(text: str) -> str:
    """Escape what Markdown (and Streamlit's $…$ math) would reinterpret, so minutes show literally."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINK_OPEN.sub(r"\\[", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}", text)


def answer_markdown_body(text: str) -> str:
    """``Answer.text`` as safe Markdown: its 「- 」 lines stay a bullet list, everything else is literal."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.startswith("- "):
            if out and not out[-1].startswith("- "):
                out.append("")
            out.append("- " + md_escape(line[2:]))
        else:
            out.append(md_escape(line) + "  ")
    return "\n".join(out).rstrip()


def seireki(iso: str) -> str:
    """「2007-10-03」 -> 「2007年10月3日」."""
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def one_line(text: str) -> str:
    """Fold the line breaks a PDF dump leaves inside a sentence."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


# ------------------------------------------------------------------ sources


@dataclass(frozen=True)
class SourceView:
    """One numbered source under an answer, with everything the card shows."""

    n: int
    excerpt: str  # verbatim
    meeting_id: str
    meeting: str  # 「情報セキュリティ政策会議 第14回会合」
    date: str  # ISO
    date_seireki: str  # 「2007年10月3日」
    date_wareki: str | None  # as written in the minutes: 「平成19年10月3日(水)」
    section: str
    remark_no: int | None
    organisation: str | None
    source: str  # as indexed
    start: int
    end: int
    context_html: str = ""  # the excerpt highlighted in its surrounding text
    speaker: str | None = None  # as the minutes name the speaker; None in summaries that do not
    role: str | None = None
    page: int | None = None

    @property
    def file_name(self) -> str:
        return Path(self.source).name

    @property
    def date_label(self) -> str:
        """「2007年10月3日（平成19年10月3日(水)）」; 「日付の記載なし」 when the minutes state none."""
        if not self.date_seireki:
            return "日付の記載なし"
        return f"{self.date_seireki}（{self.date_wareki}）" if self.date_wareki else self.date_seireki

    @property
    def speaker_label(self) -> str:
        """「発言者: 今竹大祐（議長）」, or "" when the minutes name no speaker."""
        if not self.speaker:
            return ""
        return f"発言者: {self.speaker}" + (f"（{self.role}）" if self.role else "")

    def where(self) -> str:
        """「出席者意見開陳・防衛省・発言30」, 「今竹大祐（議長）・発言12・p.5」 (rag.answer.labels)."""
        from .answer.labels import where_label

        return where_label(self.section, self.speaker, self.role, self.organisation, self.remark_no, self.page)

    def heading(self) -> str:
        return f"[{self.n}] {self.meeting} ／ {self.date_label} ／ {self.where()}"


def source_view(citation: Citation, meeting: Meeting | None, source_text: str | None) -> SourceView:
    c = citation.chunk
    context = ""
    if source_text is not None and source_text[citation.start : citation.end] == citation.text:
        context = context_html(source_text, citation.start, citation.end)
    return SourceView(
        n=citation.n,
        excerpt=citation.text,
        meeting_id=c.meeting_id,
        meeting=c.meeting,
        date=c.date,
        date_seireki=seireki(c.date) if c.date else "",
        date_wareki=meeting.date_original if meeting else None,
        section=c.section,
        remark_no=c.remark_no,
        organisation=c.organisation,
        source=c.source,
        start=citation.start,
        end=citation.end,
        context_html=context,
        speaker=c.speaker,
        role=c.role,
        page=c.page,
    )


def source_views(answer: Answer, index: "MinutesIndex") -> list[SourceView]:
    """The numbered sources of an answer (none when it abstained)."""
    views = []
    for citation in answer.citations:
        record = index.records.get(citation.chunk.meeting_id)
        meeting, text = record if record else (None, None)
        views.append(source_view(citation, meeting, text))
    return views


def context_html(text: str, start: int, end: int, window: int | None = CONTEXT_CHARS,
                 extent: tuple[int, int] | None = None) -> str:
    """``text[start:end]`` inside <mark>, in its surrounding text: whole lines on each side until
    about ``window`` characters are shown (``None``: the whole text — or the meeting's ``extent``
    of a file holding several meetings — in a scrolling box).
    HTML-escaped, line breaks as <br> (one HTML line, so Markdown never reinterprets it)."""
    from .inert import MARK_STYLE  # inert imports this module

    if window is None:
        lo, hi = extent or (0, len(text))
    else:
        lo = text.rfind("\n", 0, start) + 1  # the cited span's own lines, then more lines…
        while lo > 0 and start - lo < window:
            lo = text.rfind("\n", 0, lo - 1) + 1
        hi = _line_end(text, end)
        while hi < len(text) and hi - end < window:
            hi = _line_end(text, hi + 1)
        while lo < start and text[lo] in "\r\n":  # no blank lines at the edges
            lo += 1
        while hi > end and text[hi - 1] in "\r\n":
            hi -= 1
    before, cited, after = text[lo:start], text[start:end], text[end:hi]

    def esc(s: str) -> str:
        return html.escape(s).replace("\r\n", "\n").replace("\n", "<br>")

    body = (
        ("…<br>" if lo > 0 else "")
        + esc(before)
        + f'<mark style="{MARK_STYLE}">'
        + esc(cited)
        + "</mark>"
        + esc(after)
        + ("<br>…" if hi < len(text) else "")
    )
    scroll = "max-height:28rem;overflow-y:auto;" if window is None else ""
    return (
        '<div class="minutes-context" style="white-space:pre-wrap;line-height:1.7;font-size:0.92rem;'
        f'{scroll}padding:0.4rem 0.8rem;border-left:3px solid #ffbf00;">{body}</div>'
    )


def snippet_html(excerpt: str) -> str:
    """A source card's collapsed excerpt: highlighted, inert (``inert.html_text``), one line (CSS ends
    it with …; the full excerpt is in the answer, and in its context when the card is opened)."""
    from .inert import MARK_STYLE, html_text

    style = ("margin:0;padding:0.1rem 0 0.1rem 0.7rem;border-left:3px solid #ffbf00;opacity:1;"
             "white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:0.92rem;")
    return (f'<blockquote class="source-snippet" style="{style}">'
            f'<mark style="{MARK_STYLE}">{html_text(one_line(excerpt))}</mark></blockquote>')


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


# ------------------------------------------------------------------ filters


@dataclass(frozen=True)
class FilterChoices:
    """What the sidebar offers, taken from the indexed chunks."""

    meetings: tuple = ()  # CatalogEntry rows (meeting_id, label, date)
    sections: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    date_min: str | None = None
    date_max: str | None = None
    speakers: tuple[tuple[str, str | None], ...] = ()  # (name, role), most remarks first
    roles: tuple[str, ...] = ()


def filter_choices(index: "MinutesIndex") -> FilterChoices:
    """Meetings, sections, organisations and the date span present in the index (document order)."""
    first_seen: dict[str, tuple[str, int]] = {}
    orgs: dict[str, tuple[str, int]] = {}
    for cid in index.lexical.ids():
        found = index.lexical.get(cid)
        if found is None:
            continue
        meta = found[1]
        key = (str(meta.get("date", "")), int(meta.get("start", 0)))
        section = meta.get("section")
        if section and (section not in first_seen or key < first_seen[section]):
            first_seen[section] = key
        org = meta.get("organisation")
        if org and (org not in orgs or key < orgs[org]):
            orgs[org] = key
    meetings = tuple(index.catalog())
    dates = [m.date for m in meetings if m.date]
    counts: dict[str, int] = {}
    roles_of: dict[str, str | None] = {}
    role_counts: dict[str, int] = {}
    for m in meetings:
        for name, role, n in m.speakers:
            counts[name] = counts.get(name, 0) + n
            roles_of.setdefault(name, role)
            if role:
                role_counts[role] = role_counts.get(role, 0) + n
    return FilterChoices(
        meetings=meetings,
        sections=tuple(sorted(first_seen, key=lambda s: first_seen[s])),
        organisations=tuple(sorted(orgs, key=lambda o: orgs[o])),
        date_min=min(dates) if dates else None,
        date_max=max(dates) if dates else None,
        speakers=tuple((n, roles_of[n]) for n in sorted(counts, key=lambda n: (-counts[n], n))),
        roles=tuple(sorted(role_counts, key=lambda r: (-role_counts[r], r))),
    )


def meeting_option(meeting) -> str:
    """How a meeting is listed in the filter: 「2007-10-03 情報セキュリティ政策会議 第14回会合」."""
    return f"{meeting.date or '日付不明'} {meeting.label}"


def make_filters(
    choices: FilterChoices,
    meeting_ids: Sequence[str] = (),
    dates: Sequence[dt.date] = (),
    sections: Sequence[str] = (),
    organisations: Sequence[str] = (),
    speakers: Sequence[str] = (),
    roles: Sequence[str] = (),
) -> Filters:
    """A ``Filters`` from the sidebar's values; a date range covering every meeting is no filter."""
    date_from = dates[0].isoformat() if len(dates) >= 1 else None
    date_to = dates[1].isoformat() if len(dates) >= 2 else None
    if date_from and choices.date_min and date_from <= choices.date_min:
        date_from = None
    if date_to and choices.date_max and date_to >= choices.date_max:
        date_to = None
    return Filters(
        meeting_ids=tuple(meeting_ids),
        date_from=date_from,
        date_to=date_to,
        sections=tuple(sections),
        organisations=tuple(organisations),
        speakers=tuple(speakers),
        roles=tuple(roles),
    )


def filters_summary(filters: Filters | None, meetings: Iterable[Meeting] = ()) -> str:
    """「会議: … ／ 期間: … ／ 区分: … ／ 組織: …」, or "" when nothing is filtered."""
    if filters is None or filters.is_empty():
        return ""
    labels = {m.meeting_id: m.label for m in meetings}
    parts = []
    if filters.meeting_ids:
        parts.append("会議: " + "、".join(labels.get(i, i) for i in filters.meeting_ids))
    if filters.sources:
        parts.append("ファイル: " + "、".join(Path(s).name for s in filters.sources))
    if filters.date_from or filters.date_to:
        lo = seireki(filters.date_from) if filters.date_from else ""
        hi = seireki(filters.date_to) if filters.date_to else ""
        parts.append(f"期間: {lo}〜{hi}")
    if filters.sections:
        parts.append("区分: " + "、".join(filters.sections))
    if filters.organisations:
        parts.append("組織: " + "、".join(filters.organisations))
    if filters.speakers:
        parts.append("発言者: " + "、".join(filters.speakers))
    if filters.roles:
        parts.append("役職: " + "、".join(filters.roles))
    return " ／ ".join(parts)


# ------------------------------------------------------------------ errors

_PROBLEMS_JA: tuple[tuple[str, str], ...] = (
    ("the file is empty", "ファイルが空です。"),
    ("this is a binary file", "テキストではなくバイナリファイルです（PDF・Word などはテキストに変換してください）。"),
    ("cannot decode", "文字コードを判別できません（UTF-8・Shift_JIS・EUC-JP のテキストにしてください）。"),
    ("contains no Japanese text", "日本語の文章が含まれていないため、議事録として扱えません。"),
    ("cannot be read as a PDF", "PDFとして読み込めません（破損しているか、PDFではありません）。"),
    ("is password-protected", "パスワードで保護されたPDFです。保護を外したコピーを追加してください。"),
    ("has no text layer", "文字情報のないPDF（画像のみ）です。OCRでテキスト化してから追加してください。"),
    ("is not a minutes file type", "対応していないファイル形式です（テキスト・PDF・HTML・JSON・XML）。"),
    ("is not valid JSON", "JSONとして読み込めません。"),
    ("is not well-formed XML", "XMLとして読み込めません。"),
    ("no such file", "ファイルが見つかりません。"),
)


def explain_input_error(error: "InputError") -> str:
    """A Japanese explanation of why a minutes file was rejected (falls back to the original text)."""
    for needle, ja in _PROBLEMS_JA:
        if needle in error.problem:
            return ja
    return error.problem


# ------------------------------------------------------------------ Markdown export


@dataclass
class Exchange:
    """One question and its answer, as shown and exported."""

    question: str
    query: str  # what was searched (differs from ``question`` for a resolved follow-up)
    answer: Answer
    sources: list[SourceView] = field(default_factory=list)
    filters: Filters | None = None
    filters_text: str = ""
    note: str = ""  # how a follow-up was resolved

    @classmethod
    def build(
        cls, resolution: "Resolution", answer: Answer, sources: list[SourceView],
        filters: Filters | None = None, filters_text: str = "",
    ) -> "Exchange":
        return cls(resolution.question, resolution.query, answer, sources, filters, filters_text, resolution.note())


def exchange_markdown(ex: Exchange, heading_level: int = 2) -> str:
    """An answer with its numbered sources as Markdown (for download or copy)."""
    h = "#" * heading_level
    out = [f"{h} 質問", "", md_escape(ex.question), ""]
    if ex.query != ex.question:
        out += [f"*検索した質問:* {md_escape(ex.query)}", ""]
    if ex.filters_text:
        out += [f"*絞り込み:* {md_escape(ex.filters_text)}", ""]
    out += [f"{h} 回答", "", answer_markdown_body(ex.answer.text), ""]
    if ex.sources:
        out += [f"{h} 出典", ""]
        for s in ex.sources:
            out.append(f"{s.n}. {md_escape(s.meeting)} ／ {md_escape(s.date_label)} ／ {md_escape(s.where())}  ")
            out.append(f"   {md_escape(s.file_name)}［{s.start}–{s.end}文字目］")
            out.append("")
            out.append("   > " + md_escape(one_line(s.excerpt)))
            out.append("")
    elif ex.answer.abstained:
        out += ["*出典: なし（議事要旨に該当する記載がないため）*", ""]
    return "\n".join(out).rstrip() + "\n"


def conversation_markdown(exchanges: Sequence[Exchange], title: str = "議事要旨アシスタント 会話記録") -> str:
    """The whole conversation as one Markdown document."""
    parts = [f"# {title}", ""]
    for i, ex in enumerate(exchanges, start=1):
        body = exchange_markdown(ex, heading_level=3)
        parts += [f"## {i}. {md_escape(one_line(ex.question))}", "", body, "---", ""]
    return "\n".join(parts).rstrip() + "\n"
