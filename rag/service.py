"""The assistant as one object: index + retriever + answerer, built once per process.

The CLI, the Streamlit app, briefings and evals all go through ``Assistant`` so
they answer exactly alike.
"""
from __future__ import annotations

from dataclasses import dataclass

from .answering import Answerer, ExtractiveAnswerer
from .config import Settings
from .domain import Answer, Filters, Hit
from .index import MinutesIndex, Progress
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
        retriever = HybridRetriever(index=index, k=settings.top_k, candidates=settings.candidates)
        return cls(settings, index, retriever, ExtractiveAnswerer(index))

    def ensure_built(self, progress: Progress | None = None):
        return self.index.ensure_built(progress)

    def ask(self, question: str, filters: Filters | None = None, k: int | None = None, mode: Mode | None = None) -> Answer:
        hits = self.retriever.retrieve(question, k=k, filters=filters, mode=mode)
        return self.answerer.answer(question, hits)


def hit_to_dict(hit: Hit) -> dict:
    return {**hit.chunk.to_dict(), "score": round(hit.score, 6)}


def answer_to_dict(answer: Answer, qid: str | None = None) -> dict:
    """The ``ask --json`` schema (README: CLI)."""
    return {
        "id": qid,
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [c.to_dict() for c in answer.citations],
        "contexts": [hit_to_dict(h) for h in answer.contexts],
    }
