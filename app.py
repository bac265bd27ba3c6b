"""議事要旨アシスタント — `streamlit run app.py`.

Thin entry point: page setup and navigation. The chat page is ``rag.app.chat_page``;
every file in ``pages/`` (briefings, evaluation, …) is added to the navigation
with its numeric prefix dropped from the title (``2_ブリーフィング.py`` → ブリーフィング).
"""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from rag.app import chat_page

HERE = Path(__file__).resolve().parent


def _extra_pages() -> list:
    """The pages in pages/, in file-name order, titled without their numeric prefix."""
    found = []
    for path in sorted((HERE / "pages").glob("*.py")):
        if path.name.startswith("_"):
            continue
        title = re.sub(r"^\d+[_\s-]*", "", path.stem).replace("_", " ") or path.stem
        found.append(st.Page(path, title=title))
    return found


st.set_page_config(page_title=chat_page.TITLE, page_icon=":material/forum:")
chat_page.keep_settings()  # filters and the follow-up switch survive a visit to another page
main = st.Page(chat_page.render, title="質問する", icon=":material/forum:", default=True)
st.navigation([main, *_extra_pages()]).run()
