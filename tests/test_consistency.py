"""One consistent index: one writer at a time, no stale BM25 written back, a cut-off write repaired.

Real Chroma and BM25 with the deterministic hash embedder (fast); the second writer is a real
`python -m rag ingest` process.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rag.errors import IndexBusyError
from rag.index import MinutesIndex

from conftest import CORPUS_DIR, ROOT, SEED, make_settings


@pytest.fixture()
def settings(tmp_path):
    return make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")


def _variant(tmp_path, name: str, old: str, new: str):
    path = tmp_path / name
    path.write_text(SEED.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def _counts(index: MinutesIndex) -> tuple[int, int]:
    return index.store.count(), len(index.lexical)


def test_a_second_writer_is_refused_and_changes_nothing(settings, tmp_path):
    index = MinutesIndex(settings)
    index.ingest([CORPUS_DIR])
    other = _variant(tmp_path, "b.txt", "防護システムの整備", "防護システムの刷新")
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir), "RAG_EMBEDDING_BACKEND": "hash",
           "RAG_CORPUS_DIR": str(CORPUS_DIR)}
    with index.writing():  # this process is writing
        proc = subprocess.run([sys.executable, "-m", "rag", "ingest", str(other)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "another process is writing" in proc.stderr and proc.stderr.count("\n") == 1
    fresh = MinutesIndex(settings)
    assert _counts(fresh) == (35, 35) and len(fresh.catalog()) == 1
    with pytest.raises(IndexBusyError):
        with index.writing():
            MinutesIndex(settings).ingest([other])


def test_a_process_holding_an_old_copy_does_not_write_it_back(settings, tmp_path):
    app = MinutesIndex(settings)  # e.g. the app, loaded before the CLI ingest below
    app.ingest([CORPUS_DIR])
    cli = MinutesIndex(settings)
    cli.ingest([_variant(tmp_path, "b.txt", "防護システムの整備", "防護システムの刷新")])
    assert _counts(cli) == (70, 70)
    app.ingest([_variant(tmp_path, "c.txt", "防護システムの整備", "防護システムの強化")])
    reopened = MinutesIndex(settings)
    assert _counts(reopened) == (105, 105) and len(reopened.catalog()) == 3
    # and a reader sees the other process's chunks without restarting
    assert any("防護システムの刷新" in app.chunk(cid).text for cid, _ in app.lexical.search("防護システムの刷新", 3))


def test_a_write_cut_off_before_the_bm25_save_is_repaired_by_the_next_ingest(settings, tmp_path, monkeypatch):
    index = MinutesIndex(settings)
    index.ingest([CORPUS_DIR])
    new = _variant(tmp_path, "b.txt", "防護システムの整備", "防護システムの刷新")

    def killed():
        raise KeyboardInterrupt  # the process dies after Chroma and the records were written

    monkeypatch.setattr(index.lexical, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        index.ingest([new])
    monkeypatch.undo()
    after_crash = MinutesIndex(settings)
    assert after_crash.store.count() == 70 and len(after_crash.lexical) == 35  # the stores disagree
    report = after_crash.ingest([new])
    assert report.added == [str(new.resolve())]  # not called "unchanged": BM25 lacked its chunks
    assert _counts(MinutesIndex(settings)) == (70, 70)


def test_check_reports_and_repairs_diverged_stores(settings, tmp_path, monkeypatch, capsys):
    from rag.cli import main

    index = MinutesIndex(settings)
    index.ingest([CORPUS_DIR])
    assert index.check().consistent
    victims = sorted(index.lexical.ids())[:3]
    index.lexical.delete(victims)  # BM25 lost three chunks
    index.lexical.save()
    index.store.delete(victims[:1])  # Chroma lost one of them
    report = MinutesIndex(settings).check()
    assert not report.consistent and report.missing == {"joho-security-seisaku-kaigi-14-2007-10-03.txt": {"store": 1, "lexical": 3}}
    for var, value in (("RAG_DATA_DIR", settings.data_dir), ("RAG_EMBEDDING_BACKEND", "hash"), ("RAG_CORPUS_DIR", CORPUS_DIR)):
        monkeypatch.setenv(var, str(value))
    assert main(["status"]) == 0 and "warning: Chroma holds 34 chunks but the BM25 index 32" in capsys.readouterr().out
    assert main(["check"]) == 1 and "INCONSISTENT" in capsys.readouterr().out
    assert main(["check", "--repair"]) == 0
    fresh = MinutesIndex(settings)
    assert _counts(fresh) == (35, 35) and fresh.check().consistent


def test_a_catalog_row_whose_record_is_gone_is_reported_and_dropped_by_repair(settings):
    index = MinutesIndex(settings)
    index.ingest([CORPUS_DIR])
    (entry,) = index.catalog()
    (settings.records_dir / f"{entry.meeting_id}.json").unlink()  # a kill between the record's two deletes
    report = MinutesIndex(settings).check()
    assert report.dangling == [entry.meeting_id] and not report.consistent
    assert report.orphans == {"store": 35, "lexical": 35}  # no record explains its chunks any more
    repaired = MinutesIndex(settings).check(repair=True)
    assert repaired.repaired
    fresh = MinutesIndex(settings)
    assert fresh.catalog() == [] and _counts(fresh) == (0, 0) and fresh.check().consistent


def test_temp_files_a_killed_writer_left_are_swept_by_the_next_writer(settings):
    index = MinutesIndex(settings)
    index.ingest([CORPUS_DIR])
    leftovers = [settings.lexical_dir / f".lexical.npz.{os.getpid()}.0123abcd.tmp", settings.records_dir / "tmpab12cd.tmp"]
    for path in leftovers:
        path.write_bytes(b"half a write")
    MinutesIndex(settings).check()  # takes the writer lock, as ingest and uploads do
    assert not any(p.exists() for p in leftovers)
    assert _counts(MinutesIndex(settings)) == (35, 35) and (settings.lexical_dir / "lexical.npz").exists()
