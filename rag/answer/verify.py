"""The verifier: the only place where citations are numbered and checked.

A writer's draft cites *evidence* numbers (``[n]`` markers, ``Citation.n``). The verifier
keeps a sentence only when

1. it has at least one ``[n]`` marker (``no_citation``; framing goes in ``Draft.lead``);
2. every marker and citation refers to evidence that was given (``bad_marker``);
3. every cited span lies inside its evidence chunk and slices back exactly from the stored
   source text (``span_not_verbatim``);
4. every quote (「…」『…』“…”"…") occurs in the cited evidence, up to whitespace and
   character width; 「…」 may elide with … (``quote_not_in_evidence``);
5. its own prose (quotes, markers and 〔location〕 labels removed) is in the question's
   language (``wrong_language``);
6. its prose is supported by the cited evidence (``unsupported``): IDF-weighted share of its
   content words (BM25 tokenizer) found in the cited chunks *and their parsed fields*
   (a record-derived 「発言したのは盛山国務大臣です。[1]」 rests on speaker/role, not on the
   remark's words), averaged with the embedding cosine when an embedder is given.

A sentence made of verified quotes and no prose of its own has support 1.0. The extractive
writer's claims get checks 1-4 only: its words outside quotes are parsed fields (labels,
「発言したのは…です。」) and its language is chosen by code. Survivors' markers are renumbered 1.. in order of first use; identical spans
share a number.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from ..domain import Chunk, Citation, Claim, Draft, Evidence, Removed
from .analysis import is_japanese

MARKER = re.compile(r"\[(\d+)\]")
_LABEL = re.compile(r"〔[^〔〕]*〕")  # extractive location labels: 〔出席者意見開陳・防衛省・発言30〕
_BULLET = re.compile(r"^\s*(?:[-*・•]|\d+[.)])\s+")
_ELLIPSIS = re.compile(r"…+|⋯+|\.{3,}|・{3,}")
_PAIRS = {"「": "」", "『": "』", "“": "”"}
# Words a chunk's kind itself supports (the record says what the chunk is).
_KIND_WORDS = {
    "remark": "発言 意見 説明 指摘",
    "header": "会議 開催 日時 場所",
    "attendees": "出席 出席者 会議",
    "agenda": "議題 議事 会議",
    "decision": "決定 会議",
}


@dataclass(frozen=True)
class Verified:
    """What survives verification: claims with answer-numbered markers, their citations, removals."""

    claims: tuple[Claim, ...]
    citations: tuple[Citation, ...]  # numbered 1.. in order of first use
    removed: tuple[Removed, ...]
    lead: str = ""  # the draft's framing line, passed through (built from parsed fields only)


@dataclass(frozen=True)
class Verifier:
    """Checks a draft against the evidence and the stored source text (see module doc)."""

    source_text: Callable[[str], str | None]  # meeting_id -> stored decoded text
    embed: Callable[[list[str]], list[list[float]]] | None = None  # normalized vectors
    min_support: float = 0.5
    # e5 cosines are compressed: unrelated-but-topical sentences score ~0.85, restatements ~0.93;
    # across languages everything is lower. Provisional, set from a handful of seed sentences.
    dense_floor: float = 0.85
    dense_ceiling: float = 0.95
    crosslingual_floor: float = 0.75
    crosslingual_ceiling: float = 0.82
    min_language_units: float = 4.0  # prose shorter than this is not language-checked

    def verify(self, question: str, evidence: Sequence[Evidence], draft: Draft, japanese: bool) -> Verified:
        """Checks every claim of ``draft`` (``question`` is part of the writer contract; the
        checks themselves read the draft, the evidence, the stored text and ``japanese``)."""
        items = {e.n: e for e in evidence}
        texts: dict[str, str | None] = {}

        def source(meeting_id: str) -> str | None:
            if meeting_id not in texts:
                texts[meeting_id] = self.source_text(meeting_id)
            return texts[meeting_id]

        trusted = draft.writer == "extractive"
        checked = [self._check(c, items, source, japanese, trusted) for c in draft.claims]
        pending = [c for c in checked if isinstance(c, _Checked) and c.support is None]
        if pending:
            self._score(pending, items, _Idf(evidence))
        kept: list[_Checked] = []
        removed: list[Removed] = []
        for c in checked:
            if isinstance(c, Removed):
                removed.append(c)
            elif (c.support or 0.0) < self.min_support:
                removed.append(Removed(c.claim.text, "unsupported"))
            else:
                kept.append(c)
        claims, citations = _renumber(kept)
        return Verified(tuple(claims), tuple(citations), tuple(removed), draft.lead)

    # ------------------------------------------------------------ per-claim checks

    def _check(self, claim: Claim, items: dict[int, Evidence], source, japanese: bool,
               trusted: bool) -> "_Checked | Removed":
        text = claim.text
        markers = list(dict.fromkeys(int(m) for m in MARKER.findall(text)))
        if not markers:
            return Removed(text, "no_citation")
        if any(n not in items for n in markers) or any(c.n not in items for c in claim.citations):
            return Removed(text, "bad_marker")
        cited: dict[int, list[Citation]] = {}
        for n in markers:
            chunk = items[n].chunk
            spans = [c for c in claim.citations if c.n == n] or [Citation(n, chunk, chunk.text, chunk.start, chunk.end)]
            for c in spans:
                if not (chunk.start <= c.start < c.end <= chunk.end):
                    return Removed(text, "span_not_verbatim")
                stored = source(chunk.meeting_id)
                if stored is None or stored[c.start:c.end] != c.text:
                    return Removed(text, "span_not_verbatim")
            cited[n] = [Citation(n, chunk, c.text, c.start, c.end) for c in spans]
        prose, quotes, excerpts = _split_quotes(text, [c for cs in cited.values() for c in cs])
        # a quote may also repeat a printed field (the speaker's name as the minutes give it)
        haystacks = [t for n in markers for t in (items[n].chunk.text, fields_text(items[n].chunk, kind_words=False))]
        if any(not any(find_verbatim(q, h) for h in haystacks) for q in quotes):
            return Removed(text, "quote_not_in_evidence")
        prose = _BULLET.sub(" ", _LABEL.sub(" ", MARKER.sub(" ", prose)))
        if trusted:  # extractive: its words outside quotes are parsed fields, its language chosen by code
            return _Checked(claim, markers, cited, prose, frozenset(), 1.0)
        if self._wrong_language(prose, japanese):
            return Removed(text, "wrong_language")
        tokens = _tokens(prose)
        if not tokens:  # only verified quotes: supported; no words at all (「[1]」, 「はい。[1]」): nothing is
            return _Checked(claim, markers, cited, prose, tokens, 1.0 if quotes or excerpts else 0.0)
        return _Checked(claim, markers, cited, prose, tokens)

    def _wrong_language(self, prose: str, japanese: bool) -> bool:
        """Japanese asked, mostly Latin written; or English asked, Japanese sentences written
        (kana, not just a name in kanji: 「The speaker is 盛山正仁.」 is English)."""
        jp, en = _language_units(prose)
        if jp + en < self.min_language_units:
            return False
        if japanese:
            return en > jp
        return jp > en and sum(1 for ch in prose if "\u3040" <= ch <= "\u309f") >= 2

    def _score(self, pending: list["_Checked"], items: dict[int, Evidence], idf: "_Idf") -> None:
        """Sets ``support`` on each pending claim (one embedding call for all of them)."""
        dense: list[float | None] = [None] * len(pending)
        if self.embed is not None:
            sentences = [_BULLET.sub(" ", _LABEL.sub(" ", MARKER.sub(" ", c.claim.text))).strip() for c in pending]
            chunk_ids = list(dict.fromkeys(items[n].chunk.chunk_id for c in pending for n in c.markers))
            by_id = {items[n].chunk.chunk_id: items[n].chunk for n in items}
            vectors = self.embed(sentences + [evidence_text(by_id[i]) for i in chunk_ids])
            chunk_vec = dict(zip(chunk_ids, vectors[len(sentences):]))
            for k, c in enumerate(pending):
                cos = max(_dot(vectors[k], chunk_vec[items[n].chunk.chunk_id]) for n in c.markers)
                lo, hi = ((self.dense_floor, self.dense_ceiling) if is_japanese(c.prose)
                          else (self.crosslingual_floor, self.crosslingual_ceiling))
                dense[k] = min(1.0, max(0.0, (cos - lo) / (hi - lo)))
        for k, c in enumerate(pending):
            reference: set[str] = set()
            for n in c.markers:
                reference |= idf.tokens(items[n].chunk)
            lexical: float | None = None
            if c.tokens and (is_japanese(c.prose) or not is_japanese(" ".join(items[n].chunk.text for n in c.markers))):
                total = sum(idf.weight(t) for t in c.tokens)
                lexical = sum(idf.weight(t) for t in c.tokens if t in reference) / total
            parts = [x for x in (lexical, dense[k]) if x is not None]
            c.support = sum(parts) / len(parts) if parts else 0.0


@dataclass
class _Checked:
    """A claim that passed the structural checks, waiting for its support score."""

    claim: Claim
    markers: list[int]
    cited: dict[int, list[Citation]]
    prose: str
    tokens: frozenset[str]
    support: float | None = None


class _Idf:
    """Smoothed IDF over the evidence items (text + parsed fields): words every item shares
    count less than the ones that single out an item; words no item has count most."""

    def __init__(self, evidence: Sequence[Evidence]) -> None:
        self._tokens: dict[str, frozenset[str]] = {}
        df: dict[str, int] = {}
        for e in evidence:
            for t in self.tokens(e.chunk):
                df[t] = df.get(t, 0) + 1
        self._df = df
        self._n = len(evidence)

    def tokens(self, chunk: Chunk) -> frozenset[str]:
        if chunk.chunk_id not in self._tokens:
            self._tokens[chunk.chunk_id] = _tokens(chunk.text) | _tokens(fields_text(chunk))
        return self._tokens[chunk.chunk_id]

    def weight(self, token: str) -> float:
        return 1.0 + math.log((self._n + 1) / (self._df.get(token, 0) + 1))


def evidence_text(chunk: Chunk) -> str:
    """An evidence item as a writer is shown it: where it stands (from the record), then its words.
    Embedded the same way, so a sentence about the speaker or date is compared with them too."""
    from .labels import location_label

    return f"〔{location_label(chunk, with_meeting=True)}〕\n{chunk.text.strip()}"


def fields_text(chunk: Chunk, kind_words: bool = True) -> str:
    """The parsed fields a record-derived sentence may rest on, as text for the tokenizer
    (with ``kind_words``, also what the chunk is: a remark supports 「発言」)."""
    parts = [chunk.meeting, chunk.section, chunk.speaker, chunk.role, chunk.organisation,
             _KIND_WORDS.get(chunk.kind, "") if kind_words else ""]
    if chunk.date:
        try:
            y, m, d = (int(x) for x in chunk.date.split("-"))
            parts.append(f"{y}年{m}月{d}日")
        except ValueError:
            parts.append(chunk.date)
    if chunk.remark_no is not None:
        parts.append(f"発言{chunk.remark_no}")
    return " ".join(p for p in parts if p)


# ------------------------------------------------------------------ renumbering


def _renumber(kept: list[_Checked]) -> tuple[list[Claim], list[Citation]]:
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    claims: list[Claim] = []
    for c in kept:
        new_of: dict[int, list[int]] = {}
        own: list[Citation] = []
        for n in c.markers:
            for cit in c.cited[n]:
                key = (cit.chunk.meeting_id, cit.start, cit.end)
                if key not in numbers:
                    numbers[key] = len(citations) + 1
                    citations.append(Citation(numbers[key], cit.chunk, cit.text, cit.start, cit.end))
                number = numbers[key]
                if number not in new_of.setdefault(n, []):
                    new_of[n].append(number)
                    own.append(citations[number - 1])
        text = MARKER.sub(lambda m: "".join(f"[{k}]" for k in new_of[int(m.group(1))]), c.claim.text)
        text = re.sub(r"((?:\[\d+\])+)(?:\1)+", r"\1", text)  # 「…[1][1]」 -> 「…[1]」
        claims.append(Claim(text, tuple(dict.fromkeys(own)), c.support))
    return claims, citations


# ------------------------------------------------------------------ text helpers


def _fold_map(text: str) -> tuple[str, list[int]]:
    """``text`` NFKC-folded per character with whitespace dropped, and each folded
    character's offset in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch):
            if not f.isspace():
                chars.append(f)
                where.append(i)
    return "".join(chars), where


def find_verbatim(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text`` (offsets into ``text``), matching up to whitespace and
    character width; an ellipsis (…) in the quote skips text. None when it does not occur."""
    segments = [s for s in (_fold_map(p)[0] for p in _ELLIPSIS.split(quote)) if s]
    if not segments:
        return None
    folded, where = _fold_map(text)
    pos = 0
    first = last = -1
    for seg in segments:
        i = folded.find(seg, pos)
        if i < 0:
            return None
        if first < 0:
            first = i
        last = i + len(seg) - 1
        pos = i + len(seg)
    return where[first], where[last] + 1


def quoted(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inner text of each outermost quote: 「」『』“” (nesting-aware) and "…"."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _PAIRS:
            depth, j = 1, i + 1
            while j < len(text) and depth:
                if text[j] == ch:
                    depth += 1
                elif text[j] == _PAIRS[ch]:
                    depth -= 1
                j += 1
            if depth:  # unclosed: not a quote
                i += 1
                continue
            found.append((i + 1, j - 1))
            i = j
        elif ch == '"':
            j = text.find('"', i + 1)
            if j < 0:
                break
            found.append((i + 1, j))
            i = j + 1
        else:
            i += 1
    return found


def _split_quotes(text: str, citations: list[Citation]) -> tuple[str, list[str], list[str]]:
    """(prose with quotes blanked, quotes to check, excerpts that are a cited span verbatim).

    An excerpt is matched against the citation text first, so brackets inside the minutes'
    words (an unbalanced 「 in a cut sentence) cannot confuse the quote parser."""
    excerpts: list[str] = []
    for c in citations:
        body = r"\s*".join(re.escape(ch) for ch in c.text if not ch.isspace())
        if not body:
            continue
        m = re.search(r"[「『“\"]\s*" + body + r"\s*[」』”\"]", text)
        if m:
            excerpts.append(c.text)
            text = text[:m.start()] + " " + text[m.end():]
    quotes: list[str] = []
    pieces: list[str] = []
    pos = 0
    for a, b in quoted(text):
        if text[a:b].strip():
            quotes.append(text[a:b])
        pieces.append(text[pos:a - 1])
        pos = b + 1
    pieces.append(text[pos:])
    return " ".join(pieces), quotes, excerpts


def _tokens(text: str) -> frozenset[str]:
    from ..lexical import tokenize

    return frozenset(tokenize(text))


def _language_units(text: str) -> tuple[float, float]:
    """(Japanese characters, Latin letters / 3): a Latin word carries about as much as a
    couple of Japanese characters, so a few ASCII terms in Japanese prose stay Japanese."""
    jp = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    en = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return float(jp), en / 3.0


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b)))
