"""Fault injection: an ingest killed after its first write, two ingests at once, and a CLI ingest
while an ``Assistant`` in this process holds the index open.

Every writer here is a real ``python -m rag`` process (real Chroma, real BM25, the hash embedder);
the minutes are 60 synthetic 議事要旨 from ``python -m rag synth``. Afterwards the three stores
must agree (or ``check --repair`` must make them agree), and every file must answer a question
about its own content.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.chunking import chunk_meeting
from rag.index import MinutesIndex, embedding_text
from rag.parsing import load_meetings
from rag.service import Assistant

from conftest import CORPUS_DIR, ROOT, make_settings

pytestmark = pytest.mark.slow


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_EMBEDDING_BACKEND": "hash",
            "RAG_CORPUS_DIR": str(CORPUS_DIR), "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}


def _rag(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=_env(data_dir),
                          capture_output=True, text=True, timeout=600)


def _start(data_dir: Path, *args: str, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:  # a file, not a pipe: a full pipe would stall the writer
        return subprocess.Popen([sys.executable, "-m", "rag", *args], cwd=ROOT, env=_env(data_dir),
                                stdout=out, stderr=subprocess.STDOUT)


_KANA_A, _KANA_B = "カキクケコサシス", "ナニヌネノハヒフ"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> list[Path]:
    """60 synthetic 議事要旨, each given one remark about a word no other file uses (the synthetic
    remarks recombine the real corpus's sentences, so no remark of theirs belongs to one file)."""
    folder = tmp_path_factory.mktemp("synth") / "minutes"
    proc = _rag(tmp_path_factory.mktemp("unused"), "synth", str(folder), "--meetings", "60", "--seed", "1")
    assert proc.returncode == 0, proc.stderr
    files = sorted(folder.glob("*.txt"))
    assert len(files) == 60
    for n, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        at = text.index("\n- ", text.index("出席者意見開陳"))
        remark = f"{_own_word(n)}の導入については、関係省庁と連携して検討を進めていきたい。"
        path.write_text(text[:at] + "\n- " + remark + "\n" + text[at:], encoding="utf-8")
        ((meeting, _),) = load_meetings(path, path.name)
        assert any(r.text == remark for r in meeting.remarks)
    return files


def _own_word(n: int) -> str:
    return f"{_KANA_A[n // 8]}{_KANA_B[n % 8]}ロバス"


@pytest.fixture(scope="module")
def questions(synthetic) -> dict[str, str]:
    """Per file (its source key): a question about its own remark."""
    return {str(p.resolve()): f"{_own_word(n)}の導入についてどのような意見がありましたか" for n, p in enumerate(synthetic)}


def _truth(settings) -> dict:
    """What a check must report, computed here from the stores themselves."""
    index = MinutesIndex(settings)
    expected: dict[str, set[str]] = {}
    records = [index.records.get(e.meeting_id) for e in index.catalog()]
    for meeting, text in filter(None, records):
        expected.setdefault(meeting.source, set()).update(c.chunk_id for c in chunk_meeting(meeting, text))
    every = set().union(*expected.values()) if expected else set()
    store, lexical = set(index.store.all_ids()), set(index.lexical.ids())
    missing = {src: {"store": len(ids - store), "lexical": len(ids - lexical)}
               for src, ids in expected.items() if ids - store or ids - lexical}
    dangling = [e.meeting_id for e, r in zip(index.catalog(), records) if r is None]
    return {"records": len(records) - len(dangling), "chunks_expected": len(every), "store_chunks": len(store),
            "lexical_chunks": len(lexical), "missing": missing,
            "orphans": {"store": len(store - every), "lexical": len(lexical - every)}, "dangling": dangling,
            "consistent": store == lexical == every and not dangling}


def _assert_agree(settings, sources: list[str]) -> None:
    """Chroma, BM25 and the records hold exactly the same chunks, and every source is indexed."""
    truth = _truth(settings)
    assert truth["consistent"], truth
    assert truth["store_chunks"] == truth["lexical_chunks"] == truth["chunks_expected"] > 0
    assert {e.source for e in MinutesIndex(settings).catalog()} == set(sources)


def _assert_every_file_answers(settings, questions: dict[str, str], sources: list[str]) -> None:
    assistant = Assistant.open(settings)
    unanswered = []
    for source in sources:
        answer = assistant.ask(questions[source], mode="bm25")
        if source not in {c.chunk.source for c in answer.citations}:
            unanswered.append((Path(source).name, answer.text[:80]))
    assert not unanswered, unanswered


def test_an_ingest_killed_after_its_first_write_is_reported_repaired_and_completed(synthetic, questions, tmp_path):
    data = tmp_path / "data"
    settings = make_settings(data, RAG_EMBEDDING_BACKEND="hash")
    proc = _start(data, "ingest", str(synthetic[0].parent), log=tmp_path / "ingest.log")
    records = data / "records"
    deadline = time.monotonic() + 300
    while proc.poll() is None and not any(records.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)  # the first batch is in Chroma and its records are being written
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "ingest.log").read_text()

    checked = _rag(data, "check", "--json")
    report = json.loads(checked.stdout)
    truth = _truth(settings)
    assert {k: report[k] for k in truth} == truth  # what check says is what the stores hold
    assert checked.returncode == (0 if truth["consistent"] else 1)
    assert 0 < truth["records"] < 60  # the kill came after the first write and before the end
    assert not truth["consistent"]  # BM25 is saved once at the end: the kill left it behind Chroma

    repaired = _rag(data, "check", "--repair", "--json")
    assert repaired.returncode == 0 and json.loads(repaired.stdout)["repaired"], repaired.stdout + repaired.stderr
    _assert_agree(settings, sorted({e.source for e in MinutesIndex(settings).catalog()}))
    assert not [*data.glob("lexical/*.tmp"), *data.glob("records/*.tmp")]  # a killed writer's temp files are swept

    again = _rag(data, "ingest", str(synthetic[0].parent))
    assert again.returncode == 0, again.stderr
    sources = [str(p.resolve()) for p in synthetic]
    assert sum(line.startswith("indexed") for line in again.stdout.splitlines()) == 60 - truth["records"]
    _assert_agree(settings, sources)
    assert json.loads(_rag(data, "check", "--json").stdout)["consistent"]
    _assert_every_file_answers(settings, questions, sources)


def test_a_reingest_alone_completes_a_killed_ingest(synthetic, questions, tmp_path):
    data = tmp_path / "data"
    settings = make_settings(data, RAG_EMBEDDING_BACKEND="hash")
    proc = _start(data, "ingest", *map(str, synthetic), log=tmp_path / "ingest.log")
    deadline = time.monotonic() + 300
    while proc.poll() is None and not any((data / "records").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    again = _rag(data, "ingest", str(synthetic[0].parent))  # no repair first
    assert again.returncode == 0, again.stderr
    assert "unchanged" not in again.stdout  # BM25 lacked every file's chunks: none is "unchanged"
    sources = [str(p.resolve()) for p in synthetic]
    _assert_agree(settings, sources)
    _assert_every_file_answers(settings, questions, sources)


def test_two_ingests_at_once_leave_one_consistent_index(synthetic, questions, tmp_path):
    data = tmp_path / "data"
    settings = make_settings(data, RAG_EMBEDDING_BACKEND="hash")
    halves = (synthetic[:30], synthetic[30:])
    procs = [_start(data, "ingest", *map(str, half), log=tmp_path / f"ingest{n}.log") for n, half in enumerate(halves)]
    for p in procs:
        p.wait(timeout=600)
    done: list[str] = []
    for n, (p, half) in enumerate(zip(procs, halves)):
        log = (tmp_path / f"ingest{n}.log").read_text()
        if p.returncode == 0:
            done += [str(f.resolve()) for f in half]
        else:  # refused at once, naming the lock, and it changed nothing
            assert p.returncode == 2 and "another process is writing" in log and "write.lock" in log, log
    assert done, "neither ingest succeeded"
    _assert_agree(settings, done)  # exactly the successful run(s), nothing half-written

    again = _rag(data, "ingest", str(synthetic[0].parent))
    assert again.returncode == 0, again.stderr
    sources = [str(p.resolve()) for p in synthetic]
    _assert_agree(settings, sources)
    _assert_every_file_answers(settings, questions, sources)


def test_a_cli_ingest_while_an_assistant_is_open_is_seen_and_not_undone_by_its_upload(synthetic, questions, tmp_path):
    settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")
    first, by_cli, upload = synthetic[:20], synthetic[20:40], synthetic[40]
    assistant = Assistant.open(settings)  # the app: index loaded, searched once
    assistant.index.ingest(first)
    assert assistant.ask(questions[str(first[0].resolve())], mode="bm25").citations

    cli = _rag(settings.data_dir, "ingest", *map(str, by_cli))
    assert cli.returncode == 0, cli.stderr

    index = assistant.index
    index.refresh()
    cli_sources = [str(p.resolve()) for p in by_cli]
    assert set(cli_sources) <= {e.source for e in index.catalog()}
    cli_chunks = [cid for s in cli_sources for cid in index.lexical.ids_where(source=s)]
    assert len(cli_chunks) > 20 * 10
    for n, source in enumerate(cli_sources, start=20):
        assert source in {c.chunk.source for c in assistant.ask(questions[source], mode="bm25").citations}
        # its dense index sees them too (an embedded Chroma client does not read another process's
        # writes by itself): the file's own remark is the nearest neighbour of its own vector
        ((own, _),) = index.lexical.search(_own_word(n), 1)
        assert index.chunk(own).source == source
        vector = index.embeddings.embed_documents_array([embedding_text(index.chunk(own))])[0]
        assert index.store.query(vector, 1)[0][0].chunk_id == own

    report = index.ingest([upload])  # an upload in the app after the CLI ingest
    assert report.added == [str(upload.resolve())]
    expected = sum(len(chunk_meeting(*index.records.get(e.meeting_id))) for e in index.catalog())
    assert index.store.count() == len(index.lexical) == expected
    reopened = MinutesIndex(settings)
    assert reopened.store.count() == len(reopened.lexical) == expected
    assert set(cli_chunks) <= set(reopened.lexical.ids())  # the app's save kept what the CLI added
    sources = [str(p.resolve()) for p in [*first, *by_cli, upload]]
    _assert_agree(settings, sources)
    _assert_every_file_answers(settings, questions, sources)
