"""The 会議一覧 page: every indexed meeting in a sortable, filterable table, and one meeting's record.

What is shown comes from ``rag.browse`` (plain data, unit-tested); this module lays it
out. The meeting shown is the query parameter ``m`` (``?m=<meeting id>&r=<remark>``),
so a meeting — or one remark of it — can be linked to.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from .. import browse, inert
from ..presentation import one_line
from . import links
from .ui import assistant_or_stop

if TYPE_CHECKING:
    from ..records import CatalogEntry

TABLE_IDS = "_ml_table_ids"  # meeting ids of the table's rows, in order (for its selection callback)
PICK = "ml-pick"
NONE = ""


# ------------------------------------------------------------------ choosing a meeting


def _show(meeting_id: str) -> None:
    st.query_params["m"] = meeting_id
    st.query_params.pop("r", None)


def _on_table_select() -> None:
    rows = st.session_state["ml-table"]["selection"]["rows"]
    ids = st.session_state.get(TABLE_IDS, [])
    if rows and rows[0] < len(ids):
        _show(ids[rows[0]])


def _on_pick() -> None:
    chosen = st.session_state.get(PICK) or NONE
    if chosen:
        _show(chosen)
    else:
        st.query_params.pop("m", None)
        st.query_params.pop("r", None)


def _filters(entries: list["CatalogEntry"]) -> browse.ListFilter:
    bodies = sorted({browse.body_of(e) for e in entries})
    speakers = browse.speaker_choices(entries)
    roles = {n: r for n, r, _ in speakers}
    dates = sorted(e.date for e in entries if e.date)
    left, right = st.columns(2)
    chosen_bodies = left.multiselect("会議体", bodies, key="ml-bodies", placeholder="すべての会議体")
    chosen_speakers = right.multiselect(
        "発言者", [n for n, _, _ in speakers], key="ml-speakers", placeholder="すべての発言者",
        format_func=lambda n: n + (f"（{roles[n]}）" if roles.get(n) else ""),
        help="選んだ人が発言した会議だけを表示します。",
    )
    left, right = st.columns(2)
    text = left.text_input("会議名・ファイル名に含む語", key="ml-text", max_chars=100)
    date_from = date_to = None
    if dates:
        lo, hi = dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[-1])
        picked = right.date_input("開催日の期間", value=(lo, hi), min_value=lo, max_value=hi, key="ml-dates",
                                  format="YYYY/MM/DD", help="期間を狭めると、日付の記載がない会議は表示しません。")
        picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
        if picked and picked[0] > lo:
            date_from = picked[0].isoformat()
        if len(picked) > 1 and picked[1] < hi:
            date_to = picked[1].isoformat()
    return browse.ListFilter(tuple(chosen_bodies), date_from, date_to, tuple(chosen_speakers), text.strip())


def _table(shown: list["CatalogEntry"]) -> None:
    rows = browse.table_rows(shown)
    st.session_state[TABLE_IDS] = [r["id"] for r in rows]
    if not rows:
        st.info("条件に合う会議はありません。絞り込みを緩めてください。", icon=":material/filter_alt_off:")
        return
    st.dataframe(
        rows, hide_index=True, key="ml-table", on_select=_on_table_select,
        selection_mode="single-row",
        column_order=[k for k in rows[0] if k != "id"],
        column_config={
            "開催日": st.column_config.DateColumn("開催日", format="YYYY-MM-DD"),
            "発言数": st.column_config.NumberColumn("発言数", format="%d"),
            "発言者数": st.column_config.NumberColumn("発言者数", format="%d"),
        },
    )


def _picker(shown: list["CatalogEntry"], by_id: dict[str, "CatalogEntry"], current: str | None) -> None:
    options = [NONE] + [e.meeting_id for e in shown]
    if current in by_id and current not in options:
        options.append(current)  # the linked meeting stays chosen even when the filters hide it
    want = current if current in by_id else NONE
    if st.session_state.get(PICK) != want:
        st.session_state[PICK] = want
    st.selectbox(
        "表示する会議", options, key=PICK, on_change=_on_pick,
        format_func=lambda i: "（表の行を選ぶか、ここで選んでください）" if i == NONE else browse.list_label(by_id[i]),
    )


# ------------------------------------------------------------------ one meeting


def _facts(meeting) -> None:
    d = browse.date_labels(meeting)
    if d.wareki and d.wareki_is_original:
        date = f"{d.seireki}（{inert.markdown(d.wareki)}）"
    elif d.wareki:
        date = f"{d.seireki}（{d.wareki}・和暦は換算）" + (f"　原文の表記: {inert.markdown(d.original)}" if d.original else "")
    else:
        date = d.seireki
    lines = [f"**開催日**: {date}"]
    for label, value in (("時間", meeting.time), ("場所", meeting.place), ("会議体", meeting.body),
                         ("種別", meeting.kind), ("ファイル", Path(meeting.source).name), ("公開元", meeting.url)):
        if value:
            lines.append(f"**{label}**: {inert.markdown(one_line(value))}")
    st.markdown("  \n".join(lines))


def _record(index, meeting_id: str, focus: int | None) -> None:
    found = index.records.get(meeting_id)
    if found is None:
        st.warning("この会議は索引にありません（削除または更新された可能性があります）。", icon=":material/search_off:")
        return
    meeting, text = found
    st.header(inert.markdown(meeting.label), anchor=False, divider="gray")
    with st.container(horizontal=True):
        if st.button("この会議について質問する", key="ml-ask", icon=":material/forum:", type="primary"):
            links.ask_about(meeting.meeting_id)
        if st.button("この会議のメモを作る", key="ml-brief", icon=":material/description:"):
            links.brief(meeting.meeting_id)
    _facts(meeting)
    if meeting.warnings:
        with st.expander(f"読み取りの注意（{len(meeting.warnings)}件）", icon=":material/warning:"):
            st.markdown("\n".join(f"- {inert.markdown(w)}" for w in meeting.warnings))
    remark = next((r for r in meeting.remarks if r.number == focus), None)
    if remark is not None:
        st.markdown(f"**検索から開いた発言**（発言{remark.number}）")
        st.markdown(browse.wrap_html(browse.remark_html(remark, text, focus=True)), unsafe_allow_html=True)
    speakers = browse.speaker_rows(meeting)
    attendees = browse.attendee_rows(meeting)
    tabs = st.tabs([f"発言者（{len(speakers)}）", f"出席者（{len(attendees)}）",
                    f"議題・決定事項（{len(meeting.agenda)}・{len(meeting.decisions)}）", f"全文（発言{len(meeting.remarks)}件）"])
    with tabs[0]:
        if speakers:
            st.dataframe(speakers, hide_index=True, key="ml-speaker-table")
        else:
            st.caption("この記録には発言者名の記載がありません（議事要旨など）。")
    with tabs[1]:
        if attendees:
            st.dataframe(attendees, hide_index=True, key="ml-attendee-table")
        else:
            st.caption("出席者の記載はありません。")
    with tabs[2]:
        st.markdown("**議題**")
        agenda = browse.agenda_lines(meeting)
        st.markdown("\n".join(f"{i}. {inert.markdown(a)}" for i, a in enumerate(agenda, 1)) if agenda else "記載なし")
        st.markdown("**決定事項**")
        decisions = browse.decision_lines(meeting)
        st.markdown("\n".join(f"- {inert.markdown(d)}" for d in decisions) if decisions else "記載なし")
    with tabs[3]:
        st.caption("発言ごとに区切って表示しています（灰色は発言以外の部分: 見出し・出席者・議事の進行など）。")
        st.markdown(browse.full_text_html(meeting, text, focus), unsafe_allow_html=True)


# ------------------------------------------------------------------ the page


def render() -> None:
    """The whole 会議一覧 page."""
    assistant = assistant_or_stop()
    index = assistant.index
    index.refresh()
    st.title("会議一覧")
    entries = index.catalog()
    if not entries:
        st.info("索引に会議がありません。質問ページのサイドバーから議事録を追加してください。")
        return
    by_id = {e.meeting_id: e for e in entries}
    f = _filters(entries)
    shown = browse.filter_catalog(entries, f)
    st.caption(f"{len(shown)}件を表示（索引にある会議 {len(entries)}件）。見出しをクリックすると並べ替え、行を選ぶと記録を表示します。")
    _table(shown)
    current = st.query_params.get("m")
    _picker(shown, by_id, current)
    if current and current not in by_id:
        st.warning("リンクの会議は索引にありません（削除または再取り込みで変わった可能性があります）。", icon=":material/search_off:")
        return
    if current:
        r = st.query_params.get("r")
        _record(index, current, int(r) if r and r.isdigit() else None)
