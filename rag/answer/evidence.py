"""Evidence: the retrieved hits, with the record lines the question asks for routed first.

A question about the meeting itself (date, place, attendees, agenda, decisions) gets the
resolved meeting's record chunks for it. A record chunk the retriever returned keeps the rank it
was given (the reranker reads the same intent, and 「…総会の報告によると、次の交渉はいつ」 asks for
another event's date, which a remark answers); one it did not return comes first. Everything else
is the retriever's hits in rank order. Numbered from 1.
"""
from __future__ import annotations

from ..domain import Chunk, Evidence, Hit
from .analysis import INTENT_KIND, Question


def gather(index, question: Question, hits: list[Hit]) -> list[Evidence]:
    """Hit chunks in rank order, after the intent's record chunks (e.g. the date line) they lack."""
    routed: list[Chunk] = []
    if question.intents and hits:
        meeting_id = hits[0].chunk.meeting_id
        for intent in question.intents:
            for chunk in index.chunks_of(meeting_id, INTENT_KIND[intent]):
                if chunk.chunk_id not in {c.chunk_id for c in routed}:
                    routed.append(chunk)
    by_id = {h.chunk.chunk_id: h for h in hits}
    missing = [c for c in routed if c.chunk_id not in by_id]
    ordered = missing + [h.chunk for h in hits]
    return [Evidence(n, chunk, by_id.get(chunk.chunk_id)) for n, chunk in enumerate(ordered, start=1)]
