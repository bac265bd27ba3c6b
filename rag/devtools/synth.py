"""Synthetic minutes for scale work only: ``python -m rag synth OUT_DIR --meetings N --seed S``.

Writes files in the same 議事要旨 layout as ``corpus/*.txt`` (title lines,
「1 日時」「2 場所」「3 出席者(敬称略)」「4 議事概要」, agenda items ``- (n) …``,
a 出席者意見開陳 subsection of ``- `` remarks with page breaks, a 会議決定
subsection) so the parser, the chunker, the BM25 tokenizer and Chroma all see
realistic input. Every piece of text is recombined from the real corpus, parsed
with :mod:`rag.parsing`: attendee family and given names are shuffled, titles
and 代理出席 pairs reused, remarks rebuilt from the real remarks' sentences
(sometimes with a ministry lead such as 「総務省としては、」 or a page break),
agenda titles re-dated to the meeting's year. Meeting numbers, 和暦 dates
(平成/令和, 元年 included, sometimes in full-width digits), times and places vary.

The output is NOT minutes of any real meeting: it must never be written into
``corpus/`` (the command refuses), and the file names start with ``synth-``.
Deterministic: meeting ``i`` depends only on ``(seed, i)`` and the corpus, so
``--meetings 100`` is a prefix of ``--meetings 1000`` and two runs with the same
arguments write byte-identical files.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..chunking import split_sentences
from ..config import Settings
from ..errors import ConfigError, InputError

SYNTH_PREFIX = "synth-"
# Series the synthetic meetings belong to. The first is the real corpus's own;
# the others are plausible labels so "meeting" metadata is not one value.
EXTRA_SERIES = (
    ("サイバーセキュリティ戦略本部", "重要インフラ専門調査会"),
    ("高度情報通信ネットワーク社会推進戦略本部", "電子行政推進会議"),
    ("内閣官房", "情報セキュリティ人材育成検討会"),
)
EXTRA_PLACES = (
    "総理大臣官邸4階大会議室",
    "中央合同庁舎第4号館 共用第1特別会議室",
    "内閣府本府庁舎 講堂",
)
ORG_LEADS = ("としては、", "では、", "においては、")
_WEEKDAYS = "月火水木金土日"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_FIRST_DAY = dt.date(1989, 1, 8)  # 平成元年1月8日
_LAST_DAY = dt.date(2025, 12, 31)
_REIWA = dt.date(2019, 5, 1)
# A continuation paragraph after a page break must not look like a new item or remark.
_NOT_CONTINUATION = re.compile(r"^\s*(?:[-・○◯●]|[(（]\s*[0-9０-９])")


@dataclass(frozen=True)
class Pieces:
    """What the real corpus offers to recombine."""

    series: tuple[tuple[str, str], ...]
    places: tuple[str, ...]
    families: tuple[str, ...]
    givens: tuple[str, ...]
    members: tuple[tuple[str, str | None], ...]  # (title, title of a 代理出席 proxy or None)
    others: tuple[str, ...]  # titles of 「上記のほか」 attendees
    agenda: tuple[str, ...]
    remark_heads: tuple[str, ...]  # first sentences (some carry 「防衛省としては、」)
    sentences: tuple[str, ...]  # every other sentence of a remark
    orgs: tuple[str, ...]
    section: str  # the remarks' subsection heading, e.g. 出席者意見開陳
    decision_section: str  # e.g. 政策会議決定


@dataclass(frozen=True)
class SynthMeeting:
    filename: str
    text: str
    date: str  # ISO, as the parser must read it
    number: int
    remarks: int


def load_pieces(corpus_dir: Path) -> Pieces:
    """Parse every minutes file in ``corpus_dir`` and pool their parts."""
    from ..parsing import parse_minutes, read_minutes

    files = sorted(p for p in Path(corpus_dir).rglob("*.txt") if p.is_file())
    meetings = []
    for path in files:
        try:
            meetings.append(parse_minutes(read_minutes(path, path.name), path.name))
        except InputError:
            continue
    if not meetings:
        raise ConfigError(f"no parsable minutes in {corpus_dir} to recombine into synthetic minutes")
    series, places, families, givens, members, others = [], [], [], [], [], []
    agenda, heads, sentences, orgs, sections, decision_sections = [], [], [], [], [], []
    for m in meetings:
        series.append((m.body or "内閣官房", m.name))
        if m.place:
            places.append(re.sub(r"\s+", " ", m.place))
        for i, a in enumerate(m.attendees):
            parts = a.name.split()
            if len(parts) == 2:
                families.append(parts[0])
                givens.append(parts[1])
            if a.group == "member" and a.proxy_for is None and a.title:
                proxy = None
                if a.represented_by:
                    proxy = next((p.title for p in m.attendees if p.proxy_for == a.name and p.title), None)
                members.append((a.title, proxy))
            elif a.group == "other" and a.title:
                others.append(a.title)
        agenda += [a.title for a in m.agenda]
        for r in m.remarks:
            sents = [s.text for s in split_sentences(r.text)]
            if not sents:
                continue
            heads.append(sents[0])
            sentences += sents[1:]
            if r.organisation:
                orgs.append(r.organisation)
            sections.append(r.section)
        decision_sections += [d.section for d in m.decisions]
    uniq = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731 - order-preserving dedupe
    return Pieces(
        series=uniq(series + list(EXTRA_SERIES)),
        places=uniq(places + list(EXTRA_PLACES)),
        families=uniq(families) or ("山田",),
        givens=uniq(givens) or ("太郎",),
        members=uniq(members) or (("内閣官房長官", None),),
        others=uniq(others),
        agenda=uniq(agenda) or ("情報セキュリティ政策について",),
        remark_heads=uniq(heads),
        sentences=uniq(sentences + heads),
        orgs=uniq(orgs + ["内閣官房", "警察庁", "総務省", "経済産業省", "外務省", "防衛省"]),
        section=max(set(sections), key=sections.count) if sections else "出席者意見開陳",
        decision_section=decision_sections[0] if decision_sections else "会議決定",
    )


@lru_cache(maxsize=4)
def _pieces_for(corpus_dir: str) -> Pieces:
    return load_pieces(Path(corpus_dir))


def _wareki(day: dt.date, rng: random.Random) -> tuple[str, str]:
    """(「平成19年10月3日(水)」, era-year prefix for 年度 e.g. 「平成19」)."""
    era, base = ("令和", 2018) if day >= _REIWA else ("平成", 1988)
    n = day.year - base
    year = "元" if n == 1 and rng.random() < 0.7 else str(n)
    return f"{era}{year}年{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})", era


def _person(rng: random.Random, pieces: Pieces, taken: set[str]) -> str:
    for _ in range(20):
        name = f"{rng.choice(pieces.families)} {rng.choice(pieces.givens)}"
        if name not in taken:
            break
    taken.add(name)
    return name


def _redate(title: str, day: dt.date, era: str) -> str:
    """Move an agenda title's years to the meeting's: 「2007年度」「平成20年度」."""
    base = 2018 if era == "令和" else 1988
    title = re.sub(r"(?<!\d)(19|20)\d\d(?=年度|年|\b|」)", str(day.year), title)
    return re.sub(r"(?:平成|令和)\s*\d+\s*年度", f"{era}{day.year - base + 1}年度", title)


def _remark(rng: random.Random, pieces: Pieces) -> str:
    head = rng.choice(pieces.remark_heads)
    if rng.random() < 0.2 and not re.match(r"^[^、]{0,20}(?:省|庁|警察)", head):
        head = f"{rng.choice(pieces.orgs)}{rng.choice(ORG_LEADS)}{head}"
    text = head
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
        s = rng.choice(pieces.sentences)
        if rng.random() < 0.1 and not _NOT_CONTINUATION.match(s):
            text += "\n\n" + s  # a page break inside the remark
        else:
            text += s
    return text


def synth_meeting(i: int, seed: int, pieces: Pieces) -> SynthMeeting:
    """Meeting number ``i`` of the stream for ``seed`` (depends on nothing else)."""
    rng = random.Random(f"rag-synth:{seed}:{i}")
    body, name = rng.choice(pieces.series)
    number = rng.randint(1, 250)
    day = _FIRST_DAY + dt.timedelta(days=rng.randrange((_LAST_DAY - _FIRST_DAY).days + 1))
    date_text, era = _wareki(day, rng)
    start_h = rng.randint(8, 18)
    start_m = rng.choice((0, 0, 10, 15, 20, 30, 45))
    minutes = rng.choice((30, 45, 60, 60, 90, 120))
    end = dt.datetime(2000, 1, 1, start_h, start_m) + dt.timedelta(minutes=minutes)
    time_text = f"{start_h}:{start_m:02d}~{end.hour}:{end.minute:02d}"
    when = f"{date_text} {time_text}"
    if rng.random() < 0.1:
        when = when.translate(_FULLWIDTH).replace("~", "～")

    lines = [f"{body} {name}", f"第{number}回会合 議事要旨", "", "1 日時", "", when, "",
             "2 場所", "", rng.choice(pieces.places), "", "3 出席者(敬称略)", ""]
    taken: set[str] = set()
    for title, proxy in rng.sample(pieces.members, rng.randint(min(3, len(pieces.members)), len(pieces.members))):
        lines.append(f"{_person(rng, pieces, taken)}\t{title}")
        if proxy and rng.random() < 0.5:
            lines.append(f"\t(※{_person(rng, pieces, taken)} {proxy}代理出席)")
    if pieces.others and rng.random() < 0.7:
        lines += ["", "(上記のほか以下が出席)", ""]
        for title in rng.sample(pieces.others, rng.randint(1, len(pieces.others))):
            lines.append(f"{_person(rng, pieces, taken)}\t{title}")

    items = [_redate(t, day, era) for t in rng.sample(pieces.agenda, rng.randint(1, min(7, len(pieces.agenda))))]
    k = len(items)
    ref = "(1)" if k == 1 else f"(1)～({k})"
    lines += ["", "4 議事概要", ""]
    lines += [f"- ({n}) {t}" for n, t in enumerate(items, start=1)]
    lines += ["", f"上記{ref}について、事務局より資料に基づき{'一括して' if k > 1 else ''}説明が行われた。", "",
              f"({k + 1}) {pieces.section}", "", f"上記{ref}について、出席者から以下のような意見が述べられた。", ""]
    n_remarks = max(3, int(rng.triangular(3, 45, 25)))
    for r in range(n_remarks):
        if r and rng.random() < 0.12:
            lines.append("")  # the seed groups remarks by speaker with blank lines
        lines.append(f"- {_remark(rng, pieces)}")
    if rng.random() < 0.6:
        decided = rng.choice(items)
        lines += ["", f"({k + 2}) {pieces.decision_section}", "",
                  f"{decided}、{pieces.decision_section}された。"]
    text = "\n".join(lines) + "\n"
    return SynthMeeting(
        filename=f"{SYNTH_PREFIX}{seed}-{i:06d}-{day.isoformat()}-{number:03d}.txt",
        text=text,
        date=day.isoformat(),
        number=number,
        remarks=n_remarks,
    )


def generate(meetings: int, seed: int = 0, corpus_dir: Path | None = None) -> Iterator[SynthMeeting]:
    pieces = _pieces_for(str(Path(corpus_dir or Settings.from_env({}).corpus_dir).resolve()))
    for i in range(meetings):
        yield synth_meeting(i, seed, pieces)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def write_synthetic(
    out_dir: Path,
    meetings: int | None = None,
    seed: int = 0,
    corpus_dir: Path | None = None,
    chunks: int | None = None,
    start: int = 0,
) -> tuple[list[Path], int]:
    """Write meetings ``start…`` to ``out_dir``; stop after ``meetings`` files or once ``chunks``
    chunks (as the real chunker counts them) are reached. Returns (files, chunks)."""
    from ..chunking import chunk_meeting
    from ..parsing import parse_minutes

    corpus_dir = Path(corpus_dir or Settings.from_env().corpus_dir)
    out_dir = Path(out_dir)
    if _inside(out_dir, corpus_dir):
        raise ConfigError(f"{out_dir}: synthetic minutes must never be written into the corpus folder {corpus_dir}")
    if meetings is None and chunks is None:
        raise ConfigError("give --meetings N or --chunks N")
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces = _pieces_for(str(corpus_dir.resolve()))
    written: list[Path] = []
    total = 0
    i = start
    while (meetings is None or len(written) < meetings) and (chunks is None or total < chunks):
        m = synth_meeting(i, seed, pieces)
        path = out_dir / m.filename
        path.write_text(m.text, encoding="utf-8")
        written.append(path)
        if chunks is not None:
            total += len(chunk_meeting(parse_minutes(m.text, m.filename), m.text))
        i += 1
    return written, total


# ------------------------------------------------------------------ CLI


def cmd_synth(args: argparse.Namespace, settings: Settings) -> int:
    files, chunks = write_synthetic(
        Path(args.out_dir), meetings=args.meetings, seed=args.seed,
        corpus_dir=settings.corpus_dir, chunks=args.chunks,
    )
    extra = f", {chunks} chunks" if args.chunks else ""
    print(f"wrote {len(files)} synthetic meeting(s){extra} to {args.out_dir} (seed {args.seed})", file=sys.stderr)
    return 0


def _synth_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("out_dir", help="folder to write into (never corpus/)")
    p.add_argument("--meetings", type=int, default=None, help="how many meetings (default 100 unless --chunks)")
    p.add_argument("--chunks", type=int, default=None, help="instead: stop once this many chunks are written")
    p.add_argument("--seed", type=int, default=0)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.meetings is None and args.chunks is None:
        args.meetings = 100
    return cmd_synth(args, settings)


