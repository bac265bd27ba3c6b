"""The index as one unit: vector store + BM25 + meeting records, kept in step.

Ingest parses and embeds everything first and only then writes, so a bad file
or a failing model never leaves a half-indexed meeting; writes upsert the new
chunks before deleting stale ones, so an interruption loses nothing that was
indexed. Chunk ids are content hashes: re-ingesting an unchanged file is a
no-op and a changed file replaces its old chunks.
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .chunking import chunk_meeting
from .config import Settings
from .domain import Chunk, Filters, Meeting
from .embeddings import MinutesEmbeddings, make_embeddings
from .errors import EmptyIndexError, IndexBusyError, InputError
from .lexical import LexicalIndex
from .parsing import load_meetings
from .readers import SUFFIXES
from .records import RecordStore
from .store import ChromaStore, VectorStore, make_client

Progress = Callable[[int, int, str], None]  # (done, total, message)

EMBED_BATCH = 64
WRITE_BATCH = 1000  # chunks per store/BM25 write during ingest
MINUTES_SUFFIXES = SUFFIXES
_NOT_MINUTES_NAMES = re.compile(r"^(readme|license|licence|copying|changelog)(\.|$)", re.IGNORECASE)


def speaker_prefix(chunk: Chunk) -> str:
    """「〔盛山正仁 文部科学大臣〕」: who speaks, put before a remark's words in what is embedded
    and what BM25 indexes (not in the stored text), so 「盛山大臣は…」 finds the speech. None when the
    words already end naming who said them (a summary's 「…続けたい(terada」「…（山田委員）」). A change here
    bumps ``chunking.INDEXED_FORM``."""
    if chunk.speaker and re.search(r"[(（]\s*" + re.escape(chunk.speaker) + r"[^()（）]{0,12}[)）]?\s*$", chunk.text):
        return ""
    return who_prefix(chunk.speaker, chunk.role)


def who_prefix(speaker: str | None, role: str | None) -> str:
    if not speaker and not role:
        return ""
    return "〔" + " ".join(x for x in (speaker, role) if x) + "〕"


def section_prefix(chunk: Chunk) -> str:
    """「【日程第四 大麻取締法…法律案】」「【決算報告】」: the agenda item or heading a remark stands under,
    put before its words in what BM25 indexes, so 「…法律案はどのように議決されましたか」 finds the
    chair's 「よって、本案は全会一致をもって可決されました。」 (a remark, and the decision parsed from it,
    whose own words never name the bill). Not embedded (a decision's neither: short and all item,
    it then outranked the remarks about its bill; dev split recall 0.891 -> 0.878): one long item shared by
    eighty remarks pulls their vectors together (tried on the dev sets: the same recall, three
    fewer citation hits, two more false abstentions)."""
    if chunk.kind not in ("remark", "decision") or not chunk.section or chunk.section == "発言":
        return ""
    return "【" + chunk.section + "】"


def embedding_text(chunk: Chunk) -> str:
    """What the model reads: the speaker (if any) and the verbatim chunk with line breaks folded."""
    return (speaker_prefix(chunk) + re.sub(r"\s+", " ", chunk.text)).strip()


def lexical_text(chunk: Chunk) -> str:
    """What BM25 indexes: the section and the speaker (if any) before the verbatim chunk."""
    return section_prefix(chunk) + speaker_prefix(chunk) + chunk.text


@dataclass(frozen=True)
class FileReport:
    """What ingest made of one file: shown per file by the CLI and the app."""

    source: str
    layout: str
    file_type: str
    meetings: int
    remarks: int
    speakers: int
    warnings: tuple[str, ...]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # sources indexed (new or changed)
    unchanged: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) not read at all
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, the source already holding it)
    files: list[FileReport] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CheckReport:
    """What ``check`` found: the records are the store of record (chunks are derived from them
    deterministically); Chroma and BM25 must each hold exactly the records' chunks."""

    records: int = 0
    chunks_expected: int = 0
    store_chunks: int = 0
    lexical_chunks: int = 0
    missing: dict[str, dict[str, int]] = field(default_factory=dict)  # source -> {"store": n, "lexical": n}
    orphans: dict[str, int] = field(default_factory=lambda: {"store": 0, "lexical": 0})
    # catalog rows whose record file is gone (a kill between the two deletes): listed, never answerable
    dangling: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        return not self.missing and not any(self.orphans.values()) and not self.dangling

    def to_dict(self) -> dict:
        return {"records": self.records, "chunks_expected": self.chunks_expected, "store_chunks": self.store_chunks,
                "lexical_chunks": self.lexical_chunks, "missing": self.missing, "orphans": self.orphans,
                "dangling": self.dangling, "consistent": self.consistent, "repaired": self.repaired}


@dataclass(frozen=True)
class IndexStatus:
    meetings: int
    chunks: int
    embedding_model: str
    store: str  # "embedded Chroma at …" or "Chroma server at host:port"


class MinutesIndex:
    def __init__(
        self,
        settings: Settings,
        embeddings: MinutesEmbeddings | None = None,
        store: VectorStore | None = None,
        lexical: LexicalIndex | None = None,
        records: RecordStore | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or make_embeddings(settings)
        self.store = store if store is not None else ChromaStore(settings, self.embeddings)
        self.lexical = lexical if lexical is not None else LexicalIndex(settings.lexical_dir)
        if isinstance(self.store, ChromaStore) and self.store.allowed_ids is None:
            # Filtered dense searches ask the BM25 index (same chunks, same metadata,
            # kept in step by ingest) which ids pass, instead of Chroma's slow where.
            self.store.allowed_ids = self.lexical.ids_matching
        self.records = records if records is not None else RecordStore(settings.records_dir)

    # ------------------------------------------------------------ reading

    def chunk(self, chunk_id: str) -> Chunk | None:
        found = self.lexical.get(chunk_id)
        if found is None:
            return None
        text, meta = found
        return Chunk.from_metadata(chunk_id, text, meta)

    def chunks_of(self, meeting_id: str, kind: str) -> list[Chunk]:
        """One meeting's chunks of a kind ("header", "attendees", "agenda", "remark", "decision", "note"), in order."""
        found = [self.chunk(cid) for cid in self.lexical.ids_matching(Filters(meeting_ids=(meeting_id,)))]
        return sorted((c for c in found if c is not None and c.kind == kind), key=lambda c: c.start)

    def source_text(self, chunk: Chunk) -> str | None:
        return self.records.text(chunk.meeting_id)

    def meetings(self) -> list[Meeting]:
        return self.records.meetings()

    def catalog(self):
        """The meetings catalog (small rows; cached until the catalog file changes)."""
        return self.records.catalog()

    def phrase_known(self, phrase: str) -> bool:
        """Does the phrase, or the part of it that names whose meeting it is (「高砂市」 of
        「高砂市議会」), occur in any indexed text? (as written, among the chunks BM25 ranks first for it)"""
        from .meetings import phrase_head

        return any(self.lexical.phrase_frequency(p, 10) > 0 for p in dict.fromkeys((phrase, phrase_head(phrase))))

    def dates_recorded(self, meeting_id: str) -> set[str]:
        """The ISO dates a meeting's record states anywhere in its text (its own part of a file that
        holds several meetings): the days things it records happened, not only the day it sat."""
        from .layouts.japanese import dates_in
        from .lexical import normalize

        found = self.records.get(meeting_id)
        if not found:
            return set()
        meeting, text = found
        lo, hi = meeting.extent or (0, len(text))
        return dates_in(normalize(text[lo:hi]))

    def is_empty(self) -> bool:
        return self.store.count() == 0

    def status(self) -> IndexStatus:
        where = (
            f"Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port}"
            if self.settings.uses_server
            else f"embedded Chroma at {self.settings.chroma_dir}"
        )
        return IndexStatus(len(self.records.ids()), self.store.count(), self.embeddings.model_id, where)

    # ------------------------------------------------------------ writing

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time across processes (CLI, app, server mode): a file lock on the data
        dir, not waited for — a second writer is told at once. Readers never take it. Inside,
        the BM25 index is re-read if another process saved it, so nothing stale is written back."""
        from filelock import FileLock, Timeout

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.settings.data_dir / "write.lock"
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise IndexBusyError(
                f"another process is writing to the index in {self.settings.data_dir} (an ingest, an upload or a "
                f"repair holds the writer lock {path}); nothing was changed — try again when it has finished"
            ) from None
        try:
            self._sweep_leftovers()
            self.refresh()
            yield
        finally:
            lock.release()

    def _sweep_leftovers(self) -> None:
        """Delete the temp files a killed writer left (a BM25 save, a record being written): with
        the lock held no other writer is alive to own them, and a large index's BM25 temp file is
        as big as the index."""
        for folder in (self.settings.lexical_dir, self.settings.records_dir, self.settings.records_dir / "texts"):
            for leftover in folder.glob("*.tmp") if folder.is_dir() else ():
                leftover.unlink(missing_ok=True)

    def refresh(self) -> None:
        """Pick up what another process wrote (BM25 file, catalog, Chroma's vector index); one stat
        call when nothing changed. Every write ends by saving the BM25 file, so its change is the signal."""
        if self.lexical.reload_if_changed():
            self.records.forget()
            reopen = getattr(self.store, "reopen", None)
            if reopen is not None:
                reopen()

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Index minutes files or folders. Bad files are reported in ``errors``, never half-indexed."""
        with self.writing():
            return self._ingest(paths, progress)

    def _ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        report = IngestReport()
        files = self._expand(paths, report)
        parsed: list[tuple[Meeting, str, list[Chunk], bool]] = []  # (…, last meeting of its file)
        by_hash: dict[str, set[str]] = {}  # content hash -> sources already holding it (read once)
        for e in self.catalog():
            by_hash.setdefault(e.content_hash, set()).add(e.source)
        seen: set[str] = set()
        for path in files:
            source = self.source_name(path)
            if source in seen:  # the same file named twice (a folder and a file in it)
                continue
            seen.add(source)
            try:
                meetings = load_meetings(path, source)
            except InputError as exc:
                report.errors.append(exc)
                continue
            report.files.append(_file_report(source, meetings))
            twin = _held_elsewhere(by_hash, source, [m for m, _ in meetings])
            if twin is not None:  # the same minutes under another name: indexing it twice would cite it twice
                report.duplicates.append((source, twin))
                continue
            chunked = [chunk_meeting(meeting, text) for meeting, text in meetings]  # once: compared, then indexed
            if self._unchanged(source, [m for m, _ in meetings], {c.chunk_id for cs in chunked for c in cs}):
                report.unchanged.append(source)
                continue
            for n, ((meeting, text), chunks) in enumerate(zip(meetings, chunked)):
                parsed.append((meeting, text, chunks, n == len(meetings) - 1))

        total = sum(len(chunks) for _, _, chunks, _ in parsed)
        done = 0
        if progress:
            progress(0, total, f"{sum(last for *_, last in parsed)} file(s) to index")
        # Whole meetings are embedded, then written together once WRITE_BATCH chunks
        # are pending: one Chroma upsert of ~1000 chunks costs far less than ~35
        # upserts of one meeting each. The BM25 index is saved once at the end, and
        # also when a write fails, so it never falls behind the records and Chroma.
        pending: list[tuple[Meeting, str, list[Chunk], np.ndarray]] = []
        written = False
        try:
            for meeting, text, chunks, last_of_file in parsed:
                parts = []
                for i in range(0, len(chunks), EMBED_BATCH):
                    batch = chunks[i : i + EMBED_BATCH]
                    parts.append(self.embeddings.embed_documents_array([embedding_text(c) for c in batch]))
                    done += len(batch)
                    if progress:
                        progress(done, total, meeting.source)
                pending.append((meeting, text, chunks, np.vstack(parts)))  # a meeting always has its header chunk
                # whole files only: stale chunks are found per source, so a file's meetings go together
                if last_of_file and sum(len(p[2]) for p in pending) >= WRITE_BATCH:
                    written = True
                    self._write_all(pending, report)
                    pending = []
            if pending:
                written = True
                self._write_all(pending, report)
        finally:
            if written:
                self.lexical.save()
        return report

    def _write_all(self, items: list[tuple[Meeting, str, list[Chunk], np.ndarray]], report: IngestReport) -> None:
        """Write several meetings at once: upsert new chunks, then drop stale ones, then the records."""
        chunks = [c for _, _, cs, _ in items for c in cs]
        new_ids = {c.chunk_id for c in chunks}
        sources = list(dict.fromkeys(m.source for m, _, _, _ in items))
        stale = [cid for src in sources for cid in self.store.ids_for_source(src) if cid not in new_ids]
        self.store.upsert(chunks, np.vstack([v for _, _, _, v in items]))
        self.lexical.upsert([c.chunk_id for c in chunks], [c.text for c in chunks], [c.metadata() for c in chunks],
                            index_texts=[lexical_text(c) for c in chunks])
        if stale:
            self.store.delete(stale)
            self.lexical.delete(stale)
        new_meetings = {m.meeting_id for m, _, _, _ in items}
        for meeting, text, _, _ in items:
            self.records.save(meeting, text)
        for src in sources:
            for old in self.records.ids_for_source(src):  # a meeting the file no longer holds
                if old not in new_meetings:
                    self.records.delete(old)
            report.added.append(src)
        report.chunks_written += len(chunks)
        report.chunks_deleted += len(stale)

    def remove(self, source: str) -> int:
        """Drop one source from every index; returns the number of chunks removed."""
        with self.writing():
            return self._remove(source)

    def _remove(self, source: str) -> int:
        ids = self.store.ids_for_source(source)
        self.store.delete(ids)
        self.lexical.delete(ids)
        self.lexical.save()
        for meeting_id in self.records.ids_for_source(source):
            self.records.delete(meeting_id)
        return len(ids)

    def check(self, repair: bool = False) -> CheckReport:
        """Compare Chroma and BM25 with the records; with ``repair``, re-add what a store lacks
        (re-embedding it) and drop chunks no record explains. Why the records decide: they hold
        the stored text and the parse, from which every chunk id follows (content hashes), while
        either derived store can be cut off mid-write."""
        with self.writing():
            report = CheckReport()
            expected: dict[str, list[Chunk]] = {}
            for entry in self.catalog():
                found = self.records.get(entry.meeting_id)
                if found is None:
                    report.dangling.append(entry.meeting_id)
                    continue
                meeting, text = found
                report.records += 1
                expected.setdefault(meeting.source, []).extend(chunk_meeting(meeting, text))
            all_expected = {c.chunk_id for cs in expected.values() for c in cs}
            in_store, in_lexical = set(self.store.all_ids()), set(self.lexical.ids())
            report.chunks_expected = len(all_expected)
            report.store_chunks, report.lexical_chunks = len(in_store), len(in_lexical)
            to_store: list[Chunk] = []
            to_lexical: list[Chunk] = []
            for source, chunks in expected.items():
                lack_store = [c for c in chunks if c.chunk_id not in in_store]
                lack_lexical = [c for c in chunks if c.chunk_id not in in_lexical]
                if lack_store or lack_lexical:
                    report.missing[source] = {"store": len(lack_store), "lexical": len(lack_lexical)}
                to_store += lack_store
                to_lexical += lack_lexical
            orphan_store, orphan_lexical = in_store - all_expected, in_lexical - all_expected
            report.orphans = {"store": len(orphan_store), "lexical": len(orphan_lexical)}
            if repair and not report.consistent:
                for i in range(0, len(to_store), EMBED_BATCH):
                    batch = to_store[i : i + EMBED_BATCH]
                    self.store.upsert(batch, self.embeddings.embed_documents_array([embedding_text(c) for c in batch]))
                if to_lexical:
                    self.lexical.upsert([c.chunk_id for c in to_lexical], [c.text for c in to_lexical],
                                        [c.metadata() for c in to_lexical], index_texts=[lexical_text(c) for c in to_lexical])
                self.store.delete(sorted(orphan_store))
                self.lexical.delete(sorted(orphan_lexical))
                self.lexical.save()
                for meeting_id in report.dangling:
                    self.records.delete(meeting_id)
                report.repaired = True
            return report

    @property
    def _first_build_marker(self) -> Path:
        return self.settings.data_dir / "first-build.incomplete"

    def needs_build(self) -> bool:
        """True on first start, and after a first build that did not finish."""
        return self.is_empty() or self._first_build_marker.exists()

    def ensure_built(self, progress: Progress | None = None) -> IngestReport | None:
        """Build from the corpus folder on first start, or finish a first build that was cut off.

        A marker file exists while the first build runs, so a process killed
        half-way resumes (ingest skips what is already indexed) instead of
        serving a partial index as if it were complete.
        """
        if not self.needs_build():
            return None
        marker = self._first_build_marker
        if not self.settings.corpus_dir.is_dir() or not any(self._minutes_in(self.settings.corpus_dir)):
            raise EmptyIndexError(
                f"the index is empty and there are no minutes in {self.settings.corpus_dir}; "
                "add .txt minutes there or run `python -m rag ingest PATH`"
            )
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        report = self.ingest([self.settings.corpus_dir], progress)
        marker.unlink(missing_ok=True)
        return report

    # ------------------------------------------------------------ helpers

    def source_name(self, path: Path) -> str:
        """The file name relative to corpus/ for bundled minutes, else the resolved absolute path
        (so 「dir/../dir/b.txt」 and 「dir/b.txt」 are one source)."""
        try:
            return path.resolve().relative_to(self.settings.corpus_dir.resolve()).as_posix()
        except ValueError:
            return str(path.resolve())

    def _unchanged(self, source: str, meetings: list[Meeting], chunk_ids: set[str]) -> bool:
        """Every meeting of the file is stored with the same content and exactly ``chunk_ids``, and
        nothing else is (a newer parser or chunker re-indexes the file on the next ingest)."""
        if set(self.records.ids_for_source(source)) != {m.meeting_id for m in meetings}:
            return False
        for m in meetings:
            stored = self.records.get(m.meeting_id)
            if not stored or stored[0].content_hash != m.content_hash or stored[0] != m:
                return False
        # indexed means indexed everywhere: a kill between the vector and the BM25 write leaves a
        # file whose chunks one store lacks, and it is then indexed again, not called unchanged
        in_store = set(self.store.ids_for_source(source))
        if not in_store or in_store != set(self.lexical.ids_where(source=source)):
            return False
        return in_store == chunk_ids

    @staticmethod
    def _minutes_in(folder: Path, skipped: list[tuple[str, str]] | None = None) -> list[Path]:
        """Files of a supported type under ``folder``; others go to ``skipped`` with the reason,
        and so does every subfolder that cannot be listed (Path.rglob would pass over it silently).
        Hidden files and folders are left out."""
        unreadable: list[OSError] = []
        paths: list[Path] = []
        for root, dirs, names in os.walk(folder, onerror=unreadable.append):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            paths += [Path(root) / n for n in names if not n.startswith(".")]
        if skipped is not None:
            for exc in unreadable:
                if Path(exc.filename or folder) == folder:
                    raise InputError(str(folder), f"folder cannot be read: {exc.strerror or exc}")
                skipped.append((str(exc.filename), f"folder cannot be read ({exc.strerror or exc}); "
                                                   "nothing in it was indexed"))
        found = []
        for p in sorted(paths):
            if not p.is_file():
                continue
            if p.suffix.lower() not in MINUTES_SUFFIXES:
                if skipped is not None:
                    skipped.append((str(p), f"not a minutes file type ({p.suffix or 'no suffix'}); "
                                            f"read: {', '.join(MINUTES_SUFFIXES)}"))
            elif _NOT_MINUTES_NAMES.match(p.name):
                if skipped is not None:
                    skipped.append((str(p), "a README/LICENSE file, not minutes (ingest it by name to index it)"))
            else:
                found.append(p)
        return found

    def _expand(self, paths: Iterable[Path], report: IngestReport) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                try:
                    found = self._minutes_in(path, report.skipped)
                except InputError as exc:  # the folder itself cannot be listed
                    report.errors.append(exc)
                    continue
                if not found:
                    report.errors.append(InputError(str(path), f"folder contains no minutes files ({', '.join(MINUTES_SUFFIXES)})"))
                files.extend(found)
            elif path.exists():
                files.append(path)
            else:
                report.errors.append(InputError(str(path), "no such file or folder"))
        return files


def _held_elsewhere(by_hash: dict[str, set[str]], source: str, meetings: list[Meeting]) -> str | None:
    """The other source already holding exactly this content (every meeting's hash), if any."""
    holders = [by_hash.get(m.content_hash, set()) - {source} for m in meetings]
    common = set.intersection(*holders) if holders else set()
    return sorted(common)[0] if common else None


def _file_report(source: str, meetings: list[tuple[Meeting, str]]) -> FileReport:
    ms = [m for m, _ in meetings]
    layouts = "+".join(dict.fromkeys(m.layout for m in ms))
    speakers = {s for m in ms for s, _, _ in m.speakers()}
    warnings = tuple(dict.fromkeys(w for m in ms for w in m.warnings))
    return FileReport(source, layouts, ms[0].file_type if ms else "", len(ms), sum(len(m.remarks) for m in ms), len(speakers), warnings)


def drop_index(settings: Settings) -> None:
    """Delete every index (vectors, BM25, records) — before a rebuild with another model.

    Works without opening the collection, which a model mismatch would refuse.
    """
    from filelock import FileLock, Timeout

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "write.lock"
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexBusyError(f"another process is writing to the index in {settings.data_dir} (it holds the "
                             f"writer lock {path}); nothing was dropped") from None
    try:
        _drop(settings)
    finally:
        lock.release()


def _drop(settings: Settings) -> None:
    import shutil

    client = make_client(settings)
    if settings.collection in {getattr(c, "name", c) for c in client.list_collections()}:
        client.delete_collection(settings.collection)
    for folder in (settings.lexical_dir, settings.records_dir):
        shutil.rmtree(folder, ignore_errors=True)
