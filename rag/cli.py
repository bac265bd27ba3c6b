"""`python -m rag …`: a thin shell over rag/. Errors the user can fix print one line and exit 2."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from .config import Settings
from .domain import Filters
from .errors import DatasetError, RagError


def progress_bar(unit: str = "chunks", only_tty: bool = False):
    """A one-line stderr progress bar for long commands; off a terminal, only start and end."""

    def show(done: int, total: int, message: str) -> None:
        if not sys.stderr.isatty() and (only_tty or done not in (0, total)):
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {unit}  {message[:50]:<50}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


_progress = progress_bar()


def add_filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", action="append", default=[], help="only this source file (repeatable)")
    p.add_argument("--meeting", action="append", default=[], help="only this meeting id (repeatable)")
    p.add_argument("--from", dest="date_from", help="only meetings on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="only meetings on or before YYYY-MM-DD")
    p.add_argument("--section", action="append", default=[], help="only this section, e.g. 出席者意見開陳")
    p.add_argument("--org", action="append", default=[], help="only remarks of this organisation, e.g. 防衛省")
    p.add_argument("--speaker", action="append", default=[], help="only remarks of this speaker, e.g. 盛山正仁 (repeatable)")
    p.add_argument("--role", action="append", default=[], help="only remarks by speakers in this role, e.g. 大臣 (repeatable)")


def filters_from_args(args: argparse.Namespace) -> Filters:
    from .domain import parse_iso_date

    return Filters(
        sources=tuple(args.source),
        meeting_ids=tuple(args.meeting),
        date_from=parse_iso_date(args.date_from, "--from") if args.date_from else None,
        date_to=parse_iso_date(args.date_to, "--to") if args.date_to else None,
        sections=tuple(args.section),
        organisations=tuple(args.org),
        speakers=tuple(getattr(args, "speaker", ())),
        roles=tuple(getattr(args, "role", ())),
    )


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from .index import MinutesIndex, drop_index

    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    if args.rebuild:
        drop_index(settings)
    index = MinutesIndex(settings)
    report = index.ingest(paths, progress=_progress)
    added, unchanged = set(report.added), set(report.unchanged)
    for f in report.files:
        if f.source in {d for d, _ in report.duplicates}:
            continue
        state = "indexed  " if f.source in added else "unchanged" if f.source in unchanged else "read     "
        print(f"{state} {f.source}  [{f.file_type}, {f.layout}] {f.meetings} meeting(s), "
              f"{f.remarks} remark(s), {f.speakers} speaker(s)")
        for w in f.warnings:
            print(f"  warning: {w}")
    for path, why in report.skipped:
        print(f"skipped   {path}: {why}")
    for source, twin in report.duplicates:
        print(f"duplicate {source}: already indexed as {twin} (same content); not indexed again")
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    status = index.status()
    print(f"{status.meetings} meeting(s), {status.chunks} chunk(s) in {status.store} [{status.embedding_model}]")
    return 0 if report.ok else 1


def _read_questions(path: Path) -> list[tuple[str | None, str]]:
    """JSONL ({"id", "question", …}) or one question per line."""
    from .errors import InputError
    from .readers.text import decode_text

    try:
        lines = decode_text(path.read_bytes(), str(path)).splitlines()  # the same decoder as minutes
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except InputError as exc:
        raise DatasetError(str(exc)) from None
    questions: list[tuple[str | None, str]] = []
    for no, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{no}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj.get("question"), str) or not obj["question"].strip():
                raise DatasetError(f"{path}:{no}: missing \"question\"")
            questions.append((str(obj["id"]) if obj.get("id") is not None else None, obj["question"]))
        else:
            questions.append((None, line))
    return questions


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from .service import Assistant, answer_to_dict

    if not args.question and not args.questions:
        raise RagError("give a question, or --questions FILE")
    questions = _read_questions(Path(args.questions)) if args.questions else [(None, " ".join(args.question))]
    filters = filters_from_args(args)
    assistant = Assistant.open(settings)
    built = assistant.ensure_built(progress=_progress)
    if built is not None:
        print(f"(built the index from {settings.corpus_dir}: {len(built.added)} file(s))", file=sys.stderr)
        for err in built.errors:
            print(f"error: {err}", file=sys.stderr)
    for qid, question in questions:
        answer = assistant.ask(question, filters=filters, k=args.k, mode=args.mode)
        if args.json:
            print(json.dumps(answer_to_dict(answer, qid), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer))
            if len(questions) > 1:
                print()
    return 0


def format_answer(answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("出典:")
        from .answer.labels import location_label

        for c in answer.citations:
            ch = c.chunk
            where = f"{ch.meeting}（{ch.date or '日付の記載なし'}）{location_label(ch)}"
            page = f" p.{ch.page}" if ch.page is not None else ""
            lines.append(f"[{c.n}] {where}{page} — {ch.source} [{c.start}:{c.end}]")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from .index import MinutesIndex

    report = MinutesIndex(settings).check(repair=args.repair)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(f"records: {report.records} meeting(s), {report.chunks_expected} chunk(s) expected; "
              f"Chroma {report.store_chunks}, BM25 {report.lexical_chunks}")
        for source, lack in report.missing.items():
            print(f"  missing in {source}: Chroma {lack['store']}, BM25 {lack['lexical']}")
        if any(report.orphans.values()):
            print(f"  orphans (no record explains them): Chroma {report.orphans['store']}, BM25 {report.orphans['lexical']}")
        if report.dangling:
            print(f"  catalog rows without a record: {', '.join(report.dangling)}")
        print("consistent" if report.consistent else ("repaired" if report.repaired else
              "INCONSISTENT: run `python -m rag check --repair`"))
    return 0 if report.consistent or report.repaired else 1


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from .index import MinutesIndex

    index = MinutesIndex(settings)
    s = index.status()
    print(f"meetings: {s.meetings}\nchunks: {s.chunks}\nembedding model: {s.embedding_model}\nstore: {s.store}")
    if s.chunks != len(index.lexical):
        print(f"warning: Chroma holds {s.chunks} chunks but the BM25 index {len(index.lexical)}; "
              "run `python -m rag check --repair`")
    for m in index.meetings():
        print(f"  {m.meeting_id}  {m.date}  {m.label}  ({m.source})")
    return 0


def cmd_meetings(args: argparse.Namespace, settings: Settings) -> int:
    from .index import MinutesIndex

    entries = MinutesIndex(settings).catalog()
    if args.json:
        for e in entries:
            print(json.dumps(e.to_dict(), ensure_ascii=False))
        return 0
    for e in entries:
        speakers = "、".join(n for n, _, _ in e.speakers[:5]) + (f" 他{len(e.speakers) - 5}名" if len(e.speakers) > 5 else "")
        print(f"{e.meeting_id}  {e.date or '日付不明':10}  {e.label}  [{e.layout}]  ({e.source})  "
              f"発言{e.remarks}  発言者{len(e.speakers)}" + (f": {speakers}" if speakers else ""))
    if not entries:
        print("no meetings indexed yet: run `python -m rag ingest PATH`")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from .index import MinutesIndex
    from .meetings import meeting_json

    index = MinutesIndex(settings)
    meeting = index.records.find(args.meeting)
    if meeting is None:
        raise RagError(f"no such meeting: {args.meeting!r} (see `python -m rag meetings` for ids and sources)")
    data = meeting_json(meeting)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(f"{meeting.label}  ({meeting.meeting_id}, {meeting.source})")
    for key in ("title", "body", "name", "number_label", "date", "date_original", "time", "place", "layout", "file_type", "url"):
        if data[key] is not None:
            print(f"  {key}: {data[key]}")
    if data["attendees"]:
        print(f"  attendees ({len(data['attendees'])}): " + "、".join(
            a["name"] + (f"（{a['role']}）" if a["role"] else "") for a in data["attendees"]))
    for item in data["agenda"]:
        print(f"  議題: {item}")
    for d in data["decisions"]:
        print(f"  決定: {d}")
    print(f"  speakers ({len(data['speakers'])}): " + "、".join(
        s["name"] + (f"（{s['role']}）" if s["role"] else "") + f"×{s['remarks']}" for s in data["speakers"]))
    print(f"  remarks: {len(data['remarks'])}")
    for r in data["remarks"][: args.remarks]:
        who = r["speaker"] or r["organisation"] or ""
        text = " ".join(r["text"].split())
        print(f"   {r['n']:>4} {who}{'（' + r['role'] + '）' if r['role'] else ''} [{r['start']}:{r['end']}]"
              f"{' p.' + str(r['page']) if r['page'] else ''} {text[:80]}")
    for w in data["warnings"]:
        print(f"  warning: {w}")
    return 0


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repair", action="store_true", help="re-add missing chunks and drop orphans")
    p.add_argument("--json", action="store_true", help="one JSON object")


def _meetings_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object per meeting")


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("meeting", help="meeting id, source name or file name")
    p.add_argument("--json", action="store_true", help="the whole record as JSON")
    p.add_argument("--remarks", type=int, default=20, help="how many remarks to list (text form)")


def _ingest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    p.add_argument("--rebuild", action="store_true", help="drop the index first (e.g. after changing the embedding model)")


def _ask_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--questions", metavar="FILE", help="JSONL with {id, question} or one question per line")
    p.add_argument("--k", type=int, default=None, help="contexts to retrieve (default RAG_TOP_K=5)")
    p.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default=None)
    add_filter_args(p)


def _lazy(module: str, attr: str) -> Callable:
    """A command function imported on first call, so `python -m rag ask` never loads the benchmark."""
    import importlib

    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)

    call.__name__ = attr
    return call


# name -> (run, add_arguments, help): every command, registered here and nowhere else.
COMMANDS: dict[str, tuple[Callable[[argparse.Namespace, Settings], int], Callable[[argparse.ArgumentParser], None], str]] = {
    "ingest": (cmd_ingest, _ingest_args, "index minutes files or folders (text, PDF, HTML, JSON, NDL XML, TEI)"),
    "ask": (cmd_ask, _ask_args, "ask a question"),
    "status": (cmd_status, lambda p: None, "what is indexed"),
    "check": (cmd_check, _check_args, "compare Chroma and BM25 with the records; --repair makes them agree"),
    "meetings": (cmd_meetings, _meetings_args, "one line per indexed meeting"),
    "show": (cmd_show, _show_args, "the whole parsed record of one meeting"),
    "search": (_lazy("rag.search", "run"), _lazy("rag.search", "add_arguments"),
               "keyword search (BM25) with the matches in context; 「phrase」 in quotes must occur as written"),
    "brief": (_lazy("rag.briefing", "run"), _lazy("rag.briefing", "add_arguments"),
              "a sourced briefing memo on a meeting or a topic (md, docx, pdf, json)"),
    "eval": (_lazy("rag.evals", "cmd_eval"), _lazy("rag.evals", "_eval_args"),
             "evaluate answers on a question set (recall, citations, abstention)"),
    "feedback": (_lazy("rag.feedback", "run"), _lazy("rag.feedback", "add_arguments"),
                 "feedback export FILE.jsonl: 👍/👎 from the app as eval-set lines"),
    "synth": (_lazy("rag.devtools.synth", "_run"), _lazy("rag.devtools.synth", "_synth_args"),
              "write synthetic minutes for scale tests (never into corpus/)"),
    "bench": (_lazy("rag.devtools.bench", "cmd_bench"), _lazy("rag.devtools.bench", "_bench_args"),
              "benchmark ingest, warm/cold query latency and memory"),
    "calibrate": (_lazy("rag.devtools.calibrate", "cmd_calibrate"), _lazy("rag.devtools.calibrate", "_calibrate_args"),
                  "fit the gate's relevance score on the dev question sets (never the held-out set)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="Questions over Japanese meeting minutes, answered with cited excerpts.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, add_args, help_text) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return COMMANDS[args.command][0](args, settings)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
