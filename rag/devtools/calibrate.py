"""Fit the reranker and the gate's relevance score on the dev question sets (``python -m rag calibrate``).

First the reranker (rag/rerank.json, on ``RERANK_SETS``): for every answerable dev question, the features of each
fused candidate and whether it holds the question's evidence; a logistic model of "holds the
evidence", reported against plain RRF by leave-one-document-out (each document's questions ranked
by a model fitted without them). Then the gate, on hits ranked by that reranker:
For every dev question that reaches the relevance rule (retrieval ran and no named guard
fired), the gate's signals are read from a real index of that set's corpus, and a logistic
regression is fitted to "answerable". The threshold is the one with the fewest errors on
the dev rows, false abstentions counting ``--abstain-cost`` times (a wrong abstention hides
an answer that exists; a wrong answer still shows verbatim, checkable excerpts).

The held-out sets (evals/heldout*.jsonl) are never read here: they measure the fit.
Writes rag/rerank.json and rag/answer/gate.json (weights, what they were fitted on, dev figures).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path

from ..config import PROJECT_DIR, Settings

# (question set, corpus paths relative to the project) — dev sets only, never evals/heldout.jsonl
DEV_SETS = (
    ("evals/dev.jsonl", ("corpus",)),
    ("evals/corpus_dev.jsonl", ("../shared/corpus-dev", "corpus")),
    ("evals/corpus_dev_record.jsonl", ("../shared/corpus-dev", "corpus")),
    ("evals/corpus_dev_paraphrase.jsonl", ("../shared/corpus-dev", "corpus")),
    ("evals/corpus_dev_staff.jsonl", ("../shared/corpus-dev", "corpus")),
)
# The reranker's fit reads the first four: with the staff set too (2026-11-29) its in-sample evidence
# recall@5 fell (dev split 0.939 -> 0.925, staff 0.893 -> 0.875), so the staff set joined the gate only
RERANK_SETS = DEV_SETS[:4]


ABSTAIN_COST = 1.5


def open_dev_set(settings: Settings, corpus: tuple[str, ...]):
    """An assistant over a fresh index of one dev set's corpus (in ``settings.data_dir``)."""
    from ..evals import corpus_settings
    from ..service import Assistant

    paths = [(PROJECT_DIR / p).resolve() for p in corpus]
    assistant = Assistant.open(corpus_settings(settings, paths))
    assistant.index.ingest(paths)
    return assistant


def collect(assistant, dataset: str) -> list[dict]:
    """One row per question of ``dataset``: label, guard code (or None) and the gate's signals."""
    from ..answer.analysis import read_question
    from ..answer.evidence import gather
    from ..domain import Answer
    from ..evals import read_dataset

    gate = assistant.answerer.gate
    rows = []
    for item in read_dataset(PROJECT_DIR / dataset).items:
        found = assistant.search(item.question)
        row = {"set": dataset, "id": item.id, "answerable": item.answerable, "guard": None, "signals": None}
        if isinstance(found, Answer):
            row["guard"] = found.abstention[0] if found.abstention else "before_retrieval"
        else:
            hits, _ = found
            q = gate.record_question(read_question(item.question, assistant.index.lexical), hits)
            candidates = [e.chunk for e in gather(assistant.index, q, hits)]
            if not hits:
                row["guard"] = "no_evidence"
            else:
                why = gate._unanswerable(q.text, q.japanese, list(q.terms), hits, candidates, q.weights)
                row["guard"] = why[0] if why else ("record" if gate.answered_by_record(q, candidates) else None)
                s = gate.signals(q, hits, candidates)
                row["signals"] = s.features()
        rows.append(row)
    return rows


def collect_rerank(assistant, dataset: str) -> list[dict]:
    """One row per answerable question that reaches retrieval: each fused candidate's features and
    whether it holds one of the question's evidence strings (the same pool the app reranks)."""
    from ..evals import normalise, read_dataset
    from ..rerank import Reranker, RerankModel

    class Recording(Reranker):
        def features(self, *args, **kwargs):
            rows = super().features(*args, **kwargs)
            last.clear()
            last.update(rows)
            return rows

    last: dict[str, list[float]] = {}
    saved = assistant.retriever.reranker
    assistant.retriever.reranker = Recording(assistant.index, model=RerankModel.rrf())
    try:
        out = []
        for item in read_dataset(PROJECT_DIR / dataset).items:
            if not item.answerable:
                continue
            last.clear()
            assistant.search(item.question)
            if not last:
                continue  # abstained before retrieval (a meeting that is not indexed)
            evidence = [normalise(e) for e in item.evidence]
            cands = []
            for cid, features in last.items():
                chunk = assistant.index.chunk(cid)
                held = chunk is not None and any(e in normalise(chunk.text) for e in evidence)
                cands.append({"id": cid, "features": features, "relevant": held})
            out.append({"set": dataset, "id": item.id, "source": item.source or dataset, "candidates": cands})
        return out
    finally:
        assistant.retriever.reranker = saved


def _logistic(X, y, l2: float, sample_weight=None):
    """L2-regularised logistic regression by Newton steps; the last column of ``X`` is the bias (not shrunk)."""
    import numpy as np

    w = np.zeros(X.shape[1])
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    reg = np.eye(X.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (sw * (p - y)) + reg @ w
        hess = X.T @ (X * (sw * p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_rerank(rows: list[dict], l2: float = 1.0) -> tuple[list[float], float]:
    """Pointwise logistic model of "this candidate holds the evidence", classes balanced (one
    relevant candidate among ~40 per question)."""
    import numpy as np

    X = np.array([c["features"] for r in rows for c in r["candidates"]], dtype=float)
    y = np.array([1.0 if c["relevant"] else 0.0 for r in rows for c in r["candidates"]])
    pos = max(y.sum(), 1.0)
    sw = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1.0)))
    w = _logistic(np.hstack([X, np.ones((len(X), 1))]), y, l2, sw)
    return [round(float(v), 4) for v in w[:-1]], round(float(w[-1]), 4)


def _evidence_rank(row: dict, model) -> int | None:
    order = sorted(row["candidates"], key=lambda c: -model.score(c["features"]))
    return next((i for i, c in enumerate(order, 1) if c["relevant"]), None)


def _figures(ranks: list[int | None]) -> dict:
    """Share of questions whose evidence is ranked first and in the top 5, and the MRR."""
    n = max(len(ranks), 1)
    found = [r for r in ranks if r]
    return {"at_1": round(sum(r == 1 for r in found) / n, 3), "at_5": round(sum(r <= 5 for r in found) / n, 3),
            "mrr": round(sum(1 / r for r in found) / n, 3), "questions": len(ranks)}


def rank_figures(rows: list[dict], model) -> dict:
    return _figures([_evidence_rank(r, model) for r in rows])


def leave_one_document_out(rows: list[dict]) -> dict:
    """Each document's questions ranked by a model fitted on the other documents' questions."""
    from ..rerank import RerankModel

    ranks = []
    for source in sorted({r["source"] for r in rows}):
        weights, bias = fit_rerank([r for r in rows if r["source"] != source])
        model = RerankModel(tuple(weights), bias)
        ranks += [_evidence_rank(r, model) for r in rows if r["source"] == source]
    return _figures(ranks)


def gate_leave_one_set_out(rows: list[dict], abstain_cost: float = ABSTAIN_COST) -> dict:
    """Each dev set's rows decided by a gate fitted on the other sets' rows: the out-of-sample errors
    a change of signals must lower (the in-sample figures of ``fit`` flatter any added feature)."""
    errors = {"false_abstentions": 0, "false_answers": 0, "rows": 0}
    for dataset in sorted({r["set"] for r in rows}):
        model = fit([r for r in rows if r["set"] != dataset], abstain_cost)
        for r in rows:
            if r["set"] != dataset or r["guard"] is not None or r["signals"] is None:
                continue
            z = model["bias"] + sum(w * x for w, x in zip(model["weights"], r["signals"]))
            answered = 1 / (1 + math.exp(-z)) >= model["threshold"]
            errors["rows"] += 1
            errors["false_abstentions"] += int(r["answerable"] and not answered)
            errors["false_answers"] += int(not r["answerable"] and answered)
    return errors


def choose_threshold(z, y, abstain_cost: float, margin: float) -> float:
    """The logit threshold with the fewest dev errors (a false abstention costs ``abstain_cost``).

    A threshold must clear every answerable dev question by ``margin`` (in logits) to count it
    as answered: with few unanswerable rows, a boundary squeezed between two dev questions
    (cosine 0.80 vs 0.81) is noise, and it would abstain on the next unseen question."""
    zs = sorted({float(v) for v in z})
    best = None
    # candidates: halfway between neighbouring rows (rows below abstain), below every row, and just
    # ``margin`` below each row (the highest threshold that still clears it, when a midpoint does not)
    for t in sorted({zs[0] - 1.0, *((a + b) / 2 for a, b in zip(zs, zs[1:])), *(v - margin - 1e-6 for v in zs)}):
        false_abstain = int(((z < t + margin) & (y == 1)).sum())
        false_answer = int(((z >= t) & (y == 0)).sum())
        cost = abstain_cost * false_abstain + false_answer
        if best is None or cost < best[0]:
            best = (cost, t)
    return best[1]


def fit(rows: list[dict], abstain_cost: float = ABSTAIN_COST, l2: float = 0.05, margin: float = 0.25) -> dict:
    """Logistic regression (L2, Newton steps) on the rows the relevance rule decides, and the threshold."""
    import numpy as np

    use = [r for r in rows if r["guard"] is None and r["signals"] is not None]
    X = np.array([r["signals"] for r in use], dtype=float)
    y = np.array([1.0 if r["answerable"] else 0.0 for r in use])
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = _logistic(Xb, y, l2)
    z = Xb @ w
    t = choose_threshold(z, y, abstain_cost, margin)
    fa = int(((z < t) & (y == 1)).sum())
    fn = int(((z >= t) & (y == 0)).sum())
    threshold = 1 / (1 + math.exp(-t))
    return {
        "weights": [round(float(v), 4) for v in w[:-1]],
        "bias": round(float(w[-1]), 4),
        "threshold": round(threshold, 6),
        "margin_logits": margin,
        "rows": len(use),
        "answerable_rows": int(y.sum()),
        "dev_false_abstentions": fa,
        "dev_false_answers": fn,
        "abstain_cost": abstain_cost,
    }


def cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from ..answer.gate import FEATURES, MODEL_PATH
    from ..rerank import FEATURES as RERANK_FEATURES
    from ..rerank import MODEL_PATH as RERANK_PATH
    from ..rerank import Reranker, RerankModel, rerank_model

    today = dt.date.today().isoformat()
    if args.from_rows:  # refit the gate from signals written by an earlier --rows (no index needed)
        rows = [json.loads(line) for line in Path(args.from_rows).read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        assistants = [(dataset, open_dev_set(settings, corpus)) for dataset, corpus in DEV_SETS]
        rerank_rows = [r for dataset, a in assistants if dataset in dict(RERANK_SETS) for r in collect_rerank(a, dataset)]
        weights, bias = fit_rerank(rerank_rows)
        model = RerankModel(tuple(weights), bias)
        rerank_out = {
            "features": list(RERANK_FEATURES), "weights": weights, "bias": bias,
            "questions": len(rerank_rows),
            "dev_rrf": rank_figures(rerank_rows, RerankModel.rrf()),
            "dev_leave_one_document_out": leave_one_document_out(rerank_rows),
            "fitted_on": [d for d, _ in RERANK_SETS], "fitted": today,
            "note": "fitted by `python -m rag calibrate` on the dev sets only; evals/heldout.jsonl measures it",
        }
        print("reranker, dev questions (evidence ranked first / in the top 5 / MRR): plain RRF "
              f"{rerank_out['dev_rrf']}, fitted model, leave-one-document-out {rerank_out['dev_leave_one_document_out']}")
        if args.dry_run:
            print(json.dumps(rerank_out, ensure_ascii=False, indent=2))
        else:
            RERANK_PATH.write_text(json.dumps(rerank_out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            rerank_model.cache_clear()
            print(f"wrote {RERANK_PATH}")
        for _, a in assistants:  # the gate is fitted on the hits the new reranker gives
            a.retriever.reranker = Reranker(a.index, model=model)
        rows = [r for dataset, a in assistants for r in collect(a, dataset)]
    result = fit(rows, args.abstain_cost)
    out = {
        "features": list(FEATURES),
        **result,
        "dev_leave_one_set_out": gate_leave_one_set_out(rows, args.abstain_cost),
        "fitted_on": [d for d, _ in DEV_SETS],
        "fitted": today,
        "note": "fitted by `python -m rag calibrate` on the dev sets only; evals/heldout.jsonl measures it",
    }
    if args.rows:
        Path(args.rows).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    if args.dry_run:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    MODEL_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    loso = out["dev_leave_one_set_out"]
    print(f"wrote {MODEL_PATH} ({result['rows']} dev questions reach the score; "
          f"dev false abstentions {result['dev_false_abstentions']}, false answers {result['dev_false_answers']}; "
          f"each set by a fit on the others: {loso['false_abstentions']}, {loso['false_answers']})")
    return 0


def _calibrate_args(p: argparse.ArgumentParser) -> None:
    # 1.5 since the record and paraphrase dev sets joined (293 rows): the same two dev false abstentions
    # as at 2, and 16 false answers instead of 18
    p.add_argument("--abstain-cost", type=float, default=ABSTAIN_COST,
                   help=f"how many wrong answers one wrong abstention is worth when choosing the threshold (default {ABSTAIN_COST})")
    p.add_argument("--rows", metavar="FILE", help="also write the per-question signals (JSONL)")
    p.add_argument("--from-rows", metavar="FILE", help="refit the gate only, on the signals of an earlier --rows file (the reranker is left as it is)")
    p.add_argument("--dry-run", action="store_true", help="print the fit, do not write rag/answer/gate.json")


__all__ = ["DEV_SETS", "RERANK_SETS", "choose_threshold", "gate_leave_one_set_out", "cmd_calibrate", "collect", "collect_rerank", "fit", "fit_rerank", "leave_one_document_out",
           "open_dev_set", "rank_figures"]
