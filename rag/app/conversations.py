"""Saved conversations on the chat page: the sidebar list, ``?c=<id>`` restore, recording turns, 👍/👎.

The database (``rag.history``) is the record; session state only caches the current
conversation's exchanges (``HISTORY``) and their stored turns (``TURNS``, same order),
both changed here and nowhere else. The URL carries the conversation id, so a reload
or a shared link opens the same conversation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from ..history import DEFAULT_TITLE, Conversation, ConversationStore, HistoryUnavailableError, Turn, index_version, now
from ..presentation import conversation_markdown

if TYPE_CHECKING:
    from ..presentation import Exchange
    from ..service import Assistant

PARAM = "c"  # st.query_params key holding the conversation id
CONV = "conversation_id"  # id of the conversation shown (None: a new one, saved with its first answer)
HISTORY = "chat_history"  # list[Exchange] of the conversation shown
TURNS = "chat_turns"  # list[Turn | None], parallel to HISTORY (None: a turn the database did not take)
NOTICE = "conversation_notice"  # a message for the next run (from a callback)
FEEDBACK = "_feedback_given"  # {turn id: (thumbs value, comment)}: what the widgets showed last
SELECT = "conversation-select"
RENAME = "conversation-title"
LIST_LIMIT = 200
EXPORT_TITLE = "議事要旨アシスタント 会話記録"


def _fb_key(turn_id: int) -> str:
    return f"fb-{turn_id}"


def _comment_key(turn_id: int) -> str:
    return f"fbc-{turn_id}"


# ------------------------------------------------------------------ the store


def store() -> ConversationStore | None:
    """The conversations database of the current settings, or None (with a notice) when it cannot be used."""
    from ..config import Settings
    from ..errors import RagError

    try:
        return ConversationStore.open(Settings.from_env().conversations_url)
    except RagError as exc:
        st.session_state[NOTICE] = f"会話を保存できません（{exc}）。ページを再読み込みすると会話は失われます。"
        return None


def _reset(conversation_id: str | None = None, history: list | None = None, turns: list | None = None) -> None:
    state = st.session_state
    state[CONV] = conversation_id
    state[HISTORY] = history or []
    state[TURNS] = turns or []
    if conversation_id:
        st.query_params[PARAM] = conversation_id
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def _load(s: ConversationStore, conversation_id: str) -> None:
    turns = s.turns(conversation_id)
    given = st.session_state.setdefault(FEEDBACK, {})
    for t in turns:  # the thumbs and comments as they were left
        if t.id is not None:
            value = None if t.feedback is None else (1 if t.feedback.score > 0 else 0)
            given[t.id] = (value, t.feedback.comment if t.feedback else "")
            st.session_state[_fb_key(t.id)], st.session_state[_comment_key(t.id)] = given[t.id]
    _reset(conversation_id, [t.exchange for t in turns], list(turns))


def sync() -> None:
    """Show the conversation the URL names (a reload, a link, a choice in the sidebar).

    Without ``?c=`` the conversation of this session stays (the parameter is lost when another
    page was visited), so only 「新しい会話」 and deleting start an empty one.
    """
    state = st.session_state
    state.setdefault(HISTORY, [])
    state.setdefault(TURNS, [None] * len(state[HISTORY]))
    wanted, current = st.query_params.get(PARAM), state.get(CONV)
    if wanted == current:
        return
    if not wanted:
        if current:
            st.query_params[PARAM] = current
        else:
            del st.query_params[PARAM]  # an empty ?c=
        return
    s = store()
    if s is None:  # store() left the notice
        _reset(current, state[HISTORY], state[TURNS])
        return
    try:
        if s.get(wanted) is not None:
            _load(s, wanted)
            return
    except HistoryUnavailableError as exc:
        state[NOTICE] = f"会話を読み込めませんでした（{exc}）。"
    else:
        state[NOTICE] = "指定された会話は見つかりませんでした（削除された可能性があります）。"
    _reset(current, state[HISTORY], state[TURNS])


def record(assistant: "Assistant", ex: "Exchange") -> Turn | None:
    """Save an answered turn at once (creating the conversation with its first answer) and show it."""
    state = st.session_state
    turn: Turn | None = None
    s = store()
    if s is not None:
        version = index_version(assistant.index)
        try:
            conversation_id = state.get(CONV)
            try:
                if conversation_id is None:
                    raise LookupError
                turn = s.append_turn(conversation_id, ex, version)
            except LookupError:  # new, or deleted in another tab meanwhile: start a saved one
                conversation_id = s.create(ex.question).id
                turn = s.append_turn(conversation_id, ex, version)
        except HistoryUnavailableError as exc:
            state[NOTICE] = f"この回答を保存できませんでした（{exc}）。"
        else:
            state[CONV] = conversation_id
            st.query_params[PARAM] = conversation_id
    state[HISTORY].append(ex)
    state[TURNS].append(turn)
    return turn


# ------------------------------------------------------------------ callbacks


def _new() -> None:
    from .chat_page import PENDING

    st.session_state.pop(PENDING, None)
    _reset()


def _select() -> None:
    chosen = st.session_state.get(SELECT)
    if chosen and chosen != st.session_state.get(CONV):
        st.query_params[PARAM] = chosen  # sync() loads it in this run


def _rename() -> None:
    s, conversation_id = store(), st.session_state.get(CONV)
    title = str(st.session_state.get(RENAME, "")).strip()
    if s is None or not conversation_id or not title:
        return
    try:
        s.rename(conversation_id, title)
    except HistoryUnavailableError as exc:
        st.session_state[NOTICE] = f"名前を変更できませんでした（{exc}）。"


def _delete() -> None:
    s, conversation_id = store(), st.session_state.get(CONV)
    if s is not None and conversation_id:
        try:
            s.delete(conversation_id)
        except HistoryUnavailableError as exc:
            st.session_state[NOTICE] = f"会話を削除できませんでした（{exc}）。"
            return
    _new()


def _save_feedback(turn_id: int, version: str | None) -> None:
    value = st.session_state.get(_fb_key(turn_id))
    comment = str(st.session_state.get(_comment_key(turn_id)) or "")
    st.session_state.setdefault(FEEDBACK, {})[turn_id] = (value, comment)
    score = None if value is None else (1 if value == 1 else -1)
    s = store()
    if s is None:
        return
    try:
        s.set_feedback(turn_id, score, comment, version)
    except HistoryUnavailableError as exc:
        st.session_state[NOTICE] = f"評価を保存できませんでした（{exc}）。"


# ------------------------------------------------------------------ drawing


def _label(c: Conversation) -> str:
    when = c.updated.astimezone().strftime("%m/%d %H:%M")
    return f"{c.title}（{c.turns}件・{when}）"


def slot() -> Any:
    """The sidebar's place for the saved conversations, filled by ``draw`` at the end of the run:
    drawn earlier, the list, the title and the exports would lag the answer just given."""
    return st.container()


def draw(place: Any, author: str) -> None:
    """Saved conversations (choose, new, rename, delete) and the exports, in ``place``."""
    with place:
        _saved()
        _exports(author)


def _saved() -> None:
    state = st.session_state
    notice = state.pop(NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/warning:")
    s = store()
    saved: list[Conversation] = []
    if s is not None:
        try:
            saved = s.list(limit=LIST_LIMIT)
        except HistoryUnavailableError as exc:
            st.warning(f"保存した会話を読み込めませんでした（{exc}）。", icon=":material/warning:")
    labels: dict[str, str] = {}
    for c in saved:  # the browser sends the label back: two alike would open the same conversation
        label = _label(c)
        labels[c.id] = label if label not in labels.values() else f"{label} #{c.id[:6]}"
    current = state.get(CONV)
    if current and current not in labels:  # saved just now in another process, or beyond the limit
        labels[current] = DEFAULT_TITLE
    state[SELECT] = current
    st.selectbox(
        "保存した会話", options=list(labels), format_func=lambda i: labels.get(i, i), key=SELECT, index=None,
        placeholder="新しい会話（最初の回答で保存されます）", on_change=_select,
        help="会話は回答のたびにデータベースに保存され、URL（?c=…）で再読み込み後も開けます。",
    )
    history = state.get(HISTORY, [])
    with st.container(horizontal=True):
        st.button("新しい会話", on_click=_new, disabled=not history and not current, key="new-conversation",
                  icon=":material/add_comment:")
        if current:
            title = next((c.title for c in saved if c.id == current), DEFAULT_TITLE)
            if RENAME not in state or state.get("_rename_for") != current:
                state[RENAME], state["_rename_for"] = title, current
            with st.popover("名前を変更", icon=":material/edit:"):
                st.text_input("会話の名前", key=RENAME, on_change=_rename, max_chars=60, help="Enter で確定します。")
            with st.popover("削除", icon=":material/delete:"):
                st.caption("この会話と、回答への評価（👍/👎）を削除します。元に戻せません。")
                st.button("この会話を削除する", on_click=_delete, type="primary", key="delete-conversation")


def _exports(author: str) -> None:
    """「会話を保存」 (Markdown), Word and copy, built from the history *after* this run's answer."""
    from ..conversation_docx import conversation_docx

    history: list["Exchange"] = list(st.session_state.get(HISTORY, []))
    markdown = conversation_markdown(history, title=EXPORT_TITLE) if history else ""
    stamp = now().astimezone().strftime("%Y%m%d-%H%M")
    with st.container(horizontal=True):
        st.download_button(
            "会話を保存", data=markdown.encode("utf-8"), file_name=f"会話記録_{stamp}.md", mime="text/markdown",
            disabled=not history, key="download-conversation", icon=":material/download:", on_click="ignore",
            help="会話全体を出典つきの Markdown で保存します。",
        )
        st.download_button(
            "Wordで保存", data=lambda: conversation_docx(history, EXPORT_TITLE, author), file_name=f"会話記録_{stamp}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", disabled=not history,
            key="download-conversation-docx", icon=":material/description:", on_click="ignore",
        )
        with st.popover("会話をコピー", icon=":material/content_copy:", disabled=not history):
            st.caption("右上のボタンでコピーできます。")
            st.code(markdown, language="markdown")


def feedback(turn: Turn | None) -> None:
    """👍/👎 under an answer and, once chosen, an optional comment; both saved as soon as they change."""
    if turn is None or turn.id is None:
        return
    key = _fb_key(turn.id)
    given = st.session_state.get(FEEDBACK, {}).get(turn.id)
    if key not in st.session_state and given is not None:  # back from another page: widgets forget
        st.session_state[key], st.session_state[_comment_key(turn.id)] = given
    with st.container(horizontal=True, vertical_alignment="center"):
        st.feedback("thumbs", key=key, on_change=_save_feedback, args=(turn.id, turn.index_version))
        if st.session_state.get(key) is not None:
            st.text_input(
                "コメント（任意）", key=_comment_key(turn.id), on_change=_save_feedback, args=(turn.id, turn.index_version),
                placeholder="コメント（任意）: どこが良かったか・違っていたか", label_visibility="collapsed", max_chars=500,
            )
