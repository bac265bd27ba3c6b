"""Briefings (ブリーフィング・メモ): sourced, extractive summaries of one meeting or of a topic.

``python -m rag brief --meeting <id | source file>`` and
``python -m rag brief --topic "サイバー犯罪への対応" [--from … --to …]``; the
Streamlit page ``pages/2_ブリーフィング.py`` calls the same builders.

One structure, four renderers
    ``build_meeting_briefing`` / ``build_topic_briefing`` return a ``Briefing``
    (plain dataclasses); ``render_markdown``, ``render_docx`` (``rag.memo_docx``),
    ``render_pdf`` (``rag.memo_pdf``) and ``render_json`` only lay it out, so the
    formats always say the same. ``MemoMeta`` (author, handling line, font) comes
    from the settings and only changes the files' metadata, header and footer.

要旨 first
    A meeting memo opens with 要旨: the decisions, then 3–5 key points, each
    the one short sentence (≤ ``summary_chars``) of a remark that carries its
    point, ranked like the main points (MMR). The details follow.

Nothing is written that the minutes do not say
    No LLM is involved. The only words that are not verbatim excerpts are
    template headings and a lead line, and labels taken from the parsed record
    itself (meeting name, date, place, attendee names and titles, agenda
    titles, organisation names the minutes use). Every excerpt is a slice of
    the stored source text: ``source_text[start:end] == text`` is checked when
    a citation is made, and every point carries its [n].

How points are chosen (meeting briefing)
    主な論点 draws on the remarks that the minutes do not attribute to an
    organisation (those attributed, e.g. 「防衛省としては…」, have their own
    section 各府省の発言, so nothing is shown twice). Remarks are ranked by
    maximal marginal relevance over their embeddings (λ = 0.7): relevance is
    the cosine to the meeting's own agenda and decisions (what the meeting was
    about), diversity the cosine to remarks already chosen, both min-max
    scaled because e5 cosines sit in a narrow band. A remark longer than the
    excerpt length is trimmed at sentence boundaries around its most
    representative sentence (closest to the whole remark's embedding); a
    sentence is never cut.

How points are chosen (topic briefing)
    The hybrid retriever (with the date filters) proposes candidates; the
    answer pipeline's gate decides first whether the minutes say anything
    on the topic at all (rag.answer.gate), and each candidate must then be
    evidence on its own by the same gate (``Gate.strong``). Survivors are ranked by MMR
    and shown in date order, grouped by theme and then by meeting. Excerpts
    are trimmed around the sentence that best matches the topic.

Themes
    A small keyword taxonomy (``THEMES``): every theme's keywords are counted
    over the whole remark (not only the excerpt shown), and the remark goes to
    the theme with the most; a tie or no keyword gives 「その他」 rather than
    a guess. Deterministic and explainable — a reader can see the keywords —
    at the price of recall on paraphrases.

Length control
    ``max_points`` caps the points of 主な論点 (meeting) or of the whole memo
    (topic); ``max_chars`` is a budget for all excerpt text, filled in priority
    order (decisions, key points, one statement per organisation, main points
    by rank, further statements). ``excerpt_chars`` is the target length of one excerpt.
    ``ONE_PAGE`` is a preset that fits one A4 page (its key points stand in for
    主な論点); ``options_for`` applies it the same way for the CLI and the app.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .answer.analysis import term_coverage
from .chunking import split_sentences
from .answer.labels import location_label
from .domain import Chunk, Citation, Filters, Meeting, content_id, parse_iso_date
from .errors import ConfigError, InputError, RagError

FORMATS = ("md", "docx", "pdf", "json")
SCHEMA_VERSION = 2  # 2: summary (要旨 key points) and created

# (theme, keywords) — the order of the sections.
THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("人材・人事", ("人材", "人事", "要員", "育成", "専門家", "専門性", "キャリア", "ノウハウ", "モチベーション")),
    ("法制度・ルール", ("法整備", "基本法", "法制", "規制", "ガイドライン", "安全基準", "ルール", "知る権利", "秘密保護")),
    ("国際協調・貢献", ("国際", "諸外国", "各国", "G8", "ICPO", "ASEAN", "アジア", "世界", "グローバル", "海外")),
    ("重要インフラ", ("重要インフラ", "インフラ")),
    ("サイバー犯罪・攻撃への対処", ("サイバー犯罪", "サイバー攻撃", "サイバーテロ", "取締り", "捜査", "フォレンジック", "犯罪")),
    ("情報共有・連携体制", ("情報共有", "共有", "集約", "GSOC", "情報交換", "連携", "体制")),
    ("評価・目標設定", ("評価", "目標", "進捗", "基本計画", "セキュア・ジャパン", "分析", "ターゲット")),
    ("国民・社会への発信", ("国民", "啓発", "広報", "モラル", "教育", "ネット社会", "信頼", "発信", "安心")),
    ("技術・研究開発", ("研究開発", "技術開発", "技術", "研究", "開発", "暗号", "システム")),
)
OTHER_THEME = "その他"
# words that turn up in remarks on any subject (「技術の進歩」「連携を図り」): they count half a mention
GENERIC_KEYWORDS = frozenset({"技術", "研究", "開発", "システム", "連携", "共有", "信頼", "安心", "分析"})

MMR_LAMBDA = 0.7
DEFAULT_MEETING_POINTS = 8
DEFAULT_TOPIC_POINTS = 10
DEFAULT_EXCERPT_CHARS = 180
SUMMARY_POINTS = 5  # key points in 要旨 at most (fewer when max_points is lower)
SUMMARY_CHARS = 80  # one key point: a single sentence at most this long
DEFAULT_AUTHOR = "議事要旨アシスタント"
TOPIC_CANDIDATES = 30  # hits asked of the retriever for a topic briefing


@dataclass(frozen=True)
class BriefingOptions:
    max_points: int | None = None  # None: DEFAULT_MEETING_POINTS / DEFAULT_TOPIC_POINTS
    max_chars: int | None = None  # budget for all excerpt text; None: no budget
    excerpt_chars: int = DEFAULT_EXCERPT_CHARS
    compact: bool = False  # denser layout: attendees and agenda on one line, themes as labels, short sources
    summary_chars: int = SUMMARY_CHARS

    def __post_init__(self) -> None:
        for name in ("max_points", "max_chars", "excerpt_chars", "summary_chars"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value <= 0):
                raise ConfigError(f"{name.replace('_', '-')}: {value!r} must be a positive whole number")


ONE_PAGE = BriefingOptions(max_points=3, max_chars=1000, excerpt_chars=100, compact=True)


def options_for(one_page: bool = False, max_points: int | None = None, max_chars: int | None = None,
                excerpt_chars: int | None = None) -> BriefingOptions:
    """The one-page preset (or the defaults) with explicit values on top — one rule for the CLI and the app,
    so 「1ページに収める」 and ``--one-page`` make the same memo."""
    base = ONE_PAGE if one_page else BriefingOptions()
    return dataclasses.replace(base, max_points=max_points or base.max_points, max_chars=max_chars or base.max_chars,
                               excerpt_chars=excerpt_chars or base.excerpt_chars)


@dataclass(frozen=True)
class MemoMeta:
    """What a memo file carries besides its content: author, handling line (「取扱注意」) and PDF font.
    Kept out of ``Briefing`` so that the same memo can be written for another office."""

    author: str = DEFAULT_AUTHOR
    handling: str = ""
    font: str | None = None  # a Japanese TrueType font file for PDF; None: looked up (rag.memo_fonts)

    @classmethod
    def from_settings(cls, settings) -> MemoMeta:
        return cls(settings.memo_author or DEFAULT_AUTHOR, (settings.memo_handling or "").strip(),
                   getattr(settings, "memo_font", None))


# ---------------------------------------------------------------- structure


def source_location(c: Citation) -> str:
    """「情報セキュリティ政策会議 第14回会合（2007-10-03）・出席者意見開陳・防衛省・発言30 — file [a:b]」."""
    return f"{location_label(c.chunk, with_meeting=True)} — {c.source} [{c.start}:{c.end}]"


def source_dict(c: Citation) -> dict:
    """A memo source in the briefing JSON (schema unchanged since SourceRef became Citation)."""
    return {"n": c.n, "meeting_id": c.meeting_id, "meeting": c.meeting, "date": c.date, "source": c.source,
            "section": c.section, "kind": c.kind, "start": c.start, "end": c.end, "text": c.text,
            "remark_no": c.remark_no, "organisation": c.organisation, "location": source_location(c)}


@dataclass
class Point:
    """A verbatim excerpt with its citation number."""

    text: str
    cite: int
    meeting_id: str
    date: str
    start: int
    end: int
    remark_no: int | None = None
    organisation: str | None = None
    theme: str | None = None
    trimmed: bool = False  # a sentence-bounded part of a longer remark


@dataclass
class PointGroup:
    """The points of one theme that come from one meeting."""

    meeting_id: str
    meeting: str
    date: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Theme:
    name: str
    groups: list[PointGroup] = field(default_factory=list)

    @property
    def points(self) -> list[Point]:
        return [p for g in self.groups for p in g.points]


@dataclass
class OrgSection:
    organisation: str
    points: list[Point] = field(default_factory=list)


@dataclass
class AttendeeEntry:
    name: str
    title: str
    group: str  # member | other
    proxy_name: str | None = None
    proxy_title: str | None = None

    @property
    def display(self) -> str:
        text = f"{self.name} {self.title}"
        if self.proxy_name:
            text += f"（代理出席：{self.proxy_name} {self.proxy_title or ''}".rstrip() + "）"
        return text


@dataclass
class AgendaEntry:
    number: str
    title: str
    start: int
    end: int


@dataclass
class MeetingInfo:
    meeting_id: str
    label: str  # 情報セキュリティ政策会議 第14回会合
    title: str  # the title lines as written
    source: str
    date: str  # 西暦, ISO
    date_japanese: str  # 和暦, as written in the minutes
    time: str | None
    place: str | None
    header_cite: int
    attendees: list[AttendeeEntry] = field(default_factory=list)
    attendees_cite: int | None = None
    agenda: list[AgendaEntry] = field(default_factory=list)
    agenda_cite: int | None = None
    secretariat: Point | None = None  # 「事務局より…説明が行われた」


@dataclass
class Briefing:
    kind: str  # meeting | topic
    title: str
    lead: str
    found: bool  # False: the minutes contain nothing on the topic (then nothing is cited)
    notice: str | None = None
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    meetings: list[MeetingInfo] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    organisations: list[OrgSection] = field(default_factory=list)
    decisions: list[Point] = field(default_factory=list)
    summary: list[Point] = field(default_factory=list)  # 要旨: the key points of a meeting memo
    sources: list[Citation] = field(default_factory=list)
    omitted: int = 0  # excerpts left out by max_points / max_chars
    options: dict = field(default_factory=dict)
    created: str = ""  # when the memo was written: ISO 8601 with the local UTC offset

    def points(self) -> list[Point]:
        """Every excerpt shown in the memo, in memo order (a meeting's 要旨 — decisions and key points —,
        agenda note, themes, organisations; a topic's decisions last)."""
        head = self.decisions + self.summary if self.kind == "meeting" else []
        out: list[Point] = head + [m.secretariat for m in self.meetings if m.secretariat]
        for theme in self.themes:
            out += theme.points
        for org in self.organisations:
            out += org.points
        return out + (self.decisions if self.kind != "meeting" else [])

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created) if self.created else _now()

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["schema_version"] = SCHEMA_VERSION
        data["sources"] = [source_dict(c) for c in self.sources]
        for m, d in zip(self.meetings, data["meetings"]):
            for a, ad in zip(m.attendees, d["attendees"]):
                ad["display"] = a.display
        return data


# ---------------------------------------------------------------- helpers


class _Citations:
    """Numbers a memo's sources in order of first use and checks every span against the stored text.
    A source is a ``Citation`` like an answer's, of a span chunk cut from the record."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts  # meeting_id -> source text
        self.sources: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], Citation] = {}

    def cite(self, meeting: Meeting, start: int, end: int, kind: str, section: str,
             remark_no: int | None = None, organisation: str | None = None) -> Citation:
        key = (meeting.meeting_id, start, end)
        if key in self._by_span:
            return self._by_span[key]
        text = self.texts[meeting.meeting_id][start:end]
        if not text or text != text.strip():
            raise AssertionError(f"citation [{start}:{end}] of {meeting.source} is empty or not trimmed")
        remark = next((r for r in meeting.remarks if r.number == remark_no), None) if remark_no is not None else None
        chunk = Chunk(content_id(meeting.meeting_id, start, end), text, meeting.source, start, end, meeting.meeting_id,
                      meeting.label, meeting.date or "", section, kind, remark_no=remark_no, organisation=organisation,
                      speaker=remark.speaker if remark else None, role=remark.role if remark else None,
                      page=meeting.page_at(start))
        ref = Citation(len(self.sources) + 1, chunk, text, start, end)
        self.sources.append(ref)
        self._by_span[key] = ref
        return ref


def theme_scores(text: str) -> dict[str, float]:
    """Mentions of every theme in ``text`` (NFKC, spaces ignored).

    Keywords match longest first, so 「重要インフラ」 counts once, not also as 「インフラ」; a run of adjacent
    keywords is one mention (「要員育成」 is one thing, not two), worth 1, or ½ when all its keywords are generic.
    """
    norm = _norm(text)
    scores: dict[str, float] = {}
    for name, keywords in THEMES:
        alternatives = "|".join(re.escape(_norm(k)) for k in sorted(keywords, key=len, reverse=True))
        scores[name] = sum(
            max(0.5 if k in GENERIC_KEYWORDS else 1.0 for k in re.findall(alternatives, run.group(0)))
            for run in re.finditer(f"(?:{alternatives})+", norm)
        )
    return scores


def theme_of(text: str) -> str:
    """The theme with the most mentions in ``text`` — give it the whole remark, not an excerpt; no keyword,
    or a tie between themes, is 「その他」: a budget request that lists 防護システム, 研究 and 要員育成 is
    about none of them in particular."""
    scores = theme_scores(text)
    best = max(scores.values(), default=0)
    winners = [name for name, count in scores.items() if count == best]
    return winners[0] if best > 0 and len(winners) == 1 else OTHER_THEME


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


# Words with which a remark raises an issue or asks for something (「…が必要」「…すべき」「…いただきたい」).
PROPOSAL_MARKERS = re.compile(r"必要|必須|べき|いただきたい|してほしい|検討|お願い|ではないか|重要|課題|問題")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def keyword_count(text: str) -> int:
    """Distinct taxonomy keywords in ``text``."""
    norm = _norm(text)
    return sum(1 for _, words in THEMES for k in words if _norm(k) in norm)


def marker_count(text: str) -> int:
    """Issue/request markers in ``text``, at most 3."""
    return min(len(PROPOSAL_MARKERS.findall(_norm(text))), 3)


def substance(text: str) -> float:
    """How much a remark or sentence raises a point: taxonomy keywords + issue/request markers."""
    return keyword_count(text) + marker_count(text)


def display_text(text: str) -> str:
    """An excerpt on one line: PDF line/page breaks folded (a space only between Latin words)."""
    def join(m: re.Match[str]) -> str:
        before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
        return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""

    return re.sub(r"\s*\n\s*", join, text.strip())


def _scale(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    return np.zeros_like(values) if hi - lo < 1e-9 else (values - lo) / (hi - lo)


def mmr_order(relevance: Sequence[float], vectors: np.ndarray, lam: float = MMR_LAMBDA) -> list[int]:
    """Indices ordered by maximal marginal relevance (relevance and similarity min-max scaled).

    Ties go to the lower index, so the order is deterministic.
    """
    n = len(relevance)
    if n == 0:
        return []
    rel = _scale(np.asarray(relevance, dtype=np.float64))
    sim = vectors.astype(np.float64) @ vectors.astype(np.float64).T
    if n > 1:
        off = sim[~np.eye(n, dtype=bool)]
        lo, hi = float(off.min()), float(off.max())
        sim = np.zeros_like(sim) if hi - lo < 1e-9 else (sim - lo) / (hi - lo)
    chosen: list[int] = []
    left = list(range(n))
    while left:
        def score(i: int) -> float:
            redundancy = max((sim[i, j] for j in chosen), default=0.0)
            return lam * rel[i] - (1 - lam) * redundancy

        best = max(left, key=lambda i: (score(i), -i))
        chosen.append(best)
        left.remove(best)
    return chosen


def _window(sentences: list, scores: Sequence[float], limit: int) -> tuple[int, int]:
    """Indices [lo, hi] of contiguous sentences around the best one, within ``limit`` characters
    (the best sentence alone may exceed it: a sentence is never cut)."""
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    lo = hi = best

    def length(a: int, b: int) -> int:
        return sentences[b].end - sentences[a].start

    while True:
        options = []
        if hi + 1 < len(sentences) and length(lo, hi + 1) <= limit:
            options.append((scores[hi + 1], 1, lo, hi + 1))  # prefer what follows on ties
        if lo > 0 and length(lo - 1, hi) <= limit:
            options.append((scores[lo - 1], 0, lo - 1, hi))
        if not options:
            return lo, hi
        _, _, lo, hi = max(options)


@dataclass
class _Excerpt:
    meeting: Meeting
    start: int
    end: int
    kind: str  # remark | decision
    section: str
    remark_no: int | None
    organisation: str | None
    trimmed: bool
    rank: float = 0.0  # higher first (relevance / MMR order)
    short: "_Excerpt | None" = None  # a shorter alternative (best sentence alone) for tight budgets
    unit: tuple[int, int] | None = None  # the whole remark (or decision) the excerpt comes from: its theme

    def theme(self, texts: dict[str, str]) -> str:
        start, end = self.unit or (self.start, self.end)
        return theme_of(texts[self.meeting.meeting_id][start:end])

    @property
    def length(self) -> int:
        return self.end - self.start


_VECTOR_CACHE: dict[tuple[str, str, str], np.ndarray] = {}  # (model id, "passage"|"query", text) -> vector
_VECTOR_CACHE_MAX = 20_000  # ~30 MB of 384-d float32; cleared whole when full


class _Vectors:
    """Embeddings of display texts, computed in as few model calls as possible and kept for the process
    (a second memo on the same meeting, e.g. with other limits, embeds nothing again)."""

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self.model = str(getattr(embeddings, "model_id", type(embeddings).__name__))

    def _key(self, text: str, kind: str = "passage") -> tuple[str, str, str]:
        return (self.model, kind, text)

    def warm(self, texts: Sequence[str]) -> None:
        """Embed every text not yet seen, in one batched call."""
        missing = list(dict.fromkeys(t for t in texts if self._key(t) not in _VECTOR_CACHE))
        if not missing:
            return
        vectors = self.embeddings.embed_documents_array(missing)
        if len(_VECTOR_CACHE) + len(missing) > _VECTOR_CACHE_MAX:
            _VECTOR_CACHE.clear()
        for t, v in zip(missing, vectors):
            _VECTOR_CACHE[self._key(t)] = v

    def of(self, texts: Sequence[str]) -> np.ndarray:
        self.warm(texts)
        if not texts:
            return np.zeros((0, self.embeddings.dim), dtype=np.float32)
        return np.vstack([_VECTOR_CACHE[self._key(t)] for t in texts])

    def query(self, text: str) -> np.ndarray:
        key = self._key(text, "query")
        if key not in _VECTOR_CACHE:
            _VECTOR_CACHE[key] = self.embeddings.embed_query_array(text)
        return _VECTOR_CACHE[key]


class _Excerpter:
    """Sentence-bounded excerpts of remarks, scored by embeddings (and topic terms)."""

    def __init__(self, vectors: _Vectors, texts: dict[str, str], limit: int) -> None:
        self.vectors = vectors
        self.texts = texts
        self.limit = limit

    def _sentences(self, meeting: Meeting, start: int, end: int) -> list:
        sentences = split_sentences(self.texts[meeting.meeting_id][start:end], start)
        if not sentences:
            raise AssertionError(f"empty excerpt [{start}:{end}] in {meeting.source}")
        return sentences

    def needs(self, meeting: Meeting, start: int, end: int) -> list[str]:
        """The texts ``excerpt`` will embed for this span (to warm them all in one call)."""
        sentences = self._sentences(meeting, start, end)
        if sentences[-1].end - sentences[0].start <= self.limit or len(sentences) == 1:
            return []
        return [display_text(s.text) for s in sentences]

    def excerpt(self, meeting: Meeting, start: int, end: int, target: np.ndarray,
                weights: dict[str, float] | None = None, **meta: Any) -> _Excerpt:
        sentences = self._sentences(meeting, start, end)
        meta = {**meta, "unit": (start, end)}
        whole = _Excerpt(meeting, sentences[0].start, sentences[-1].end, trimmed=False, **meta)
        if whole.length <= self.limit or len(sentences) == 1:
            return whole
        vectors = self.vectors.of([display_text(s.text) for s in sentences])
        similarity = _scale((vectors @ target).astype(np.float64))
        points = _scale(np.array([substance(s.text) for s in sentences], dtype=np.float64))
        if weights:  # topic: the sentence that matches the topic (terms and meaning) and makes a point
            terms = np.array([term_coverage(s.text, weights) for s in sentences])
            scores = (0.4 * similarity + 0.4 * terms + 0.2 * points).tolist()
        else:  # meeting: the sentence that stands for the remark and carries its point
            scores = (0.5 * similarity + 0.5 * points).tolist()
        lo, hi = _window(sentences, scores, self.limit)
        best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
        ex = _Excerpt(meeting, sentences[lo].start, sentences[hi].end, trimmed=True, **meta)
        if hi > lo:
            ex.short = _Excerpt(meeting, sentences[best].start, sentences[best].end, trimmed=True, **meta)
        return ex


def _meeting_info(meeting: Meeting, cites: _Citations, full: bool, secretariat: bool = True) -> MeetingInfo:
    header_end = max(s.end for s in (meeting.title_span, meeting.date_span, meeting.place_span) if s is not None)
    header = cites.cite(meeting, meeting.title_span.start, header_end, "header", "日時・場所")
    info = MeetingInfo(
        meeting_id=meeting.meeting_id, label=meeting.label, title=meeting.title, source=meeting.source,
        date=meeting.date, date_japanese=meeting.date_original, time=meeting.time, place=meeting.place,
        header_cite=header.n,
    )
    if not full:
        return info
    if meeting.attendees_span is not None:
        info.attendees_cite = cites.cite(meeting, meeting.attendees_span.start, meeting.attendees_span.end,
                                         "attendees", "出席者").n
    proxies = {a.proxy_for: a for a in meeting.attendees if a.proxy_for}
    for a in meeting.attendees:
        if a.proxy_for:
            continue  # shown with the member they stand in for
        proxy = proxies.get(a.name)
        info.attendees.append(AttendeeEntry(a.name, a.title, a.group, proxy.name if proxy else None,
                                            proxy.title if proxy else None))
    if meeting.agenda_span is not None:
        info.agenda_cite = cites.cite(meeting, meeting.agenda_span.start, meeting.agenda_span.end, "agenda", "議事概要").n
    info.agenda = [AgendaEntry(a.number, a.title, a.span.start, a.span.end) for a in meeting.agenda]
    if secretariat and meeting.secretariat is not None:  # a compact memo leaves this line out
        s = meeting.secretariat
        ref = cites.cite(meeting, s.start, s.end, "agenda", "議事概要")
        info.secretariat = Point(ref.text, ref.n, meeting.meeting_id, meeting.date, s.start, s.end)
    return info


def _point(ex: _Excerpt, cites: _Citations, theme: str | None) -> Point:
    ref = cites.cite(ex.meeting, ex.start, ex.end, ex.kind, ex.section, ex.remark_no, ex.organisation)
    return Point(ref.text, ref.n, ex.meeting.meeting_id, ex.meeting.date, ex.start, ex.end,
                 ex.remark_no, ex.organisation, theme, ex.trimmed)


class _Budget:
    """Greedy character budget over excerpts taken in priority order."""

    def __init__(self, max_chars: int | None) -> None:
        self.left = max_chars
        self.omitted = 0

    def take(self, ex: _Excerpt) -> _Excerpt | None:
        if self.left is None:
            return ex
        for option in (ex, ex.short):
            if option is not None and option.length <= self.left:
                self.left -= option.length
                return option
        self.omitted += 1
        return None


def _themes(items: list[tuple[_Excerpt, str]], cites: _Citations) -> list[Theme]:
    """Points grouped by theme (taxonomy order), then meeting (date order), then document order."""
    order = [name for name, _ in THEMES] + [OTHER_THEME]
    themes: list[Theme] = []
    for name in order:
        members = [ex for ex, t in items if t == name]
        if not members:
            continue
        theme = Theme(name)
        by_meeting: dict[str, list[_Excerpt]] = {}
        for ex in sorted(members, key=lambda e: (e.meeting.date, e.meeting.source, e.start)):
            by_meeting.setdefault(ex.meeting.meeting_id, []).append(ex)
        for exs in by_meeting.values():
            m = exs[0].meeting
            theme.groups.append(PointGroup(m.meeting_id, m.label, m.date, [_point(ex, cites, name) for ex in exs]))
        themes.append(theme)
    return themes


# ---------------------------------------------------------------- meeting briefing


def resolve_meeting(index, ref: str) -> tuple[Meeting, str]:
    """A meeting by id, source name, file name or path: from the index, else parsed from the file."""
    ref = ref.strip()
    meeting = index.records.find(ref) or index.records.find(Path(ref).name)
    if meeting is not None:
        found = index.records.get(meeting.meeting_id)
        if found is not None:
            return found
    path = Path(ref)
    if path.is_file():
        from .parsing import parse_minutes, read_minutes

        source = index.source_name(path)
        text = read_minutes(path, source)
        return parse_minutes(text, source), text
    known = ", ".join(f"{m.meeting_id} ({m.source})" for m in index.meetings()) or "none — run `python -m rag ingest`"
    raise InputError(ref, f"no such meeting in the index and no such file; indexed meetings: {known}")


def build_meeting_briefing(index, ref: str | Meeting, options: BriefingOptions | None = None,
                           step: Callable[[str], None] | None = None) -> Briefing:
    """The ブリーフィング・メモ of one meeting (``index`` is a ``MinutesIndex``); ``step`` is told
    "search" and "select" as those phases start (the app's progress list)."""
    options = options or BriefingOptions()
    step = step or (lambda _: None)
    if isinstance(ref, Meeting):
        found = index.records.get(ref.meeting_id)
        if found is None:
            raise InputError(ref.source, "meeting is not in the index")
        meeting, text = found
    else:
        meeting, text = resolve_meeting(index, ref)
    step("search")
    texts = {meeting.meeting_id: text}
    cites = _Citations(texts)
    cache = _Vectors(index.embeddings)
    excerpter = _Excerpter(cache, texts, options.excerpt_chars)
    max_points = options.max_points or DEFAULT_MEETING_POINTS

    # what the meeting was about: its agenda and decisions, as one query
    about = " ".join([a.title for a in meeting.agenda] + [d.text for d in meeting.decisions]) or meeting.title
    about_vec = cache.query(re.sub(r"\s+", " ", about))

    remarks = list(meeting.remarks)
    remark_texts = [display_text(r.text) for r in remarks]
    short = _short_sentences(meeting, text, remarks, options.summary_chars)
    cache.warm(remark_texts + [t for r in remarks for t in excerpter.needs(meeting, r.start, r.end)]
               + [display_text(s.text) for _, s in short])
    vectors = cache.of(remark_texts)
    step("select")
    made: dict[int, _Excerpt] = {}

    def excerpt_of(i: int) -> _Excerpt:
        r = remarks[i]
        if i not in made:
            made[i] = excerpter.excerpt(meeting, r.start, r.end, vectors[i], kind="remark", section=r.section,
                                        remark_no=r.number, organisation=r.organisation)
        return made[i]

    # main points: MMR over the remarks no organisation is named for; relevance = substance
    # (taxonomy keywords, issue/request markers) plus a little closeness to the agenda and decisions
    def rank(members: list[int]) -> list[int]:
        if not members:
            return []
        relevance = (
            0.5 * _scale(np.array([keyword_count(remarks[i].text) for i in members], dtype=np.float64))
            + 0.4 * _scale(np.array([marker_count(remarks[i].text) for i in members], dtype=np.float64))
            + 0.1 * _scale((vectors[members] @ about_vec).astype(np.float64))
        )
        return [members[j] for j in mmr_order(relevance.tolist(), vectors[members])]

    ranked = rank([i for i, r in enumerate(remarks) if not r.organisation])
    # statements per organisation, in order of first appearance
    orgs: dict[str, list[int]] = {}
    for i, r in enumerate(remarks):
        if r.organisation:
            orgs.setdefault(r.organisation, []).append(i)

    budget = _Budget(options.max_chars)
    decisions = [
        budget.take(_Excerpt(meeting, d.start, d.end, "decision", d.section, None, None, False, unit=(d.start, d.end)))
        for d in meeting.decisions
    ]
    key: list[_Excerpt] = []  # 要旨: after the decisions, before anything else
    # the main points' ranking first; the organisations' statements when that leaves too few
    key_order = ranked + rank([i for i, r in enumerate(remarks) if r.organisation])
    for ex in _key_points(meeting, remarks, key_order, short, vectors, cache):
        if len(key) >= min(SUMMARY_POINTS, max_points):
            break
        taken = budget.take(ex)
        if taken:
            key.append(taken)
    org_taken: dict[str, list[_Excerpt]] = {name: [] for name in orgs}
    for name, idx in orgs.items():  # one statement for each organisation first
        ex = budget.take(excerpt_of(idx[0]))
        if ex:
            org_taken[name].append(ex)
    main: list[_Excerpt] = []
    # a compact memo has no 主な論点: its key points are the main points
    for i in [] if options.compact else ranked:
        if len(main) >= max_points:
            budget.omitted += 1
            continue
        ex = budget.take(excerpt_of(i))
        if ex:
            main.append(ex)
    for name, idx in orgs.items():
        for i in idx[1:]:
            ex = budget.take(excerpt_of(i))
            if ex:
                org_taken[name].append(ex)

    # numbered in memo order: 要旨 (decisions, key points), header, agenda, details
    decision_points = [_point(ex, cites, None) for ex in decisions if ex]
    summary = [_point(ex, cites, ex.theme(texts)) for ex in key]
    info = _meeting_info(meeting, cites, full=True, secretariat=not options.compact)
    themes = _themes([(ex, ex.theme(texts)) for ex in main], cites)
    org_sections = [
        OrgSection(name, [_point(ex, cites, None) for ex in sorted(exs, key=lambda e: e.start)])
        for name, exs in org_taken.items() if exs
    ]
    lead = (f"{meeting.label}（{meeting.date_original}）の議事要旨から抜粋して作成した。"
            "本文の抜粋はすべて議事要旨の原文どおりで、末尾の[n]は出典番号を示す。")
    return Briefing(
        kind="meeting", title=f"ブリーフィング・メモ：{meeting.label}", lead=lead, found=True,
        meetings=[info], themes=themes, organisations=org_sections, decisions=decision_points, summary=summary,
        sources=cites.sources, omitted=budget.omitted,
        options={**dataclasses.asdict(options), "max_points": max_points}, created=_now().isoformat(),
    )


def _short_sentences(meeting: Meeting, text: str, remarks: list, limit: int) -> list[tuple[int, Any]]:
    """(remark index, sentence) for every sentence short enough for 要旨 that raises something."""
    out = []
    for i, r in enumerate(remarks):
        for s in split_sentences(text[r.start : r.end], r.start):
            if len(display_text(s.text)) <= limit and substance(s.text) > 0:
                out.append((i, s))
    return out


def _key_points(meeting: Meeting, remarks: list, order: list[int], short: list[tuple[int, Any]],
                remark_vectors: np.ndarray, cache: _Vectors) -> list[_Excerpt]:
    """Candidates for 要旨, best first: the remarks in ``order`` (the ranking of 主な論点), each by the one short
    sentence that carries its point — substance and closeness to the whole remark, as for excerpts; a remark
    without a short enough sentence is passed over."""
    by_remark: dict[int, list] = {}
    for i, sentence in short:
        by_remark.setdefault(i, []).append(sentence)
    out = []
    for i in order:
        sentences = by_remark.get(i)
        if not sentences:
            continue
        vectors = cache.of([display_text(s.text) for s in sentences])
        scores = (0.5 * _scale((vectors @ remark_vectors[i]).astype(np.float64))
                  + 0.5 * _scale(np.array([substance(s.text) for s in sentences], dtype=np.float64)))
        best = sentences[max(range(len(sentences)), key=lambda k: (scores[k], -k))]
        r = remarks[i]
        out.append(_Excerpt(meeting, best.start, best.end, "remark", r.section, r.number, r.organisation,
                            trimmed=(best.start, best.end) != (r.start, r.end), unit=(r.start, r.end)))
    return out


# ---------------------------------------------------------------- topic briefing


def build_topic_briefing(
    assistant, topic: str, date_from: str | None = None, date_to: str | None = None,
    options: BriefingOptions | None = None, organisations: Sequence[str] = (),
    step: Callable[[str], None] | None = None,
) -> Briefing:
    """Relevant remarks (and decisions) on ``topic`` across all indexed meetings (``step``: as above)."""
    from .answer.analysis import read_question

    options = options or BriefingOptions()
    step = step or (lambda _: None)
    topic = topic.strip()
    if not topic:
        raise ConfigError("--topic: give a topic, e.g. 「サイバー犯罪への対応」")
    date_from = parse_iso_date(date_from, "--from") if date_from else None
    date_to = parse_iso_date(date_to, "--to") if date_to else None
    if date_from and date_to and date_from > date_to:
        raise ConfigError(f"--from {date_from} is after --to {date_to}")
    max_points = options.max_points or DEFAULT_TOPIC_POINTS
    filters = Filters(date_from=date_from, date_to=date_to, organisations=tuple(organisations))
    index = assistant.index
    period = _period(date_from, date_to)
    title = f"ブリーフィング・メモ：{topic}"
    opts = {**dataclasses.asdict(options), "max_points": max_points}

    step("search")
    hits = assistant.retriever.retrieve(topic, k=TOPIC_CANDIDATES, filters=filters)
    answer = assistant.answerer.answer(topic, hits[: assistant.settings.top_k])
    q = read_question(topic, index.lexical)
    content = [h for h in hits if h.chunk.kind in ("remark", "decision")]
    cover = {h.chunk.chunk_id: term_coverage(h.chunk.text, q.weights) for h in content}
    best_cover = max(cover.values(), default=0.0)
    best_dense = max((h.dense_score or 0.0 for h in content), default=0.0)
    gate = assistant.answerer.gate  # the answer pipeline's own gate: one rule for answers and memos

    def strong(hit) -> bool:
        return gate.strong(hit, cover[hit.chunk.chunk_id], best_cover, best_dense, q.japanese)

    step("select")
    kept = [] if answer.abstained else [h for h in content if strong(h)]
    if not kept:
        detail = answer.abstention[1] if answer.abstained and answer.abstention else ""
        reason = f"（{detail}）" if detail else ""
        notice = f"{period}議事録には「{topic}」に関する記載が見つかりませんでした。{reason}"
        return Briefing(kind="topic", title=title, lead=notice, found=False, notice=notice, topic=topic,
                        date_from=date_from, date_to=date_to, options=opts, created=_now().isoformat())

    # one candidate per remark (a long remark may have several chunks) or decision
    records: dict[str, tuple[Meeting, str]] = {}
    units: dict[tuple, tuple[Meeting, int, int, str, str, int | None, str | None]] = {}
    for h in kept:
        c = h.chunk
        if c.meeting_id not in records:
            found = index.records.get(c.meeting_id)
            if found is None:
                continue  # never cite what cannot be shown
            records[c.meeting_id] = found
        meeting = records[c.meeting_id][0]
        if c.kind == "remark":
            remark = next((r for r in meeting.remarks if r.number == c.remark_no), None)
            if remark is None:
                continue
            key = (c.meeting_id, "remark", remark.number)
            units.setdefault(key, (meeting, remark.start, remark.end, "remark", remark.section, remark.number,
                                   remark.organisation))
        else:
            key = (c.meeting_id, "decision", c.start)
            units.setdefault(key, (meeting, c.start, c.end, "decision", c.section, None, None))
    texts = {mid: text for mid, (_, text) in records.items()}
    cache = _Vectors(index.embeddings)
    query_vec = cache.query(topic)
    excerpter = _Excerpter(cache, texts, options.excerpt_chars)
    cache.warm([t for meeting, start, end, *_ in units.values() for t in excerpter.needs(meeting, start, end)])
    candidates = []
    for meeting, start, end, kind, section, remark_no, org in units.values():
        candidates.append(excerpter.excerpt(meeting, start, end, query_vec, q.weights, kind=kind, section=section,
                                            remark_no=remark_no, organisation=org))
    vectors = cache.of([display_text(texts[c.meeting.meeting_id][c.start : c.end]) for c in candidates])
    relevance = [float(v @ query_vec) + term_coverage(texts[c.meeting.meeting_id][c.start : c.end], q.weights)
                 for v, c in zip(vectors, candidates)]
    budget = _Budget(options.max_chars)
    chosen: list[_Excerpt] = []
    for i in mmr_order(relevance, vectors):
        if len(chosen) >= max_points:
            budget.omitted += 1
            continue
        ex = budget.take(candidates[i])
        if ex:
            chosen.append(ex)

    cites = _Citations(texts)
    meetings = sorted({ex.meeting.meeting_id: ex.meeting for ex in chosen}.values(), key=lambda m: (m.date, m.source))
    infos = [_meeting_info(m, cites, full=False) for m in meetings]
    remarks = [ex for ex in chosen if ex.kind == "remark"]
    themes = _themes([(ex, ex.theme(texts)) for ex in remarks], cites)
    decisions = [_point(ex, cites, None) for ex in sorted((e for e in chosen if e.kind == "decision"),
                                                           key=lambda e: (e.meeting.date, e.meeting.source, e.start))]
    lead = (f"{period}索引済みの議事要旨{len(meetings)}件から、「{topic}」に関連する記載を抜粋した。"
            "抜粋はすべて議事要旨の原文どおりで、末尾の[n]は出典番号を示す。")
    return Briefing(
        kind="topic", title=title, lead=lead, found=True, topic=topic, date_from=date_from, date_to=date_to,
        meetings=infos, themes=themes, decisions=decisions, sources=cites.sources, omitted=budget.omitted,
        options=opts, created=_now().isoformat(),
    )


def _period(date_from: str | None, date_to: str | None) -> str:
    if date_from and date_to:
        return f"{date_from}から{date_to}までの"
    if date_from:
        return f"{date_from}以降の"
    if date_to:
        return f"{date_to}以前の"
    return ""


# ---------------------------------------------------------------- renderers

_MD_SPECIAL = re.compile(r"([\\`*_<>$])")  # $: Streamlit would read $…$ as math
_MD_LINK_OPEN = re.compile(r"\[(?=[^\n]*\]\()")  # a [ that could open a link or image: 「[資料](https://…)」
_MD_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?i:(?<![A-Za-z0-9])www(\.))|(@)")


def _md(text: str) -> str:
    """Escape what Markdown would read as markup inside a line (emphasis, code, HTML, strike-through, links,
    and the bare URLs and addresses GitHub-flavoured Markdown turns into links): the minutes stay inert."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINK_OPEN.sub(r"\\[", text)
    text = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(0) if not m.group(2) else m.group(0)[:-1] + "\\.", text)
    if text.count("~") >= 2:
        text = text.replace("~", "\\~")
    return text


def _cite(n: int | None) -> str:
    return f" [{n}]" if n is not None else ""


def _agenda_line(a: AgendaEntry) -> str:
    return f"({a.number}) {a.title}"


def _sections(b: Briefing) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """The memo as (heading level, heading, [(style, line)]) — shared by the Markdown, DOCX and PDF renderers.

    style: "p" paragraph, "li" bullet, "li2" nested bullet, "src" numbered source.
    A meeting memo opens with 要旨 (decisions, then key points) and keeps the details below.
    A compact memo (``options["compact"]``) puts attendees and agenda on one line each, shows themes
    and organisations as labels instead of headings, leaves 主な論点 to 要旨, and names the meeting
    once above its sources.
    """
    compact = bool(b.options.get("compact"))
    out: list[tuple[int, str, list[tuple[str, str]]]] = []
    if b.kind == "meeting" and b.meetings:
        m = b.meetings[0]
        summary = [("li", "〔決定事項〕" + _point_line(p, False)) for p in b.decisions]
        summary = summary or [("li", "〔決定事項〕（議事要旨に決定事項の記載なし）")]
        summary += [("li", f"〔{p.organisation or p.theme or OTHER_THEME}〕" + _point_line(p, False)) for p in b.summary]
        out.append((2, "要旨", summary))
        when = f"{m.date}（{m.date_japanese}）" + (f" {m.time}" if m.time else "")
        lines = [("li", f"会議：{m.title}{_cite(m.header_cite)}"), ("li", f"日時：{when}{_cite(m.header_cite)}")]
        if m.place:
            lines.append(("li", f"場所：{m.place}{_cite(m.header_cite)}"))
        members = [a for a in m.attendees if a.group != "other"]
        others = [a for a in m.attendees if a.group == "other"]
        if compact and m.attendees:
            names = "、".join(a.name + (f"（代理出席：{a.proxy_name}）" if a.proxy_name else "") for a in members)
            if others:
                names += "／（上記のほか出席）" + "、".join(a.name for a in others)
            lines.append(("li", f"出席者：{names}{_cite(m.attendees_cite)}"))
        elif m.attendees:
            lines.append(("li", f"出席者{_cite(m.attendees_cite)}"))
            lines += [("li2", a.display) for a in members]
            if others:
                lines.append(("li2", "（上記のほか出席）" + "、".join(a.display for a in others)))
        out.append((2, "会議概要", lines))
        if compact:
            agenda = [("p", "　".join(_agenda_line(a) for a in m.agenda) + _cite(m.agenda_cite))] if m.agenda else []
        else:
            agenda = [("li", _agenda_line(a)) for a in m.agenda]
            if m.agenda_cite is not None and agenda:
                agenda[-1] = ("li", agenda[-1][1] + _cite(m.agenda_cite))
            if m.secretariat:
                agenda.append(("p", f"「{display_text(m.secretariat.text)}」{_cite(m.secretariat.cite)}"))
        out.append((2, "議題", agenda or [("p", "（議事要旨に議題の記載なし）")]))
    elif b.kind == "topic":
        lines = [("p", b.lead)]
        if b.meetings:
            lines += [("li", f"{m.label}：{m.date}（{m.date_japanese}）" + (f" {m.place}" if m.place else "")
                       + _cite(m.header_cite)) for m in b.meetings]
        out.append((2, "対象", lines))
        if not b.found:
            return out + [(2, "出典", [("p", "（引用なし）")])]

    several = b.kind == "topic" and len(b.meetings) > 1  # name the meeting of each point only when there is a choice
    if b.themes or (b.kind == "meeting" and not compact):
        theme_lines: list[tuple[int, str, list[tuple[str, str]]]] = []
        flat: list[tuple[str, str]] = []
        for theme in b.themes:
            if compact:  # the theme as a label on each point
                for g in theme.groups:
                    where = f"{g.meeting}（{g.date}）・" if several else ""
                    flat += [("li", f"〔{where}{theme.name}〕" + _point_line(p, b.kind == "topic")) for p in g.points]
            elif not several:  # one meeting: the theme's points directly
                theme_lines.append((3, theme.name, [("li", _point_line(p, b.kind == "topic")) for p in theme.points]))
            else:  # topic over several meetings: theme, then each meeting in date order
                theme_lines.append((3, theme.name, []))
                for g in theme.groups:
                    theme_lines.append((4, f"{g.meeting}（{g.date}）", [("li", _point_line(p, True)) for p in g.points]))
        out.append((2, "主な論点", flat if b.themes else [("p", "（抜粋なし）")]))
        out += theme_lines
    if b.kind == "meeting":
        if compact:
            lines = [("li", _point_line(p, True)) for org in b.organisations for p in org.points]
            out.append((2, "各府省の発言", lines or [("p", "（議事要旨に府省名を明示した発言なし）")]))
        else:
            out.append((2, "各府省の発言", [] if b.organisations else [("p", "（議事要旨に府省名を明示した発言なし）")]))
            for org in b.organisations:
                out.append((3, org.organisation, [("li", _point_line(p, False)) for p in org.points]))
    elif b.decisions:  # a meeting memo has its decisions in 要旨
        out.append((2, "決定事項", [("li", _point_line(p, True)) for p in b.decisions]))
    if b.omitted:
        out.append((2, "注記", [("p", f"分量の制限により、{b.omitted}件の抜粋を省略した。")]))
    if compact and len(b.meetings) == 1:
        m = b.meetings[0]
        lines = [("p", f"出典はいずれも {m.label}（{m.date}）議事要旨 {m.source} の該当箇所（文字位置）。")]
        lines += [("src", f"[{s.n}] {_short_location(s)}") for s in b.sources]
    else:
        lines = [("src", f"[{s.n}] {source_location(s)}") for s in b.sources]
    out.append((2, "出典", lines))
    return out


def subject_line(b: Briefing) -> str:
    """What the memo is about, for page headers: the meeting and its date, or the topic and period."""
    if b.kind == "meeting" and b.meetings:
        m = b.meetings[0]
        return f"{m.label}（{m.date}）"
    return f"テーマ：{b.topic}" + (f"（{_period(b.date_from, b.date_to).removesuffix('の')}）" if b.date_from or b.date_to else "")


def written_line(b: Briefing) -> str:
    """The date of writing, in 和暦 as an office writes it, with the ISO date."""
    when = b.created_at
    return f"作成日：{_wareki(when.date())}（{when.date().isoformat()}）"


def _wareki(day: dt.date) -> str:
    for era, first in (("令和", dt.date(2019, 5, 1)), ("平成", dt.date(1989, 1, 8)), ("昭和", dt.date(1926, 12, 25))):
        if day >= first:
            year = day.year - first.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def _short_location(s: Citation) -> str:
    return f"{location_label(s.chunk)} [{s.start}:{s.end}]"


def _point_line(p: Point, with_org: bool) -> str:
    label = f"〔{p.organisation}〕" if with_org and p.organisation else ""
    return f"{label}「{display_text(p.text)}」{_cite(p.cite)}"


def render_markdown(b: Briefing, meta: MemoMeta | None = None) -> str:
    lines = [f"# {_md(b.title)}", ""]
    handling = meta.handling if meta else ""
    lines += [_md("　".join(filter(None, (f"【{handling}】" if handling else "", written_line(b))))), ""]
    if b.kind == "meeting":
        lines += [_md(b.lead), ""]
    for level, heading, body in _sections(b):
        lines += ["#" * level + " " + _md(heading), ""]
        for style, text in body:
            if style == "li":
                lines.append(f"- {_md(text)}")
            elif style == "li2":
                lines.append(f"    - {_md(text)}")
            elif style == "src":
                lines.append(f"- {_md(text)}")
            else:
                if lines[-1].startswith(("-", "    -")):
                    lines.append("")
                lines += [_md(text), ""]
        if lines[-1] != "":
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_json(b: Briefing) -> str:
    return json.dumps(b.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_docx(b: Briefing, meta: MemoMeta | None = None) -> bytes:
    """A Word document (A4) with core properties, header, page-numbered footer: ``rag.memo_docx``."""
    from .memo_docx import render_docx as render

    return render(b, meta or MemoMeta())


def render_pdf(b: Briefing, meta: MemoMeta | None = None) -> bytes:
    """A PDF (A4) with an embedded Japanese TrueType font: ``rag.memo_pdf``."""
    from .memo_pdf import render_pdf as render

    return render(b, meta or MemoMeta())


def render(b: Briefing, fmt: str, meta: MemoMeta | None = None) -> bytes:
    if fmt == "md":
        return render_markdown(b, meta).encode("utf-8")
    if fmt == "json":
        return render_json(b).encode("utf-8")
    if fmt == "docx":
        return render_docx(b, meta)
    if fmt == "pdf":
        return render_pdf(b, meta)
    raise ConfigError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")


def briefing_filename(b: Briefing, fmt: str) -> str:
    if b.kind == "meeting" and b.meetings:
        stem = f"briefing-{Path(b.meetings[0].source).stem}"
    else:
        slug = re.sub(r"[\\/:*?\"<>|\s]+", "_", b.topic or "topic").strip("_")[:40] or "topic"
        stem = f"briefing-topic-{slug}"
    return f"{stem}.{fmt}"


# ---------------------------------------------------------------- CLI


def _positive(name: str):
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if n <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be positive")
        return n

    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--meeting", metavar="ID_OR_FILE", help="meeting id, source file name, or a minutes file")
    what.add_argument("--topic", help="a topic, e.g. 「サイバー犯罪への対応」")
    p.add_argument("--from", dest="date_from", help="topic: only meetings on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="topic: only meetings on or before YYYY-MM-DD")
    p.add_argument("--org", action="append", default=[], help="topic: only remarks of this organisation (repeatable)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="md (default), docx, pdf or json; default: from --out's suffix")
    p.add_argument("--out", metavar="FILE", help="write here (default: stdout for md/json, briefing-….docx/.pdf for docx/pdf)")
    p.add_argument("--max-points", type=_positive("--max-points"), default=None,
                   help=f"main points at most (default {DEFAULT_MEETING_POINTS} for a meeting, {DEFAULT_TOPIC_POINTS} for a topic)")
    p.add_argument("--max-chars", type=_positive("--max-chars"), default=None, help="character budget for all excerpts")
    p.add_argument("--excerpt-chars", type=_positive("--excerpt-chars"), default=None,
                   help=f"target length of one excerpt (default {DEFAULT_EXCERPT_CHARS}; a sentence is never cut)")
    p.add_argument("--one-page", action="store_true",
                   help=f"preset for one A4 page: compact layout, max-points {ONE_PAGE.max_points}, max-chars "
                        f"{ONE_PAGE.max_chars}, excerpt-chars {ONE_PAGE.excerpt_chars} (explicit options override these)")


def options_from_args(args: argparse.Namespace) -> BriefingOptions:
    return options_for(getattr(args, "one_page", False), args.max_points, args.max_chars, args.excerpt_chars)


def run(args: argparse.Namespace, settings) -> int:
    from .service import Assistant

    fmt = args.format
    if fmt is None:
        suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
        fmt = {"md": "md", "markdown": "md", "docx": "docx", "pdf": "pdf", "json": "json"}.get(suffix, "md")
    if args.meeting and (args.date_from or args.date_to or args.org):
        raise ConfigError("--from/--to/--org apply to --topic briefings only")
    options = options_from_args(args)
    assistant = Assistant.open(settings)
    built = assistant.ensure_built()
    if built is not None:
        print(f"(built the index from {settings.corpus_dir}: {len(built.added)} file(s))", file=sys.stderr)
    if args.meeting:
        briefing = build_meeting_briefing(assistant.index, args.meeting, options)
    else:
        briefing = build_topic_briefing(assistant, args.topic, args.date_from, args.date_to, options, args.org)
    data = render(briefing, fmt, MemoMeta.from_settings(settings))
    out = args.out or (briefing_filename(briefing, fmt) if fmt in ("docx", "pdf") else None)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    else:
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise RagError(f"{out}: cannot be written ({exc.strerror or exc})") from None
        print(f"wrote {out} ({len(briefing.sources)} source(s))", file=sys.stderr)
    return 0


