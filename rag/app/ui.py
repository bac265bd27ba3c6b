"""Streamlit glue shared by every page of the app.

``get_assistant()`` is the entry point other pages use: the one ``Assistant``
of this process (per configuration), with its index built from the corpus on
first start behind a visible progress bar. The rest renders answers, sources,
index status, and adds uploaded minutes files to the index.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal

import streamlit as st

from ..presentation import (
    Exchange,
    answer_markdown_body,
    context_html,
    exchange_markdown,
    explain_input_error,
    seireki,
    snippet_html,
)
from .. import inert

if TYPE_CHECKING:
    from ..config import Settings
    from ..domain import Answer
    from ..index import IngestReport
    from ..service import Assistant

Progress = Callable[[int, int, str], None]
UPLOADS = "uploads"  # folder under settings.data_dir where uploaded minutes are kept
CONTEXT_LABEL = "議事録の該当箇所を前後の文脈とともに表示"
_INGEST_LOCK = threading.Lock()  # one upload is indexed at a time, whichever session sends it


# ------------------------------------------------------------------ the cached assistant


@dataclass
class _Slot:
    """The process-wide assistant and the state of its first-start index build."""

    assistant: "Assistant"
    lock: threading.Lock = field(default_factory=threading.Lock)
    built: bool = False
    build_thread: threading.Thread | None = None
    build_progress: tuple[int, int, str] = (0, 0, "")
    build_report: "IngestReport | None" = None
    build_error: BaseException | None = None


_OPENED: set[str] = set()  # settings keys whose assistant this process has opened (see get_assistant)


@st.cache_resource(show_spinner=False)  # get_assistant() shows what happens meanwhile
def _slot(key: str, _settings: "Settings") -> _Slot:
    from ..service import Assistant

    return _Slot(Assistant.open(_settings))


def _settings_key(settings: "Settings") -> str:
    return json.dumps({k: str(v) for k, v in dataclasses.asdict(settings).items()}, sort_keys=True)


def _current_slot() -> _Slot:
    from ..config import Settings

    settings = Settings.from_env()
    return _slot(_settings_key(settings), settings)


def _start_build(slot: _Slot) -> threading.Thread:
    """Build the index in a thread of its own, so a page reload cannot interrupt it half-way."""
    with slot.lock:
        if slot.build_thread is None or not (slot.build_thread.is_alive() or slot.built):
            def work() -> None:
                try:
                    slot.build_report = slot.assistant.ensure_built(
                        lambda done, total, msg: setattr(slot, "build_progress", (done, total, msg))
                    )
                    slot.built = True
                except BaseException as exc:  # handed to the page that waits for it
                    slot.build_error = exc

            slot.build_error = None
            slot.build_thread = threading.Thread(target=work, name="minutes-index-build", daemon=True)
            slot.build_thread.start()
        return slot.build_thread


def get_assistant() -> "Assistant":
    """The process-wide assistant, its index built (with a progress bar on first start).

    The first page of a process shows a status box at once, before the stores and the model are
    opened; on a first start it holds the build's progress: reading the minutes, loading the
    model, then chunks embedded. Later starts reuse the index on disk and the box disappears.
    Raises ``RagError`` for problems the user can fix (settings, unreachable Chroma server,
    empty corpus); see ``assistant_or_stop``.
    """
    from ..config import Settings

    settings = Settings.from_env()
    key = _settings_key(settings)
    if key in _OPENED:
        slot = _slot(key, settings)
        if slot.built:  # the usual run: nothing to show
            return slot.assistant
    holder = st.empty()
    status = None
    if key not in _OPENED:
        status = holder.status("アシスタントを起動しています…", expanded=True)
        status.caption("議事録の索引と検索モデルを開いています。")
    try:
        slot = _slot(key, settings)
        _OPENED.add(key)
        if not slot.built and slot.build_thread is None and not slot.assistant.index.needs_build():
            slot.built = True  # a later start: the index on disk is reused
        if slot.built:
            return slot.assistant
        thread = _start_build(slot)
        label = "初回起動: 議事録の索引を作成しています…"
        if status is None:
            status = holder.status(label, expanded=True)
        else:
            status.update(label=label, expanded=True)
        bar = status.progress(0.0, text="議事録を読み込んでいます…")
        _follow_build(slot, thread, bar)
    finally:
        holder.empty()
    if slot.build_error is not None:
        raise slot.build_error
    return slot.assistant


def _follow_build(slot: _Slot, thread: threading.Thread, bar) -> None:
    """Keep ``bar`` moving until the build thread ends: elapsed seconds until the first chunks are embedded."""
    update = progress_bar(bar, "索引を作成中")
    started, shown = time.monotonic(), None
    while thread.is_alive():
        done, total, _ = slot.build_progress
        seconds = int(time.monotonic() - started)
        if done and total:
            update(*slot.build_progress)
        elif (total, seconds) != shown:  # before the first batch: say what is slow, and that it is alive
            shown = (total, seconds)
            what = (f"検索モデルを読み込み、{total}チャンクの埋め込みを始めています" if total
                    else "議事録を読み込んで解析しています")
            bar.progress(0.0, text=f"{what}…（{seconds}秒）")
        thread.join(0.25)


def assistant_or_stop() -> "Assistant":
    """``get_assistant()``, or a clear error on the page and ``st.stop()``."""
    from ..errors import RagError

    try:
        return get_assistant()
    except RagError as exc:
        st.error(f"アシスタントを起動できませんでした: {exc}", icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() raises


def progress_bar(bar, label: str) -> Progress:
    """An ingest ``Progress`` callback that drives an ``st.progress`` element."""

    def update(done: int, total: int, message: str) -> None:
        name = Path(message).name if message and done else ""  # the first message is a count, not a file
        # st.progress reads its text as Markdown: the label and file name (from an upload) stay literal
        bar.progress(min(done / total, 1.0) if total else 1.0, text=inert.markdown(f"{label}… {done}/{total} チャンク {name}"))

    return update


# ------------------------------------------------------------------ adding minutes


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    status: Literal["added", "unchanged", "duplicate", "error"]
    message: str  # Japanese, for the user; Markdown in which file names and titles are inert (rag.inert)
    detail: str = ""  # the original error text (names the file and the problem)
    chunks: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "error"


def safe_upload_name(name: str) -> str:
    """The bare file name of an upload (no folders, no leading dots)."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or "minutes.txt"


def add_minutes_file(assistant: "Assistant", name: str, data: bytes, progress: Progress | None = None) -> UploadOutcome:
    """Check, save under ``data_dir/uploads`` and index one uploaded minutes file.

    A file that cannot be used is rejected before anything is written, so the
    index (and an earlier upload of the same name) stays as it was. A different
    file under a name already used is stored under a new name (「name (2).txt」):
    an upload never replaces another meeting.
    """
    from ..errors import InputError
    from ..parsing import load_meetings_from_bytes

    name = safe_upload_name(name)
    try:
        meetings = [m for m, _ in load_meetings_from_bytes(data, name, name)]
    except InputError as exc:
        return UploadOutcome(name, "error", f"「{_md(name)}」を追加できませんでした: {_md(explain_input_error(exc))}", str(exc))

    index = assistant.index
    path = assistant.settings.data_dir / UPLOADS / name
    requested = name
    path, name = _free_upload_path(path, data)  # another file under this name is never replaced
    source = index.source_name(path)
    meeting = meetings[0]
    for other in index.catalog():
        if other.content_hash == meeting.content_hash and other.source != source:
            return UploadOutcome(
                name, "duplicate",
                f"「{_md(name)}」と同じ内容の議事要旨が「{_md(Path(other.source).name)}」として既に索引にあります。追加しませんでした。",
            )

    from ..errors import IndexBusyError

    with _INGEST_LOCK:
        previous = path.read_bytes() if path.exists() else None
        _write_atomic(path, data)
        try:
            report = index.ingest([path], progress)
        except IndexBusyError as exc:
            _restore(path, previous)
            return UploadOutcome(name, "error", f"「{_md(name)}」を追加できませんでした: 別の処理が索引を更新中です。"
                                 "終わってからもう一度追加してください。", str(exc))
        if report.errors:
            _restore(path, previous)
    if report.errors:
        exc = report.errors[0]
        return UploadOutcome(name, "error", f"「{_md(name)}」を追加できませんでした: {_md(explain_input_error(exc))}", str(exc))
    label = _md(f"{meeting.label}（{seireki(meeting.date) if meeting.date else '日付の記載なし'}）")
    if len(meetings) > 1:
        label += f" ほか{len(meetings) - 1}件の会議"
    if source in report.unchanged:
        return UploadOutcome(name, "unchanged", f"「{_md(name)}」（{label}）は索引済みで、内容に変更はありません。")
    renamed = f"同じ名前の別の内容のファイルが既にあるため「{_md(name)}」として保存し、" if name != requested else ""
    return UploadOutcome(
        name, "added", f"{renamed}「{_md(name)}」（{label}）を索引に追加しました（{report.chunks_written}チャンク）。",
        chunks=report.chunks_written,
    )


def _md(text: str) -> str:
    """A file name or minutes title inside an upload message (shown as Markdown): literal, no links."""
    return inert.markdown(text)


def _free_upload_path(path: Path, data: bytes) -> tuple[Path, str]:
    """``path`` itself when it is free or holds these same bytes; else 「name (2).txt」, 「name (3).txt」…"""
    candidate, n = path, 1
    while candidate.exists() and candidate.read_bytes() != data:
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate, candidate.name


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _restore(path: Path, previous: bytes | None) -> None:
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomic(path, previous)


# ------------------------------------------------------------------ rendering


def render_index_status(assistant: "Assistant") -> None:
    """Meetings, chunks, embedding model and which Chroma the index lives in."""
    status = assistant.index.status()
    settings = assistant.settings
    left, right = st.columns(2)
    left.metric("会議", f"{status.meetings:,}")
    right.metric("チャンク", f"{status.chunks:,}")
    store = (
        f"Chroma サーバー（{settings.chroma_host}:{settings.chroma_port}）"
        if settings.uses_server
        else "埋め込み型 Chroma（ローカル保存）"
    )
    st.markdown(f"**埋め込みモデル**: `{status.embedding_model}`  \n**ベクトルストア**: {store}")
    if settings.uses_server:  # the server's data path is not shown: it tells a visitor nothing they need
        st.caption(f"コレクション: `{settings.collection}`")
    st.markdown(inert.markdown(writer_label(assistant.answerer)))
    report = _current_slot().build_report
    if report is not None and report.errors:
        lines = "\n".join(f"- {inert.markdown(Path(e.source).name)}: {explain_input_error(e)}" for e in report.errors)
        st.warning(f"初回の索引作成で読み込めなかったファイルがあります:\n{lines}", icon=":material/warning:")


def render_sources(ex: Exchange, key: str) -> None:
    """The numbered sources of an answer as compact cards: meeting and dates, where, the excerpt's first
    line highlighted, and (opened on demand) the whole excerpt in its context and the whole minutes."""
    if not ex.sources:
        return
    st.markdown("**出典**")
    for s in ex.sources:
        with st.container(border=True, gap="xsmall"):
            speaker = f"　{inert.markdown(s.speaker_label)}" if s.speaker_label else ""
            st.markdown(f"**[{s.n}]** {inert.markdown(s.meeting)} ／ {inert.markdown(s.date_label)}{speaker}")
            st.caption(f"{inert.markdown(s.where())} ／ {inert.markdown(s.file_name)}［{s.start}–{s.end}文字目］")
            st.markdown(snippet_html(s.excerpt), unsafe_allow_html=True)
            with st.expander(CONTEXT_LABEL, icon=":material/description:"):
                if s.context_html:
                    st.markdown(s.context_html, unsafe_allow_html=True)
                    if st.toggle("全文を表示", key=f"{key}-full-{s.n}"):
                        text, extent = _source_text(s.meeting_id)
                        if text is not None and text[s.start : s.end] == s.excerpt:
                            st.markdown(context_html(text, s.start, s.end, window=None, extent=extent),
                                        unsafe_allow_html=True)
                        else:
                            st.warning("この議事要旨は回答後に更新されたため、全文の該当箇所を表示できません。")
                else:
                    st.warning("この議事要旨の原文は索引にありません（削除または更新された可能性があります）。")


REMOVED_NOTE = "検証で確認できなかった文を除きました。"


def verification_note(answer: "Answer") -> str:
    """What verification did to a written (LLM) answer, in a line under it; "" for an extractive one
    and for a fallback, whose text already opens with why (nothing verified, or no model answered)."""
    if answer.fallback:
        return ""
    if answer.removed and answer.writer != "extractive":
        return REMOVED_NOTE
    return ""


def writer_label(answerer: object) -> str:
    """Which writer drafts the answers, for the sidebar."""
    writer = getattr(answerer, "writer", None)
    if writer is None:
        return "回答の作成: 抜粋（LLMなし）"
    name = str(getattr(writer, "name", "") or "")
    return f"回答の作成: LLM（{name.removeprefix('llm:') or '名称不明'}）＋検証"


def _source_text(meeting_id: str) -> tuple[str | None, tuple[int, int] | None]:
    """The stored text and, for a file of several meetings, this meeting's part of it."""
    found = _current_slot().assistant.index.records.get(meeting_id)
    return (found[1], found[0].extent) if found else (None, None)


def render_exchange(ex: Exchange, key: str, on_literal: Callable[[str], None] | None = None) -> None:
    """One assistant turn: how the question was read, the answer, its sources, and export."""
    if ex.note:
        st.caption(f":material/manage_search: {inert.markdown(ex.note)}")
        if on_literal is not None:
            st.button(
                "補わずに元の質問のまま検索する", key=f"{key}-literal", icon=":material/undo:",
                on_click=on_literal, args=(ex.question,), type="tertiary",
            )
    if ex.filters_text:
        st.caption(f":material/filter_alt: 絞り込み: {inert.markdown(ex.filters_text)}")
    if ex.answer.abstained:
        st.warning(inert.markdown(ex.answer.text), icon=":material/search_off:")
        hint = "絞り込みを外すか、" if ex.filters_text else ""
        st.caption(f"{hint}言い回しを変えて質問してみてください。議事要旨にない事柄には答えません。")
    else:
        st.markdown(inert.no_autolinks(answer_markdown_body(ex.answer.text)))
        note = verification_note(ex.answer)
        if note:
            st.caption(f":material/fact_check: {note}")
        render_sources(ex, key)
    markdown = exchange_markdown(ex)
    with st.container(horizontal=True):
        st.download_button(
            "Markdownで保存", data=markdown.encode("utf-8"), file_name=f"回答_{key}.md", mime="text/markdown",
            key=f"{key}-download", icon=":material/download:", on_click="ignore",
        )
        with st.popover("Markdownをコピー", icon=":material/content_copy:"):
            st.caption("右上のボタンでコピーできます。")
            st.code(markdown, language="markdown")


__all__ = [
    "UploadOutcome",
    "add_minutes_file",
    "assistant_or_stop",
    "context_html",
    "get_assistant",
    "progress_bar",
    "render_exchange",
    "render_index_status",
    "render_sources",
    "safe_upload_name",
    "verification_note",
    "writer_label",
]
