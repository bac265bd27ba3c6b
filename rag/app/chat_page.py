"""The chat page: sidebar (filters, conversation, examples, adding minutes, index status) and the chat.

Everything that decides *what* is shown lives in ``conversation``/``presentation``;
this module only lays it out.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import streamlit as st

from ..conversation import answer_turn
from ..readers import SUFFIXES
from ..presentation import (
    FilterChoices,
    filter_choices,
    filters_summary,
    make_filters,
    meeting_option,
)
from ..inert import markdown as md_escape  # what the minutes (and uploads) say, shown literally: no links
from . import conversations
from .chrome import scroll_to_answer, upload_hint
from .ui import add_minutes_file, assistant_or_stop, progress_bar, render_exchange, render_index_status

if TYPE_CHECKING:
    from ..domain import Filters
    from ..presentation import Exchange
    from ..service import Assistant

HISTORY = conversations.HISTORY  # list[Exchange] of the conversation shown (kept by ``conversations``)
PENDING = "pending_question"  # (question, literal) from an example or a "search literally" button
UPLOAD_RESULTS = "upload_results"
UPLOADER_GEN = "uploader_generation"
FILTER_KEYS = ("f_meetings", "f_dates", "f_sections", "f_orgs", "f_speakers", "f_roles")

TITLE = "議事要旨アシスタント"
EXAMPLES: tuple[str, ...] = (
    "防衛省は平成20年度概算要求で何を求めましたか",
    "第14回会合の開催場所はどこでしたか",
    "GSOCの新設について、出席者からはどのような評価がありましたか",
    "情報セキュリティに関する基本法について、どのような意見がありましたか",
    "総務大臣の代わりに出席したのは誰ですか",
    "What did the police say about international cooperation?",
)


# ------------------------------------------------------------------ callbacks


def keep_settings() -> None:
    """Keep the sidebar's filters and switches while another page is shown.

    Streamlit forgets a widget's value once a run does not draw it; copying the
    value into session state on every run (from app.py, before navigation) keeps it.
    """
    for key in (*FILTER_KEYS, "use_context"):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _queue(question: str, literal: bool = False) -> None:
    st.session_state[PENDING] = (question, literal)


def _queue_literal(question: str) -> None:
    _queue(question, literal=True)


def _clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


# ------------------------------------------------------------------ sidebar


def _choices(assistant: "Assistant") -> FilterChoices:
    """Filter choices, recomputed only when the index changed."""
    index = assistant.index
    version = (len(index.lexical), tuple(index.records.ids()))
    cached = st.session_state.get("_filter_choices")
    if cached is None or cached[0] != version:
        cached = (version, filter_choices(index))
        st.session_state["_filter_choices"] = cached
    return cached[1]


def _filters_sidebar(choices: FilterChoices) -> "Filters":
    st.header("絞り込み", divider="gray")
    labels = {m.meeting_id: meeting_option(m) for m in choices.meetings}
    meeting_ids = st.multiselect(
        "会議", options=list(labels), format_func=lambda i: labels.get(i, i), key="f_meetings",
        placeholder="すべての会議",
    )
    dates: tuple[dt.date, ...] = ()
    if choices.date_min and choices.date_max:
        lo, hi = dt.date.fromisoformat(choices.date_min), dt.date.fromisoformat(choices.date_max)
        _default_dates(lo, hi)
        picked = st.date_input("開催日の期間", min_value=lo, max_value=hi, key="f_dates", format="YYYY/MM/DD")
        dates = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    sections = st.multiselect(
        "議事の区分", options=list(choices.sections), key="f_sections", placeholder="すべての区分",
        help="議事要旨の見出し（出席者意見開陳、議事概要、政策会議決定 など）で絞り込みます。",
    )
    organisations = st.multiselect(
        "発言した組織", options=list(choices.organisations), key="f_orgs", placeholder="すべての組織",
        help="発言の中で名乗っている府省庁など（「防衛省としては…」）。組織を選ぶと、名乗っていない発言は対象外になります。",
    )
    speaker_roles = dict(choices.speakers)
    speakers = st.multiselect(
        "発言者", options=[n for n, _ in choices.speakers], key="f_speakers", placeholder="すべての発言者",
        format_func=lambda n: n + (f"（{speaker_roles[n]}）" if speaker_roles.get(n) else ""),
        help="会議録が発言者名を記している発言だけが対象です（氏名の記されない議事要旨の発言は含まれません）。",
    )
    roles = st.multiselect(
        "役職", options=list(choices.roles), key="f_roles", placeholder="すべての役職",
        help="会議録に記された発言者の役職（議長、市長、国務大臣 など）で絞り込みます。",
    )
    filters = make_filters(choices, meeting_ids, dates, sections, organisations, speakers, roles)
    if not filters.is_empty():
        st.button("絞り込みを解除", on_click=_clear_filters, icon=":material/filter_alt_off:", key="clear-filters")
    return filters


def _default_dates(lo: dt.date, hi: dt.date) -> None:
    """The date range starts as every meeting's span and follows it while the user has not narrowed it
    (set through session state, not ``value=``: see ``keep_settings``)."""
    state = st.session_state
    current, bounds = state.get("f_dates"), state.get("_f_dates_bounds")
    untouched = current is None or tuple(current) == bounds
    out_of_range = current is not None and any(d < lo or d > hi for d in current)
    if untouched or out_of_range:
        state["f_dates"] = (lo, hi)
    state["_f_dates_bounds"] = (lo, hi)


def _conversation_sidebar() -> tuple[bool, Any]:
    st.header("会話", divider="gray")
    st.session_state.setdefault("use_context", True)
    use_context = st.toggle(
        "前の質問を踏まえて解釈する", key="use_context",
        help="「それについて防衛省は？」のような短い質問を、直前の質問の語句を補って検索します。補った内容は回答の上に表示します。",
    )
    return use_context, conversations.slot()


def _examples_sidebar() -> None:
    with st.expander("質問の例", icon=":material/lightbulb:"):
        for i, q in enumerate(EXAMPLES):
            st.button(q, key=f"example-side-{i}", on_click=_queue, args=(q,), type="tertiary")


def _upload_sidebar(assistant: "Assistant") -> None:
    results = st.session_state.get(UPLOAD_RESULTS, [])
    with st.expander("議事要旨を追加", icon=":material/upload_file:", expanded=bool(results)):
        for outcome in results:
            if outcome.status == "error":
                st.error(outcome.message, icon=":material/error:")
                st.caption(f"詳細: {md_escape(outcome.detail)}　既存の索引は変更されていません。")
            elif outcome.status == "duplicate":
                st.warning(outcome.message, icon=":material/content_copy:")
            elif outcome.status == "unchanged":
                st.info(outcome.message, icon=":material/info:")
            else:
                st.success(outcome.message, icon=":material/check_circle:")
        gen = st.session_state.get(UPLOADER_GEN, 0)
        files = st.file_uploader(
            "議事録・議事要旨のファイル", type=[s.lstrip(".") for s in SUFFIXES], accept_multiple_files=True,
            key=f"uploader-{gen}",
            help="会議録・議事録・議事要旨（テキスト、PDF、HTML、会議録検索システムのJSON、国会会議録APIのXML/JSON、TEI XML）。",
        )
        st.caption(upload_hint(SUFFIXES))
        if st.button("索引に追加", key="add-minutes", disabled=not files, icon=":material/add:", type="primary"):
            outcomes = []
            for f in files or []:
                bar = st.progress(0.0, text=f"「{md_escape(f.name)}」を確認しています…")
                outcomes.append(add_minutes_file(assistant, f.name, f.getvalue(), progress_bar(bar, f"「{f.name}」を索引に追加中")))
                bar.empty()
            st.session_state[UPLOAD_RESULTS] = outcomes
            st.session_state[UPLOADER_GEN] = gen + 1  # a fresh, empty uploader
            st.rerun()


def _sidebar(assistant: "Assistant", choices: FilterChoices) -> tuple["Filters", bool, Any]:
    with st.sidebar:
        filters = _filters_sidebar(choices)
        use_context, saved_slot = _conversation_sidebar()
        _examples_sidebar()
        _upload_sidebar(assistant)
        st.header("索引の状態", divider="gray")
        render_index_status(assistant)
    return filters, use_context, saved_slot


# ------------------------------------------------------------------ main area


def _welcome(meetings: int) -> None:
    with st.chat_message("assistant"):
        st.markdown(
            f"政府会議の議事要旨（現在 **{meetings}件** の会議）について、日本語または英語の質問に答えます。  \n"
            "回答は議事要旨の原文からの抜粋だけで構成し、[1] のような番号で出典を示します。"
            "議事要旨に記載がない事柄には「見つかりませんでした」と答えます。  \n"
            "まずは次の例を試してみてください。"
        )
        for i, q in enumerate(EXAMPLES):
            st.button(q, key=f"example-{i}", on_click=_queue, args=(q,), icon=":material/chat_bubble:")


def render() -> None:
    """The whole chat page; the saved conversations and exports are drawn last, so they hold this run's answer."""
    assistant = assistant_or_stop()
    choices = _choices(assistant)
    conversations.sync()
    filters, use_context, saved_slot = _sidebar(assistant, choices)
    _chat(assistant, choices, filters, use_context)
    conversations.draw(saved_slot, assistant.settings.memo_author)


def _chat(assistant: "Assistant", choices: FilterChoices, filters: "Filters", use_context: bool) -> None:
    st.title(TITLE)
    st.caption("国会・地方議会・審議会の会議録や議事要旨を検索し、原文の抜粋を出典つきで示します。")
    history: list[Exchange] = st.session_state[HISTORY]
    turns = st.session_state[conversations.TURNS]
    prompt = st.chat_input("会議録・議事要旨について質問してください（日本語・英語）", key="chat-input", max_chars=1000)
    pending = st.session_state.pop(PENDING, None)
    incoming: tuple[str, bool] | None = (prompt, False) if prompt else pending

    summary = filters_summary(filters, choices.meetings)
    if summary:
        st.info(f"絞り込み中: {md_escape(summary)}", icon=":material/filter_alt:")
    if not history and not incoming:
        _welcome(len(choices.meetings))

    for i, ex in enumerate(history):
        with st.chat_message("user"):
            st.markdown(md_escape(ex.question))
        with st.chat_message("assistant"):
            render_exchange(ex, key=f"t{i}", on_literal=_queue_literal)
            conversations.feedback(turns[i] if i < len(turns) else None)

    if not incoming or not incoming[0].strip():
        return
    question, literal = incoming[0].strip(), incoming[1]
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        ex = answer_live(assistant, question, [h.query for h in history], filters,
                         follow_ups=use_context and not literal, filters_text=summary)
        if ex is None:
            return
        key = f"t{len(history)}"
        turn = conversations.record(assistant, ex)  # saved before it is drawn: exports and reloads include it
        render_exchange(ex, key=key, on_literal=_queue_literal)
        conversations.feedback(turn)
        scroll_to_answer()  # Streamlit leaves the view at the bottom of the last card


def answer_live(
    assistant: "Assistant", question: str, previous: list[str], filters: "Filters | None",
    follow_ups: bool = True, filters_text: str = "",
) -> "Exchange | None":
    """Answer one question inside the current chat message; None (and an error shown) if it cannot.

    With an LLM writer, its reply is streamed here as it is written (``st.write_stream``) and
    then cleared: the caller draws the verified answer in its place.
    """
    from ..errors import RagError

    writing = getattr(assistant.answerer, "writer", None) is not None
    draft = st.empty() if writing else None  # where the draft is streamed

    def show(pieces):
        assert draft is not None
        with draft.container():
            st.caption(":material/edit_note: 回答を書いています。出典で確かめてから、確かめられた文だけを表示します。")
            return st.write_stream(pieces)

    try:
        with st.spinner("会議録を検索し、回答を作成しています…" if writing else "会議録を検索しています…"):
            return answer_turn(assistant, question, previous, filters, follow_ups=follow_ups,
                               filters_text=filters_text, on_draft=show if writing else None)
    except RagError as exc:
        st.error(f"回答できませんでした: {exc}", icon=":material/error:")
        return None
    finally:
        if draft is not None:
            draft.empty()
