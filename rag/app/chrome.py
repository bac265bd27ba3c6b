"""Streamlit's own page furniture, made Japanese, and the view moved to the start of a new answer.

Streamlit has no locale setting: its file uploader, multiselect and status widget speak English
("Drag and drop", "Upload", "Select all", "No results", "Stop", "Press Enter to apply"). The
style sheet below hides those texts and shows Japanese ones in their place (CSS ``content``),
keyed on Streamlit 1.6x's ``data-testid``/``data-key`` attributes; tests/app/test_browser_ui.py
scans every page for the English strings, so a Streamlit upgrade that moves them is noticed.

Both the style sheet and the scroll script are static text: no minutes text (or anything a
user typed) is ever put into them.
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

_SMALL = "0.875rem"  # Streamlit's theme.fontSizes.sm, the size of the replaced texts
_TINY = "0.75rem"  # theme.fontSizes.twoSm: the "Press Enter to apply" line under an input


def _replace(selector: str, text: str, size: str = _SMALL) -> str:
    """CSS that hides the text directly in ``selector`` and shows ``text`` instead."""
    return (f'{selector}{{font-size:0 !important;}}'
            f'{selector}::after{{content:"{text}";font-size:{size};}}')


_CSS = "".join((
    # file uploader: the English size/type line is hidden (each uploader has a Japanese caption),
    # the "Upload" button says ファイルを選択, the drop overlay says ここにドロップ
    '[data-testid="stFileUploaderDropzoneInstructions"]{display:none;}',
    '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]>*{display:none;}',
    f'[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]::after'
    f'{{content:"ファイルを選択";font-size:{_SMALL};}}',
    _replace('[data-testid="stFileUploaderDropzone"]>div:not([data-testid])>span', "ここにドロップ"),
    # multiselect/selectbox drop-downs: the bulk actions and the empty result
    _replace('[role="option"][data-key="__select_all__"]>div', "すべて選択"),
    _replace('[role="option"][data-key="__select_matches__"]>div', "一致するものをすべて選択"),
    _replace('[role="option"][style*="contents"]>span', "該当なし"),
    # the status widget while a script runs: its "Stop" button
    '[data-testid="stStatusWidget"] button>*{display:none;}',
    f'[data-testid="stStatusWidget"] button::after{{content:"停止";font-size:{_SMALL};}}',
    # "Press Enter to apply" under a text or number input (the character counter is kept)
    _replace(':is([data-testid="stTextInput"],[data-testid="stNumberInput"]) '
             '[data-testid="InputInstructions"]>span:first-child', "Enterで確定", _TINY),
    _replace('[data-testid="stTextArea"] [data-testid="InputInstructions"]>span:first-child',
             "Ctrl+Enterで確定", _TINY),
    # a chat message scrolled into view stops below Streamlit's fixed header
    '[data-testid="stChatMessage"]{scroll-margin-top:4.5rem;}',
))


def japanese_chrome() -> None:
    """Inject the style sheet (once per run, from app.py: every page gets it; it takes no space)."""
    st.html(f"<style>{_CSS}</style>")


def upload_hint(types: Sequence[str]) -> str:
    """The Japanese line shown under a file uploader instead of Streamlit's English one."""
    limit = st.get_option("server.maxUploadSize")
    kinds = "・".join(dict.fromkeys(t.lstrip(".").upper() for t in types))
    return f"ここにドラッグ＆ドロップするか「ファイルを選択」で選びます（{kinds}、1ファイル{limit}MBまで）。"


# Streamlit keeps a chat page scrolled to the bottom while it grows (its stick-to-bottom
# container), so a long answer with source cards ends with only the last card in view; on a
# phone the answer's first line is several screens up. Once the turn is drawn, this moves the
# view to the newest assistant message's top (only when that top is above the view).
_SCROLL_JS = """<script>
(() => {
  const toAnswer = () => {
    const messages = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
    const last = messages.reverse().find(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]'));
    if (!last) return;
    const header = document.querySelector('[data-testid="stHeader"]');
    const top = header ? header.getBoundingClientRect().bottom : 0;
    if (last.getBoundingClientRect().top < top) last.scrollIntoView({block: "start", behavior: "instant"});
  };
  [0, 150, 500, 1200].forEach(ms => setTimeout(toAnswer, ms));
})();
</script>"""


def scroll_to_answer() -> None:
    """Draw (last, inside the new answer's chat message) the static script that shows its start."""
    st.html(_SCROLL_JS, unsafe_allow_javascript=True)
