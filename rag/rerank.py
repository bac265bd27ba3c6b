"""Reranking the fused candidates of one question with a small fitted model.

Reciprocal rank fusion only knows ranks. Within one meeting of 150–300 similar remarks the
remark that answers often sits at rank 6–15 of both retrievers, below procedural remarks that
repeat the question's words. The reranker reads, for each of the ~40 fused candidates, a few
cheap facts (both ranks, the cosine's distance to the best one, the BM25 score, how much of the
question's topic the chunk and its best sentence hold, a number when a quantity is asked and a
value of the asked type (an amount, a count with its counter, a time, a date), the record part a metadata question asks for, the length, the presiding officer, a speaker or
organisation the question names, how strongly another paragraph of the same remark was retrieved) and scores them with a logistic model fitted on the dev question sets only
(``python -m rag calibrate``, rag/rerank.json). The held-out set never chooses its weights.
"""
from __future__ import annotations

import json
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .domain import Chunk
from .layouts.speakers import PRESIDING_ROLES as PRESIDING
from .retrieval import RRF_K  # the rank features are the fusion's two terms

FEATURES = ("dense_rrf", "lexical_rrf", "cosine_gap", "bm25", "coverage", "sentence_coverage",
            "number", "no_number", "record_part", "length", "presiding", "speaker_named", "typed", "untyped",
            "sibling")
MODEL_PATH = Path(__file__).with_name("rerank.json")


@dataclass(frozen=True)
class RerankModel:
    weights: tuple[float, ...]
    bias: float

    def score(self, features: Sequence[float]) -> float:
        """The logit (only the order matters)."""
        return self.bias + sum(w * x for w, x in zip(self.weights, features))

    @classmethod
    def rrf(cls) -> RerankModel:
        """Plain reciprocal rank fusion: what the fitting starts from, and what it is compared with."""
        return cls(tuple(1.0 if f in ("dense_rrf", "lexical_rrf") else 0.0 for f in FEATURES), 0.0)


@lru_cache(maxsize=1)
def rerank_model() -> RerankModel:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise RuntimeError(f"{MODEL_PATH} was fitted on other features; run `python -m rag calibrate`")
    return RerankModel(tuple(float(w) for w in data["weights"]), float(data["bias"]))


class _TokenCache:
    """Tokens of a chunk and of each of its sentences, by chunk id (ids are content hashes, so an
    entry never goes stale); bounded, because a long-running app sees many chunks."""

    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[frozenset[str], tuple[frozenset[str], ...]]] = OrderedDict()

    def get(self, chunk: Chunk) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
        from .chunking import units
        from .index import lexical_text
        from .lexical import tokenize

        got = self._items.get(chunk.chunk_id)
        if got is None:
            got = (frozenset(tokenize(lexical_text(chunk))), tuple(frozenset(tokenize(u.text)) for u in units(chunk)))
            self._items[chunk.chunk_id] = got
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(chunk.chunk_id)
        return got


class Reranker:
    """Scores one question's fused candidates; ``model`` defaults to the fitted rag/rerank.json."""

    def __init__(self, index, model: RerankModel | None = None) -> None:
        self.index = index
        self._model = model
        self._tokens = _TokenCache()

    @property
    def model(self) -> RerankModel:
        return self._model or rerank_model()

    def features(self, question: str, topic_query: str, chunks: dict[str, Chunk],
                 dense: dict[str, tuple[int, float]], lexical: dict[str, tuple[int, float]]) -> dict[str, list[float]]:
        """One feature row per candidate id. ``topic_query``: the question less the words that only
        name its meeting (what BM25 searched), whose terms say what the question is about."""
        from .answer.analysis import (
            INTENT_KIND,
            NUMBER_TEXT,
            QUANTITY_QUESTION,
            asked_values,
            detect_intents,
            read_question,
        )
        from .lexical import normalize
        from .meetings import speakers_mentioned

        q = read_question(topic_query or question, self.index.lexical)
        total = sum(q.weights.values()) or 1.0
        parts = {INTENT_KIND[i] for i in detect_intents(question) if i in INTENT_KIND}
        folded_q = normalize(question)
        lowered = folded_q.lower()
        wants_number = bool(QUANTITY_QUESTION.search(lowered))
        # 「いくら」: an amount, 「何世帯」: N世帯 … (not an organisation's name: the weights were fitted without it,
        # and with it the roster line led 「…カフェのような場所は、どこに運営を任せる予定」)
        wanted = [a.has for a in asked_values(lowered) if a.kind != "name"]
        meeting_ids = {c.meeting_id for c in chunks.values()}
        named = set(speakers_mentioned(question, [e for e in self.index.catalog() if e.meeting_id in meeting_ids]))
        cosines = [s for _, s in dense.values()]
        top_cos = max(cosines, default=0.0)
        floor_cos = min(cosines, default=0.0)
        top_bm25 = max((s for _, s in lexical.values()), default=0.0)

        def share(tokens: frozenset[str]) -> float:
            return sum(w for t, w in q.weights.items() if t in tokens) / total

        # a long remark is chunked by paragraph, and the paragraph that answers a paraphrased question
        # often follows the one whose words the retrievers matched: each remark chunk reads the best
        # fused score of another chunk of its remark (leave-one-document-out on the dev sets: evidence
        # first 0.706 -> 0.713, in the top 5 0.915 -> 0.922, as fitted when it was added)
        remarks: dict[tuple[str, int], list[str]] = {}
        for cid, chunk in chunks.items():
            if chunk.kind == "remark" and chunk.remark_no is not None:
                remarks.setdefault((chunk.meeting_id, chunk.remark_no), []).append(cid)

        rows = {}
        for cid, chunk in chunks.items():
            whole, sentences = self._tokens.get(chunk)
            d, lx = dense.get(cid), lexical.get(cid)
            norm = normalize(chunk.text)
            has_number = bool(NUMBER_TEXT.search(norm))
            typed = bool(wanted) and any(p.search(norm) for p in wanted)
            role = chunk.role or ""
            rows[cid] = [
                1.0 / (RRF_K + d[0]) if d else 0.0,
                1.0 / (RRF_K + lx[0]) if lx else 0.0,
                top_cos - (d[1] if d else floor_cos),
                lx[1] / top_bm25 if lx and top_bm25 > 0 else 0.0,
                share(whole),
                max((share(s) for s in sentences), default=0.0),
                float(wants_number and has_number),
                float(wants_number and not has_number),
                float(chunk.kind in parts),
                math.log(max(len(chunk.text), 10)) / 6.0,
                float(any(p in role for p in PRESIDING)),
                float((bool(chunk.speaker) and chunk.speaker in named)
                      or (bool(chunk.organisation) and normalize(chunk.organisation) in folded_q)),
                float(typed),
                float(bool(wanted) and not typed),
            ]
        for cid, chunk in chunks.items():  # the fused score (both RRF terms) of the best other paragraph
            siblings = remarks.get((chunk.meeting_id, chunk.remark_no), []) if chunk.kind == "remark" else []
            rows[cid].append(max((rows[o][0] + rows[o][1] for o in siblings if o != cid), default=0.0))
        return rows

    def rank(self, question: str, topic_query: str, chunks: dict[str, Chunk],
             dense: dict[str, tuple[int, float]], lexical: dict[str, tuple[int, float]]) -> list[tuple[str, float]]:
        """Candidate ids, best first, with the model's probability."""
        rows = self.features(question, topic_query, chunks, dense, lexical)
        model = self.model
        scored = [(cid, _sigmoid(model.score(f))) for cid, f in rows.items()]
        return sorted(scored, key=lambda x: (-x[1], x[0]))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


__all__ = ["FEATURES", "MODEL_PATH", "RerankModel", "Reranker", "rerank_model"]
