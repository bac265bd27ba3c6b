"""The vector store: Chroma, embedded (persistent, on disk) or a ``chroma run`` server.

A thin adapter over ``langchain_chroma.Chroma``: the LangChain object is
exposed as ``.vectorstore`` for chains, while ingest and query talk to its
collection with embeddings we compute ourselves, so Chroma never embeds
anything and can never fall back to its own (downloading) default model.
The collection records the embedding model that built it; opening it with
another model is an ``IndexMismatchError``.
"""
from __future__ import annotations

import contextlib
import os
import time
from typing import Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np

from .config import Settings
from .domain import Chunk, Filters
from .embeddings import MinutesEmbeddings
from .errors import IndexMismatchError, StoreUnavailableError

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

UPSERT_BATCH = 1000
OPEN_LOCK_WAIT_S = 30.0  # how long opening the embedded store waits out another process's start-up lock
# A filtered search whose filter lets at most this many chunks through scores them
# exactly (their vectors fetched by id, ~30 µs each here; text only for the k kept): HNSW
# search under a very selective filter walks much of the graph (~50-70 ms for one meeting's
# 34 chunks at 10^5 chunks) and is approximate — two builds of the same corpus returned
# different chunks for a question about one 500-chunk meeting. A long plenary stays exact.
EXACT_SEARCH_MAX = 2000


class VectorStore(Protocol):
    """What the pipeline needs of a vector store (Chroma here; an in-memory fake in tests)."""

    model_id: str

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, texts: Sequence[str] | None = None) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def ids_for_source(self, source: str) -> list[str]: ...

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]: ...

    def count(self) -> int: ...

    def all_ids(self) -> list[str]: ...


def chroma_where(filters: Filters | None) -> dict | None:
    """Translate ``Filters`` into a Chroma ``where`` clause (None when unfiltered)."""
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict] = []
    for key, values in (
        ("source", filters.sources),
        ("meeting_id", filters.meeting_ids),
        ("section", filters.sections),
        ("organisation", filters.organisations),
        ("speaker", filters.speakers),  # exact here; the id path (Filters.matches) also folds spaces
        ("role", filters.roles),
    ):
        if values:
            clauses.append({key: {"$in": list(values)}})
    if filters.date_from:
        clauses.append({"date_int": {"$gte": int(filters.date_from.replace("-", ""))}})
    if filters.date_to:
        clauses.append({"date_int": {"$lte": int(filters.date_to.replace("-", ""))}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _unit_rows(embeddings, n: int) -> np.ndarray:
    """Chroma's embeddings as an (n, dim) float32 matrix of unit rows (an empty one for n = 0)."""
    matrix = np.asarray(embeddings, dtype=np.float32).reshape(n, -1) if n else np.zeros((0, 1), dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def make_client(settings: Settings):
    """An embedded persistent client, or an HTTP client when CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.uses_server:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises a variety of connection errors
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                f"({type(exc).__name__}: {exc}). Start it with `chroma run --path DIR --host "
                f"{settings.chroma_host} --port {settings.chroma_port}` or unset CHROMA_HOST "
                "to use the embedded store. Nothing was changed."
            ) from None
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    # Two processes opening the same folder at once (two ingests, an ingest beside the app) both run
    # Chroma's start-up: on a new folder both create its tables and one fails ("table collections
    # already exists"); on an existing one they can meet SQLite's lock. Open one process at a time
    # (a file lock beside the store, held only while opening), and wait out SQLite's lock as well.
    from filelock import FileLock, Timeout

    opening = FileLock(str(settings.chroma_dir.with_name(settings.chroma_dir.name + ".open.lock")))
    busy = StoreUnavailableError(
        f"the index at {settings.chroma_dir} stayed locked by another process for "
        f"{OPEN_LOCK_WAIT_S:.0f} s; try again when it has finished")
    started = time.monotonic()
    try:
        opening.acquire(timeout=OPEN_LOCK_WAIT_S)
    except Timeout:
        raise busy from None
    try:
        delay = 0.05
        while True:
            try:
                return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
            except Exception as exc:  # chromadb.errors.InternalError("... database is locked")
                if "database is locked" not in str(exc):
                    raise
                if time.monotonic() - started >= OPEN_LOCK_WAIT_S:
                    raise busy from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
    finally:
        opening.release()


def _guard_embedding_function(embeddings: MinutesEmbeddings):
    """A Chroma embedding function that is our own model.

    langchain-chroma opens the collection with ``embedding_function=None``, and
    Chroma then falls back to the schema's default model — which it downloads —
    for any call that passes text without vectors. Installing this adapter on
    the collection makes such a call use the configured model instead.
    """
    from chromadb.api.types import EmbeddingFunction

    class MinutesEmbeddingFunction(EmbeddingFunction):
        def __init__(self) -> None:
            self.embeddings = embeddings

        def __call__(self, input):  # noqa: A002 - Chroma's parameter name
            return list(self.embeddings.embed_documents_array(list(input)))

        def embed_query(self, input):  # noqa: A002
            return [self.embeddings.embed_query_array(q) for q in input]

        @staticmethod
        def name() -> str:
            return "minutes-rag"

        def get_config(self) -> dict:
            return {"model_id": self.embeddings.model_id}

        @staticmethod
        def build_from_config(config: dict):
            raise NotImplementedError("built in-process only")

    return MinutesEmbeddingFunction()


def _is_connection_error(exc: BaseException) -> bool:
    """A failure to talk to the server (refused, reset, timed out), not a bad request."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    try:
        import httpx
    except ImportError:  # pragma: no cover - chromadb depends on httpx
        return False
    return isinstance(exc, httpx.TransportError)


class ChromaStore:
    """Chunks and their vectors in one Chroma collection (cosine space).

    In server mode a lost connection during any call becomes a
    ``StoreUnavailableError`` naming host:port (the CLI prints it and exits 2)
    instead of a traceback; ingest writes are ordered so that nothing already
    indexed is lost, and re-running the command completes the work.
    """

    def __init__(self, settings: Settings, embeddings: MinutesEmbeddings, client=None) -> None:
        self.settings = settings
        self.model_id = embeddings.model_id
        # Optional: Filters -> ids of the chunks it lets through, from a local index
        # holding the same metadata (MinutesIndex wires in the BM25 index's). With it,
        # filtered searches pass ids instead of a ``where`` clause, which Chroma's
        # metadata filtering makes slow at scale (50-300 ms at 10^5 chunks).
        self.allowed_ids: Callable[[Filters], list[str]] | None = None
        self.exact_search_max = EXACT_SEARCH_MAX
        self._embeddings = embeddings
        self._open(client if client is not None else make_client(settings))

    def _open(self, client) -> None:
        from langchain_chroma import Chroma

        settings, embeddings = self.settings, self._embeddings
        self.client = client
        with self._reachable("opening the collection"):
            self.vectorstore = Chroma(
                collection_name=settings.collection,
                embedding_function=embeddings,
                client=self.client,
                collection_metadata={"hnsw:space": "cosine", "embedding_model": self.model_id},
            )
        self.collection = self.vectorstore._collection
        self.collection._embedding_function = _guard_embedding_function(embeddings)
        # every id and vector, for exact search (None: not read yet; False: too many to hold)
        self._vectors: tuple[list[str], np.ndarray] | bool | None = None
        built_with = (self.collection.metadata or {}).get("embedding_model")
        if built_with and built_with != self.model_id:
            raise IndexMismatchError(
                f"the index in collection {settings.collection!r} was built with embedding model "
                f"{built_with!r}, but {self.model_id!r} is configured. Re-ingest with "
                f"`python -m rag ingest --rebuild`, or set RAG_EMBEDDING_BACKEND/RAG_EMBEDDING_MODEL "
                "back to the model that built it."
            )

    def reopen(self) -> None:
        """Open the collection afresh to see another process's writes. An embedded client keeps
        its vector index in memory and never reads what another process added (a CLI ingest
        while the app runs: its dense search would miss those chunks); Chroma shares one client
        per path within a process, so that shared one is dropped first. A server needs nothing."""
        if self.settings.uses_server:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = SharedSystemClient._get_identifier_from_settings(self.client.get_settings())
        SharedSystemClient._identifier_to_system.pop(identifier, None)  # others holding it keep working
        self._open(make_client(self.settings))

    @contextlib.contextmanager
    def _reachable(self, doing: str) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            if not (self.settings.uses_server and _is_connection_error(exc)):
                raise
            raise StoreUnavailableError(
                f"lost the Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} while "
                f"{doing} ({type(exc).__name__}: {exc}). Everything already indexed is kept; "
                "run the command again once the server is back."
            ) from None

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, texts: Sequence[str] | None = None) -> None:
        self._vectors = None
        with self._reachable("writing chunks"):
            for i in range(0, len(chunks), UPSERT_BATCH):
                batch = chunks[i : i + UPSERT_BATCH]
                self.collection.upsert(
                    ids=[c.chunk_id for c in batch],
                    embeddings=np.asarray(vectors[i : i + UPSERT_BATCH], dtype=np.float32),
                    documents=[c.text for c in batch],
                    metadatas=[c.metadata() for c in batch],
                )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._vectors = None
        with self._reachable("deleting chunks"):
            for i in range(0, len(ids), UPSERT_BATCH):
                self.collection.delete(ids=ids[i : i + UPSERT_BATCH])

    def ids_for_source(self, source: str) -> list[str]:
        with self._reachable("listing a source's chunks"):
            return list(self.collection.get(where={"source": source}, include=[])["ids"])

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        vector = np.asarray(vector, dtype=np.float32)
        where = chroma_where(filters)
        with self._reachable("searching"):
            if where is not None and self.allowed_ids is not None:
                found = self._query_allowed(vector, k, self.allowed_ids(filters))
                if found is not None:
                    return found
            if where is None:
                found = self._query_exact(vector, k)
                if found is not None:
                    return found
            # No count() first: it costs a round trip (~7 ms at 10^5 chunks), and
            # Chroma returns fewer results when it holds fewer than k.
            res = self.collection.query(
                query_embeddings=[vector],
                n_results=max(1, k),
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        found = [
            (Chunk.from_metadata(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])
        ]
        # equal cosines (a chair's 「福祉部長。」 said fourteen times) come back in no fixed order: by id
        return sorted(found, key=lambda x: (-x[1], x[0].chunk_id))[:k]

    def _query_exact(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]] | None:
        """Every vector scored, in an embedded store of at most ``exact_search_max`` chunks (kept in
        memory until the next write or reopen); None otherwise. The approximate index returned a
        different top 30 for the same English question from one run of the dev sets to the next
        (the best chunk, at cosine 0.818, missing in two of three): exact search answers alike."""
        if self.settings.uses_server:
            return None  # another client may write at any time: nothing says when a copy is stale
        if self._vectors is None:
            # one page of at most exact_search_max + 1 ids tells whether the store is small enough
            # (no count(): a round trip that the query path of a large store must not pay)
            ids = list(self.collection.get(include=[], limit=self.exact_search_max + 1)["ids"])
            if len(ids) > self.exact_search_max:
                self._vectors = False  # too many: the approximate index, until the next write or reopen
                return None
            got = self.collection.get(ids=ids, include=["embeddings"]) if ids else {"ids": [], "embeddings": []}
            self._vectors = (list(got["ids"]), _unit_rows(got["embeddings"], len(got["ids"])))
        if self._vectors is False:
            return None
        return self._best_of(*self._vectors, vector, k)

    def _best_of(self, ids: list[str], matrix: np.ndarray, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` of ``ids`` (rows of unit ``matrix``) closest to ``vector``, best first and equal
        cosines by id, read back as chunks (text only for the k kept)."""
        if not ids or k <= 0:
            return []
        sims = matrix @ (vector / max(float(np.linalg.norm(vector)), 1e-12))  # cosine: our space is cosine
        order = [int(i) for i in np.lexsort((np.asarray(ids), -sims))[:k]]
        best = [ids[i] for i in order]
        rows = self.collection.get(ids=best, include=["documents", "metadatas"])
        by_id = {cid: (doc, meta) for cid, doc, meta in zip(rows["ids"], rows["documents"], rows["metadatas"])}
        return [(Chunk.from_metadata(cid, *by_id[cid]), float(sims[i])) for cid, i in zip(best, order) if cid in by_id]

    def _query_allowed(self, vector: np.ndarray, k: int, allowed: list[str]) -> list[tuple[Chunk, float]] | None:
        """Search only ``allowed`` ids; None when Chroma does not know some of them (use ``where``)."""
        if not allowed or k <= 0:
            return []
        if len(allowed) <= self.exact_search_max:
            got = self.collection.get(ids=list(allowed), include=["embeddings"])
            if len(got["ids"]) != len(set(allowed)):
                return None
            return self._best_of(list(got["ids"]), _unit_rows(got["embeddings"], len(got["ids"])), vector, k)
        try:
            res = self.collection.query(
                query_embeddings=[vector],
                ids=list(allowed),
                n_results=k,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            if _is_connection_error(exc):
                raise
            return None  # e.g. an id the local index has and Chroma has not
        return [
            (Chunk.from_metadata(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])
        ]

    def count(self) -> int:
        with self._reachable("counting chunks"):
            return self.collection.count()

    def all_ids(self) -> list[str]:
        """Every chunk id (paged: Chroma caps one get)."""
        ids: list[str] = []
        with self._reachable("listing chunks"):
            while True:
                page = self.collection.get(include=[], limit=UPSERT_BATCH, offset=len(ids))["ids"]
                ids += page
                if len(page) < UPSERT_BATCH:
                    return ids

    def reset(self) -> None:
        """Drop the collection (for --rebuild); the next store opened recreates it."""
        self._vectors = None
        self.client.delete_collection(self.settings.collection)


class MemoryStore:
    """A deterministic in-memory vector store with the same contract, for fast tests."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, texts: Sequence[str] | None = None) -> None:
        for chunk, vec in zip(chunks, vectors):
            self._chunks[chunk.chunk_id] = chunk
            self._vectors[chunk.chunk_id] = np.asarray(vec, dtype=np.float32)

    def delete(self, ids: Iterable[str]) -> None:
        for cid in ids:
            self._chunks.pop(cid, None)
            self._vectors.pop(cid, None)

    def ids_for_source(self, source: str) -> list[str]:
        return [cid for cid, c in self._chunks.items() if c.source == source]

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        scored = [
            (c, float(np.dot(self._vectors[cid], vector)))
            for cid, c in self._chunks.items()
            if filters is None or filters.matches(c.metadata())
        ]
        scored.sort(key=lambda x: (-x[1], x[0].chunk_id))
        return scored[:k]

    def count(self) -> int:
        return len(self._chunks)

    def all_ids(self) -> list[str]:
        return list(self._chunks)
