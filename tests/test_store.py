"""One contract, two stores: the in-memory fake and real embedded Chroma behave alike."""
from __future__ import annotations

import numpy as np
import pytest

from rag.chunking import chunk_meeting
from rag.domain import Filters
from rag.embeddings import HashEmbeddings
from rag.store import ChromaStore, MemoryStore, chroma_where

from conftest import make_settings


@pytest.fixture(params=["memory", "chroma"])
def store(request, tmp_path):
    emb = HashEmbeddings()
    if request.param == "memory":
        return MemoryStore(emb.model_id)
    return ChromaStore(make_settings(tmp_path / "d", RAG_EMBEDDING_BACKEND="hash"), emb)


@pytest.fixture()
def chunks(seed_meeting, seed_text):
    return chunk_meeting(seed_meeting, seed_text)


def _vectors(chunks):
    return HashEmbeddings().embed_documents_array([c.text for c in chunks])


def test_upsert_query_roundtrip(store, chunks):
    store.upsert(chunks, _vectors(chunks))
    assert store.count() == len(chunks)
    target = next(c for c in chunks if c.remark_no == 30)
    found = store.query(HashEmbeddings().embed_documents_array([target.text])[0], 3)
    assert found[0][0] == target  # the whole Chunk survives the metadata round trip
    assert found[0][1] == pytest.approx(1.0, abs=1e-4)
    assert found[0][1] >= found[1][1]


def test_upsert_is_idempotent_and_delete_removes(store, chunks):
    store.upsert(chunks, _vectors(chunks))
    store.upsert(chunks, _vectors(chunks))
    assert store.count() == len(chunks)
    ids = store.ids_for_source(chunks[0].source)
    assert sorted(ids) == sorted(c.chunk_id for c in chunks)
    store.delete(ids[:5])
    assert store.count() == len(chunks) - 5
    assert store.ids_for_source("other.txt") == []


@pytest.mark.parametrize(
    "filters, expect",
    [
        (Filters(organisations=("防衛省",)), {30}),
        (Filters(organisations=("警察", "総務省")), {21, 22, 27}),
        (Filters(sections=("政策会議決定",)), {None}),
        (Filters(date_from="2007-10-04"), set()),
        (Filters(date_from="2007-10-03", date_to="2007-10-03", organisations=("外務省",)), {29}),
        (Filters(sources=("nope.txt",)), set()),
    ],
)
def test_filters_restrict_results(store, chunks, filters, expect):
    store.upsert(chunks, _vectors(chunks))
    found = store.query(HashEmbeddings().embed_query_array("情報セキュリティ"), 50, filters)
    assert {c.remark_no for c, _ in found} == expect
    assert all(filters.matches(c.metadata()) for c, _ in found)


def test_where_clause_shape():
    assert chroma_where(Filters()) is None
    assert chroma_where(Filters(organisations=("防衛省",))) == {"organisation": {"$in": ["防衛省"]}}
    both = chroma_where(Filters(date_from="2007-01-01", sections=("出席者意見開陳",)))
    assert both == {"$and": [{"section": {"$in": ["出席者意見開陳"]}}, {"date_int": {"$gte": 20070101}}]}


def test_chroma_never_uses_its_default_embedding_function(tmp_path):
    """Text-only calls embed with our model (the default one would try to download)."""
    emb = HashEmbeddings()
    store = ChromaStore(make_settings(tmp_path / "d", RAG_EMBEDDING_BACKEND="hash"), emb)
    store.collection.add(ids=["x"], documents=["防衛省の概算要求"], metadatas=[{"source": "a"}])
    stored = store.collection.get(ids=["x"], include=["embeddings"])["embeddings"][0]
    assert np.allclose(stored, emb.embed_documents_array(["防衛省の概算要求"])[0])
    assert store.collection.metadata["embedding_model"] == "hash:384"


def test_opening_waits_out_another_process_start_up_lock(tmp_path, monkeypatch):
    """Two processes opening one folder at once can meet Chroma's SQLite start-up lock
    (seen in CI: two ingests, "database is locked"): opening waits it out, then says so clearly."""
    import chromadb

    from rag import store
    from rag.errors import StoreUnavailableError

    real = chromadb.PersistentClient
    calls = {"n": 0}

    def locked_twice(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise RuntimeError("Query error: Database error: error returned from database: (code: 5) database is locked")
        return real(*args, **kwargs)

    settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")
    monkeypatch.setattr(chromadb, "PersistentClient", locked_twice)
    assert store.make_client(settings) is not None and calls["n"] == 3

    def always_locked(*args, **kwargs):
        raise RuntimeError("(code: 5) database is locked")

    monkeypatch.setattr(chromadb, "PersistentClient", always_locked)
    monkeypatch.setattr(store, "OPEN_LOCK_WAIT_S", 0.2)
    with pytest.raises(StoreUnavailableError, match="stayed locked by another process"):
        store.make_client(settings)


_OPEN_AT_ONCE = """
import sys, time
from rag.store import make_client
from conftest import make_settings
settings = make_settings(sys.argv[1], RAG_EMBEDDING_BACKEND="hash")
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
make_client(settings)
"""


@pytest.mark.slow
def test_processes_opening_a_new_folder_at_once_all_open_it(tmp_path):
    """Seen in CI: two ingests started together on a new data dir both ran Chroma's start-up, and
    one failed with "table collections already exists". Real processes, released together."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
    for attempt in range(6):  # each attempt a new folder: the race is on the first open
        data = tmp_path / f"data{attempt}"
        start = time.time() + 3.0  # after every interpreter has imported chromadb
        procs = [subprocess.Popen([sys.executable, "-c", _OPEN_AT_ONCE, str(data), str(start)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err


def test_a_small_stores_unfiltered_search_is_exact_and_sees_every_write(store, chunks):
    """Up to ``exact_search_max`` chunks every vector is scored: the top k is the brute-force top k,
    equal cosines in id order, and a write or delete is seen by the next query."""
    vectors = _vectors(chunks)
    store.upsert(chunks, vectors)
    query = vectors[10] + vectors[20]
    sims = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    expected = [chunks[i].chunk_id for i in np.lexsort((np.array([c.chunk_id for c in chunks]), -sims))[:8]]
    assert [c.chunk_id for c, _ in store.query(query, 8)] == expected
    store.delete([expected[0]])
    assert expected[0] not in [c.chunk_id for c, _ in store.query(query, 8)]
    store.upsert([chunks[10]], vectors[10:11] * 0 + query)  # moved onto the query itself
    assert store.query(query, 1)[0][0].chunk_id == chunks[10].chunk_id


def test_a_store_too_large_to_hold_asks_the_approximate_index_once_per_write(tmp_path, chunks, monkeypatch):
    store = ChromaStore(make_settings(tmp_path / "d", RAG_EMBEDDING_BACKEND="hash"), HashEmbeddings())
    store.exact_search_max = 5
    store.upsert(chunks, _vectors(chunks))
    pages = []
    get = store.collection.get
    monkeypatch.setattr(store.collection, "get", lambda **kw: pages.append(kw) or get(**kw))
    for _ in range(3):
        assert len(store.query(_vectors(chunks)[0], 3)) == 3
    assert sum(1 for kw in pages if kw.get("limit")) == 1  # asked once whether it is small, not per query
