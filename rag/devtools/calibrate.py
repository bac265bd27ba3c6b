"""Fit the gate's relevance score on the dev question sets (``python -m rag calibrate``).

For every dev question that reaches the relevance rule (retrieval ran and no named guard
fired), the gate's signals are read from a real index of that set's corpus, and a logistic
regression is fitted to "answerable". The threshold is the one with the fewest errors on
the dev rows, false abstentions counting ``--abstain-cost`` times (a wrong abstention hides
an answer that exists; a wrong answer still shows verbatim, checkable excerpts).

The held-out set (evals/heldout.jsonl) is never read here: it measures the fit.
Writes rag/answer/gate.json (weights, threshold, what it was fitted on, dev error counts).
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
)


def collect(settings: Settings, dataset: str, corpus: tuple[str, ...]) -> list[dict]:
    """One row per question of ``dataset``: label, guard code (or None) and the gate's signals."""
    from ..answer.analysis import read_question
    from ..answer.evidence import gather
    from ..domain import Answer
    from ..evals import corpus_settings, read_dataset
    from ..service import Assistant

    paths = [(PROJECT_DIR / p).resolve() for p in corpus]
    assistant = Assistant.open(corpus_settings(settings, paths))
    assistant.index.ingest(paths)
    gate = assistant.answerer.gate
    rows = []
    for item in read_dataset(PROJECT_DIR / dataset).items:
        found = assistant.search(item.question)
        row = {"set": dataset, "id": item.id, "answerable": item.answerable, "guard": None, "signals": None}
        if isinstance(found, Answer):
            row["guard"] = found.abstention[0] if found.abstention else "before_retrieval"
        else:
            hits, _ = found
            q = read_question(item.question, assistant.index.lexical)
            candidates = [e.chunk for e in gather(assistant.index, q, hits)]
            if not hits:
                row["guard"] = "no_evidence"
            else:
                why = gate._unanswerable(q.text, q.japanese, list(q.terms), hits, candidates, q.weights)
                row["guard"] = why[0] if why else None
                s = gate.signals(q, hits, candidates)
                row["signals"] = s.features()
        rows.append(row)
    return rows


def fit(rows: list[dict], abstain_cost: float = 2.0, l2: float = 0.05, margin: float = 0.25) -> dict:
    """Logistic regression (L2, Newton steps) on the rows the relevance rule decides, and the threshold."""
    import numpy as np

    use = [r for r in rows if r["guard"] is None and r["signals"] is not None]
    X = np.array([r["signals"] for r in use], dtype=float)
    y = np.array([1.0 if r["answerable"] else 0.0 for r in use])
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(Xb.shape[1])
    reg = np.eye(Xb.shape[1]) * l2
    reg[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-Xb @ w))
        grad = Xb.T @ (p - y) + reg @ w
        hess = Xb.T @ (Xb * (p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    z = Xb @ w
    # A threshold must clear every answerable dev question by ``margin`` (in logits) to count it
    # as answered: with few unanswerable rows, a boundary squeezed between two dev questions
    # (cosine 0.80 vs 0.81) is noise, and it would abstain on the next unseen question.
    best = None
    zs = sorted({float(v) for v in z})
    # candidates: halfway between neighbouring rows (rows below abstain), and below every row
    for t in [zs[0] - 1.0] + [(a + b) / 2 for a, b in zip(zs, zs[1:])]:
        false_abstain = int(((z < t + margin) & (y == 1)).sum())
        false_answer = int(((z >= t) & (y == 0)).sum())
        cost = abstain_cost * false_abstain + false_answer
        if best is None or cost < best[0]:
            best = (cost, t)
    t = best[1]
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

    if args.from_rows:  # refit from signals written by an earlier --rows (same code, no index needed)
        rows = [json.loads(line) for line in Path(args.from_rows).read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        rows = []
        for dataset, corpus in DEV_SETS:
            rows += collect(settings, dataset, corpus)
    result = fit(rows, args.abstain_cost)
    out = {
        "features": list(FEATURES),
        **result,
        "fitted_on": [d for d, _ in DEV_SETS],
        "fitted": dt.date.today().isoformat(),
        "note": "fitted by `python -m rag calibrate` on the dev sets only; evals/heldout.jsonl measures it",
    }
    if args.rows:
        Path(args.rows).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    if args.dry_run:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    MODEL_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH} ({result['rows']} dev questions reach the score; "
          f"dev false abstentions {result['dev_false_abstentions']}, false answers {result['dev_false_answers']})")
    return 0


def _calibrate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--abstain-cost", type=float, default=2.0,
                   help="how many wrong answers one wrong abstention is worth when choosing the threshold (default 2)")
    p.add_argument("--rows", metavar="FILE", help="also write the per-question signals (JSONL)")
    p.add_argument("--from-rows", metavar="FILE", help="fit on the signals of an earlier --rows file instead of re-reading them")
    p.add_argument("--dry-run", action="store_true", help="print the fit, do not write rag/answer/gate.json")


__all__ = ["DEV_SETS", "cmd_calibrate", "collect", "fit"]
