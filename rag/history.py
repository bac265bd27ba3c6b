"""Conversations, their turns and the feedback on them, in a real database (SQLAlchemy 2.x).

Session state dies with a reload; a database does not, so the chat page writes every
answered turn here the moment it is answered (exports never lag a turn behind) and
restores a conversation from its id in the URL. Feedback (👍/👎 + comment) is kept with
the turn it judges and the index version that produced the answer, so ``rag.feedback``
can turn it into eval lines. SQLite under ``RAG_DATA_DIR`` by default; ``RAG_DATABASE_URL``
points a team at PostgreSQL (``postgresql+psycopg://…``).

A turn's answer is stored as the ``ask --json`` object (``rag.service.answer_to_dict``)
plus what the page needs to draw it again (the searched query, the follow-up note, the
filters and the source cards with their highlighted context), so a restored turn renders
exactly as it did live, even after the minutes were re-indexed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
import uuid
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Iterator

import sqlalchemy as sa

from .errors import RagError

if TYPE_CHECKING:
    from .domain import Answer, Chunk
    from .index import MinutesIndex
    from .presentation import Exchange

DEFAULT_TITLE = "新しい会話"
TITLE_MAX = 60  # characters of a conversation's title (a first question is cut to this)
FORMAT = 1  # version of the stored answer_json layout


class _Text(sa.TypeDecorator):
    """Text that every backend takes alike. PostgreSQL refuses NUL characters in text, which SQLite
    stores: they are dropped, in values written and looked up alike (a pasted NUL, an edited ``?c=``).
    With ``clip``, a value longer than the column (PostgreSQL refuses it, SQLite ignores the length)
    is cut to fit, ending in a digest of the whole so that distinct values stay distinct."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, length: int | None = None, clip: bool = False):
        super().__init__()
        self.max_length, self.clip = length, clip

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:  # the same DDL as String(n) / Text
        return dialect.type_descriptor(sa.String(self.max_length) if self.max_length else sa.Text())

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        value = value.replace("\x00", "")
        if self.clip and self.max_length and len(value) > self.max_length:
            value = value[: self.max_length - 17] + "~" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
        return value


metadata = sa.MetaData()
conversations = sa.Table(
    "conversations", metadata,
    sa.Column("id", _Text(32), primary_key=True),
    sa.Column("title", _Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)
turns = sa.Table(
    "turns", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", _Text(32), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("n", sa.Integer, nullable=False),  # 1-based position in its conversation
    sa.Column("question", _Text, nullable=False),  # as the user typed it
    sa.Column("rewritten_query", _Text),  # what was searched, when a follow-up was rewritten; else NULL
    sa.Column("answer_json", _Text, nullable=False),
    sa.Column("index_version", _Text(200, clip=True)),  # the index that answered (see index_version())
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("conversation_id", "n"),
)
feedback = sa.Table(
    "feedback", metadata,
    sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("score", sa.SmallInteger, sa.CheckConstraint("score IN (-1, 1)"), nullable=False),
    sa.Column("comment", _Text, nullable=False),
    sa.Column("index_version", _Text(200, clip=True)),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)


class HistoryUnavailableError(RagError):
    """The conversations database cannot be opened or written (bad URL, server down, driver missing)."""


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created: dt.datetime
    updated: dt.datetime
    turns: int = 0


@dataclass(frozen=True)
class Feedback:
    turn_id: int
    score: int  # +1 👍, -1 👎
    comment: str
    index_version: str | None
    created: dt.datetime


@dataclass(frozen=True)
class Turn:
    """One stored question and answer, ready to render (``exchange``)."""

    id: int | None  # None only for a turn that could not be saved
    conversation_id: str | None
    n: int
    exchange: "Exchange"
    index_version: str | None
    created: dt.datetime
    feedback: Feedback | None = None

    @property
    def question(self) -> str:
        return self.exchange.question


@dataclass(frozen=True)
class FeedbackRow:
    """A judged turn, as ``rag feedback export`` needs it (the stored answer dict, not objects)."""

    turn_id: int
    conversation_id: str
    n: int
    question: str
    rewritten_query: str | None
    answer: dict
    score: int
    comment: str
    index_version: str | None
    created: dt.datetime  # when the feedback was given

    @property
    def query(self) -> str:
        """What was searched: the self-contained question (a follow-up alone may not be)."""
        return self.rewritten_query or self.question


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp in UTC. SQLite hands them back without their zone (they were written in UTC);
    PostgreSQL in the session's time zone (the server's ``timezone``, e.g. Asia/Tokyo)."""
    return value.astimezone(dt.timezone.utc) if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def title_from(question: str) -> str:
    """A conversation's title from its first question: one line, at most TITLE_MAX characters."""
    text = " ".join(question.replace("\x00", "").split())
    return (text[: TITLE_MAX - 1] + "…" if len(text) > TITLE_MAX else text) or DEFAULT_TITLE


# ------------------------------------------------------------------ the store

_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given (it is the user's own setting)
        return url


def _connect(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise HistoryUnavailableError(f"RAG_DATABASE_URL={url!r} is not a database URL "
                                      "(e.g. sqlite:///path/conversations.sqlite or postgresql+psycopg://…)") from None
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise HistoryUnavailableError(f"{_safe_url(url)}: no driver for this database ({exc}); "
                                      "for PostgreSQL install psycopg (pip install 'minutes-rag[postgres]')") from None
    if parsed.get_backend_name() == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record) -> None:  # SQLite enforces ON DELETE CASCADE only when asked
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
    try:
        metadata.create_all(engine)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise HistoryUnavailableError(f"cannot open the conversations database {_safe_url(url)}: {exc.orig}") from None
    return engine


def _engine(url: str) -> sa.Engine:
    """One engine (and connection pool) per database URL per process."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = _connect(url)
        return _engines[url]


@dataclass(frozen=True)
class ConversationStore:
    """Conversations, turns and feedback in the database at ``url`` (tables made on first open)."""

    url: str

    @classmethod
    def open(cls, url: str) -> "ConversationStore":
        _engine(url)
        return cls(url)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        try:
            with _engine(self.url).begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise HistoryUnavailableError(f"conversations database {_safe_url(self.url)}: {exc.orig}") from None

    # ------------------------------------------------------------ conversations

    def create(self, title: str = DEFAULT_TITLE) -> Conversation:
        stamp = now()
        conv = Conversation(uuid.uuid4().hex, title_from(title), stamp, stamp)
        with self._tx() as db:
            db.execute(conversations.insert().values(id=conv.id, title=conv.title, created=stamp, updated=stamp))
        return conv

    def get(self, conversation_id: str) -> Conversation | None:
        found = self.list(ids=(conversation_id,))
        return found[0] if found else None

    def list(self, limit: int | None = None, ids: tuple[str, ...] | None = None) -> list[Conversation]:
        """Conversations, the most recently used first, with their number of turns."""
        count = (sa.select(sa.func.count()).select_from(turns)
                 .where(turns.c.conversation_id == conversations.c.id).scalar_subquery())
        query = sa.select(conversations, count.label("n_turns")).order_by(
            conversations.c.updated.desc(), conversations.c.created.desc())
        if ids is not None:
            query = query.where(conversations.c.id.in_(ids))
        if limit:
            query = query.limit(limit)
        with self._tx() as db:
            rows = db.execute(query).all()
        return [Conversation(r.id, r.title, _utc(r.created), _utc(r.updated), r.n_turns) for r in rows]

    def rename(self, conversation_id: str, title: str) -> bool:
        """False when there is no such conversation; an empty title is refused."""
        title = " ".join(title.split())[:TITLE_MAX]
        if not title:
            raise ValueError("a conversation needs a title")
        with self._tx() as db:
            done = db.execute(conversations.update().where(conversations.c.id == conversation_id)
                              .values(title=title, updated=now()))
        return done.rowcount > 0

    def delete(self, conversation_id: str) -> bool:
        """Delete a conversation with its turns and their feedback."""
        with self._tx() as db:
            turn_ids = sa.select(turns.c.id).where(turns.c.conversation_id == conversation_id)
            db.execute(feedback.delete().where(feedback.c.turn_id.in_(turn_ids)))
            db.execute(turns.delete().where(turns.c.conversation_id == conversation_id))
            done = db.execute(conversations.delete().where(conversations.c.id == conversation_id))
        return done.rowcount > 0

    # ------------------------------------------------------------ turns

    def append_turn(self, conversation_id: str, exchange: "Exchange", index_version: str | None = None) -> Turn:
        """Store an answered turn as the conversation's last. ``LookupError`` if the conversation is gone
        (deleted in another tab); the first turn of a 「新しい会話」 names it after its question."""
        payload = json.dumps(exchange_to_dict(exchange), ensure_ascii=False)
        rewritten = exchange.query if exchange.query != exchange.question else None
        for attempt in range(3):  # two tabs appending at once: the loser takes the next number
            stamp = now()
            try:
                with self._tx() as db:
                    # a server (PostgreSQL) runs writers at once: lock the conversation, then count its
                    # turns in a statement of its own (it sees what the previous holder committed)
                    title = db.execute(sa.select(conversations.c.title).where(conversations.c.id == conversation_id)
                                       .with_for_update()).scalar()
                    if title is None:
                        raise LookupError(f"no conversation {conversation_id!r}")
                    n = db.execute(sa.select(sa.func.count()).select_from(turns)
                                   .where(turns.c.conversation_id == conversation_id)).scalar_one() + 1
                    turn_id = db.execute(turns.insert().values(
                        conversation_id=conversation_id, n=n, question=exchange.question, rewritten_query=rewritten,
                        answer_json=payload, index_version=index_version, created=stamp,
                    )).inserted_primary_key[0]
                    values: dict[str, Any] = {"updated": stamp}
                    if n == 1 and title == DEFAULT_TITLE:
                        values["title"] = title_from(exchange.question)
                    db.execute(conversations.update().where(conversations.c.id == conversation_id).values(**values))
                return Turn(int(turn_id), conversation_id, n, exchange, index_version, stamp)
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def turns(self, conversation_id: str) -> list[Turn]:
        """The conversation's turns in order, each with its feedback (if any)."""
        query = (sa.select(turns, feedback.c.score, feedback.c.comment, feedback.c.index_version.label("fb_version"),
                           feedback.c.created.label("fb_created"))
                 .select_from(turns.outerjoin(feedback, feedback.c.turn_id == turns.c.id))
                 .where(turns.c.conversation_id == conversation_id).order_by(turns.c.n))
        with self._tx() as db:
            rows = db.execute(query).all()
        out = []
        for r in rows:
            fb = Feedback(r.id, r.score, r.comment, r.fb_version, _utc(r.fb_created)) if r.score is not None else None
            exchange = exchange_from_dict(json.loads(r.answer_json))
            out.append(Turn(r.id, r.conversation_id, r.n, exchange, r.index_version, _utc(r.created), fb))
        return out

    # ------------------------------------------------------------ feedback

    def set_feedback(self, turn_id: int, score: int | None, comment: str = "", index_version: str | None = None) -> None:
        """Record 👍 (+1) or 👎 (-1) with an optional comment; ``None`` takes the judgement back.
        ``index_version`` defaults to the version of the index that answered the turn."""
        if score not in (1, -1, None):
            raise ValueError(f"score must be +1, -1 or None, not {score!r}")
        comment = comment.strip()
        with self._tx() as db:
            if score is None:
                db.execute(feedback.delete().where(feedback.c.turn_id == turn_id))
                return
            if index_version is None:
                index_version = db.execute(sa.select(turns.c.index_version).where(turns.c.id == turn_id)).scalar()
            values = {"score": score, "comment": comment, "index_version": index_version, "created": now()}
            if db.execute(feedback.update().where(feedback.c.turn_id == turn_id).values(**values)).rowcount == 0:
                db.execute(feedback.insert().values(turn_id=turn_id, **values))

    def feedback_rows(self) -> list[FeedbackRow]:
        """Every judged turn, oldest judgement first."""
        query = (sa.select(turns.c.id, turns.c.conversation_id, turns.c.n, turns.c.question, turns.c.rewritten_query,
                           turns.c.answer_json, feedback.c.score, feedback.c.comment, feedback.c.index_version,
                           feedback.c.created)
                 .select_from(feedback.join(turns, feedback.c.turn_id == turns.c.id))
                 .order_by(feedback.c.created, turns.c.id))
        with self._tx() as db:
            rows = db.execute(query).all()
        return [FeedbackRow(r.id, r.conversation_id, r.n, r.question, r.rewritten_query, json.loads(r.answer_json),
                            r.score, r.comment, r.index_version, _utc(r.created)) for r in rows]


# ------------------------------------------------------------------ the index version


def index_version(index: "MinutesIndex") -> str:
    """What identifies the index an answer came from: the indexed meetings (ids and content
    hashes, as the catalog lists them) and the embedding model."""
    entries = index.catalog()
    digest = hashlib.sha256(
        "\n".join(sorted(f"{e.meeting_id}:{e.content_hash}" for e in entries)).encode("utf-8")
    ).hexdigest()[:16]
    return f"meetings={len(entries)};digest={digest};model={index.embeddings.model_id}"


# ------------------------------------------------------------------ exchanges as JSON


def exchange_to_dict(ex: "Exchange") -> dict:
    """The ``ask --json`` object of the answer, plus what it takes to draw the turn again."""
    from .service import answer_to_dict

    answer = ex.answer
    data = answer_to_dict(answer)
    for out, citation in zip(data["citations"], answer.citations):
        out["chunk"] = asdict(citation.chunk)  # the whole chunk the cited span was cut from
    for out, hit in zip(data["contexts"], answer.contexts):
        out.update(meeting_id=hit.chunk.meeting_id, kind=hit.chunk.kind, agenda_item=hit.chunk.agenda_item)
    data["format"] = FORMAT
    data["answer_meta"] = {
        "searched_meetings": list(answer.searched_meetings), "writer": answer.writer, "fallback": answer.fallback,
        "removed": [asdict(r) for r in answer.removed],
    }
    data["exchange"] = {
        "question": ex.question, "query": ex.query, "note": ex.note, "filters_text": ex.filters_text,
        "filters": asdict(ex.filters) if ex.filters is not None else None,
        "sources": [asdict(s) for s in ex.sources],
    }
    return data


def _chunk(d: dict) -> "Chunk":
    from .domain import Chunk

    defaults: dict[str, Any] = {"chunk_id": "", "text": "", "source": "", "start": 0, "end": 0, "meeting_id": "",
                                "meeting": "", "date": "", "section": "", "kind": ""}
    return Chunk(**{f.name: d.get(f.name, defaults.get(f.name)) for f in fields(Chunk)})


def answer_from_dict(data: dict) -> "Answer":
    """An ``Answer`` back from ``exchange_to_dict`` (or a plain ``ask --json`` object)."""
    from .domain import Answer, Citation, Hit, Removed

    citations = tuple(
        Citation(int(c["n"]), _chunk(c.get("chunk") or c), c["text"], int(c["start"]), int(c["end"]))
        for c in data.get("citations", ())
    )
    contexts = tuple(Hit(_chunk(c), float(c.get("score", 0.0))) for c in data.get("contexts", ()))
    abstention = data.get("abstention")
    meta = data.get("answer_meta") or {}
    return Answer(
        question=data["question"], text=data["answer"], abstained=bool(data["abstained"]),
        citations=citations, contexts=contexts,
        abstention=(abstention["code"], abstention["detail"]) if abstention else None,
        searched_meetings=tuple(meta.get("searched_meetings", ())), writer=meta.get("writer", "extractive"),
        removed=tuple(Removed(**r) for r in meta.get("removed", ())), fallback=bool(meta.get("fallback", False)),
    )


def exchange_from_dict(data: dict) -> "Exchange":
    """The ``Exchange`` a live turn had, from ``exchange_to_dict``: it renders and exports the same."""
    from .domain import Filters
    from .presentation import Exchange, SourceView

    ex = data.get("exchange") or {}
    filters = ex.get("filters")
    return Exchange(
        question=ex.get("question", data["question"]),
        query=ex.get("query", data["question"]),
        answer=answer_from_dict(data),
        sources=[SourceView(**s) for s in ex.get("sources", ())],
        filters=Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in filters.items()}) if filters else None,
        filters_text=ex.get("filters_text", ""),
        note=ex.get("note", ""),
    )
