"""The extractive writer's choice of excerpts (rag.answer.extractive)."""
from __future__ import annotations

from invented_minutes import BRIEFING, CLOSING, OPENING, TARGET
from test_writer_contract import QUESTION, WEIGHTS, _Index

from rag.answer.extractive import CITE_SHARE, ExtractiveWriter
from rag.domain import Evidence, Hit


def _cited(*scored) -> list:
    ev = [Evidence(n, chunk, Hit(chunk, score)) for n, (chunk, score) in enumerate(scored, start=1)]
    draft = ExtractiveWriter(_Index()).draft(QUESTION, ev, True, WEIGHTS)
    return list(dict.fromkeys(c.chunk for claim in draft.claims for c in claim.citations))


def test_later_items_are_cited_when_ranked_nearly_as_strongly_as_the_first():
    strong, weak = CITE_SHARE + 0.1, CITE_SHARE - 0.1
    assert _cited((TARGET, 1.0), (BRIEFING, weak), (CLOSING, strong)) == [TARGET, CLOSING]
    assert _cited((TARGET, 1.0), (BRIEFING, strong), (CLOSING, strong), (OPENING, strong)) == [TARGET, BRIEFING, CLOSING]


def test_the_first_item_is_cited_however_weakly_ranked():
    assert _cited((BRIEFING, 0.01), (TARGET, 0.001)) == [BRIEFING]
