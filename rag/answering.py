"""Extractive, grounded answers: verbatim excerpts of the minutes with [n] markers.

No LLM is involved by default, so nothing in an answer can state a fact the
minutes do not: the only words that are not excerpts are a template lead line
naming the meeting and its date (both taken from the parsed record), and
section/organisation labels the parser found in the minutes themselves.

Abstention is decided before any excerpt is chosen: a question abstains when
it names something the index has never seen (a number, a Latin or katakana
term), or when neither retriever found convincing evidence (low cosine and
little lexical overlap with the best chunk).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from .chunking import units
from .domain import Answer, Chunk, Citation, Hit, Span

NOT_FOUND_JA = "議事要旨には該当する記載が見つかりませんでした。"
NOT_FOUND_EN = "The minutes contain nothing that answers this question. (議事要旨には該当する記載が見つかりませんでした。)"

# Metadata intents route a question to the record's own header/attendee/agenda/decision chunk.
_INTENTS: dict[str, tuple[str, ...]] = {
    "date": ("いつ", "日時", "日付", "開催日", "何日", "何月", "何時", "時間", "曜日", "when", "date", "time", "what day"),
    "place": ("どこ", "場所", "会場", "where", "venue", "place", "location"),
    "attendees": ("誰", "だれ", "出席した", "出席者は", "出席者を", "代理", "参加者", "メンバー", "有識者", "構成員",
                  "who ", "attend", "proxy", "member", "present at"),
    "agenda": ("議題", "議事次第", "案件", "agenda", "topics", "items"),
    "decision": ("決定", "決まっ", "決議", "了承", "decid", "decision", "adopted"),
}
_INTENT_KIND = {"date": "header", "place": "header", "attendees": "attendees", "agenda": "agenda", "decision": "decision"}


class Answerer(Protocol):
    def answer(self, question: str, hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class Thresholds:
    """Abstention thresholds, calibrated on evals/dev.jsonl (see README: evaluation)."""

    min_dense: float = 0.82  # e5 cosine of the best hit that is enough on its own
    min_coverage: float = 0.5  # IDF-weighted share of the question's terms found in the best chunk
    weak_dense: float = 0.78  # below this, even good lexical overlap is not trusted


def is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def detect_intents(question: str) -> list[str]:
    q = unicodedata.normalize("NFKC", question).lower() + " "
    return [name for name, keys in _INTENTS.items() if any(k in q for k in keys)]


def _specific(term: str) -> bool:
    """Terms whose absence from the whole index means the minutes cannot answer:
    numbers, Latin-script words and katakana loanwords (names of things)."""
    if re.fullmatch(r"[0-9]+", term):
        return True
    if re.fullmatch(r"[a-z][a-z0-9\-]*", term):
        return True
    return len(term) >= 3 and all("\u30a0" <= ch <= "\u30ff" for ch in term)


class ExtractiveAnswerer:
    def __init__(self, index, max_citations: int = 3, thresholds: Thresholds | None = None) -> None:
        self.index = index
        self.max_citations = max_citations
        self.thresholds = thresholds or Thresholds()

    # ------------------------------------------------------------ public

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        japanese = is_japanese(question)
        not_found = NOT_FOUND_JA if japanese else NOT_FOUND_EN
        if not hits or not question.strip():
            return Answer(question, not_found, True, (), tuple(hits))
        terms = self.index.lexical.term_stats(question)
        n_docs = max(len(self.index.lexical), 1)
        weights = {t: math.log(1 + n_docs / (df + 1)) for t, df in terms}
        if self._names_unknown(question, terms, japanese):
            return Answer(question, not_found, True, (), tuple(hits))

        intents = detect_intents(question)
        candidates = self._candidates(hits, intents)
        if not self._relevant(hits, candidates, weights, intents):
            return Answer(question, not_found, True, (), tuple(hits))

        citations = self._select(question, candidates, weights, intents)
        if not citations:
            return Answer(question, not_found, True, (), tuple(hits))
        text = self._compose(citations, japanese)
        return Answer(question, text, False, tuple(citations), tuple(hits))

    # ------------------------------------------------------------ abstention

    def _names_unknown(self, question: str, terms: list[tuple[str, int]], japanese: bool) -> bool:
        for term, df in terms:
            if df == 0 and _specific(term) and (japanese or term.isdigit()):
                return True
        return False

    def _relevant(self, hits: list[Hit], candidates: list[Chunk], weights: dict[str, float], intents: list[str]) -> bool:
        th = self.thresholds
        best_dense = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
        coverage = max((_coverage(c.text, weights) for c in candidates[:3]), default=0.0)
        if intents and candidates and candidates[0].kind != "remark":
            return best_dense >= th.weak_dense or coverage >= th.min_coverage
        if best_dense >= th.min_dense:
            return True
        return best_dense >= th.weak_dense and coverage >= th.min_coverage

    # ------------------------------------------------------------ selection

    def _candidates(self, hits: list[Hit], intents: list[str]) -> list[Chunk]:
        """Hit chunks in rank order, with the intent's record chunk (e.g. the date line) first."""
        chunks = [h.chunk for h in hits]
        routed: list[Chunk] = []
        if intents and hits:
            meeting_id = hits[0].chunk.meeting_id
            for intent in intents:
                kind = _INTENT_KIND[intent]
                for chunk in self.index.chunks_of(meeting_id, kind):
                    if chunk.chunk_id not in {c.chunk_id for c in routed}:
                        routed.append(chunk)
        seen = {c.chunk_id for c in routed}
        return routed + [c for c in chunks if c.chunk_id not in seen]

    def _select(self, question: str, candidates: list[Chunk], weights: dict[str, float], intents: list[str]) -> list[Citation]:
        scored: list[tuple[float, int, Chunk, list[Span]]] = []
        for rank, chunk in enumerate(candidates[: self.max_citations + 2]):
            picked, score = self._excerpt(chunk, weights, intents)
            if picked:
                scored.append((score - 0.05 * rank, rank, chunk, picked))
        if not scored:
            return []
        top = scored[0]  # the best-ranked chunk always leads: retrieval already fused both signals
        chosen = [top]
        for item in sorted(scored[1:], key=lambda x: -x[0]):
            if len(chosen) >= self.max_citations:
                break
            if item[0] > 0 and item[0] >= 0.6 * max(top[0], 1e-9):
                chosen.append(item)
        chosen.sort(key=lambda x: x[1])
        citations = []
        for n, (_, _, chunk, spans) in enumerate(chosen, start=1):
            start, end = spans[0].start, spans[-1].end
            source_text = self.index.source_text(chunk)
            text = source_text[start:end] if source_text is not None else chunk.text[start - chunk.start : end - chunk.start]
            citations.append(Citation(n, chunk, text, start, end))
        return citations

    def _excerpt(self, chunk: Chunk, weights: dict[str, float], intents: list[str]) -> tuple[list[Span], float]:
        """The contiguous units of ``chunk`` that best answer, and their score."""
        parts = units(chunk)
        if not parts:
            return [], 0.0
        lexical = self.index.lexical
        scores = [_coverage(p.text, weights, lexical) for p in parts]
        if chunk.kind == "header":
            meeting = self._meeting(chunk)
            wanted = []
            if meeting and "date" in intents:
                wanted.append(meeting.date_span)
            if meeting and "place" in intents and meeting.place_span:
                wanted.append(meeting.place_span)
            hits = [i for i, p in enumerate(parts) if any(p.start <= w.start and w.end <= p.end for w in wanted)]
            if hits:
                return [parts[i] for i in range(hits[0], hits[-1] + 1)] if len(hits) > 1 and hits[-1] - hits[0] <= 2 else [parts[hits[0]]], 1.0
        if chunk.kind == "attendees":
            good = [i for i, s in enumerate(scores) if s > 0]
            if not good:
                return parts, 0.5  # "who attended?": the whole list
            # a member line pulls in the proxy line that follows it
            lines = set(good)
            for i in good:
                if i + 1 < len(parts) and "代理" in parts[i + 1].text:
                    lines.add(i + 1)
            lo, hi = min(lines), max(lines)
            if hi - lo > 4:
                return [parts[i] for i in sorted(lines)][:1], max(scores)
            return parts[lo : hi + 1], max(scores)
        if chunk.kind in ("agenda", "decision"):
            return parts, max(max(scores), 0.5 if intents else 0.0)
        # prose: a short remark is cited whole; a long one by its best sentence(s)
        if len(chunk.text) <= 160:
            return parts, max(scores)
        best = max(range(len(parts)), key=lambda i: (scores[i], -i))
        lo, hi = best, best
        if len(parts[best].text) < 50 and best + 1 < len(parts):
            hi = best + 1
        return parts[lo : hi + 1], scores[best]

    def _meeting(self, chunk: Chunk):
        found = self.index.records.get(chunk.meeting_id)
        return found[0] if found else None

    # ------------------------------------------------------------ composing

    def _compose(self, citations: list[Citation], japanese: bool) -> str:
        meetings = {c.chunk.meeting_id: c.chunk for c in citations}
        if len(meetings) == 1:
            chunk = citations[0].chunk
            meeting = self._meeting(chunk)
            original = f"{meeting.date_original}、" if meeting else ""
            lead = (
                f"{chunk.meeting}（{original}{chunk.date}）の議事要旨には、次の記載があります。"
                if japanese
                else f"The minutes of {chunk.meeting} ({chunk.date}) say (verbatim excerpts, in Japanese):"
            )
        else:
            lead = (
                f"{len(meetings)}件の会議の議事要旨に、次の記載があります。"
                if japanese
                else f"The minutes of {len(meetings)} meetings say (verbatim excerpts, in Japanese):"
            )
        lines = [lead]
        for c in citations:
            label = c.chunk.section + (f"・{c.chunk.organisation}" if c.chunk.organisation else "")
            if c.chunk.remark_no is not None:
                label += f"・発言{c.chunk.remark_no}"
            if len(meetings) > 1:
                label = f"{c.chunk.meeting}（{c.chunk.date}）{label}"
            excerpt = re.sub(r"\s*\n\s*", " ", c.text)
            lines.append(f"- 〔{label}〕「{excerpt}」[{c.n}]")
        return "\n".join(lines)


def _coverage(text: str, weights: dict[str, float], lexical=None) -> float:
    """IDF-weighted share of the question's terms that occur in ``text`` (normalised)."""
    if not weights:
        return 0.0
    from .lexical import normalize

    norm = normalize(text)
    total = sum(weights.values())
    found = sum(w for t, w in weights.items() if t in norm)
    return found / total if total else 0.0
