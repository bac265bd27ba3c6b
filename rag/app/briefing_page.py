"""The ブリーフィング page: a sourced memo on one meeting or a topic, previewed and downloaded.

All choosing and rendering lives in ``rag.briefing`` (the same code as
``python -m rag brief``); this module only lays out the options and the result.
"""
from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from .. import briefing as bf
from ..errors import ConfigError, RagError
from ..inert import markdown as md_escape  # minutes text shown literally: no links, images or markup
from ..presentation import meeting_option
from .steps import Steps
from .ui import assistant_or_stop

RESULT = "briefing_result"  # (request key, Briefing) of the last memo made in this session
FILES = "briefing_files"  # {format: bytes, or (level, Japanese message) when it could not be made} of RESULT
STEPS = ("索引を開く", "根拠を検索", "抜粋を選択", "文書を作成")
_STEP_OF = {"search": "根拠を検索", "select": "抜粋を選択"}  # what rag.briefing reports, as listed
PRESELECT = "brief_preselect_meeting"  # a meeting id another page (会議一覧) opens this page with
MIME = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "json": "application/json",
}
LABEL = {"md": "Markdown", "docx": "Word（DOCX）", "pdf": "PDF", "json": "JSON"}


def _options() -> bf.BriefingOptions:
    """The same rule as ``brief --one-page --max-points … --max-chars … --excerpt-chars …`` (0 = not given)."""
    with st.expander("分量", icon=":material/tune:"):
        one_page = st.toggle("1ページに収める", key="brief-one-page",
                             help=f"要旨の論点{bf.ONE_PAGE.max_points}件・抜粋計{bf.ONE_PAGE.max_chars}字まで、詰めた体裁でA4 1枚")
        points = st.number_input("論点の最大件数（0 = 既定）", min_value=0, max_value=50, value=0, step=1, key="brief-points")
        chars = st.number_input("抜粋の合計字数の上限（0 = 既定）", min_value=0, max_value=20000, value=0, step=100,
                                key="brief-chars", help=f"既定は、1ページでは{bf.ONE_PAGE.max_chars}字、それ以外は上限なし。")
        excerpt = st.number_input("抜粋1件の目安字数（0 = 既定）", min_value=0, max_value=1000, value=0, step=10,
                                  key="brief-excerpt", help=f"既定は{bf.DEFAULT_EXCERPT_CHARS}字（1ページでは"
                                  f"{bf.ONE_PAGE.excerpt_chars}字）。文の途中では切りません。")
    return bf.options_for(one_page, int(points) or None, int(chars) or None, int(excerpt) or None)


def _request(assistant) -> tuple | None:
    """The user's choice as a hashable request, or None until it is complete."""
    if PRESELECT in st.session_state:  # opened for one meeting: the meeting form, that meeting chosen
        st.session_state["brief-kind"] = "会議"
        st.session_state.pop("brief-meeting", None)
    kind = st.radio("対象", ["会議", "テーマ"], horizontal=True, key="brief-kind")
    if kind == "会議":
        meetings = assistant.index.meetings()
        if not meetings:
            st.info("索引に議事要旨がありません。")
            return None
        want = st.session_state.pop(PRESELECT, None)
        first = next((i for i, m in enumerate(meetings) if m.meeting_id == want), len(meetings) - 1)
        meeting = st.selectbox("会議", meetings, index=first, format_func=meeting_option, key="brief-meeting")
        return ("meeting", meeting.meeting_id)
    topic = st.text_input("テーマ", placeholder="例: サイバー犯罪への対応", key="brief-topic", max_chars=200)
    period: tuple[str | None, str | None] = (None, None)
    if st.checkbox("期間で絞り込む", key="brief-use-period"):
        left, right = st.columns(2)
        start = left.date_input("開始日", value=dt.date(2007, 1, 1), key="brief-from", min_value=dt.date(1945, 1, 1))
        end = right.date_input("終了日", value=dt.date.today(), key="brief-to", min_value=dt.date(1945, 1, 1))
        period = (start.isoformat(), end.isoformat())
    return ("topic", topic.strip(), *period) if topic.strip() else None


def _build(assistant, request: tuple, options: bf.BriefingOptions, steps: Steps) -> bf.Briefing:
    def step(name: str) -> None:
        steps.start(_STEP_OF[name])

    if request[0] == "meeting":
        return bf.build_meeting_briefing(assistant.index, request[1], options, step=step)
    return bf.build_topic_briefing(assistant, request[1], request[2], request[3], options, step=step)


def _make(assistant, request: tuple, options: bf.BriefingOptions) -> None:
    """Build the memo and every download of it under a step list; kept in session state."""
    steps = Steps("メモを作成しています…", STEPS)
    try:
        steps.start("索引を開く")
        b = _build(assistant, request, options, steps)
        steps.start("文書を作成")
        files = render_files(b, bf.MemoMeta.from_settings(assistant.settings))
    except RagError as exc:
        steps.fail("メモを作成できませんでした")
        st.session_state.pop(RESULT, None)
        st.error(f"メモを作成できませんでした: {exc}", icon=":material/error:")
        return
    st.session_state[RESULT] = ((request, options), b)
    st.session_state[FILES] = (b, files)
    steps.finish("メモを作成しました")


def render_files(b: bf.Briefing, meta: bf.MemoMeta) -> dict[str, bytes | tuple[str, str]]:
    """Each download format of ``b``, or why it could not be made (one failing format hides no other)."""
    files: dict[str, bytes | tuple[str, str]] = {}
    for fmt in bf.FORMATS:
        try:
            files[fmt] = bf.render(b, fmt, meta)
        except ConfigError:  # PDF without a usable Japanese font
            files[fmt] = ("warning", f"{LABEL[fmt]}を作成できませんでした。日本語のTrueTypeフォント（Debianでは "
                                     "fonts-ipaexfont-gothic）をインストールするか、RAG_MEMO_FONT にフォントファイルを指定してください。")
        except Exception as exc:  # a renderer bug must not hide the other formats
            files[fmt] = ("error", f"{LABEL[fmt]}を作成できませんでした: {exc}")
    return files


def _downloads(b: bf.Briefing, meta: bf.MemoMeta) -> None:
    made = st.session_state.get(FILES)
    files = made[1] if made and made[0] is b else render_files(b, meta)
    columns = st.columns(len(bf.FORMATS))
    for column, fmt in zip(columns, bf.FORMATS):
        with column:
            data = files[fmt]
            if isinstance(data, tuple):
                (st.warning if data[0] == "warning" else st.error)(data[1])
                continue
            st.download_button(
                LABEL[fmt], data=data, file_name=bf.briefing_filename(b, fmt), mime=MIME[fmt],
                key=f"brief-dl-{fmt}", icon=":material/download:", on_click="ignore", use_container_width=True,
            )


def render() -> None:
    """The whole briefing page."""
    assistant = assistant_or_stop()
    st.title("ブリーフィング・メモ")
    st.caption("会議1回分、またはテーマについて、議事要旨の原文の抜粋だけで作るメモです。各抜粋に出典番号［n］が付きます。")
    request = _request(assistant)
    options = _options()
    if st.button("メモを作成", type="primary", disabled=request is None, icon=":material/description:", key="brief-make"):
        _make(assistant, request, options)
    result = st.session_state.get(RESULT)
    if not result:
        return
    (made_for, made_with), b = result
    if made_for != request or made_with != options:
        st.caption("※ 表示中のメモは以前の指定で作成したものです。「メモを作成」で更新できます。")
    if not b.found:
        st.warning(md_escape(b.notice or "該当する記載が見つかりませんでした。"), icon=":material/search_off:")
    st.markdown(f"**保存**（出典 {len(b.sources)}件）")
    meta = bf.MemoMeta.from_settings(assistant.settings)
    _downloads(b, meta)
    with st.container(border=True):
        st.markdown(preview_markdown(b, meta))


def preview_markdown(b: bf.Briefing, meta: bf.MemoMeta | None = None) -> str:
    """The Markdown memo with headings two levels smaller, so it sits under the page's own title."""
    return re.sub(r"(?m)^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", bf.render_markdown(b, meta))
