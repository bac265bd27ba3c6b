"""Plain, frozen domain records shared by every stage of the pipeline.

Every record that shows text to a user carries ``start``/``end`` offsets into
the decoded source text, and ``source_text[start:end] == text`` holds exactly.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A verbatim piece of a source file."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Attendee:
    name: str
    title: str  # title/affiliation exactly as the minutes state it
    span: Span
    group: str = "member"  # "member" (構成員) or "other" (上記のほか出席)
    proxy_for: str | None = None  # set on a 代理出席 proxy: the member they stand in for
    represented_by: str | None = None  # set on a member: the proxy who attended instead


@dataclass(frozen=True)
class AgendaItem:
    number: str  # "(1)" as written, normalised to ASCII digits: "1"
    title: str
    span: Span


@dataclass(frozen=True)
class Remark:
    """One 発言: a "- " paragraph plus any continuation paragraphs after a page break."""

    number: int  # 1-based, in order of appearance within the meeting
    text: str  # verbatim, may contain the blank lines of a page break
    start: int
    end: int
    section: str  # heading under which it appears, e.g. "出席者意見開陳"
    organisation: str | None = None  # only when the remark names it (「防衛省としては」)
    agenda_ref: str | None = None  # e.g. "(1)~(7)" from 「上記(1)～(7)について…意見が述べられた」
    speaker: str | None = None  # as the minutes (or the source's speaker field) give it; never guessed
    role: str | None = None  # 「議長」「国務大臣」「１０番」 as printed
    page: int | None = None  # page of the remark's start, where the source has pages


@dataclass(frozen=True)
class Decision:
    text: str
    start: int
    end: int
    section: str  # e.g. "政策会議決定"


@dataclass(frozen=True)
class Meeting:
    """One meeting's parsed record (a file may hold several meetings)."""

    meeting_id: str
    source: str  # file name under corpus/, or the path given to ingest
    title: str  # the title lines, whitespace-folded
    body: str  # e.g. "高度情報通信ネットワーク社会推進戦略本部"
    name: str  # e.g. "情報セキュリティ政策会議"
    number: int | None  # 第14回 -> 14
    kind: str  # e.g. "議事要旨", "会議録"
    date: str | None  # ISO "2007-10-03"; None only when the minutes state no date
    date_original: str | None  # as written: "平成19年10月3日(水)"
    time: str | None  # "17:20~18:20" as written
    place: str | None
    attendees: tuple[Attendee, ...]
    agenda: tuple[AgendaItem, ...]
    secretariat: Span | None  # 事務局より…説明が行われた
    remarks: tuple[Remark, ...]
    decisions: tuple[Decision, ...]
    title_span: Span
    date_span: Span | None
    place_span: Span | None
    attendees_span: Span | None
    agenda_span: Span | None
    content_hash: str  # sha256 of the stored text
    layout: str = "numbered-summary"  # which parser read it: numbered-summary, transcript, summary, generic
    file_type: str = "text"  # text, pdf, html, json, ndl-xml, ndl-json, tei
    number_unit: str = "回"  # 第N回 / 第N号 / 第N日
    display_name: str = ""  # the label users see; empty = derived from name and number
    warnings: tuple[str, ...] = ()  # what the parser looked for and did not find
    pages: tuple[tuple[int, int], ...] = ()  # (offset, page number) where pages begin
    url: str | None = None  # where a structured source says the minutes are published
    ordinal: int = 0  # position of this meeting in its file
    # where the meeting lies in the stored text, when that text holds several meetings (None: all of it)
    extent: tuple[int, int] | None = None
    # the clock line where the sitting ended (「午後１時４８分散会」), wherever the minutes print it
    closing_span: Span | None = None

    @property
    def label(self) -> str:
        """Human label: 「情報セキュリティ政策会議 第14回会合」「参議院 本会議 第9号」."""
        if self.display_name:
            return self.display_name
        return f"{self.name} 第{self.number}回会合" if self.number is not None else self.name

    def page_at(self, offset: int) -> int | None:
        from .readers.base import page_at

        return page_at(self.pages, offset)

    def speakers(self) -> list[tuple[str, str | None, int]]:
        """(speaker, role, remarks) in order of first appearance; the role is the first one printed."""
        seen: dict[str, list] = {}
        for r in self.remarks:
            if r.speaker:
                entry = seen.setdefault(r.speaker, [r.speaker, r.role, 0])
                entry[2] += 1
        return [tuple(v) for v in seen.values()]  # type: ignore[misc]


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded and indexed. ``text`` is verbatim source text."""

    chunk_id: str
    text: str
    source: str
    start: int
    end: int
    meeting_id: str
    meeting: str  # Meeting.label
    date: str  # ISO
    section: str
    kind: str  # "header" | "agenda" | "remark" | "decision"
    agenda_item: str | None = None
    remark_no: int | None = None
    organisation: str | None = None
    speaker: str | None = None
    role: str | None = None
    page: int | None = None

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for stores (Chroma rejects None values)."""
        meta: dict[str, str | int] = {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "meeting_id": self.meeting_id,
            "meeting": self.meeting,
            "date": self.date,
            "date_int": int(self.date.replace("-", "")) if self.date else 0,
            "section": self.section,
            "kind": self.kind,
        }
        for key in ("speaker", "role", "page"):
            value = getattr(self, key)
            if value is not None:
                meta[key] = value
        if self.agenda_item is not None:
            meta["agenda_item"] = self.agenda_item
        if self.remark_no is not None:
            meta["remark_no"] = self.remark_no
        if self.organisation is not None:
            meta["organisation"] = self.organisation
        return meta

    def to_dict(self) -> dict:
        """The chunk as the JSON outputs show it (``ask --json`` contexts and citations)."""
        return {
            "chunk_id": self.chunk_id,
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "meeting": self.meeting,
            "date": self.date,
            "section": self.section,
            "remark_no": self.remark_no,
            "organisation": self.organisation,
            "speaker": self.speaker,
            "role": self.role,
            "page": self.page,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> "Chunk":
        return cls(
            chunk_id=chunk_id,
            text=text,
            source=str(meta["source"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            meeting_id=str(meta["meeting_id"]),
            meeting=str(meta["meeting"]),
            date=str(meta["date"]),
            section=str(meta["section"]),
            kind=str(meta["kind"]),
            agenda_item=meta.get("agenda_item"),
            remark_no=int(meta["remark_no"]) if meta.get("remark_no") is not None else None,
            organisation=meta.get("organisation"),
            speaker=meta.get("speaker"),
            role=meta.get("role"),
            page=int(meta["page"]) if meta.get("page") is not None else None,
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score (hybrid: the reranker's probability; one retriever: its fused
    rank score) and per-retriever ranks (1-based, None if absent)."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: Chunk
    text: str  # verbatim: source_text[start:end] == text
    start: int
    end: int

    def to_dict(self) -> dict:
        """The ``ask --json`` citation: the chunk's fields, narrowed to the cited span."""
        return {"n": self.n, **self.chunk.to_dict(), "text": self.text, "start": self.start, "end": self.end}

    # where the span stands, read from its chunk (answers, briefings, cards and evals share this type)
    meeting_id = property(lambda self: self.chunk.meeting_id)
    meeting = property(lambda self: self.chunk.meeting)
    date = property(lambda self: self.chunk.date)
    source = property(lambda self: self.chunk.source)
    section = property(lambda self: self.chunk.section)
    kind = property(lambda self: self.chunk.kind)
    remark_no = property(lambda self: self.chunk.remark_no)
    organisation = property(lambda self: self.chunk.organisation)


@dataclass(frozen=True)
class Evidence:
    """One numbered item a writer may cite: a retrieved chunk (or a record line), whole.

    ``n`` is 1-based and is the number a draft's ``[n]`` markers refer to. The chunk's
    ``text`` is ``source_text[chunk.start:chunk.end]``, so any span inside it is verbatim.
    """

    n: int
    chunk: Chunk
    hit: Hit | None = None


@dataclass(frozen=True)
class Claim:
    """One sentence of a draft and the verbatim spans it rests on.

    In a draft, ``[n]`` markers in ``text`` and ``Citation.n`` are *evidence* numbers;
    the verifier renumbers them into the answer's citation numbers.
    """

    text: str
    citations: tuple[Citation, ...] = ()
    support: float | None = None  # set by the verifier (1.0 for verbatim excerpts)


@dataclass(frozen=True)
class Draft:
    """What a writer returns: a lead line (framing built from parsed fields only) and claims."""

    writer: str  # "extractive" or "llm:<model>"
    claims: tuple[Claim, ...]
    lead: str = ""


@dataclass(frozen=True)
class Removed:
    """A draft sentence the verifier did not let through, and why (shown in the JSON, logged)."""

    text: str
    reason: str  # bad_marker, quote_not_in_evidence, unsupported, span_not_verbatim, wrong_language, no_citation


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    contexts: tuple[Hit, ...] = field(default=())
    # why it abstained, as (code, detail in plain Japanese); None when it answered.
    # Codes: no_evidence, unknown_term, meeting_not_indexed, answer_type_missing,
    # speaker_not_named, organisation_missing, weak_evidence, not_a_question
    abstention: tuple[str, str] | None = None
    searched_meetings: tuple[str, ...] = ()  # meetings the question named (retrieval was limited to them)
    writer: str = "extractive"  # which writer's draft the user sees
    removed: tuple[Removed, ...] = ()  # draft sentences the verifier removed
    fallback: bool = False  # the LLM draft had nothing supported; the extractive answer is shown instead


@dataclass(frozen=True)
class Filters:
    """Metadata filters that restrict retrieval; empty means everything."""

    sources: tuple[str, ...] = ()
    meeting_ids: tuple[str, ...] = ()
    date_from: str | None = None  # ISO, inclusive
    date_to: str | None = None  # ISO, inclusive
    sections: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # matched with whitespace removed: 「月嶹真」 finds 「月嶹　真」
    roles: tuple[str, ...] = ()  # a role word matches roles containing it: 「大臣」 finds 「国務大臣」

    def is_empty(self) -> bool:
        return not (self.sources or self.meeting_ids or self.date_from or self.date_to
                    or self.sections or self.organisations or self.speakers or self.roles)

    def matches(self, meta: dict) -> bool:
        """The same predicate applied in Python (lexical side) as in Chroma's where clause."""
        if self.sources and meta.get("source") not in self.sources:
            return False
        if self.meeting_ids and meta.get("meeting_id") not in self.meeting_ids:
            return False
        if self.date_from and str(meta.get("date", "")) < self.date_from:
            return False
        if self.date_to and str(meta.get("date", "")) > self.date_to:
            return False
        if self.sections and meta.get("section") not in self.sections:
            return False
        if self.organisations and meta.get("organisation") not in self.organisations:
            return False
        if self.speakers and fold(str(meta.get("speaker") or "")) not in {fold(s) for s in self.speakers}:
            return False
        if self.roles and not any(fold(r) in fold(str(meta.get("role") or "")) for r in self.roles):
            return False
        return True


def holds(chunk: "Chunk", span: Span | None) -> bool:
    """``span`` (a record's line, e.g. the closing time) lies inside ``chunk``."""
    return span is not None and chunk.start <= span.start and span.end <= chunk.end


def fold(name: str) -> str:
    """A name or role for matching: NFKC, old kanji as today's, whitespace removed
    (「月嶹　真」 == 「月嶹真」, 「米窪滿亮」 == 「米窪満亮」)."""
    import unicodedata

    from .layouts.japanese import KYUJITAI

    return "".join(unicodedata.normalize("NFKC", name).translate(KYUJITAI).split())


def parse_iso_date(value: str, field_name: str) -> str:
    """Validate a YYYY-MM-DD date given by a user; the error names the field."""
    import datetime as dt

    from .errors import ConfigError

    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ConfigError(f"{field_name}: {value!r} is not a date in YYYY-MM-DD form") from None


def content_id(*parts: object, length: int = 20) -> str:
    """Stable id from content, so re-ingesting the same file yields the same ids."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]
