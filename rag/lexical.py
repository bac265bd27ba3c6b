"""Persistent Japanese BM25 index that sits beside the Chroma vector store.

Why fugashi + unidic-lite (and not SudachiPy)
---------------------------------------------
* Speed at ingest: fugashi is a thin Cython wrapper over MeCab's C++ core.
  Ingesting ~10^5 chunks means tokenising tens of millions of characters on a
  2-core machine.  We ask MeCab for one tab-separated string per text
  (``surface, pos1, pos2, lemma``) instead of building a Python object per
  token; tokenize() then costs ~1.5 µs per character all told (~0.35 ms for a
  typical 235-character chunk, 30-40 s of one core for 10^5 chunks).
* Footprint: unidic-lite is a small, pure-data wheel (no compiler, no
  download at run time); SudachiPy needs its own large dictionary package.
* Recall: UniDic *short units* split compounds (「防衛省」→ 防衛 + 省,
  「概算要求」→ 概算 + 要求, 「ブロックチェーン」→ ブロック + チェーン), so a
  query that uses part of a compound still matches, which is what a lexical
  retriever in a hybrid (dense + BM25) setup is there for.  The UniDic *lemma*
  folds inflection and spelling variants (求めました/求める, 取組み/取り組み,
  セキュリティ/セキュリティー) onto one term.

Text normalisation (:func:`normalize`) runs before tokenisation: NFKC
(full-width ＧＳＯＣ → GSOC, half-width ｾｷｭﾘﾃｨ → セキュリティ), ASCII lower-case,
and whitespace removal so that the letter-spaced forms of PDF-dumped minutes
(「G S O C」, 「平成 20 年度」, 「セキュア・ジャパン 2007」) equal their normal
forms.  A space survives only between two ASCII words of 2+ letters, so English
("cyber attack") keeps its word boundary.

Ranking is Okapi BM25 with k1=1.5, b=0.75 (the common defaults; chunks are
single remarks of very different length, so length normalisation at b=0.75
matters, and k1=1.5 lets a term repeated inside a remark still add a little).
IDF is the non-negative variant ``ln(1 + (N - df + 0.5) / (df + 0.5))`` so a
term occurring in more than half of the chunks never scores negative.  N and df
are taken over the whole index; filters only restrict which chunks may be
returned, so a filtered ranking is the unfiltered ranking restricted to the
matching chunks.  Each distinct query term counts once.

Data layout and scale
---------------------
Every chunk's term counts are kept (term ids + counts), so upsert/delete never
re-tokenise existing chunks.  Queries use an immutable *snapshot*: a
term-major (CSC) matrix of precomputed BM25 term weights, so a query costs one
vectorised ``scores[postings] += idf * weights`` per query term.  After any
change the snapshot is rebuilt lazily from the stored counts (linear in the
corpus, never per query).  Metadata is stored column-wise and
dictionary-encoded, so a :class:`~rag.domain.Filters` is evaluated once per
distinct value (with ``Filters.matches`` itself) and turned into a boolean mask
by one numpy indexing step; masks are cached per snapshot.

On disk the index is a single ``lexical.npz`` (uncompressed numpy arrays plus a
JSON header stored as bytes; no pickle).  :meth:`LexicalIndex.save` writes a
temporary file in the same directory, fsyncs it and moves it over the old one
with ``os.replace``, so a crash leaves either the old or the new index, never
half of one.  A freshly loaded index answers queries straight from the loaded
arrays; per-chunk records are only materialised when the index is first
modified.  Each rebuild/save is linear in the whole index (~0.3 s each at 10^5
chunks), so ingest should upsert a whole batch and call ``save()`` once.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import threading
import unicodedata
import uuid
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from .domain import Filters
from .errors import IndexMismatchError, RagError

__all__ = [
    "LexicalIndex",
    "normalize",
    "tokenize",
    "token_spans",
    "person_names",
    "proper_name_runs",
    "tokenizer_signature",
    "INDEX_FILE",
]

INDEX_FILE = "lexical.npz"
FORMAT_NAME = "rag-lexical-bm25"
FORMAT_VERSION = 3  # 2: remark chunks are indexed with their section (rag.index.lexical_text); 3: decisions too
# Bump when normalize()/tokenize() change in a way that changes tokens.
NORMALIZE_VERSION = 2  # 2: old kanji forms folded to today's (勞→労)

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# A run of whitespace is kept (as one space) only between two ASCII words of
# 2+ letters; everywhere else it is dropped.
_WHITESPACE = re.compile(r"\s+")
_BETWEEN_WORDS = re.compile(r"(?<=[a-z]{2})\s+(?=[a-z]{2})")
_KEPT_SPACE = "\x00"  # marks a kept space while the other runs are dropped (NULs are stripped first)


def normalize(text: str) -> str:
    """NFKC, lower-case ASCII, old kanji forms as today's, and drop whitespace except between ASCII words.

    >>> normalize("G S O C の新設") == normalize("GSOCの新設") == "gsocの新設"
    True
    >>> normalize("cyber  attack")
    'cyber attack'
    """
    from .layouts.japanese import KYUJITAI

    text = unicodedata.normalize("NFKC", text).translate(_ASCII_LOWER).translate(KYUJITAI)
    text = _INVISIBLE.sub("", text.replace(_KEPT_SPACE, ""))
    text = _BETWEEN_WORDS.sub(_KEPT_SPACE, text)
    text = _WHITESPACE.sub("", text)
    return text.replace(_KEPT_SPACE, " ")


# --------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------

# Parts of speech (UniDic pos1) that never carry content.
_DROP_POS1 = frozenset({
    "助詞",  # particles
    "助動詞",  # auxiliary verbs
    "補助記号",  # punctuation
    "記号",  # symbols
    "空白",  # whitespace
    "代名詞",  # pronouns: 何, 誰, どこ, これ, それ ...
    "連体詞",  # この, その, どの, どんな ...
    "接続詞",  # また, しかし, さらに ...
    "感動詞",
})
# Verbs/adjectives UniDic marks as possibly auxiliary (する, ある, いる, なる,
# できる, いただく, くださる, いく, くる, みる, おく, ない, よい ...).
_DROP_NONINDEPENDENT_POS1 = frozenset({"動詞", "形容詞"})
# UniDic lemmas (the kanji spelling UniDic uses as lemma, plus kana forms that
# UniDic keeps as lemma) of question words and very generic verbs/nouns.
_STOP_LEMMAS = frozenset({
    # question words (most are pronouns/連体詞 and dropped by POS already)
    "何", "何時", "誰", "何処", "何故", "何れ", "何方", "何の", "どう", "どうして",
    "如何", "幾", "幾ら", "どんな",
    # generic verbs
    "為る", "有る", "居る", "成る", "言う", "述べる", "思う", "考える", "出来る",
    "頂く", "下さる", "貰う", "致す", "御座る", "申す", "存ずる", "教える",
    # verbs that only make up compound particles (について, において, による,
    # に関して, に対する, を通じ, に基づく)
    "つく", "於く", "因る", "依る", "関する", "対する", "通ずる", "基づく",
    # formal nouns and the honorific prefix
    "事", "物", "為", "様", "所", "御",
})
_LEMMA_GLOSS = re.compile(r"^(.+?)-[A-Za-z][A-Za-z ._'-]*$")  # セキュリティー-security

# MeCab output: one line per token, "surface \t pos1 \t pos2 \t lemma"; unknown
# words have no lemma, so their surface is used.
_MECAB_ARGS = (
    r'-O "" -F %m\\t%f[0]\\t%f[1]\\t%f[7]\\n -U %m\\t%f[0]\\t%f[1]\\t%m\\n '
    r'-E EOS\\n -B ""'
)

_tagger_lock = threading.Lock()
_tagger_obj = None
_tagger_pid: int | None = None


def _dicdir() -> str:
    import unidic_lite

    return unidic_lite.DICDIR


def _tagger():
    """The process-wide MeCab tagger, created on first use (again after a fork)."""
    global _tagger_obj, _tagger_pid
    pid = os.getpid()
    if _tagger_obj is None or _tagger_pid != pid:
        with _tagger_lock:
            if _tagger_obj is None or _tagger_pid != pid:
                import fugashi

                d = _dicdir()
                _tagger_obj = fugashi.GenericTagger(f'-d "{d}" -r "{d}/mecabrc" {_MECAB_ARGS}')
                _tagger_pid = pid
    return _tagger_obj


def _parse(text: str) -> str:
    tagger = _tagger()
    with _tagger_lock:  # a MeCab tagger is not safe to share between threads
        return tagger.parse(text)


def _content_token(pos1: str, pos2: str, lemma: str) -> str | None:
    if pos1 in _DROP_POS1:
        return None
    if pos2 == "非自立可能" and pos1 in _DROP_NONINDEPENDENT_POS1:
        return None
    if pos2 == "助動詞語幹" and pos1 == "形状詞":  # よう(様) in のように
        return None
    if "-" in lemma:
        m = _LEMMA_GLOSS.match(lemma)
        if m:
            lemma = m.group(1)
    if not lemma or lemma in _STOP_LEMMAS:
        return None
    return lemma


def tokenize(text: str) -> list[str]:
    """Content tokens of ``text``: normalised, UniDic lemmas, function words dropped.

    Numbers keep their digits (「平成 20 年度」 → 平成, 20, 年度).
    """
    norm = normalize(text)
    if not norm:
        return []
    out: list[str] = []
    drop = _DROP_POS1
    for line in _parse(norm).split("\n"):
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] in drop:
            continue  # EOS / empty line, or a function word
        tok = _content_token(parts[1], parts[2], parts[3] or parts[0])
        if tok is not None:
            out.append(tok)
    return out


_person_tagger_obj = None
_person_tagger_pid: int | None = None


def person_names(norm: str) -> list[tuple[str, int, int]]:
    """People UniDic recognises in an already normalised text (「鈴木俊一財務大臣は」 → 鈴木俊一), each
    with its ``[start, end)``: a run of proper-noun tokens holding a person's surname or given name
    (a surname UniDic reads as a place, 「盛山」 before 「正仁」, stays in the run)."""
    return [(name, start, end) for name, start, end, person in proper_name_runs(norm) if person]


def proper_name_runs(norm: str) -> list[tuple[str, int, int, bool]]:
    """The runs of person- and place-name tokens in an already normalised text, each with its
    ``[start, end)`` and whether it holds a person's name (``person_names`` keeps those); a run of
    place names alone (「神田委員は」: a surname UniDic reads only as a place) is left for the caller
    to judge from what follows. One tagging for both readings."""
    global _person_tagger_obj, _person_tagger_pid
    pid = os.getpid()
    with _tagger_lock:
        if _person_tagger_obj is None or _person_tagger_pid != pid:
            import fugashi

            d = _dicdir()  # UniDic's own output: surface, readings, lemma, hyphen-joined part of speech
            _person_tagger_obj = fugashi.GenericTagger(f'-d "{d}" -r "{d}/mecabrc"')
            _person_tagger_pid = pid
        parsed = _person_tagger_obj.parse(norm) if norm else ""
    found: list[tuple[str, int, int, bool]] = []
    run: list[tuple[int, int, bool]] = []  # (start, end, is a person's name)
    pos = 0

    def close() -> None:
        if run and run[-1][1] - run[0][0] >= 2:
            found.append((norm[run[0][0] : run[-1][1]], run[0][0], run[-1][1], any(person for _, _, person in run)))
        run.clear()

    for line in parsed.split("\n"):
        parts = line.split("\t")
        if len(parts) < 5 or not parts[0]:
            continue
        start = norm.find(parts[0], pos)
        if start < 0:
            continue
        pos = start + len(parts[0])
        tag = parts[4]
        if tag.startswith("名詞-固有名詞-人名") or (tag.startswith("名詞-固有名詞-地名") and not run):
            if run and run[-1][1] != start:
                close()
            run.append((start, pos, tag.startswith("名詞-固有名詞-人名")))
        else:
            close()
    close()
    return found


def token_spans(norm: str) -> list[tuple[str, int, int]]:
    """:func:`tokenize`'s tokens of an already normalised text, each with its ``[start, end)`` in it,
    so a keyword search can highlight exactly the words that matched (rag.search)."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for line in _parse(norm).split("\n") if norm else ():
        parts = line.split("\t")
        start = norm.find(parts[0], pos) if len(parts) == 4 and parts[0] else -1
        if start < 0:
            continue  # EOS / empty line
        pos = start + len(parts[0])
        tok = None if parts[1] in _DROP_POS1 else _content_token(parts[1], parts[2], parts[3] or parts[0])
        if tok is not None:
            out.append((tok, start, pos))
    return out


_signature: str | None = None


def tokenizer_signature() -> str:
    """Identifies the token rules; an index built under other rules must be rebuilt."""
    global _signature
    if _signature is None:
        try:
            dic_version = Path(_dicdir(), "version").read_text(encoding="utf-8").strip()
        except OSError:
            dic_version = "unknown"
        rules = json.dumps(
            [NORMALIZE_VERSION, sorted(_DROP_POS1), sorted(_DROP_NONINDEPENDENT_POS1),
             sorted(_STOP_LEMMAS), _MECAB_ARGS],
            ensure_ascii=False,
        )
        digest = hashlib.sha256(rules.encode("utf-8")).hexdigest()[:12]
        _signature = f"fugashi+unidic-lite {dic_version} rules={digest}"
    return _signature


# --------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------

# Filters field -> metadata key it reads (see Filters.matches).
_FILTER_KEYS = {
    "sources": "source",
    "meeting_ids": "meeting_id",
    "date_from": "date",
    "date_to": "date",
    "sections": "section",
    "organisations": "organisation",
    "speakers": "speaker",
    "roles": "role",
}
_META_TYPES = (str, int, float, bool)
_EMPTY_I32 = np.zeros(0, dtype=np.int32)


@dataclasses.dataclass
class _Doc:
    """A chunk as stored: verbatim text, encoded metadata, and its term counts."""

    text: str
    codes: np.ndarray  # int32 code per metadata key (index-level dictionary), -1 = absent
    terms: np.ndarray  # int32 term ids, ascending, unique
    counts: np.ndarray  # int32, same length


NORMALIZED_KEPT = 20_000  # chunks whose normalized text a snapshot keeps (phrase lookups)
PHRASES_KEPT = 50_000  # phrase frequencies a snapshot keeps


class _Snapshot:
    """Immutable, query-ready view of the index at one point in time."""

    def __init__(
        self,
        ids: list[str],
        indptr: np.ndarray,
        term_ids: np.ndarray,
        counts: np.ndarray,
        n_terms: int,
        meta_keys: list[str],
        meta_values: list[list],
        meta_codes: np.ndarray,
        texts: list[str] | None = None,
        text_blob: np.ndarray | None = None,
        text_offsets: np.ndarray | None = None,
    ) -> None:
        self.ids = ids
        self.row = {doc_id: i for i, doc_id in enumerate(ids)}
        self.indptr = indptr
        self.term_ids = term_ids
        self.counts = counts
        self.n_terms = n_terms
        self.meta_keys = meta_keys
        self.meta_values = meta_values
        self.meta_codes = meta_codes  # (n_docs, n_keys) int32, -1 = key absent
        self._texts = texts
        self._text_blob = text_blob
        self._text_offsets = text_offsets
        self.phrase_counts: dict[tuple[str, int], int] = {}  # LexicalIndex.phrase_frequency, per snapshot
        self._normalized: dict[int, str] = {}
        self._lock = threading.Lock()
        self._scorer: tuple | None = None
        self._df: np.ndarray | None = None
        self._masks: OrderedDict = OrderedDict()

    def __len__(self) -> int:
        return len(self.ids)

    # -- per-document access -------------------------------------------------

    def normalized_text(self, i: int) -> str:
        """:func:`normalize` of a chunk's text, kept once computed (phrase lookups read the same
        chunks again and again)."""
        found = self._normalized.get(i)
        if found is None:
            if len(self._normalized) >= NORMALIZED_KEPT:
                self._normalized.clear()
            found = self._normalized[i] = normalize(self.text(i))
        return found

    def text(self, i: int) -> str:
        if self._texts is not None:
            return self._texts[i]
        a, b = int(self._text_offsets[i]), int(self._text_offsets[i + 1])
        return self._text_blob[a:b].tobytes().decode("utf-8")

    def meta(self, i: int) -> dict:
        codes = self.meta_codes[i]
        return {
            key: self.meta_values[j][c]
            for j, (key, c) in enumerate(zip(self.meta_keys, codes.tolist()))
            if c >= 0
        }

    def doc(self, i: int) -> _Doc:
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return _Doc(self.text(i), self.meta_codes[i], self.term_ids[a:b], self.counts[a:b])

    def text_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._text_blob is not None:
            return self._text_blob, self._text_offsets
        encoded = [t.encode("utf-8") for t in self._texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
                      out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return blob, offsets

    # -- statistics and scoring -----------------------------------------------

    def df(self) -> np.ndarray:
        if self._df is None:
            with self._lock:
                if self._df is None:
                    self._df = np.bincount(self.term_ids, minlength=self.n_terms)
        return self._df

    def scorer(self, k1: float, b: float) -> tuple[sparse.csc_matrix, np.ndarray]:
        """Term-major BM25 weights and idf, computed once per snapshot."""
        s = self._scorer
        if s is not None and s[0] == (k1, b):
            return s[1], s[2]
        with self._lock:
            s = self._scorer
            if s is not None and s[0] == (k1, b):
                return s[1], s[2]
            n = len(self.ids)
            tf = self.counts.astype(np.float32)
            cum = np.zeros(len(tf) + 1, dtype=np.float64)
            np.cumsum(tf, dtype=np.float64, out=cum[1:])
            dl = cum[self.indptr[1:]] - cum[self.indptr[:-1]]  # tokens per chunk
            avgdl = float(dl.mean()) if n and dl.sum() > 0 else 1.0
            norm = (k1 * (1.0 - b + b * dl / avgdl)).astype(np.float32)
            matrix = sparse.csr_matrix(
                (tf, self.term_ids, self.indptr), shape=(n, self.n_terms)
            ).tocsc()
            tf = matrix.data  # now term-major; matrix.indices are the chunk rows
            matrix.data = tf * np.float32(k1 + 1.0) / (tf + norm[matrix.indices])
            df = np.diff(matrix.indptr).astype(np.float64)
            idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            self._scorer = ((k1, b), matrix, idf)
            if self._df is None:
                self._df = np.diff(matrix.indptr)
            return matrix, idf

    # -- filters ----------------------------------------------------------------

    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean array over rows: which chunks ``filters`` lets through."""
        try:
            cached = self._masks.get(filters)
        except TypeError:  # unhashable (lists inside): just don't cache
            return self._compute_mask(filters)
        if cached is not None:
            with self._lock:
                if filters in self._masks:
                    self._masks.move_to_end(filters)
            return cached
        m = self._compute_mask(filters)
        m.setflags(write=False)
        with self._lock:
            self._masks[filters] = m
            while len(self._masks) > 64:
                self._masks.popitem(last=False)
        return m

    def _compute_mask(self, filters: Filters) -> np.ndarray:
        n = len(self.ids)
        mask = np.ones(n, dtype=bool)
        key_pos = {k: j for j, k in enumerate(self.meta_keys)}
        for f in dataclasses.fields(filters):
            value = getattr(filters, f.name)
            if not value:
                continue
            key = _FILTER_KEYS.get(f.name)
            if key is None:
                # A Filters field this module does not know: use the plain
                # predicate on every chunk rather than guess (slow but right).
                return np.fromiter(
                    (filters.matches(self.meta(i)) for i in range(n)), dtype=bool, count=n
                )
            only = Filters(**{f.name: value})  # this one condition, same predicate
            j = key_pos.get(key)
            if j is None:
                if not only.matches({}):
                    mask[:] = False
                continue
            # Decide once per distinct value (last slot = key absent, code -1).
            allowed = np.fromiter(
                (only.matches({key: v}) for v in self.meta_values[j]),
                dtype=bool, count=len(self.meta_values[j]),
            )
            allowed = np.append(allowed, only.matches({}))
            mask &= allowed[self.meta_codes[:, j]]
        return mask

    def rows_where(self, equals: dict) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        key_pos = {k: j for j, k in enumerate(self.meta_keys)}
        for key, want in equals.items():
            j = key_pos.get(key)
            if j is None:
                return np.zeros(0, dtype=np.int64)
            hits = [c for c, v in enumerate(self.meta_values[j])
                    if type(v) is type(want) and v == want]
            mask &= np.isin(self.meta_codes[:, j], np.asarray(hits, dtype=np.int32))
        return np.flatnonzero(mask)


def _snapshot_from_docs(
    docs: dict[str, _Doc], n_terms: int, meta_keys: list[str], meta_values: list[list]
) -> _Snapshot:
    ids = list(docs)
    n = len(ids)
    values = list(docs.values())
    lengths = np.fromiter((len(d.terms) for d in values), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if n:
        term_ids = np.concatenate([d.terms for d in values]).astype(np.int32, copy=False)
        counts = np.concatenate([d.counts for d in values]).astype(np.int32, copy=False)
    else:
        term_ids, counts = _EMPTY_I32, _EMPTY_I32

    # Metadata code rows (shorter rows predate keys seen later) -> (n, K) matrix.
    k = len(meta_keys)
    meta_codes = np.full((n, k), -1, dtype=np.int32)
    if n and k:
        widths = np.fromiter((len(d.codes) for d in values), dtype=np.int64, count=n)
        if (widths == k).all():
            meta_codes[:] = np.stack([d.codes for d in values])
        else:
            flat = np.concatenate([d.codes for d in values])
            rows = np.repeat(np.arange(n), widths)
            starts = np.repeat(np.cumsum(widths) - widths, widths)
            meta_codes[rows, np.arange(len(flat)) - starts] = flat
    # Keep only keys and values some chunk still uses, renumbered densely.
    keep_keys, keep_values, keep_cols = [], [], []
    for j, key in enumerate(meta_keys):
        col = meta_codes[:, j]
        present = col >= 0
        used = np.unique(col[present])
        if used.size == 0:
            continue
        remap = np.full(len(meta_values[j]), -1, dtype=np.int32)
        remap[used] = np.arange(used.size, dtype=np.int32)
        keep_keys.append(key)
        keep_values.append([meta_values[j][c] for c in used.tolist()])
        keep_cols.append(np.where(present, remap[np.maximum(col, 0)], -1).astype(np.int32))
    meta_codes = (np.stack(keep_cols, axis=1) if keep_cols
                  else np.zeros((n, 0), dtype=np.int32))
    return _Snapshot(
        ids, indptr, term_ids, counts, n_terms, keep_keys, keep_values, meta_codes,
        texts=[d.text for d in values],
    )


def _check_meta(doc_id: str, meta: dict) -> dict:
    out = {}
    for key, v in meta.items():
        if not isinstance(key, str):
            raise ValueError(f"metadata of {doc_id!r}: key {key!r} is not a string")
        if not isinstance(v, _META_TYPES):
            raise ValueError(
                f"metadata of {doc_id!r}: {key}={v!r} must be str, int, float or bool"
            )
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"metadata of {doc_id!r}: {key}={v!r} is not finite")
        out[key] = v
    return out


class LexicalIndex:
    """BM25 over :func:`tokenize` tokens, keyed by chunk id (the same ids as in Chroma).

    ``LexicalIndex(None)`` lives in memory only (``save()`` does nothing);
    ``LexicalIndex(path)`` loads ``path / "lexical.npz"`` if it exists and
    ``save()`` writes it back atomically.  Safe to query from several threads.
    """

    def __init__(self, directory: Path | str | None = None, *, k1: float = 1.5, b: float = 0.75):
        self.directory = Path(directory) if directory is not None else None
        self.k1 = float(k1)
        self.b = float(b)
        self._lock = threading.RLock()
        self._terms: list[str] = []
        self._term_id: dict[str, int] = {}
        # Metadata dictionary shared by all chunks: key -> position, and per key
        # the distinct values (append-only) with a lookup from (type, value).
        self._meta_keys: list[str] = []
        self._meta_pos: dict[str, int] = {}
        self._meta_values: list[list] = []
        self._meta_lut: list[dict] = []
        self._docs: dict[str, _Doc] | None = {}
        self._snap: _Snapshot | None = None
        # (mtime_ns, size, inode) of the file this state came from; every save replaces the file,
        # so the inode changes even when two saves fall in one mtime tick with the same size
        self._stamp: tuple[int, int, int] | None = None
        if self.directory is not None and self.path.exists():
            self._load()
            self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat() if self.path is not None else None
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino) if st else None

    def reload_if_changed(self) -> bool:
        """Re-read the file when another process saved it since this state was loaded or saved
        (a CLI ingest while the app runs), so a later save never writes back a stale copy.
        One stat call when nothing changed."""
        if self.directory is None:
            return False
        stamp = self._file_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        with self._lock:
            self._terms, self._term_id = [], {}
            self._meta_keys, self._meta_pos, self._meta_values, self._meta_lut = [], {}, [], []
            self._docs, self._snap = {}, None
            self._load()
            self._stamp = stamp
        return True

    @property
    def path(self) -> Path | None:
        return self.directory / INDEX_FILE if self.directory is not None else None

    # -- state --------------------------------------------------------------

    def _snapshot(self) -> _Snapshot:
        snap = self._snap
        if snap is not None:
            return snap
        with self._lock:
            if self._snap is None:
                self._snap = _snapshot_from_docs(
                    self._docs, len(self._terms), self._meta_keys, self._meta_values
                )
            return self._snap

    def _mutable_docs(self) -> dict[str, _Doc]:
        """Per-chunk records; after a load they are built from the snapshot once."""
        if self._docs is None:
            snap = self._snap
            self._meta_keys = list(snap.meta_keys)
            self._meta_pos = {k: j for j, k in enumerate(self._meta_keys)}
            self._meta_values = [list(v) for v in snap.meta_values]
            self._meta_lut = [{(type(v), v): c for c, v in enumerate(vals)}
                              for vals in self._meta_values]
            self._docs = {doc_id: snap.doc(i) for i, doc_id in enumerate(snap.ids)}
        return self._docs

    def _encode_meta(self, meta: dict) -> np.ndarray:
        codes = [-1] * (len(self._meta_keys) + len(meta))
        for key, v in meta.items():
            j = self._meta_pos.get(key)
            if j is None:
                j = self._meta_pos[key] = len(self._meta_keys)
                self._meta_keys.append(key)
                self._meta_values.append([])
                self._meta_lut.append({})
            lut = self._meta_lut[j]
            c = lut.get((type(v), v))
            if c is None:
                c = lut[(type(v), v)] = len(self._meta_values[j])
                self._meta_values[j].append(v)
            codes[j] = c
        return np.asarray(codes[: len(self._meta_keys)], dtype=np.int32)

    def _decode_meta(self, codes: np.ndarray) -> dict:
        return {self._meta_keys[j]: self._meta_values[j][c]
                for j, c in enumerate(codes.tolist()) if c >= 0}

    def __len__(self) -> int:
        with self._lock:
            if self._docs is not None:
                return len(self._docs)
            return len(self._snap)

    def __contains__(self, doc_id: object) -> bool:
        with self._lock:
            if self._docs is not None:
                return doc_id in self._docs
            return doc_id in self._snap.row

    def ids(self) -> list[str]:
        """All chunk ids, in index order."""
        with self._lock:
            if self._docs is not None:
                return list(self._docs)
            return list(self._snap.ids)

    def get(self, doc_id: str) -> tuple[str, dict] | None:
        """``(text, metadata)`` of a chunk, or None if the id is not indexed."""
        with self._lock:
            if self._docs is not None:
                d = self._docs.get(doc_id)
                return (d.text, self._decode_meta(d.codes)) if d is not None else None
            snap = self._snap
        i = snap.row.get(doc_id)
        return (snap.text(i), snap.meta(i)) if i is not None else None

    # -- changes ------------------------------------------------------------

    def upsert(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict],
               index_texts: Sequence[str] | None = None) -> None:
        """Add chunks, replacing any chunk with the same id. ``index_texts`` (default: the
        texts) is what is tokenized, e.g. the text with its speaker before it; ``texts``
        is what is stored and shown."""
        if not (len(ids) == len(texts) == len(metadatas)):
            raise ValueError(
                f"upsert needs as many texts and metadatas as ids "
                f"({len(ids)} ids, {len(texts)} texts, {len(metadatas)} metadatas)"
            )
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if list(ids).count(i) > 1})
            raise ValueError(f"upsert got the same id more than once: {dupes[:5]}")
        for doc_id, text in zip(ids, texts):
            if not isinstance(doc_id, str) or not doc_id:
                raise ValueError(f"chunk id {doc_id!r} must be a non-empty string")
            if not isinstance(text, str):
                raise ValueError(f"text of {doc_id!r} must be a string")
        if not ids:
            return
        metas = [_check_meta(doc_id, m) for doc_id, m in zip(ids, metadatas)]
        if index_texts is not None and len(index_texts) != len(texts):
            raise ValueError("upsert needs one index text per text")
        token_lists = [tokenize(t) for t in (index_texts if index_texts is not None else texts)]  # outside the lock
        with self._lock:
            docs = self._mutable_docs()
            for doc_id, text, meta, tokens in zip(ids, texts, metas, token_lists):
                terms, counts = self._count(tokens)
                docs.pop(doc_id, None)  # a replaced chunk moves to the end
                docs[doc_id] = _Doc(text, self._encode_meta(meta), terms, counts)
            self._snap = None

    def _count(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if not tokens:
            return _EMPTY_I32, _EMPTY_I32
        term_id = self._term_id
        tids = []
        for tok in tokens:
            t = term_id.get(tok)
            if t is None:
                t = term_id[tok] = len(self._terms)
                self._terms.append(tok)
            tids.append(t)
        terms, counts = np.unique(np.asarray(tids, dtype=np.int32), return_counts=True)
        return terms.astype(np.int32, copy=False), counts.astype(np.int32)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove chunks by id; unknown ids are ignored. Returns how many were removed."""
        ids = list(ids)
        with self._lock:
            if not any(i in self for i in ids):
                return 0
            docs = self._mutable_docs()
            removed = 0
            for doc_id in ids:
                if docs.pop(doc_id, None) is not None:
                    removed += 1
            self._snap = None
            return removed

    # -- metadata queries ------------------------------------------------------

    def meta_values(self, key: str) -> tuple:
        """The distinct values one metadata field takes (values of deleted chunks may linger)."""
        with self._lock:
            snap = self._snapshot()
            if key not in snap.meta_keys:
                return ()
            return tuple(snap.meta_values[snap.meta_keys.index(key)])

    def ids_matching(self, filters: Filters | None) -> list[str]:
        """Ids of the chunks ``filters`` lets through (``Filters.matches`` semantics)."""
        snap = self._snapshot()
        if filters is None or filters.is_empty():
            return list(snap.ids)
        rows = np.flatnonzero(snap.mask(filters))
        return [snap.ids[i] for i in rows.tolist()]

    def ids_where(self, **equals: str | int) -> list[str]:
        """Ids whose metadata has exactly these values, e.g. ``ids_where(source="x.txt")``."""
        snap = self._snapshot()
        return [snap.ids[i] for i in snap.rows_where(equals).tolist()]

    # -- retrieval ---------------------------------------------------------------

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` as ``(id, score)``, best first, score > 0.

        Filters are applied before ranking; ties are broken by index order.
        """
        if k <= 0:
            return []
        snap = self._snapshot()
        if not len(snap):
            return []
        term_rows = self._query_terms(query, snap)
        if not term_rows:
            return []
        matrix, idf = snap.scorer(self.k1, self.b)
        scores = np.zeros(len(snap), dtype=np.float32)
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
        for t in term_rows:
            a, b = indptr[t], indptr[t + 1]
            if a != b:
                scores[indices[a:b]] += idf[t] * data[a:b]
        if filters is not None and not filters.is_empty():
            scores[~snap.mask(filters)] = 0.0
        cand = np.flatnonzero(scores > 0)
        if len(cand) > k:
            sc = scores[cand]
            kth = np.partition(sc, len(sc) - k)[len(sc) - k]
            cand = cand[sc >= kth]  # keeps every tie at the boundary
        order = np.lexsort((cand, -scores[cand]))[:k]
        top = cand[order]
        return [(snap.ids[i], float(scores[i])) for i in top.tolist()]

    def _query_terms(self, query: str, snap: _Snapshot) -> list[int]:
        seen: dict[int, None] = {}  # distinct, in query order
        for tok in tokenize(query):
            t = self._term_id.get(tok)
            if t is not None and t < snap.n_terms:  # newer terms are not in this snapshot
                seen.setdefault(t)
        return list(seen)

    def phrase_frequency(self, phrase: str, k: int = 30) -> int:
        """How many of the chunks BM25 ranks first for ``phrase`` contain it as written (after
        :func:`normalize`), at most ``k``: 0 when the words occur only apart (「区役所」 is not 区 +
        役所 somewhere). Remembered per snapshot (an English question asks for dozens)."""
        target = normalize(phrase)
        if not target:
            return 0
        snap = self._snapshot()
        cache = snap.phrase_counts
        key = (target, k)
        if key not in cache:
            if len(cache) >= PHRASES_KEPT:
                cache.clear()
            stats = self.term_stats(phrase)
            if not stats or any(df == 0 for _, df in stats):
                cache[key] = 0  # a word of it is in no chunk: no search needed
            else:
                cache[key] = sum(target in snap.normalized_text(snap.row[doc_id])
                                 for doc_id, _ in self.search(phrase, k) if doc_id in snap.row)
        return cache[key]

    def term_stats(self, query: str) -> list[tuple[str, int]]:
        """The query's distinct content tokens with their document frequency (0 = absent)."""
        snap = self._snapshot()
        df = snap.df()
        out: list[tuple[str, int]] = []
        seen: set[str] = set()
        for tok in tokenize(query):
            if tok in seen:
                continue
            seen.add(tok)
            t = self._term_id.get(tok)
            out.append((tok, int(df[t]) if t is not None and t < len(df) else 0))
        return out

    # -- persistence -----------------------------------------------------------------

    def save(self) -> None:
        """Write the index atomically (temp file + fsync + os.replace). No-op in memory."""
        if self.directory is None:
            return
        with self._lock:
            snap = self._snapshot()
            terms = list(self._terms[: snap.n_terms])
        blob, offsets = snap.text_arrays()
        header = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "tokenizer": tokenizer_signature(),
            "ids": snap.ids,
            "terms": terms,
            "meta_keys": snap.meta_keys,
            "meta_values": snap.meta_values,
        }
        header_bytes = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        counts = snap.counts
        if counts.size == 0 or int(counts.max()) < 2**16:
            counts = counts.astype(np.uint16)
        arrays = {
            "header": np.frombuffer(header_bytes, dtype=np.uint8),
            "doc_indptr": snap.indptr,
            "term_ids": snap.term_ids,
            "term_counts": counts,
            "meta_codes": snap.meta_codes,
            "text_blob": blob,
            "text_offsets": offsets,
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{INDEX_FILE}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        try:
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(self.directory)
        self._stamp = self._file_stamp()

    def _load(self) -> None:
        path = self.path
        try:
            with np.load(path, allow_pickle=False) as z:
                header = json.loads(z["header"].tobytes().decode("utf-8"))
                if header.get("format") != FORMAT_NAME or header.get("version") != FORMAT_VERSION:
                    raise IndexMismatchError(
                        f"{path}: lexical index format {header.get('format')!r} "
                        f"v{header.get('version')!r} is not {FORMAT_NAME!r} v{FORMAT_VERSION}; "
                        "rebuild it with `python -m rag ingest --rebuild PATH…`"
                    )
                if header.get("tokenizer") != tokenizer_signature():
                    raise IndexMismatchError(
                        f"{path}: lexical index was built with tokenizer "
                        f"{header.get('tokenizer')!r}, this code uses {tokenizer_signature()!r}; "
                        "rebuild it with `python -m rag ingest --rebuild PATH…`"
                    )
                indptr = z["doc_indptr"].astype(np.int64, copy=False)
                term_ids = z["term_ids"].astype(np.int32, copy=False)
                counts = z["term_counts"].astype(np.int32)
                meta_codes = z["meta_codes"].astype(np.int32, copy=False)
                text_blob = z["text_blob"]
                text_offsets = z["text_offsets"].astype(np.int64, copy=False)
        except RagError:
            raise
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise RagError(
                f"{path}: lexical index cannot be read ({exc}); rebuild it with `python -m rag ingest --rebuild PATH…`"
            ) from exc
        ids, terms = header["ids"], header["terms"]
        n = len(ids)
        if not (len(indptr) == n + 1 and len(text_offsets) == n + 1
                and meta_codes.shape == (n, len(header["meta_keys"]))
                and len(term_ids) == len(counts) == int(indptr[-1])
                and (term_ids.size == 0 or int(term_ids.max()) < len(terms))):
            raise RagError(f"{path}: lexical index is inconsistent; rebuild it with `python -m rag ingest --rebuild PATH…`")
        self._terms = list(terms)
        self._term_id = {t: i for i, t in enumerate(self._terms)}
        self._snap = _Snapshot(
            list(ids), indptr, term_ids, counts, len(self._terms),
            list(header["meta_keys"]), header["meta_values"], meta_codes,
            text_blob=text_blob, text_offsets=text_offsets,
        )
        self._docs = None  # materialised from the snapshot on the first change


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (POSIX); harmless to skip where unsupported."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
