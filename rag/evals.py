"""Evaluation of the assistant on a question set: `python -m rag eval DATASET`.

A dataset is JSONL, one question per line (evals/README.md, docs/evaluation.md)::

    {"id": "q01", "question": "...", "answerable": true,
     "evidence": ["verbatim substring of the minutes"], "key_facts": ["..."], "kind": "metadata"}

Every question goes through ``Assistant.ask`` — the same retriever and answerer
the app and ``ask`` use — once per retrieval mode. Matching of evidence and key
facts is on normalised text: Unicode NFKC, then every whitespace character
removed (the minutes write 「G S O C」 and 「平成 20 年度」).

Metrics (overall and per ``kind``):

retrieval (answerable questions; a context is *relevant* if its chunk text contains an evidence string)
    ``recall_at_k``  share with a relevant context among the top-k;
    ``mrr``          mean of 1/rank of the first relevant context (0 when none);
    ``ndcg_at_k``    binary-relevance nDCG@k; the ideal ranking puts every chunk of the index
                     that contains evidence first, so a question whose evidence sits in two
                     chunks needs both in the top-k for 1.0.
grounding
    ``citation_precision``  share of the citations of answerable questions whose text contains
                            an evidence string;
    ``citation_verbatim``   share of all citations that are verbatim spans of their source
                            (``source_text[start:end] == text``);
    ``citation_recall``     share of answerable questions with at least one citation that
                            contains evidence;
    ``offset_validity``     share of answers with citations in which *every* citation slices
                            back to its text, lies inside its chunk, and its chunk slices back
                            to the chunk text.
answers
    ``key_fact_coverage``     key facts found in the normalised answer text / all key facts of
                              the answerable questions (an abstention finds none);
    ``abstention_accuracy``   share of unanswerable questions the assistant declined;
    ``false_abstention_rate`` share of answerable questions it declined;
    ``accuracy``              share of all questions handled correctly: answerable → answered
                              with a citation containing evidence; unanswerable → declined.
latency
    ``latency_p50_ms`` / ``latency_p95_ms``  wall time of ``ask`` per question, warm (the index
                                             and model are loaded and one untimed question is
                                             asked per mode before timing).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import DatasetError, RagError

MODE_ORDER = ("dense", "bm25", "hybrid")  # --mode all: what each part contributes, then the fusion
DEFAULT_K = 5

Progress = Callable[[int, int, str], None]  # (done, total, message)


# ============================================================================ normalisation


def normalise(text: str) -> str:
    """NFKC, then every whitespace character removed: the matching form of evidence, key facts and text."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def contains_any(text: str, needles: Iterable[str]) -> bool:
    """Does ``text`` contain one of ``needles``? Both sides are normalised here."""
    t = normalise(text)
    return any(n and n in t for n in (normalise(x) for x in needles))


# ============================================================================ dataset


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    answerable: bool
    evidence: tuple[str, ...]
    key_facts: tuple[str, ...]
    kind: str
    line: int  # 1-based line in the dataset file
    source: str | None = None  # the minutes file the question is about (per-document numbers)


@dataclass(frozen=True)
class Dataset:
    name: str  # the path as given, or the uploaded file's name
    items: tuple[EvalItem, ...]

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(i.kind for i in self.items))


NO_KIND = "(none)"


def _string_list(obj: dict, key: str, problems: list[str], where: str) -> tuple[str, ...] | None:
    value = obj.get(key, [])
    if value is None:
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: \"{key}\" must be a list of strings")
        return None
    empty = [v for v in value if not normalise(v)]
    if empty:
        problems.append(f"{where}: \"{key}\" contains an empty string")
        return None
    return tuple(value)


def parse_dataset(text: str, name: str, corpus: Iterable[str] | None = None) -> Dataset:
    """Parse JSONL and, given the indexed source texts, check that every evidence string occurs in them.

    Every problem of every line is collected and raised together, in line order,
    as ``FILE:LINE: problem`` (``DatasetError.problems`` holds the list).
    """
    problems: list[tuple[int, str]] = []
    items: list[EvalItem] = []
    seen_ids: dict[str, int] = {}
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        where = f"{name}:{no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((no, f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append((no, f"{where}: expected a JSON object, got {type(obj).__name__}"))
            continue
        question = obj.get("question")
        if not isinstance(question, str) or not question.strip():
            problems.append((no, f"{where}: missing \"question\""))
            continue
        qid = obj.get("id")
        qid = str(qid) if qid is not None and str(qid).strip() else f"line{no}"
        if qid in seen_ids:
            problems.append((no, f"{where}: id {qid!r} already used on line {seen_ids[qid]}"))
            continue
        seen_ids[qid] = no
        answerable = obj.get("answerable", True)
        if answerable is None:  # `rag feedback export` writes 👎 answers so, for a person to decide
            problems.append((no, f"{where}: \"answerable\" is null: a line awaiting review "
                                 "(set it to true with evidence, or to false)"))
            continue
        if not isinstance(answerable, bool):
            problems.append((no, f"{where}: \"answerable\" must be true or false"))
            continue
        found: list[str] = []
        evidence = _string_list(obj, "evidence", found, where)
        key_facts = _string_list(obj, "key_facts", found, where)
        problems += [(no, p) for p in found]
        if evidence is None or key_facts is None:
            continue
        if answerable and not evidence:
            problems.append((no, f"{where}: an answerable question needs at least one \"evidence\" string"))
            continue
        if not answerable and (evidence or key_facts):
            problems.append((no, f"{where}: an unanswerable question must have empty \"evidence\" and \"key_facts\""))
            continue
        kind = obj.get("kind")
        kind = str(kind).strip() if kind is not None and str(kind).strip() else NO_KIND
        source = obj.get("source")
        items.append(EvalItem(qid, question, answerable, evidence, key_facts, kind, no,
                              str(source) if isinstance(source, str) and source.strip() else None))
    dataset = Dataset(name, tuple(items))
    if corpus is not None:
        problems += _evidence_problems(dataset, corpus)
    if not items and not problems:
        problems.append((0, f"{name}: no questions"))
    if problems:
        raise _dataset_error(name, [p for _, p in sorted(problems, key=lambda x: x[0])])
    return dataset


def _evidence_problems(dataset: Dataset, corpus_texts: Iterable[str]) -> list[tuple[int, str]]:
    corpus = [normalise(t) for t in corpus_texts]
    return [
        (item.line, f"{dataset.name}:{item.line}: evidence not found in the indexed corpus: {ev!r}")
        for item in dataset.items
        for ev in item.evidence
        if not any(normalise(ev) in t for t in corpus)
    ]


def check_evidence(dataset: Dataset, corpus_texts: Iterable[str]) -> None:
    """Every evidence string must occur (normalised) in some indexed source text."""
    problems = _evidence_problems(dataset, corpus_texts)
    if problems:
        raise _dataset_error(dataset.name, [p for _, p in problems])


def _dataset_error(name: str, problems: list[str]) -> DatasetError:
    head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in {name}:\n" + "\n".join(problems)
    err = DatasetError(head)
    err.problems = list(problems)  # type: ignore[attr-defined]
    return err


def read_text(path: Path | str) -> str:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return text


def read_dataset(path: Path | str, corpus: Iterable[str] | None = None) -> Dataset:
    """Read and parse a dataset file; with ``corpus`` (indexed source texts), check its evidence too."""
    return parse_dataset(read_text(path), str(path), corpus)


def corpus_texts(assistant) -> list[str]:
    """The decoded source text of every indexed meeting (what citations are checked against)."""
    records = assistant.index.records
    return [t for t in (records.text(i) for i in records.ids()) if t is not None]


def load_dataset(path: Path | str, assistant) -> Dataset:
    """Read, parse and check a dataset against the assistant's index."""
    return read_dataset(path, corpus_texts(assistant))


# ============================================================================ metric functions


def first_relevant_rank(relevant: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant item, None if there is none."""
    for i, r in enumerate(relevant, start=1):
        if r:
            return i
    return None


def recall_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 if a relevant item is in the top-k, else 0.0 (evidence recall of one question)."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int | None = None) -> float:
    rank = first_relevant_rank(relevant[:k] if k else relevant)
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(relevant: Sequence[bool], k: int, n_relevant: int | None = None) -> float:
    """Binary-relevance nDCG@k. ``n_relevant``: relevant items that exist in the whole collection
    (defaults to the number among ``relevant``); the ideal list puts min(n_relevant, k) of them first."""
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(relevant[:k], start=1) if r)
    total = sum(1 for r in relevant if r) if n_relevant is None else max(n_relevant, sum(1 for r in relevant[:k] if r))
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(total, k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


# ============================================================================ one question


@dataclass
class ContextInfo:
    rank: int
    chunk_id: str
    label: str  # 「出席者意見開陳・防衛省・発言30」
    relevant: bool
    snippet: str


@dataclass
class QuestionResult:
    id: str
    kind: str
    question: str
    answerable: bool
    mode: str
    abstained: bool
    answer: str
    latency_ms: float
    # retrieval
    hit_rank: int | None = None  # 1-based rank of the first context containing evidence (≤ k)
    relevant_in_index: int = 0  # chunks of the whole index that contain evidence
    reciprocal_rank: float = 0.0
    ndcg: float = 0.0
    contexts: list[ContextInfo] = field(default_factory=list)
    evidence_chunks: list[str] = field(default_factory=list)  # labels of the chunks that hold evidence
    # grounding
    cited_chunk_ids: list[str] = field(default_factory=list)
    citations: int = 0
    citations_with_evidence: int = 0
    citations_verbatim: int = 0
    offsets_valid: bool | None = None  # None when there is no citation
    # answers
    key_facts_found: list[str] = field(default_factory=list)
    key_facts_missing: list[str] = field(default_factory=list)
    source: str | None = None  # the document the question is about, from the dataset
    abstention_code: str | None = None

    @property
    def retrieved(self) -> bool:
        return self.hit_rank is not None

    @property
    def cited_evidence(self) -> bool:
        return self.citations_with_evidence > 0

    @property
    def abstention_ok(self) -> bool:
        return self.abstained != self.answerable

    @property
    def correct(self) -> bool:
        if not self.answerable:
            return self.abstained
        return not self.abstained and self.cited_evidence

    @property
    def failure_kind(self) -> str | None:
        """One of: answered_unanswerable, false_abstention, miss_abstained, selection, retrieval_miss."""
        if self.correct:
            return None
        if not self.answerable:
            return "answered_unanswerable"
        if self.abstained:
            return "false_abstention" if self.retrieved else "miss_abstained"
        return "selection" if self.retrieved else "retrieval_miss"

    @property
    def failure(self) -> str | None:
        """Where a wrong answer went wrong, in words (None when correct)."""
        kind = self.failure_kind
        return None if kind is None else {
            "answered_unanswerable": "answered an unanswerable question",
            "false_abstention": f"false abstention (evidence was retrieved at rank {self.hit_rank})",
            "miss_abstained": "retrieval miss, then abstained",
            "selection": f"selection: evidence retrieved at rank {self.hit_rank} but not cited",
            "retrieval_miss": "retrieval miss: answered from other chunks",
        }[kind]

    def to_row(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "answerable": self.answerable,
            "abstention_code": self.abstention_code,
            "hit_rank": self.hit_rank,
            "cited_chunk_ids": self.cited_chunk_ids,
            "context_chunk_ids": [c.chunk_id for c in self.contexts],
            "abstained": self.abstained,
            "correct": self.correct,
            "flags": {
                "retrieved": self.retrieved if self.answerable else None,
                "cited_evidence": self.cited_evidence if self.answerable else None,
                "abstention_ok": self.abstention_ok,
                "offsets_valid": self.offsets_valid,
                "key_facts_found": len(self.key_facts_found),
                "key_facts_total": len(self.key_facts_found) + len(self.key_facts_missing),
            },
            "failure": self.failure,
            "failure_kind": self.failure_kind,
            "missing_key_facts": self.key_facts_missing,
            "reciprocal_rank": round(self.reciprocal_rank, 4),
            "ndcg": round(self.ndcg, 4),
            "latency_ms": round(self.latency_ms, 1),
            "question": self.question,
            "answer": self.answer,
        }


def chunk_label(chunk) -> str:
    from .answer.labels import location_label

    return location_label(chunk)


def _snippet(text: str, n: int = 60) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def score_answer(
    item: EvalItem,
    answer,
    *,
    k: int,
    mode: str,
    latency_ms: float,
    source_text: Callable[[object], str | None],
    evidence_chunks: Sequence[object] = (),
) -> QuestionResult:
    """Score one ``Answer`` against its dataset item.

    ``source_text(chunk)`` returns the decoded source of the chunk's meeting;
    ``evidence_chunks`` are the chunks of the whole index that contain evidence.
    """
    res = QuestionResult(
        id=item.id, kind=item.kind, question=item.question, answerable=item.answerable, mode=mode,
        abstained=bool(answer.abstained), answer=answer.text, latency_ms=latency_ms, source=item.source,
        abstention_code=answer.abstention[0] if getattr(answer, "abstention", None) else None,
    )
    contexts = list(answer.contexts)[:k]
    flags = [item.answerable and contains_any(h.chunk.text, item.evidence) for h in contexts]
    res.contexts = [
        ContextInfo(i, h.chunk.chunk_id, chunk_label(h.chunk), f, _snippet(h.chunk.text))
        for i, (h, f) in enumerate(zip(contexts, flags), start=1)
    ]
    if item.answerable:
        res.relevant_in_index = len(evidence_chunks)
        res.evidence_chunks = [chunk_label(c) for c in evidence_chunks]
        res.hit_rank = first_relevant_rank(flags)
        res.reciprocal_rank = reciprocal_rank(flags)
        res.ndcg = ndcg_at_k(flags, k, len(evidence_chunks))

    res.cited_chunk_ids = [c.chunk.chunk_id for c in answer.citations]
    res.citations = len(answer.citations)
    valid = []
    for c in answer.citations:
        src = source_text(c.chunk)
        verbatim = src is not None and 0 <= c.start < c.end <= len(src) and src[c.start : c.end] == c.text
        res.citations_verbatim += verbatim
        ch = c.chunk
        inside = ch.start <= c.start and c.end <= ch.end
        chunk_ok = src is not None and src[ch.start : ch.end] == ch.text
        valid.append(verbatim and inside and chunk_ok)
        if item.answerable and contains_any(c.text, item.evidence):
            res.citations_with_evidence += 1
    res.offsets_valid = all(valid) if valid else None

    if item.answerable:
        text = normalise(answer.text) if not answer.abstained else ""
        for fact in item.key_facts:
            (res.key_facts_found if normalise(fact) in text else res.key_facts_missing).append(fact)
    return res


# ============================================================================ aggregation

METRICS: tuple[tuple[str, str], ...] = (  # key, label ({k} filled in)
    ("recall_at_k", "evidence recall@{k}"),
    ("mrr", "MRR"),
    ("ndcg_at_k", "nDCG@{k}"),
    ("citation_precision", "citation precision (evidence)"),
    ("citation_verbatim", "citation precision (verbatim span)"),
    ("citation_recall", "citation recall"),
    ("offset_validity", "offset validity"),
    ("key_fact_coverage", "key-fact coverage"),
    ("abstention_accuracy", "abstention accuracy (unanswerable)"),
    ("false_abstention_rate", "false-abstention rate (answerable)"),
    ("accuracy", "accuracy (all questions)"),
    ("latency_p50_ms", "latency p50 (ms)"),
    ("latency_p95_ms", "latency p95 (ms)"),
)
KIND_METRICS = ("recall_at_k", "mrr", "citation_recall", "key_fact_coverage", "abstention_accuracy",
                "false_abstention_rate", "accuracy")
SHORT = {
    "recall_at_k": "R@{k}", "mrr": "MRR", "ndcg_at_k": "nDCG@{k}", "citation_precision": "cite prec",
    "citation_verbatim": "verbatim", "citation_recall": "cite rec", "offset_validity": "offsets",
    "key_fact_coverage": "key facts", "abstention_accuracy": "abstain ok", "false_abstention_rate": "false abst",
    "accuracy": "accuracy", "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms",
}


def aggregate(results: Sequence[QuestionResult]) -> dict:
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    answered = [r for r in results if r.offsets_valid is not None]
    facts_found = sum(len(r.key_facts_found) for r in ans)
    facts_total = facts_found + sum(len(r.key_facts_missing) for r in ans)
    lat = [r.latency_ms for r in results]
    return {
        "questions": len(results),
        "answerable": len(ans),
        "unanswerable": len(una),
        "recall_at_k": _mean([1.0 if r.retrieved else 0.0 for r in ans]),
        "mrr": _mean([r.reciprocal_rank for r in ans]),
        "ndcg_at_k": _mean([r.ndcg for r in ans]),
        "citation_precision": _share(sum(r.citations_with_evidence for r in ans), sum(r.citations for r in ans)),
        "citation_verbatim": _share(sum(r.citations_verbatim for r in results), sum(r.citations for r in results)),
        "citation_recall": _mean([1.0 if r.cited_evidence else 0.0 for r in ans]),
        "offset_validity": _mean([1.0 if r.offsets_valid else 0.0 for r in answered]),
        "key_fact_coverage": _share(facts_found, facts_total),
        "abstention_accuracy": _mean([1.0 if r.abstained else 0.0 for r in una]),
        "false_abstention_rate": _mean([1.0 if r.abstained else 0.0 for r in ans]),
        "accuracy": _mean([1.0 if r.correct else 0.0 for r in results]),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
    }


@dataclass
class ModeRun:
    mode: str
    results: list[QuestionResult]

    @property
    def overall(self) -> dict:
        return aggregate(self.results)

    def by_kind(self) -> dict[str, dict]:
        kinds = dict.fromkeys(r.kind for r in self.results)
        return {kind: aggregate([r for r in self.results if r.kind == kind]) for kind in kinds}

    def by_source(self) -> dict[str, dict]:
        """Per document (the dataset's ``source`` field); empty when the dataset has none."""
        sources = dict.fromkeys(r.source for r in self.results if r.source)
        return {s: aggregate([r for r in self.results if r.source == s]) for s in sources}

    def failing(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.correct]


@dataclass
class EvalReport:
    dataset: str
    k: int
    runs: dict[str, ModeRun]
    embedding_model: str = ""
    created: str = ""
    # answerable questions whose evidence no indexed chunk contains (a speaker's label is in no chunk, a
    # string may straddle two chunks): they can never count as retrieved or cited, so the set is wrong
    unreachable: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "k": self.k,
            "embedding_model": self.embedding_model,
            "created": self.created,
            "unreachable": list(self.unreachable),
            "metric_definitions": "see rag/evals.py and docs/evaluation.md",
            "modes": {
                mode: {
                    "overall": _rounded(run.overall),
                    "by_kind": {kind: _rounded(m) for kind, m in run.by_kind().items()},
                    "by_source": {src: _rounded(m) for src, m in run.by_source().items()},
                    "questions": [r.to_row() for r in run.results],
                }
                for mode, run in self.runs.items()
            },
        }


def _rounded(metrics: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}


# ============================================================================ running


def evidence_chunks(index, items: Iterable[EvalItem]) -> dict[str, list]:
    """For each answerable item, the chunks of the whole index whose text contains evidence."""
    chunks = [c for c in (index.chunk(cid) for cid in index.lexical.ids()) if c is not None]
    chunks.sort(key=lambda c: (c.source, c.start))
    norm = [(c, normalise(c.text)) for c in chunks]
    out = {}
    for item in items:
        evs = [normalise(e) for e in item.evidence]
        out[item.id] = [c for c, t in norm if any(e in t for e in evs)] if item.answerable else []
    return out


def run_eval(
    assistant,
    dataset: Dataset,
    modes: Sequence[str] = ("hybrid",),
    k: int = DEFAULT_K,
    progress: Progress | None = None,
    filters=None,
) -> EvalReport:
    """Ask every question once per mode through ``assistant.ask`` and score the answers.

    The index must be built (``assistant.ensure_built()``) and the dataset
    checked (``check_evidence``) before; ``load_dataset`` does the latter.
    """
    if k <= 0:
        raise RagError(f"k must be positive, got {k}")
    evidence = evidence_chunks(assistant.index, dataset.items)
    source_text = assistant.index.source_text
    total = len(dataset.items) * len(modes)
    done = 0
    if progress:
        progress(0, total, "warming up")
    runs: dict[str, ModeRun] = {}
    for mode in modes:
        assistant.ask(dataset.items[0].question, filters=filters, k=k, mode=mode)  # warm-up, untimed
        results = []
        for item in dataset.items:
            t0 = time.perf_counter()
            answer = assistant.ask(item.question, filters=filters, k=k, mode=mode)
            ms = (time.perf_counter() - t0) * 1000.0
            results.append(score_answer(item, answer, k=k, mode=mode, latency_ms=ms, source_text=source_text,
                                        evidence_chunks=evidence[item.id]))
            done += 1
            if progress:
                progress(done, total, f"{mode}: {item.id}")
        runs[mode] = ModeRun(mode, results)
    model = getattr(getattr(assistant.index, "embeddings", None), "model_id", "")
    unreachable = tuple(item.id for item in dataset.items if item.answerable and not evidence[item.id])
    return EvalReport(dataset.name, k, runs, embedding_model=model,
                      created=dt.datetime.now().astimezone().isoformat(timespec="seconds"), unreachable=unreachable)


def modes_for(choice: str) -> tuple[str, ...]:
    return MODE_ORDER if choice == "all" else (choice,)


# ============================================================================ formatting


def fmt(value, key: str = "") -> str:
    if value is None:
        return "–"
    if key.endswith("_ms"):
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cols = list(zip(headers, *rows))
    widths = [max(_width(c) for c in col) for col in cols]

    def line(cells):
        out = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            pad = " " * (w - _width(c))
            out.append(c + pad if i == 0 else pad + c)
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = ["| " + " | ".join(esc(h) for h in headers) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def overall_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    modes = list(report.runs)
    overall = {m: report.runs[m].overall for m in modes}
    headers = ["metric", *modes]
    rows = [[label.format(k=report.k), *(fmt(overall[m][key], key) for m in modes)] for key, label in METRICS]
    first = overall[modes[0]]
    rows.insert(0, ["questions (answerable / unanswerable)",
                    *(f"{first['questions']} ({first['answerable']} / {first['unanswerable']})" for _ in modes)])
    return headers, rows


def kind_rows(report: EvalReport, mode: str, by: str = "kind") -> tuple[list[str], list[list[str]]]:
    """Metrics per kind, or per document with ``by="source"``."""
    run = report.runs[mode]
    groups = run.by_kind() if by == "kind" else run.by_source()
    headers = [by if by == "kind" else "document", "n", *(SHORT[m].format(k=report.k) for m in KIND_METRICS)]
    rows = []
    for name, m in groups.items():
        rows.append([name, str(m["questions"]), *(fmt(m[key], key) for key in KIND_METRICS)])
    return headers, rows


def kind_accuracy_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """One number per kind and mode: accuracy (see module doc), for the side-by-side view."""
    modes = list(report.runs)
    by = {m: report.runs[m].by_kind() for m in modes}
    kinds = list(by[modes[0]])
    headers = ["kind", "n", *(f"{m} R@{report.k}" for m in modes), *(f"{m} accuracy" for m in modes)]
    rows = [[kind, str(by[modes[0]][kind]["questions"]),
             *(fmt(by[m][kind]["recall_at_k"]) for m in modes),
             *(fmt(by[m][kind]["accuracy"]) for m in modes)] for kind in kinds]
    return headers, rows


def format_text(report: EvalReport) -> str:
    out = [f"dataset: {report.dataset}   k={report.k}   embeddings: {report.embedding_model}", ""]
    out.append(text_table(*overall_rows(report)))
    if len(report.runs) > 1:
        out += ["", "by kind (all modes)", text_table(*kind_accuracy_rows(report))]
    for mode in report.runs:
        out += ["", f"by kind — {mode}", text_table(*kind_rows(report, mode))]
        if report.runs[mode].by_source():
            out += ["", f"by document — {mode}", text_table(*kind_rows(report, mode, by="source"))]
    for mode, run in report.runs.items():
        failing = run.failing()
        out += ["", f"failing questions — {mode}: {len(failing)}"]
        for r in failing:
            out.append(f"  {r.id} [{r.kind}] {r.failure}")
    return "\n".join(out)


def _failing_md(run: ModeRun, k: int) -> list[str]:
    out = []
    for r in run.failing():
        out.append(f"#### {r.id} [{r.kind}] — {r.failure}")
        out.append("")
        out.append(f"> {r.question}")
        out.append("")
        if r.answerable:
            out.append(f"- evidence is in: {', '.join(r.evidence_chunks) or '(no single chunk contains it)'}")
        if r.cited_chunk_ids:
            labels = {c.chunk_id: c.label for c in r.contexts}
            out.append(f"- cited: {', '.join(labels.get(cid, cid) for cid in r.cited_chunk_ids)}")
        out.append(f"- retrieved instead (top {k}):")
        for c in r.contexts:
            mark = " ✓" if c.relevant else ""
            out.append(f"  {c.rank}. {c.label}{mark} — {c.snippet}")
        out.append(f"- answer: {_snippet(r.answer, 160)}")
        out.append("")
    return out


def format_markdown(report: EvalReport, chart: str | None = "chart.png") -> str:
    out = [
        f"# Evaluation: `{report.dataset}`",
        "",
        f"k = {report.k} · embeddings `{report.embedding_model}` · {report.created}",
        "",
        "## Metrics",
        "",
        md_table(*overall_rows(report)),
        "",
    ]
    if chart:
        out += [f"![metrics by mode and by kind]({chart})", ""]
        kinds = list(next(iter(report.runs.values())).by_kind())
        renamed = [f"{a} = {k}" for a, k in zip(_ascii_labels(kinds), kinds) if a != k]
        if renamed:
            out += [f"Chart labels: {', '.join(renamed)}.", ""]
    if len(report.runs) > 1:
        out += ["## By kind, all modes", "", md_table(*kind_accuracy_rows(report)), ""]
    for mode in report.runs:
        out += [f"## By kind — {mode}", "", md_table(*kind_rows(report, mode)), ""]
        if report.runs[mode].by_source():
            out += [f"## By document — {mode}", "", md_table(*kind_rows(report, mode, by="source")), ""]
    for mode, run in report.runs.items():
        failing = run.failing()
        out += [f"## Failing questions — {mode} ({len(failing)})", ""]
        out += _failing_md(run, report.k) if failing else ["None.", ""]
        partial = [r for r in run.results if r.correct and r.answerable and r.key_facts_missing]
        if partial:
            out += [f"### Correct, but key facts missing — {mode}", ""]
            out += [f"- {r.id} [{r.kind}]: {', '.join(r.key_facts_missing)}" for r in partial]
            out.append("")
    out += ["Metric definitions: docs/evaluation.md.", ""]
    return "\n".join(out)


# ============================================================================ chart

CHART_METRICS = ("recall_at_k", "mrr", "ndcg_at_k", "citation_precision", "citation_recall",
                 "key_fact_coverage", "abstention_accuracy", "false_abstention_rate", "accuracy")


def _ascii_labels(labels: Sequence[str]) -> list[str]:
    """The bundled matplotlib fonts have no Japanese glyphs: non-ASCII labels become kind1, kind2…"""
    out, n = [], 0
    for label in labels:
        if label.isascii():
            out.append(label)
        else:
            n += 1
            out.append(f"kind{n}")
    return out


MODE_JA = {"dense": "ベクトル検索", "bm25": "BM25", "hybrid": "ハイブリッド"}
SHORT_JA = {
    "recall_at_k": "再現率@{k}", "mrr": "MRR", "ndcg_at_k": "nDCG@{k}", "citation_precision": "引用の適合率",
    "citation_recall": "引用の再現率", "key_fact_coverage": "要点の網羅率", "abstention_accuracy": "控えの正確さ",
    "false_abstention_rate": "誤った控え", "accuracy": "正答率",
}
CHART_TEXT = {
    "en": ("Overall metrics by retrieval mode (k={k}, n={n})", "Evidence recall@{k} by kind (answerable questions)",
           "Accuracy by kind (answered with evidence cited / correctly declined)", "retrieval mode"),
    "ja": ("検索方式別の指標（k={k}、{n}問）", "種類別の根拠の再現率@{k}（回答できる質問）",
           "種類別の正答率（根拠を引用して回答／正しく回答を控えた）", "検索方式"),
}


def chart_figure(report: EvalReport, lang: str = "en"):
    """Matplotlib figure: overall metrics by mode (top), evidence recall@k and accuracy by kind and mode.

    ``lang="ja"`` (the app) draws Japanese titles and labels with a Japanese font found on this
    machine (``rag.chart_font``); without one it falls back to the English chart. Built on the
    object API (``matplotlib.figure.Figure``, no pyplot state), so it is safe in Streamlit's
    threads and needs no display.
    """
    import numpy as np
    from matplotlib.figure import Figure

    from .chart_font import japanese_family

    family = japanese_family() if lang == "ja" else None
    ja = family is not None
    font = {"fontfamily": [family, "DejaVu Sans"]} if ja else {}
    overall_title, recall_title, accuracy_title, legend_title = CHART_TEXT["ja" if ja else "en"]
    short = SHORT_JA if ja else SHORT
    modes = list(report.runs)
    colors = {"dense": "#4C72B0", "bm25": "#DD8452", "hybrid": "#55A868"}
    fig = Figure(figsize=(12, 12), layout="constrained")
    axes = fig.subplots(3, 1)
    width = 0.8 / len(modes)

    def name(mode: str) -> str:
        return MODE_JA.get(mode, mode) if ja else mode

    ax = axes[0]
    x = np.arange(len(CHART_METRICS))
    for i, m in enumerate(modes):
        ov = report.runs[m].overall
        vals = [ov[key] for key in CHART_METRICS]
        heights = [v if v is not None else 0.0 for v in vals]
        bars = ax.bar(x + (i - (len(modes) - 1) / 2) * width, heights, width, label=name(m), color=colors.get(m))
        ax.bar_label(bars, labels=[("該当なし" if ja else "n/a") if v is None else f"{v:.2f}" for v in vals],
                     fontsize=7, padding=1, **font)
    ax.set_xticks(x, [short[key].format(k=report.k) for key in CHART_METRICS], **font)
    ax.set_ylim(0, 1.12)
    ax.set_title(overall_title.format(k=report.k, n=len(report.runs[modes[0]].results)), **font)
    ax.grid(axis="y", alpha=0.3)

    kinds = list(report.runs[modes[0]].by_kind())
    labels = kinds if ja else _ascii_labels(kinds)
    for ax, key, title in ((axes[1], "recall_at_k", recall_title.format(k=report.k)),
                           (axes[2], "accuracy", accuracy_title)):
        x = np.arange(len(kinds))
        for i, m in enumerate(modes):
            bk = report.runs[m].by_kind()
            vals = [bk[kind][key] for kind in kinds]
            heights = [v if v is not None else 0.0 for v in vals]
            bars = ax.bar(x + (i - (len(modes) - 1) / 2) * width, heights, width, label=name(m), color=colors.get(m))
            ax.bar_label(bars, labels=[("該当なし" if ja else "n/a") if v is None else f"{v:.2f}" for v in vals],
                         fontsize=7, padding=1, **font)
        counts = [report.runs[modes[0]].by_kind()[kind]["questions"] for kind in kinds]
        ax.set_xticks(x, [f"{lab}\n(n={c})" for lab, c in zip(labels, counts)], **font)
        ax.set_ylim(0, 1.12)
        ax.set_title(title, **font)
        ax.grid(axis="y", alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    prop = {"family": font["fontfamily"]} if ja else None
    fig.legend(handles, names, loc="outside upper center", ncols=len(modes), title=legend_title,
               prop=prop, title_fontproperties=prop)
    return fig


def write_chart(report: EvalReport, path: Path) -> Path:
    """``chart_figure`` as a PNG at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chart_figure(report).savefig(path, dpi=110)
    return path


def write_outputs(report: EvalReport, out_dir: Path) -> dict[str, Path]:
    """report.md, results.json and chart.png in ``out_dir`` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = write_chart(report, out_dir / "chart.png")
    md = out_dir / "report.md"
    md.write_text(format_markdown(report, chart.name), encoding="utf-8")
    js = out_dir / "results.json"
    js.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return {"report": md, "results": js, "chart": chart}


# ============================================================================ CLI


def cmd_eval(args: argparse.Namespace, settings) -> int:
    from .cli import filters_from_args, progress_bar
    from .service import Assistant

    if args.k <= 0:
        raise RagError(f"--k must be positive, got {args.k}")
    text = read_text(args.dataset)  # a missing file fails before any model is loaded
    if args.corpus:
        settings = corpus_settings(settings, [Path(p) for p in args.corpus])
    assistant = Assistant.open(settings)
    if args.corpus:
        report = assistant.index.ingest([Path(p) for p in args.corpus])
        for err in report.errors:
            print(f"error: {err}", file=sys.stderr)
        print(f"(index for --corpus at {settings.data_dir}: {len(report.added)} file(s) indexed, "
              f"{len(report.unchanged)} unchanged)", file=sys.stderr)
    else:
        built = assistant.ensure_built()
        if built is not None:
            print(f"(built the index from {settings.corpus_dir}: {len(built.added)} file(s))", file=sys.stderr)
    dataset = parse_dataset(text, args.dataset, corpus_texts(assistant))  # every bad line at once
    report = run_eval(assistant, dataset, modes_for(args.mode), k=args.k, progress=progress_bar("questions", only_tty=True),
                      filters=filters_from_args(args))
    if report.unreachable:
        print(f"warning: {len(report.unreachable)} answerable question(s) whose evidence is in no indexed chunk "
              f"(a speaker's label, or a string across two chunks): they can never be retrieved or cited; "
              f"fix their evidence: {', '.join(report.unreachable)}", file=sys.stderr)
    if args.out:
        paths = write_outputs(report, Path(args.out))
        print(f"wrote {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(format_text(report))
    return 0


def corpus_settings(settings, paths: list[Path]):
    """Settings of an index of exactly ``paths`` (e.g. the dev corpus), kept apart from the main index
    under ``RAG_DATA_DIR/eval/`` and reused while the paths are the same (ingest is idempotent)."""
    import hashlib

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise RagError(f"--corpus: no such file or folder: {', '.join(missing)}")
    key = hashlib.sha256("\n".join(sorted(str(p.resolve()) for p in paths)).encode()).hexdigest()[:12]
    return settings.with_(data_dir=settings.data_dir / "eval" / key, collection=f"eval{key}")


def _eval_args(p: argparse.ArgumentParser) -> None:
    from .cli import add_filter_args

    p.add_argument("dataset", help="JSONL question set, e.g. evals/dev.jsonl")
    p.add_argument("--k", type=int, default=DEFAULT_K, help=f"contexts per question (default {DEFAULT_K})")
    p.add_argument("--mode", choices=("hybrid", "dense", "bm25", "all"), default="hybrid",
                   help="retrieval mode; all = dense, bm25 and hybrid side by side")
    p.add_argument("--json", action="store_true", help="print one JSON object (metrics by mode + per-question rows)")
    p.add_argument("--out", metavar="DIR", help="write report.md, results.json and chart.png here")
    p.add_argument("--corpus", nargs="+", metavar="PATH",
                   help="evaluate over an index of exactly these files/folders (built apart from the main index)")
    add_filter_args(p)




__all__ = [
    "Dataset", "EvalItem", "EvalReport", "ModeRun", "QuestionResult", "aggregate", "check_evidence",
    "contains_any", "corpus_texts", "evidence_chunks", "first_relevant_rank", "load_dataset", "ndcg_at_k", "normalise",
    "parse_dataset", "percentile", "read_dataset", "read_text", "recall_at_k", "reciprocal_rank", "run_eval",
    "score_answer", "chart_figure", "write_chart", "write_outputs",
]
