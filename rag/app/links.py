"""Moving between pages with something chosen: ask about a meeting, make its memo, open it in the list.

Each target page keeps its own session keys; the hand-over lives here so the pages
that link (会議一覧, 検索) do not each learn another page's keys.
"""
from __future__ import annotations

import streamlit as st

MEETINGS_PAGE = "pages/1_会議一覧.py"
SEARCH_PAGE = "pages/1b_検索.py"
BRIEFING_PAGE = "pages/2_ブリーフィング.py"
CHAT_MEETINGS = "f_meetings"  # the chat sidebar's meeting filter (rag.app.chat_page.FILTER_KEYS)


def ask_about(meeting_id: str) -> None:
    """The chat page, filtered to this meeting only (the other chat filters are cleared, so none hides it)."""
    from . import chat_page

    for key in chat_page.FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state[CHAT_MEETINGS] = [meeting_id]
    # the chat page is a callable in app.py's navigation; a Page's identity is its url path,
    # which for a callable is its name, so this object stands for the registered one
    st.switch_page(st.Page(chat_page.render, default=True))


def brief(meeting_id: str) -> None:
    """The briefing page with this meeting chosen."""
    from . import briefing_page

    st.session_state[briefing_page.PRESELECT] = meeting_id
    st.switch_page(BRIEFING_PAGE)


def open_meeting(meeting_id: str, remark: int | None = None) -> None:
    """The meeting's record in the 会議一覧 page (``?m=<id>&r=<remark>``: the same link can be shared)."""
    params = {"m": meeting_id}
    if remark is not None:
        params["r"] = str(remark)
    st.switch_page(MEETINGS_PAGE, query_params=params)
