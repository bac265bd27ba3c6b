"""Scale-related behaviour of the core: batched ingest writes, consistency after a failed write,
filtered dense search through the BM25 index's metadata, and O(1) record lookups."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import CORPUS_DIR, make_settings

from rag import index as index_module
from rag.domain import Filters
from rag.index import MinutesIndex
from rag.lexical import LexicalIndex
from rag.records import RecordStore
from rag.store import EXACT_SEARCH_MAX
from rag.devtools.synth import write_synthetic


@pytest.fixture(scope="module")
def synth_files(tmp_path_factory):
    files, chunks = write_synthetic(tmp_path_factory.mktemp("synth"), meetings=12, seed=21, corpus_dir=CORPUS_DIR)
    return files, chunks


def _hash_index(path) -> MinutesIndex:
    return MinutesIndex(make_settings(path, RAG_EMBEDDING_BACKEND="hash"))


def test_ingest_writes_many_meetings_per_store_call(tmp_path, synth_files, monkeypatch):
    files, _ = synth_files
    monkeypatch.setattr(index_module, "WRITE_BATCH", 100)
    index = _hash_index(tmp_path / "data")
    calls = []
    real = index.store.upsert
    monkeypatch.setattr(index.store, "upsert", lambda chunks, vectors, texts=None: (calls.append(len(chunks)), real(chunks, vectors))[1])
    report = index.ingest(files + [CORPUS_DIR, files[0]])  # a file named twice is indexed once
    assert report.ok and len(report.added) == 13 and not report.unchanged
    assert sum(calls) == report.chunks_written == index.store.count() == len(index.lexical)
    assert len(calls) < 13  # batched across meetings
    assert all(n >= 100 for n in calls[:-1])
    assert len(RecordStore(index.settings.records_dir).ids()) == 13
    again = index.ingest(files)
    assert again.added == [] and len(again.unchanged) == 12


def test_failed_write_keeps_bm25_records_and_store_in_step(tmp_path, synth_files, monkeypatch):
    files, _ = synth_files
    monkeypatch.setattr(index_module, "WRITE_BATCH", 60)
    index = _hash_index(tmp_path / "data")
    real = index.store.upsert
    calls = []

    def flaky(chunks, vectors, texts=None):
        calls.append(len(chunks))
        if len(calls) == 3:
            raise ConnectionError("store went away")
        return real(chunks, vectors)

    monkeypatch.setattr(index.store, "upsert", flaky)
    with pytest.raises(ConnectionError):
        index.ingest(files)
    saved = LexicalIndex(index.settings.lexical_dir)  # what a restart would load
    records = RecordStore(index.settings.records_dir).ids()
    assert 0 < len(records) < len(files)
    assert len(saved) == index.store.count() == sum(calls[:2])
    assert {saved.get(cid)[1]["meeting_id"] for cid in saved.ids()} == set(records)

    monkeypatch.setattr(index.store, "upsert", real)
    report = _hash_index(tmp_path / "data").ingest(files)
    assert report.ok and len(report.unchanged) == len(records)
    fresh = _hash_index(tmp_path / "data")
    assert len(fresh.lexical) == fresh.store.count() == sum(
        len(fresh.chunks_of(m, "remark")) + len(fresh.chunks_of(m, "header")) + len(fresh.chunks_of(m, "attendees"))
        + len(fresh.chunks_of(m, "agenda")) + len(fresh.chunks_of(m, "decision"))
        for m in fresh.records.ids()
    )


@pytest.fixture(scope="module")
def big_index(tmp_path_factory, synth_files):
    files, _ = synth_files
    index = _hash_index(tmp_path_factory.mktemp("big"))
    assert index.ingest(files + [CORPUS_DIR]).ok
    return index


def _filters(index):
    meeting = index.records.find(str(index.meetings()[0].source))
    assert meeting is not None
    return [
        Filters(meeting_ids=(meeting.meeting_id,)),  # small: exact scoring
        Filters(sources=(meeting.source,), sections=("出席者意見開陳",)),
        Filters(organisations=("防衛省", "総務省")),
        Filters(date_from="2005-01-01"),  # large: Chroma search restricted to ids
        Filters(date_from="2005-01-01", date_to="2015-12-31", sections=("出席者意見開陳",)),
        Filters(meeting_ids=("no-such-meeting",)),
    ]


@pytest.mark.parametrize("exact_max", [EXACT_SEARCH_MAX, 40])  # at this scale, 40 sends large filters to Chroma
def test_filtered_dense_search_matches_chromas_where(big_index, monkeypatch, exact_max):
    store = big_index.store
    assert store.allowed_ids is not None  # wired by MinutesIndex
    monkeypatch.setattr(store, "exact_search_max", exact_max)
    sizes = set()
    for question in ("防衛省は概算要求で何を求めましたか", "情報セキュリティ人材の育成", "サイバー犯罪の取締り"):
        vector = big_index.embeddings.embed_query_array(question)
        for filters in _filters(big_index):
            allowed = big_index.lexical.ids_matching(filters)
            sizes.add("exact" if len(allowed) <= exact_max else "ids")
            fast = store.query(vector, 10, filters)
            oracle, store.allowed_ids = store.allowed_ids, None
            try:
                slow = store.query(vector, 10, filters)
            finally:
                store.allowed_ids = oracle
            # same scores in the same order; ids may differ only among equal scores
            # (synthetic remarks repeat sentences, so some chunks have identical vectors)
            assert np.allclose([s for _, s in fast], [s for _, s in slow], atol=1e-4), filters
            if fast:
                cut = fast[-1][1] + 1e-4
                assert {c.chunk_id for c, s in fast if s > cut} == {c.chunk_id for c, s in slow if s > cut}
            assert all(filters.matches(c.metadata()) for c, _ in fast)
            assert len(fast) == min(10, len(allowed))
    assert "exact" in sizes and ("ids" in sizes) == (exact_max < len(big_index.lexical))


def test_filtered_search_falls_back_when_the_local_index_knows_other_ids(big_index, monkeypatch):
    store = big_index.store
    vector = big_index.embeddings.embed_query_array("防衛省")
    filters = Filters(date_from="2005-01-01")
    monkeypatch.setattr(store, "allowed_ids", None)
    expected = [c.chunk_id for c, _ in store.query(vector, 5, filters)]  # Chroma's own ``where``
    for extra in (["not-in-chroma"], big_index.lexical.ids_matching(filters) + ["not-in-chroma"]):
        monkeypatch.setattr(store, "allowed_ids", lambda f, extra=extra: extra)
        got = store.query(vector, 5, filters)
        assert [c.chunk_id for c, _ in got] == expected


def test_unfiltered_query_does_not_count(big_index, monkeypatch):
    store = big_index.store
    monkeypatch.setattr(store.collection, "count", lambda: pytest.fail("count() on the query path"))
    vector = big_index.embeddings.embed_query_array("防衛省")
    assert len(store.query(vector, 7)) == 7
    assert len(store.query(vector, 10**6)) == len(big_index.lexical)  # more than it holds: all of them


def test_query_on_an_empty_store(tmp_path):
    index = _hash_index(tmp_path / "empty")
    vector = index.embeddings.embed_query_array("防衛省")
    assert index.store.query(vector, 5) == []
    assert index.store.query(vector, 5, Filters(date_from="2005-01-01")) == []


def test_find_by_source_reads_one_record(big_index, monkeypatch):
    records = RecordStore(big_index.settings.records_dir)
    some = big_index.meetings()[3]
    monkeypatch.setattr(records, "meetings", lambda: pytest.fail("scanned every record"))
    assert records.find(some.source).meeting_id == some.meeting_id
    assert records.find(some.meeting_id).source == some.source
    monkeypatch.undo()
    from pathlib import Path

    assert records.find(Path(some.source).name).meeting_id == some.meeting_id  # file name: still found
    assert records.find("nothing.txt") is None
