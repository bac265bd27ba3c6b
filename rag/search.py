"""Keyword search over the BM25 index as a keyword-in-context (KWIC) list: `python -m rag search`
and the app's 検索 page.

The chat answers questions; staff also want what minutes search services give them —
every remark that uses a word, with the word highlighted where it occurs. Words are
matched as the BM25 index matches them (normalised, UniDic lemmas: 「求めました」 finds
「求める」), ranked by BM25, and restricted by the same :class:`~rag.domain.Filters`
as the chat. A phrase in 「」 or "" quotes must occur as written (after the same
:func:`~rag.lexical.normalize` BM25 applies, so 「Ｇ Ｓ Ｏ Ｃ」 matches 「GSOC」); such
chunks are ranked by the BM25 score of the phrase's words.

Every highlight is an offset pair into ``chunk.text`` found by locating the matched
words in the normalised text and mapping them back character by character, so a
highlight is always exactly the characters that matched.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .domain import Chunk, Filters

if TYPE_CHECKING:
    from .config import Settings
    from .index import MinutesIndex

PAGE_SIZE = 20
SNIPPET_BEFORE = 50  # characters of context before the first highlight
SNIPPET_AFTER = 110  # … and after its start
# Up to this many chunks (after filters) a phrase is checked in every chunk (normalising costs
# ~0.1 s per 1000 chunks); above it only in chunks that share a word with it (the BM25
# candidates), which misses a phrase only when it cuts words so that none of its tokens is one
# of the chunk's (「ュリティ」 inside 「セキュリティ」).
SCAN_LIMIT = 5_000
_QUOTED = re.compile(r"「([^「」]*)」|『([^『』]*)』|\"([^\"]*)\"|“([^“”]*)”|＂([^＂]*)＂")
_STRAY_QUOTES = re.compile(r"[「」『』\"“”＂]")


@dataclass(frozen=True)
class Query:
    """What the user typed, split into quoted phrases and free words."""

    text: str
    phrases: tuple[str, ...]  # as typed, without quotes
    words: str  # the rest (stray quote marks dropped)

    @property
    def empty(self) -> bool:
        return not self.phrases and not self.words.strip()


def parse_query(text: str) -> Query:
    """「「国立大学法人」 改正」 -> phrases ("国立大学法人",), words "改正"."""
    phrases = tuple(p.strip() for m in _QUOTED.finditer(text) for p in m.groups() if p and p.strip())
    words = _STRAY_QUOTES.sub(" ", _QUOTED.sub(" ", text))
    return Query(text, tuple(dict.fromkeys(phrases)), " ".join(words.split()))


@dataclass(frozen=True)
class KwicHit:
    """One chunk that matched, the snippet to show, and the matched spans (offsets into ``chunk.text``)."""

    chunk: Chunk
    score: float
    snippet_start: int
    snippet_end: int
    marks: tuple[tuple[int, int], ...]  # every match in the chunk, sorted; empty: only the speaker name matched

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) pieces, marks clipped to it."""
        text, lo, hi = self.chunk.text, self.snippet_start, self.snippet_end
        parts: list[tuple[str, bool]] = []
        pos = lo
        for start, end in self.marks:
            start, end = max(start, pos), min(end, hi)
            if start >= end:
                continue
            if start > pos:
                parts.append((text[pos:start], False))
            parts.append((text[start:end], True))
            pos = end
        if pos < hi:
            parts.append((text[pos:hi], False))
        return parts

    def to_dict(self) -> dict:
        """The `search --json` hit: the chunk's fields, its score, the snippet and the marks."""
        return {**self.chunk.to_dict(), "score": round(self.score, 4), "snippet": self.chunk.text[self.snippet_start:self.snippet_end],
                "snippet_start": self.snippet_start, "snippet_end": self.snippet_end, "marks": [list(m) for m in self.marks]}


@dataclass(frozen=True)
class SearchPage:
    """One page of hits and how many there are in all."""

    hits: tuple[KwicHit, ...]
    total: int
    offset: int = 0
    limit: int = PAGE_SIZE
    query: Query | None = None
    terms: tuple[str, ...] = ()  # the searched words as BM25 tokens (what the free words became)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit > 0 else 1


def keyword_search(index: "MinutesIndex", query: str, filters: Filters | None = None,
                   offset: int = 0, limit: int = PAGE_SIZE) -> SearchPage:
    """Hits ``offset`` … ``offset + limit`` of ``query``, best first, and the total."""
    from .lexical import normalize, tokenize

    q = parse_query(query)
    terms = tuple(dict.fromkeys(tokenize(q.words))) if q.words else ()
    if q.empty:
        return SearchPage((), 0, offset, limit, q, terms)
    refresh = getattr(index, "refresh", None)
    if refresh is not None:
        refresh()  # another process's ingest shows up here
    lex = index.lexical
    ranked = lex.search(" ".join((*q.phrases, q.words)), max(len(lex), 1), filters)
    phrases = tuple(p for p in (normalize(p) for p in q.phrases) if p)
    if phrases:
        scores = dict(ranked)
        ids = lex.ids_matching(filters)
        if len(ids) > SCAN_LIMIT:
            ids = [cid for cid, _ in ranked]
        matched = []
        for cid in ids:
            found = lex.get(cid)
            norm = normalize(found[0]) if found is not None else ""
            if norm and all(p in norm for p in phrases):
                matched.append((cid, scores.get(cid, 0.0)))
        ranked = sorted(matched, key=lambda x: -x[1])  # stable: ties stay in index order
    if terms and not phrases:
        ranked = _not_by_section_alone(lex, ranked, set(terms))
    hits = []
    for cid, score in ranked[max(offset, 0): max(offset, 0) + max(limit, 0)]:
        chunk = index.chunk(cid)
        if chunk is not None:
            hits.append(kwic_hit(chunk, score, phrases, set(terms)))
    return SearchPage(tuple(hits), len(ranked), offset, limit, q, terms)


def _not_by_section_alone(lex, ranked: list[tuple[str, float]], terms: set[str]) -> list[tuple[str, float]]:
    """BM25 indexes a remark with the agenda item it stands under (rag.index.lexical_text), which
    helps answering; a keyword search lists where the minutes *say* the words, so a remark that
    matched only through its item's title (every remark under 「…を求める意見書」 for 「求める」) is
    dropped. Only remarks whose section holds a query term are re-read (sections are few)."""
    from .index import who_prefix
    from .lexical import tokenize

    section_terms: dict[str, set[str]] = {}
    kept = []
    for cid, score in ranked:
        found = lex.get(cid)
        section = (found[1].get("section") or "") if found else ""
        if section and section != "発言":
            if section not in section_terms:
                section_terms[section] = set(tokenize(section))
            if terms & section_terms[section]:
                who = who_prefix(found[1].get("speaker"), found[1].get("role"))
                if not terms & set(tokenize(who + found[0])):
                    continue
        kept.append((cid, score))
    return kept


def kwic_hit(chunk: Chunk, score: float, phrases: tuple[str, ...], terms: set[str]) -> KwicHit:
    """The hit with its marks (normalised phrases and BM25 terms located in ``chunk.text``) and snippet."""
    marks = find_marks(chunk.text, phrases, terms)
    length = len(chunk.text)
    if marks:
        first = marks[0][0]
        lo, hi = max(0, first - SNIPPET_BEFORE), min(length, first + SNIPPET_AFTER)
    else:
        lo, hi = 0, min(length, SNIPPET_BEFORE + SNIPPET_AFTER)
    return KwicHit(chunk, score, lo, hi, marks)


def find_marks(text: str, phrases: tuple[str, ...], terms: set[str]) -> tuple[tuple[int, int], ...]:
    """Where the (normalised) phrases and the BM25 ``terms`` occur in ``text``, as sorted, merged
    ``[start, end)`` offsets into ``text`` itself."""
    from .lexical import token_spans

    norm, starts, ends = normalized_with_offsets(text)
    if not norm:
        return ()
    spans: list[tuple[int, int]] = []
    for p in phrases:
        at = norm.find(p)
        while at >= 0:
            spans.append((at, at + len(p)))
            at = norm.find(p, at + 1)
    if terms:
        spans += [(a, b) for tok, a, b in token_spans(norm) if tok in terms]
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((starts[a], ends[b - 1]) for a, b in merged)


def normalized_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """``lexical.normalize(text)`` and, for each of its characters, the ``[start, end)`` of the
    characters of ``text`` it came from. Empty lists (no highlights, never wrong ones) in the
    rare case this character-wise replay differs from ``normalize``."""
    from .lexical import _ASCII_LOWER, _INVISIBLE, _KEPT_SPACE, normalize
    from .layouts.japanese import KYUJITAI

    chars: list[tuple[str, int, int]] = []
    for lo, hi in _clusters(text):
        piece = unicodedata.normalize("NFKC", text[lo:hi]).translate(_ASCII_LOWER).translate(KYUJITAI)
        piece = _INVISIBLE.sub("", piece.replace(_KEPT_SPACE, ""))
        chars += [(c, lo, hi) for c in piece]
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(chars):
        if not chars[i][0].isspace():
            out.append(chars[i])
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j][0].isspace():
            j += 1
        before = "".join(c for c, _, _ in chars[max(0, i - 2):i])
        after = "".join(c for c, _, _ in chars[j:j + 2])
        if re.fullmatch(r"[a-z]{2}", before) and re.fullmatch(r"[a-z]{2}", after):
            out.append((" ", chars[i][1], chars[j - 1][2]))  # a word boundary between English words
        i = j
    norm = "".join(c for c, _, _ in out)
    if norm != normalize(text):
        return normalize(text), [], []
    return norm, [a for _, a, _ in out], [b for _, _, b in out]


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """A character with the combining marks after it (「か」+「゙」 compose under NFKC, so they go together)."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f\u3099\u309a"):
            j += 1
        yield i, j
        i = j


def where(chunk: Chunk) -> str:
    """「盛山正仁（文部科学大臣）・発言5」「出席者意見開陳・防衛省・発言30」: the wording answers and sources use."""
    from .answer.labels import location_label

    return location_label(chunk, page=True)


# ------------------------------------------------------------------ `python -m rag search`


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .cli import add_filter_args

    p.add_argument("query", nargs="+", help="words; a phrase in 「」 or \"\" quotes must occur as written")
    p.add_argument("--json", action="store_true", help="one JSON object: total, offset and the hits")
    p.add_argument("--limit", type=int, default=PAGE_SIZE, help=f"hits to show (default {PAGE_SIZE})")
    p.add_argument("--offset", type=int, default=0, help="skip this many hits (the next page: --offset 20)")
    add_filter_args(p)


def run(args: argparse.Namespace, settings: "Settings") -> int:
    from .cli import filters_from_args
    from .errors import RagError
    from .index import MinutesIndex

    if args.limit < 1 or args.offset < 0:
        raise RagError("--limit must be at least 1 and --offset at least 0")
    page = keyword_search(MinutesIndex(settings), " ".join(args.query), filters_from_args(args), args.offset, args.limit)
    if args.json:
        print(json.dumps({"query": page.query.text if page.query else "", "total": page.total, "offset": page.offset,
                          "hits": [h.to_dict() for h in page.hits]}, ensure_ascii=False))
        return 0
    if not page.total:
        print(f"no hits for {' '.join(args.query)!r}", file=sys.stderr)
        return 0
    print(f"{page.total} hit(s); {page.offset + 1}–{page.offset + len(page.hits)}:")
    for n, h in enumerate(page.hits, start=page.offset + 1):
        c = h.chunk
        print(f"[{n}] {c.meeting}（{c.date or '日付の記載なし'}）{where(c)} — {c.source} [{c.start}:{c.end}]")
        snippet = "".join(f"«{t}»" if marked else t for t, marked in h.snippet_parts())
        print("    " + ("…" if h.snippet_start > 0 else "") + " ".join(snippet.split())
              + ("…" if h.snippet_end < len(c.text) else ""))
    return 0
