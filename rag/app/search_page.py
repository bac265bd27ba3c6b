"""The 検索 page: keyword search as a keyword-in-context list, with the chat's filters, 20 hits a page.

The search itself is ``rag.search.keyword_search`` (also `python -m rag search`); this
module lays out the query, the filters, the hits and the pages. Snippets are HTML in
which every character of the minutes is a character reference (``rag.inert``), and the
only markup is the <mark> around the matched words.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import streamlit as st

from .. import inert
from ..browse import date_line
from ..presentation import FilterChoices, context_html, filter_choices, make_filters, meeting_option
from ..search import PAGE_SIZE, KwicHit, keyword_search, where
from . import links
from .ui import assistant_or_stop

if TYPE_CHECKING:
    from ..domain import Filters

PAGE = "kw-page"  # the page shown, 1-based (plain state, not a widget)
SIGNATURE = "_kw_signature"  # the query and filters the page number belongs to
CHOICES = "_kw_choices"


def _choices(index) -> FilterChoices:
    """Filter choices, recomputed only when the index changed."""
    version = (len(index.lexical), tuple(index.records.ids()))
    cached = st.session_state.get(CHOICES)
    if cached is None or cached[0] != version:
        cached = (version, filter_choices(index))
        st.session_state[CHOICES] = cached
    return cached[1]


def _filters(choices: FilterChoices) -> "Filters":
    with st.sidebar:
        st.header("絞り込み", divider="gray")
        labels = {m.meeting_id: meeting_option(m) for m in choices.meetings}
        meetings = st.multiselect("会議", list(labels), format_func=lambda i: labels.get(i, i), key="kw-meetings",
                                  placeholder="すべての会議")
        dates: tuple[dt.date, ...] = ()
        if choices.date_min and choices.date_max:
            lo, hi = dt.date.fromisoformat(choices.date_min), dt.date.fromisoformat(choices.date_max)
            picked = st.date_input("開催日の期間", value=(lo, hi), min_value=lo, max_value=hi, key="kw-dates",
                                   format="YYYY/MM/DD")
            dates = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
        roles_of = dict(choices.speakers)
        speakers = st.multiselect(
            "発言者", [n for n, _ in choices.speakers], key="kw-speakers", placeholder="すべての発言者",
            format_func=lambda n: n + (f"（{roles_of[n]}）" if roles_of.get(n) else ""),
            help="会議録が発言者名を記している発言だけが対象です。",
        )
        roles = st.multiselect("役職", list(choices.roles), key="kw-roles", placeholder="すべての役職")
    return make_filters(choices, meetings, dates, speakers=speakers, roles=roles)


def _go(page: int) -> None:
    st.session_state[PAGE] = page


def kwic_html(hit: KwicHit) -> str:
    """The snippet on one line, matched words in <mark>, everything else inert."""
    body = "".join(
        f'<mark style="{inert.MARK_STYLE}">{inert.html_text(_fold(t))}</mark>' if marked else inert.html_text(_fold(t))
        for t, marked in hit.snippet_parts()
    )
    lead = "…" if hit.snippet_start > 0 else ""
    tail = "…" if hit.snippet_end < len(hit.chunk.text) else ""
    return f'<div class="kwic" style="line-height:1.8;">{lead}{body}{tail}</div>'


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _hit(index, hit: KwicHit, n: int, dates: dict[str, str | None]) -> None:
    c = hit.chunk
    date = date_line(c.date or None, dates.get(c.meeting_id))
    with st.container(border=True):
        st.markdown(f"**{n}.** {inert.markdown(c.meeting)} ／ {inert.markdown(date)} ／ {inert.markdown(where(c))}")
        st.markdown(kwic_html(hit), unsafe_allow_html=True)
        if not hit.marks:
            st.caption("本文ではなく、発言者名・役職が検索語に一致しました。")
        with st.expander("前後の文脈を表示", icon=":material/description:"):
            text = index.records.text(c.meeting_id)
            if text is not None and text[c.start:c.end] == c.text:
                st.markdown(context_html(text, c.start, c.end), unsafe_allow_html=True)
            else:
                st.warning("この会議の原文は索引にありません（削除または更新された可能性があります）。")
            if st.button("会議の記録で見る", key=f"kw-open-{n}", icon=":material/open_in_new:", type="tertiary"):
                links.open_meeting(c.meeting_id, c.remark_no)


def _pager(pages: int, current: int) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("前の20件", key="kw-prev", on_click=_go, args=(current - 1,), disabled=current <= 1,
                  icon=":material/chevron_left:")
        st.markdown(f"{current} / {pages} ページ")
        st.button("次の20件", key="kw-next", on_click=_go, args=(current + 1,), disabled=current >= pages,
                  icon=":material/chevron_right:")


def render() -> None:
    """The whole 検索 page."""
    assistant = assistant_or_stop()
    index = assistant.index
    st.title("キーワード検索")
    st.caption("語を含む発言を、前後の文とともに一覧します（活用や表記ゆれもまとめて探します）。"
               "「」や \"\" で囲んだ語句は、そのとおりに含む箇所だけを探します。")
    filters = _filters(_choices(index))
    query = st.text_input("検索語", key="kw-q", max_chars=200, placeholder="例: 「国立大学法人」 運営方針会議")
    if st.session_state.get(SIGNATURE) != (query, filters):
        st.session_state[SIGNATURE] = (query, filters)
        st.session_state[PAGE] = 1
    if not query.strip():
        st.caption("検索語を入力してください。左の絞り込み（会議・期間・発言者・役職）も使えます。")
        return
    current = max(1, int(st.session_state.get(PAGE, 1)))
    result = keyword_search(index, query, filters, (current - 1) * PAGE_SIZE, PAGE_SIZE)
    if result.query is not None and not result.query.phrases and not result.terms:
        st.info("検索できる語がありません（「について」などの助詞・助動詞だけでは検索しません）。", icon=":material/info:")
        return
    if not result.total:
        st.info("検索語を含む発言は見つかりませんでした。" + ("絞り込みを外すと見つかるかもしれません。" if not filters.is_empty() else ""),
                icon=":material/search_off:")
        return
    if current > result.pages:  # the index shrank since this page was chosen
        _go(result.pages)
        st.rerun()
    first = (current - 1) * PAGE_SIZE + 1
    st.markdown(f"**{result.total}件**（{first}–{first + len(result.hits) - 1}件目）")
    dates = {e.meeting_id: e.date_original for e in index.catalog()}
    for n, hit in enumerate(result.hits, start=first):
        _hit(index, hit, n, dates)
    if result.pages > 1:
        _pager(result.pages, current)
