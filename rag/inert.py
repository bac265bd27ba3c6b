"""Minutes text made inert for Markdown and HTML: shown exactly as written, never as a link or image.

Minutes come from outside (uploads, scraped pages, API exports), so a remark that says
「[資料](https://…)」 or 「![](https://…/x.png)」 must not become a live link or load a
remote image. ``presentation.md_escape`` stops Markdown's own syntax; ``markdown``
also stops the autolinks GitHub-flavoured Markdown (Streamlit's) makes of bare
「https://…」「www.…」「name@example.com」. Backslash escapes do not stop those (they are
found in the text after escapes are read; checked in Chromium), so an invisible
WORD JOINER (U+2060) is put inside 「://」, after 「www」 and after 「@」. ``html_text`` is
for HTML blocks rendered with ``unsafe_allow_html``: every character that HTML or
Markdown could read as markup becomes a character reference, so nothing in it is markup.
"""
from __future__ import annotations

import re

from .presentation import md_escape

_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9]:)(?=//)|(?i:(?<=www)(?=\.))|(?<=@)")
JOINER = "\u2060"  # invisible; no autolink pattern matches across it
# HTML's own five, and what Markdown, Streamlit's directives (:red[…]) and math ($) read as syntax
_HTML = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`~$:\\|#+-=.@{}"})
MARK_STYLE = "background:#ffe08a;color:#111;padding:0 1px;"


def markdown(text: str) -> str:
    """``md_escape`` plus no autolinks: a URL or address in the minutes stays plain text."""
    return no_autolinks(md_escape(text))


def no_autolinks(escaped: str) -> str:
    """Markdown already escaped (e.g. ``presentation.answer_markdown_body``) with its bare URLs and
    addresses broken up, so GitHub-flavoured Markdown links none of them."""
    return _AUTOLINK.sub(JOINER, escaped)


def html_text(text: str) -> str:
    """Every markup character as a character reference; line breaks as <br> (one HTML line)."""
    return text.translate(_HTML).replace("\r\n", "\n").replace("\n", "<br>")
