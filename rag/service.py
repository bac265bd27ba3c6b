"""The assistant as one object: index + retriever + answerer, built once per process.

The CLI, the Streamlit app, briefings and evals all go through ``Assistant`` so
they answer exactly alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .answer.pipeline import AnswerPipeline, Answerer, DraftSink
from .config import Settings
from .domain import Answer, Filters, Hit
from .errors import InputError
from .index import MinutesIndex, Progress
from .meetings import meeting_words, organisations_named, resolve, speakers_named, topic_text
from .rerank import Reranker
from .retrieval import HybridRetriever, Mode


@dataclass
class Assistant:
    settings: Settings
    index: MinutesIndex
    retriever: HybridRetriever
    answerer: Answerer

    @classmethod
    def open(cls, settings: Settings, index: MinutesIndex | None = None) -> "Assistant":
        index = index or MinutesIndex(settings)
        retriever = HybridRetriever(index=index, k=settings.top_k, candidates=settings.candidates, reranker=Reranker(index))
        return cls(settings, index, retriever, AnswerPipeline(index, writer=make_writer(settings)))

    def ensure_built(self, progress: Progress | None = None):
        return self.index.ensure_built(progress)

    def ask(self, question: str, filters: Filters | None = None, k: int | None = None, mode: Mode | None = None,
            on_draft: DraftSink | None = None) -> Answer:
        """Resolve the meeting the question names (if any), retrieve within it, answer. ``on_draft``
        shows an LLM writer's draft while it is written (the verified answer is returned)."""
        found = self.search(question, filters, k, mode)
        if isinstance(found, Answer):
            return found
        hits, meeting_ids = found
        answer = self.answerer.answer(question, hits, on_draft) if on_draft else self.answerer.answer(question, hits)
        if meeting_ids:
            answer = replace(answer, searched_meetings=meeting_ids)
        return answer

    def search(self, question: str, filters: Filters | None = None, k: int | None = None,
               mode: Mode | None = None) -> Answer | tuple[list[Hit], tuple[str, ...]]:
        """The hits a question gets (and the meetings it named), or the abstention that comes
        before retrieval (not a question, a meeting that is not indexed)."""
        check_question_length(question)
        if not looks_like_a_question(question):
            return self.answerer.abstain(question, [], "not_a_question", NOT_A_QUESTION)
        catalog = self.index.catalog()  # read once per question (cached while the file is unchanged)
        resolution = resolve(question, catalog, self.index.phrase_known, self.index.dates_recorded)
        if resolution.missing:
            return self.answerer.abstain(question, [], "meeting_not_indexed", resolution.missing)
        named_meetings = [e for e in catalog if e.meeting_id in resolution.meeting_ids]
        if resolution.meeting_ids:
            filters = narrow_to_meetings(filters, resolution.meeting_ids)
        named = speakers_named(question, named_meetings or catalog)
        # BM25 does not search for the words that only name the meeting (every chunk of it lacks
        # them, and procedural remarks that repeat the name would rank first). Dense reads both the
        # whole question and the question less those words (its vector is their mean): the name
        # alone pulls toward every procedural line, the rest alone loses what the name says of the
        # topic (dense-only, dev split: evidence in the top 5 for 0.714 of the questions with the
        # whole question, 0.735 with the rest, 0.810 with both; seed set unchanged)
        drop, dated = meeting_words(question, named_meetings)
        lexical_query = without_terms(question, drop, dated)
        topic = topic_text(question, drop, dated)
        lexical_query = self.bridged(question, lexical_query, drop, dated)
        hits: list[Hit] = []
        if named and not (filters and filters.speakers):
            # 「盛山大臣は…と述べましたか」: that speaker's remarks only, when there are any
            hits = self.retriever.retrieve(question, k=k, filters=replace(filters or Filters(), speakers=named), mode=mode,
                                           lexical_query=lexical_query, topic_query=topic)
        elif not (filters and filters.organisations):
            # a 議事要旨 names the organisation, not the person: 「それについて警察は？」 asks what 警察 said
            orgs = organisations_named(question, self.index.lexical.meta_values("organisation"))
            if orgs:
                hits = self.retriever.retrieve(question, k=k, filters=replace(filters or Filters(), organisations=orgs),
                                               mode=mode, lexical_query=lexical_query, topic_query=topic)
        if not hits:
            hits = self.retriever.retrieve(question, k=k, filters=filters, mode=mode, lexical_query=lexical_query, topic_query=topic)
        return hits, resolution.meeting_ids

    def bridged(self, question: str, lexical_query: str | None, drop: set[str] = frozenset(),
                dated: str | None = None) -> str | None:
        """An English question's BM25 query with the Japanese words the dictionary gives for its
        words (rag.crosslingual); a Japanese question's unchanged. Like the question's own words,
        the Japanese ones that only name the meeting (``drop``: 「町議会」 for "the town council"),
        and the meeting's date (``dated``: the question without it), are not searched for. Dev
        sets (36 English questions): evidence in the top 5 0.778 → 0.806, cited 0.667 → 0.806."""
        from .answer.analysis import is_japanese
        from .crosslingual import shared_bridge
        from .lexical import tokenize

        if not self.settings.crosslingual or is_japanese(question):
            return lexical_query
        translations = shared_bridge().translate(dated or question, self.index.lexical.phrase_frequency)
        words = [w for t in translations for w in t.japanese if not (drop and set(tokenize(w)) <= drop)]
        if not words:
            return lexical_query
        return " ".join([lexical_query or question, *words])


def make_writer(settings: Settings):
    """The LLM writer when RAG_LLM is set, else None (extractive answers only)."""
    if not settings.llm:
        return None
    from .answer.llm import LLMWriter, make_chat_model

    return LLMWriter(make_chat_model(settings))


MAX_QUESTION_CHARS = 2000
NOT_A_QUESTION = "議事録の内容について、言葉で質問してください（記号や単語の断片だけでは検索しません）"
_CODE_CHARS = re.compile(r"[;{}=<>$|`\\*]")


def check_question_length(question: str) -> None:
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError("question", f"is {len(question):,} characters long; ask in at most {MAX_QUESTION_CHARS:,} characters")


def looks_like_a_question(question: str) -> bool:
    """Words about something: Japanese content words, or at least two English words that are
    not code. 「....」「a」「？！。」 and SQL/shell-looking strings are not questions."""
    from .lexical import tokenize

    q = question.strip()
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", q):
        return any(len(t) >= 2 or re.match(r"[\u4e00-\u9fff]", t) for t in tokenize(q))
    words = re.findall(r"[A-Za-z]{2,}", q)
    return (len(words) >= 2 or any(len(w) >= 3 for w in words)) and len(_CODE_CHARS.findall(q)) <= 1 and not re.match(
        r"(?i)^\s*(select|insert|update|delete|drop|create|alter|rm|sudo|curl|wget|chmod|cat|echo)\b", q)


def without_terms(question: str, drop: set[str], text: str | None = None) -> str | None:
    """The BM25 tokens of ``text`` (the question less what else only names its meeting, such as its
    date; default the question) less ``drop``; None when nothing is dropped or nothing is left."""
    from .lexical import normalize, tokenize

    text = question if text is None else text
    if not drop and normalize(text) == normalize(question):
        return None
    kept = [t for t in tokenize(text) if t not in drop]
    return " ".join(kept) if kept else None


def narrow_to_meetings(filters: Filters | None, meeting_ids: tuple[str, ...]) -> Filters:
    """The user's filters, further limited to the meetings the question names."""
    filters = filters or Filters()
    ids = tuple(m for m in meeting_ids if not filters.meeting_ids or m in filters.meeting_ids) or meeting_ids
    return replace(filters, meeting_ids=ids)


def hit_to_dict(hit: Hit) -> dict:
    return {**hit.chunk.to_dict(), "score": round(hit.score, 6)}


def answer_to_dict(answer: Answer, qid: str | None = None) -> dict:
    """The ``ask --json`` schema (README: CLI)."""
    return {
        "id": qid,
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "abstention": {"code": answer.abstention[0], "detail": answer.abstention[1]} if answer.abstention else None,
        "citations": [c.to_dict() for c in answer.citations],
        "contexts": [hit_to_dict(h) for h in answer.contexts],
        "writer": answer.writer,
        "fallback": answer.fallback,
        "removed": [{"text": r.text, "reason": r.reason} for r in answer.removed],
    }
