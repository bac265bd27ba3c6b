"""The CLI shell: JSON schema, batch questions, clean errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag.cli import main

from conftest import CORPUS_DIR, ROOT

CITATION_KEYS = {"n", "chunk_id", "text", "source", "start", "end", "meeting", "date", "section"}
CONTEXT_KEYS = CITATION_KEYS - {"n"} | {"score"}


@pytest.fixture()
def env(monkeypatch, built_settings):
    monkeypatch.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    return built_settings


def _check_schema(obj, seed_text):
    assert set(obj) == {"id", "question", "answer", "abstained", "abstention", "citations", "contexts", "writer", "fallback",
                        "removed"}
    assert obj["writer"] == "extractive" and obj["fallback"] is False and obj["removed"] == []
    assert isinstance(obj["abstained"], bool) and isinstance(obj["answer"], str)
    assert (obj["abstention"] is None) == (not obj["abstained"])
    if obj["abstention"]:
        assert set(obj["abstention"]) == {"code", "detail"}
    for c in obj["citations"]:
        assert CITATION_KEYS <= set(c)
        assert seed_text[c["start"] : c["end"]] == c["text"]
        assert c["source"] == "joho-security-seisaku-kaigi-14-2007-10-03.txt"
        assert c["date"] == "2007-10-03"
    for h in obj["contexts"]:
        assert CONTEXT_KEYS <= set(h) and isinstance(h["score"], float)
        assert seed_text[h["start"] : h["end"]] == h["text"]
    scores = [h["score"] for h in obj["contexts"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json(env, capsys, seed_text):
    assert main(["ask", "--json", "防衛省は概算要求で何を求めましたか"]) == 0
    obj = json.loads(capsys.readouterr().out)
    _check_schema(obj, seed_text)
    assert obj["id"] is None and not obj["abstained"]
    assert obj["citations"][0]["n"] == 1 and "防護システムの整備" in obj["citations"][0]["text"]
    # 「防衛省は」 names who speaks: retrieval keeps to that organisation's remarks
    assert obj["contexts"] and all(h["organisation"] == "防衛省" for h in obj["contexts"])
    assert main(["ask", "--json", "概算要求で各府省は何を求めましたか"]) == 0
    assert len(json.loads(capsys.readouterr().out)["contexts"]) == 5


def test_ask_batch_jsonl_and_plain_lines(env, capsys, tmp_path, seed_text):
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text(
        '{"id": "a1", "question": "会合の場所はどこでしたか"}\n\n{"id": "a2", "question": "量子コンピュータへの対応は？", "kind": "x"}\n',
        encoding="utf-8",
    )
    assert main(["ask", "--json", "--questions", str(jsonl)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2"]
    for r in rows:
        _check_schema(r, seed_text)
    assert not rows[0]["abstained"] and rows[1]["abstained"] and rows[1]["citations"] == []
    plain = tmp_path / "q.txt"
    plain.write_text("会合の場所はどこでしたか\nGSOCについての意見は\n", encoding="utf-8")
    assert main(["ask", "--json", "--questions", str(plain)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [None, None] and len(rows) == 2


def test_ask_human_readable(env, capsys):
    assert main(["ask", "--org", "防衛省", "概算要求"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "出典:" in out and "発言30" in out


def test_bad_questions_file_names_the_line(env, capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "question": "x"}\n{"id": "b", "questio": "typo"}\n', encoding="utf-8")
    assert main(["ask", "--json", "--questions", str(bad)]) == 2
    assert f"{bad}:2: missing \"question\"" in capsys.readouterr().err


def test_bad_date_filter(env, capsys):
    assert main(["ask", "--from", "2007/10/01", "x"]) == 2
    assert "--from" in capsys.readouterr().err


def test_ingest_reports_bad_file_and_exits_nonzero(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "hash")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["ingest", str(CORPUS_DIR), str(empty)]) == 1
    captured = capsys.readouterr()
    assert "indexed   joho-security-seisaku-kaigi-14-2007-10-03.txt" in captured.out
    assert f"error: {empty}: the file is empty" in captured.err
    assert "1 meeting(s), 35 chunk(s)" in captured.out


def test_ask_on_empty_index_builds_it_first(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "hash")
    assert main(["ask", "会合の場所はどこでしたか"]) == 0
    captured = capsys.readouterr()
    assert "built the index" in captured.err and "総理大臣官邸大会議室" in captured.out


def test_module_entry_point_config_error(tmp_path):
    """`python -m rag` in a fresh process: a bad setting is one clean line, exit 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "status"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "RAG_DATA_DIR": str(tmp_path), "RAG_EMBEDDING_BACKEND": "word2vec"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: RAG_EMBEDDING_BACKEND='word2vec'")
    assert "Traceback" not in proc.stderr


def test_shift_jis_questions_file(env, tmp_path, capsys):
    path = tmp_path / "q.txt"
    path.write_bytes("防衛省は概算要求で何を求めましたか\n".encode("cp932"))
    assert main(["ask", "--json", "--questions", str(path)]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["question"] == "防衛省は概算要求で何を求めましたか" and not row["abstained"]


def test_binary_questions_file_is_one_line_error(env, tmp_path, capsys):
    path = tmp_path / "q.txt"
    path.write_bytes(b"\x00\x01\x02binary")
    assert main(["ask", "--questions", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "binary" in err
