"""Evidence: the retrieved hits, with the record lines the question asks for routed first.

A question about the meeting itself (date, place, attendees, agenda, decisions) is
answered from the resolved meeting's record chunks, whatever the retrievers ranked;
everything else is the hybrid retriever's hits in rank order. Numbered from 1.
"""
from __future__ import annotations

from ..domain import Chunk, Evidence, Hit
from .analysis import INTENT_KIND, Question


def gather(index, question: Question, hits: list[Hit]) -> list[Evidence]:
    """Hit chunks in rank order, with the intent's record chunks (e.g. the date line) first."""
    routed: list[Chunk] = []
    if question.intents and hits:
        meeting_id = hits[0].chunk.meeting_id
        for intent in question.intents:
            for chunk in index.chunks_of(meeting_id, INTENT_KIND[intent]):
                if chunk.chunk_id not in {c.chunk_id for c in routed}:
                    routed.append(chunk)
    by_id = {h.chunk.chunk_id: h for h in hits}
    seen = {c.chunk_id for c in routed}
    ordered = routed + [h.chunk for h in hits if h.chunk.chunk_id not in seen]
    return [Evidence(n, chunk, by_id.get(chunk.chunk_id)) for n, chunk in enumerate(ordered, start=1)]
