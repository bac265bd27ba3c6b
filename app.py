"""議事要旨アシスタント — `streamlit run app.py`.

Thin entry point: page setup and navigation. The chat page is ``rag.app.chat_page``;
every file in ``pages/`` (briefings, evaluation, …) is added to the navigation
with its numeric prefix dropped from the title and URL (``2_ブリーフィング.py`` → ブリーフィング).
"""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from rag.app import chat_page
from rag.app.chrome import japanese_chrome

HERE = Path(__file__).resolve().parent


def _extra_pages() -> list:
    """The pages in pages/, in file-name order, titled without their numeric prefix."""
    found = []
    for path in sorted((HERE / "pages").glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = re.sub(r"^\d+[a-z]?[_\s-]*", "", path.stem) or path.stem  # 「1b_検索」 sorts between 1 and 2
        found.append(st.Page(path, title=name.replace("_", " "), url_path=re.sub(r"\s+", "_", name)))
    return found


# an emoji favicon is drawn in the page; a :material/…: one is fetched from fonts.gstatic.com
st.set_page_config(page_title=chat_page.TITLE, page_icon="💬")
chat_page.keep_settings()  # filters and the follow-up switch survive a visit to another page
japanese_chrome()  # Streamlit's own English widget texts, in Japanese on every page
main = st.Page(chat_page.render, title="質問する", icon=":material/forum:", default=True)
st.navigation([main, *_extra_pages()]).run()
