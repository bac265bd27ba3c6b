"""Feedback into eval lines: `python -m rag feedback export FILE.jsonl`.

The eval set should grow from real use. A 👍 on an answer says its citations are the
right evidence, so it becomes a finished eval line (``answerable: true``, the cited
excerpts as alternative ``evidence``); a 👍 on a 「見つかりませんでした」 says the minutes
do not answer it (``answerable: false``). A 👎 says something is wrong but not what,
so it cannot become a line by itself: those go to ``FILE.review.jsonl`` with
``"answerable": null`` and a ``review`` note, for a person to set. The eval loader
refuses null (naming the line), so an unreviewed line never slips into a run.
The question written is the one that was searched (a follow-up rewritten to stand alone).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .config import Settings
    from .history import FeedbackRow

KIND = "feedback"
REVIEW_NOTE = (
    "👎 の回答です。正しい根拠（議事録の原文の一部）を evidence に入れて answerable を true にするか、"
    "議事録に答えがなければ answerable を false（evidence と key_facts は空）にしてから評価セットに加えてください。"
)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    review_path: Path
    ready: int  # lines in ``path`` (from 👍)
    review: int  # lines in ``review_path`` (from 👎)


def review_path_for(path: Path) -> Path:
    """``out/fb.jsonl`` -> ``out/fb.review.jsonl``."""
    stem = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.stem
    return path.with_name(f"{stem}.review.jsonl")


def _feedback_note(row: "FeedbackRow") -> dict:
    note = {"score": row.score, "comment": row.comment, "index_version": row.index_version,
            "conversation_id": row.conversation_id, "turn": row.n, "created": row.created.isoformat(timespec="seconds")}
    if row.rewritten_query:
        note["asked"] = row.question  # as typed; "question" holds the self-contained query that was searched
    return note


def _sources(citations: list[dict]) -> str | None:
    """The one file every citation comes from (evals' per-document ``source``), else None."""
    names = {Path(c["source"]).name for c in citations if c.get("source")}
    return names.pop() if len(names) == 1 else None


def eval_line(row: "FeedbackRow") -> dict:
    """One eval-set line for a judged turn (``answerable`` None when a person must decide)."""
    answer = row.answer
    citations = list(answer.get("citations", ()))
    line: dict = {"id": f"fb-{row.turn_id}", "question": row.query}
    if row.score > 0 and not answer.get("abstained"):
        evidence = list(dict.fromkeys(c["text"] for c in citations if c.get("text", "").strip()))
        line.update(answerable=True, evidence=evidence, key_facts=[], kind=KIND)
        source = _sources(citations)
        if source:
            line["source"] = source
    elif row.score > 0:
        line.update(answerable=False, evidence=[], key_facts=[], kind=KIND)
    else:
        line.update(answerable=None, evidence=[], key_facts=[], kind=KIND, review=REVIEW_NOTE,
                    answer=answer.get("answer", ""), abstained=bool(answer.get("abstained")),
                    cited=[{"n": c.get("n"), "text": c.get("text"), "source": c.get("source"),
                            "start": c.get("start"), "end": c.get("end")} for c in citations])
    line["feedback"] = _feedback_note(row)
    return line


def split_lines(rows: Iterable["FeedbackRow"]) -> tuple[list[dict], list[dict]]:
    """(finished eval lines, lines for review). A 👍 answered without citations cannot name its
    evidence, so it goes to review as well."""
    ready, review = [], []
    for row in rows:
        line = eval_line(row)
        if line["answerable"] is True and not line["evidence"]:
            line.update(answerable=None, review=REVIEW_NOTE)
        (review if line["answerable"] is None else ready).append(line)
    return ready, review


def _write_jsonl(path: Path, lines: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")


def export(rows: Iterable["FeedbackRow"], path: Path) -> ExportSummary:
    """Write the finished lines to ``path`` and the 👎 ones to ``path``'s ``.review.jsonl`` sibling
    (removed when there are none, so a stale review file is never left beside a new export)."""
    ready, review = split_lines(rows)
    review_path = review_path_for(path)
    _write_jsonl(path, ready)
    if review:
        _write_jsonl(review_path, review)
    else:
        review_path.unlink(missing_ok=True)
    return ExportSummary(path, review_path, len(ready), len(review))


# ------------------------------------------------------------------ CLI


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True)
    e = sub.add_parser("export", help="write 👍 answers as eval lines (👎 to FILE.review.jsonl)",
                       description="Write judged answers as eval-set JSONL: 👍 -> FILE, 👎 -> FILE.review.jsonl "
                                   "(answerable left null for a person to set).")
    e.add_argument("file", metavar="FILE.jsonl")


def run(args: argparse.Namespace, settings: "Settings") -> int:
    from .history import ConversationStore

    store = ConversationStore.open(settings.conversations_url)
    summary = export(store.feedback_rows(), Path(args.file))
    print(f"wrote {summary.ready} eval line(s) (👍) to {summary.path}")
    if summary.review:
        print(f"wrote {summary.review} line(s) for review (👎, \"answerable\": null — set it before use) "
              f"to {summary.review_path}")
    if not summary.ready and not summary.review:
        print("no feedback yet: mark answers with 👍/👎 in the app first")
    return 0
