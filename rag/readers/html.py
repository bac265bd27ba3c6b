"""HTML minutes: the visible text of a page, and of the HTML bodies vendor exports carry.

``html_to_text`` renders markup the way a reader sees it, as plain lines:

* invisible and interactive parts are dropped (``script``, ``style``, ``head``,
  ``nav``, ``header``, ``footer``, ``aside``, ``form`` and its controls, ruby
  readings, elements marked ``hidden``/``aria-hidden="true"``/
  ``role="navigation"``, comments);
* block elements (``p``, ``div``, ``li``, ``tr``, headings …) and ``<br>`` end
  lines; table cells in one row are joined with a tab;
* inline elements join without adding anything (Japanese has no spaces
  between words); source whitespace collapses as in a browser, and a source
  line break between two full-width characters disappears (CSS Text 3
  segment-break rule), so markup wrapped for readability does not put spaces
  into Japanese sentences;
* ``<pre>`` (and an inline ``style="white-space: pre…"``) keeps its line
  breaks and spaces; the two document-wide rules below still apply to it;
* trailing whitespace is stripped from every line and runs of blank lines
  become one blank line, but a line's leading full-width spaces (U+3000) stay:
  minutes indent paragraphs with them and speaker labels are found at line
  starts.

``read_html`` reads a published page: it decodes by the page's declared
charset (Shift_JIS pages are read as cp932, the superset sites actually
write), and keeps only the element that holds the minutes when the page wraps
them in site chrome (see ``_choose_content``).
"""
from __future__ import annotations

import codecs
import re
import unicodedata

import lxml.etree as etree
import lxml.html

from rag.errors import InputError
from rag.readers.base import Hints, SourceDoc

# Elements whose content a reader does not see as part of the document.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
        "nav", "header", "footer", "aside",
        "form", "button", "select", "input", "textarea", "option", "optgroup", "datalist", "label",
        "iframe", "frame", "object", "embed", "svg", "math", "canvas", "audio", "video", "map",
        "rt", "rp",  # ruby readings: 「議事録」 not 「議事録ぎじろく」
    }
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
        "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul", "xmp",
    }
)
CELL_TAGS = frozenset({"td", "th"})
PRE_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})

# Main-content choice (see _choose_content).
MAIN_SHARE = 0.5  # a main/article/[role=main] is used when it holds at least this share of the page's non-link text
DESCEND_SHARE = 2 / 3  # a narrower element is used when it keeps at least this share ("a clear majority")
MAX_LINK_DENSITY = 0.5  # elements whose text is mostly link text are navigation, never the content
WARN_KEPT_SHARE = 0.9  # leaving out more than a tenth of the page's text is worth a warning

_ASCII_WS = re.compile(r"[ \t\n\r\f]+")  # HTML's collapsible whitespace; U+3000 is not part of it
_CELL = "\x1f"  # placeholder for a cell boundary while a line is being assembled
_CELL_RUN = re.compile(f" ?{_CELL}[{_CELL} ]*")
_WORD = re.compile(r"\w")


class _Break:  # a block boundary: ends the current line if it has any text
    pass


class _HardBreak:  # <br>: always ends the current line, even an empty one
    pass


class _Pre(str):  # text inside <pre>, kept as written
    pass


_BREAK = _Break()
_BR = _HardBreak()


# ---------------------------------------------------------------------------
# public API


def html_to_text(markup: str | bytes, *, main_content: bool = False) -> str:
    """The visible text of an HTML document or fragment, as lines (see the module docstring).

    ``main_content=True`` keeps only the element that holds the page's main
    content, as ``read_html`` does for a published page; the default renders
    everything visible, which is what a fragment such as an export item's
    body needs.
    """
    if isinstance(markup, bytes):
        markup, _ = _decode(markup)
    text, _, _ = _extract(markup, main_content=main_content)
    return text


def read_html(data: bytes, source: str) -> SourceDoc:
    """One published HTML page of minutes as a ``SourceDoc`` (``file_type="html"``).

    The stored text is the visible text of the element holding the minutes
    (``_choose_content``). When the page's document heading (its ``<h1>``)
    lies outside that element, e.g. in a dropped ``<header>``, its text is
    put first so the meeting title is not lost. ``hints.title`` is set only
    from a heading that opens the chosen content; the ``<title>`` element is
    site chrome on minutes sites (「閲覧 | 音更町議会会議録検索」) and is never used.
    """
    if isinstance(data, str):  # tolerate text already decoded
        markup, warnings = data, []
    else:
        markup, warnings = _decode(data)
    text, title, note = _extract(markup, main_content=True)
    if not text.strip():
        raise InputError(source, "is an HTML page with no visible text")
    if note:
        warnings.append(note)
    return SourceDoc(
        source=source,
        text=text,
        file_type="html",
        hints=Hints(title=title),
        warnings=tuple(warnings),
    )


def _extract(markup: str, *, main_content: bool) -> tuple[str, str | None, str | None]:
    """(stored text, title hint, warning when much of the page was left out) of decoded markup."""
    root = _parse(markup)
    if root is None:
        return "", None, None
    body = _body(root)
    if not main_content:
        _prune(root)
        return _render(body), None, None
    page_title = _page_title(root)
    page_h1 = _page_heading(root, page_title)  # before pruning: pages often put it in a <header>
    _prune(root)
    content, note, sizes = _choose_content(body)
    _drop_link_blocks(content, sizes)
    text = _render(content)
    if not text:
        return "", None, note
    title = _content_title(content, text, page_title)
    if not title and page_h1 and page_h1 not in text:
        text = f"{page_h1}\n\n{text}"
    return text, title, note


# ---------------------------------------------------------------------------
# decoding and parsing

_CODEC_ALIASES = {
    # sites declare Shift_JIS but write Windows-31J (NEC/IBM extensions: ①, 髙, ㈱)
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "csshiftjis": "cp932", "windows-31j": "cp932", "ms932": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "eucjp": "euc_jp", "cseucpkdfmtjapanese": "euc_jp",
    "iso-2022-jp": "iso2022_jp_2", "csiso2022jp": "iso2022_jp_2",
    # a page that says UTF-16 in a <meta> but reached us as bytes ASCII can read is not UTF-16
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
    "x-user-defined": "latin-1",
}
_FALLBACK_CODECS = ("utf-8", "cp932", "euc_jp")


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: byte-order mark, else the declared charset, else the first Japanese codec that fits."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), []
    declared = _declared_charset(data)
    if declared:
        codec = _python_codec(declared)
        if codec:
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as exc:
                if codec != "utf-8":
                    try:  # a page saved again as UTF-8 by whoever fetched it, its <meta> left saying Shift_JIS
                        return data.decode("utf-8"), [
                            f"bytes not valid in the declared charset {declared} (first at byte {exc.start}) but valid "
                            f"UTF-8 throughout: read as UTF-8"]
                    except UnicodeDecodeError:
                        pass
                return data.decode(codec, errors="replace"), [
                    f"bytes not valid in the declared charset {declared} (first at byte {exc.start}); replaced with U+FFFD"
                ]
    for codec in _FALLBACK_CODECS:
        try:
            return data.decode(codec), []
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), ["no charset declared and not valid UTF-8/Shift_JIS/EUC-JP; read as UTF-8 with replacements"]


def _declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` near the top declares."""
    head = data[:16384].decode("latin-1")  # byte-transparent: the declaration itself is ASCII
    try:
        doc = lxml.html.document_fromstring(head.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    for meta in doc.iter("meta"):
        charset = meta.get("charset")
        if charset and charset.strip():
            return charset.strip()
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            for param in (meta.get("content") or "").split(";"):
                key, _, value = param.partition("=")
                if key.strip().lower() == "charset" and value.strip():
                    return value.strip().strip("\"'")
    return None


def _python_codec(label: str) -> str | None:
    label = label.strip().lower()
    codec = _CODEC_ALIASES.get(label, label)
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def _parser() -> lxml.html.HTMLParser:
    # the text is handed over as UTF-8 whatever the page declares: decoding is done by _decode
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _parse(markup: str | bytes):
    if isinstance(markup, bytes):
        markup, _ = _decode(markup)
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup.encode("utf-8"), parser=_parser())
    except etree.ParserError:  # "Document is empty": nothing but whitespace/comments
        return None


def _body(root):
    body = root.find("body")
    return body if body is not None else root


# ---------------------------------------------------------------------------
# dropping what is not visible text


def _is_dropped(el) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in DROP_TAGS:
        return True
    if el.get("hidden") is not None:
        return True
    if (el.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if (el.get("role") or "").strip().lower() == "navigation":
        return True
    return False


def _prune(root) -> None:
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or _is_dropped(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the element's tail text


# ---------------------------------------------------------------------------
# rendering


def _render(el) -> str:
    out: list = []
    _walk(el, out, pre=False)
    return _assemble(out)


def _walk(el, out: list, pre: bool) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append(_BR)
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append(_BREAK)
    if tag in CELL_TAGS:
        out.append(_CELL)
    in_pre = pre or tag in PRE_TAGS or _styled_pre(el)
    text = el.text
    if text and tag in PRE_TAGS:
        # HTML ignores one line break right after the <pre> start tag
        text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
    if text:
        out.append(_Pre(text) if in_pre else text)
    opening = block and not in_pre and _char_count(text) == 0  # nothing rendered in this block yet
    for child in el:
        if isinstance(child.tag, str) and not _is_dropped(child):
            _walk(child, out, in_pre)
            if opening and _is_number_label(child):
                out.append(_BREAK)
            opening = False
        if child.tail:
            out.append(_Pre(child.tail) if in_pre else child.tail)
            opening = opening and _char_count(child.tail) == 0
    if block:
        out.append(_BREAK)


_NUMBER_LABEL = re.compile(r"[(（]?[0-9０-９]{1,5}[)）:：.．]?")


def _is_number_label(el) -> bool:
    """An inline element holding only an item number (「12」「12:」) that opens its block, set off by a space.

    Minutes sites number speeches this way; the number gets a line of its
    own so that the speech after it (「◯議長（…）　…」) starts a line, as it
    does when the site puts the number in a block element.
    """
    tag = el.tag.lower()
    if tag in BLOCK_TAGS or tag in CELL_TAGS or tag == "br":
        return False
    if not _NUMBER_LABEL.fullmatch(el.text_content().strip()):
        return False
    tail = el.tail or ""
    if tail and not tail[0].isspace():
        return False  # 「1番議員」: the number is part of a word
    nxt = el.getnext()
    return bool(tail.strip()) or nxt is not None


def _styled_pre(el) -> bool:
    """An inline ``style`` that keeps source line breaks (``white-space: pre|pre-wrap|pre-line|break-spaces``)."""
    style = el.get("style")
    if not style:
        return False
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() == "white-space" and value.strip().lower().startswith(("pre", "break-spaces")):
            return True
    return False


def _assemble(parts: list) -> str:
    lines: list[str] = []
    current: list[tuple[bool, str]] = []  # (is_pre, text)

    def end_line(hard: bool) -> None:
        line = _line_text(current)
        current.clear()
        if line or hard:
            lines.append(line)

    for part in parts:
        if part is _BR:
            end_line(hard=True)
        elif part is _BREAK:
            end_line(hard=False)
        elif isinstance(part, _Pre):
            pieces = part.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    end_line(hard=True)
                current.append((True, piece))
        else:
            current.append((False, part))
    end_line(hard=False)

    return join_lines(lines)


def join_lines(lines: list[str]) -> str:
    """Lines joined, runs of blank lines made one, no blank lines at either end."""
    result: list[str] = []
    for line in lines:
        if not line and (not result or not result[-1]):
            continue
        result.append(line)
    while result and not result[-1]:
        result.pop()
    return "\n".join(result)


def _line_text(parts: list[tuple[bool, str]]) -> str:
    if not parts:
        return ""
    if any(is_pre for is_pre, _ in parts):
        # a <pre> line is kept as written (flow text sharing its line is collapsed)
        text = "".join(t if is_pre else _ASCII_WS.sub(" ", t) for is_pre, t in parts)
        text = text.replace(_CELL, "\t")
        return text.rstrip()
    flow = "".join(t for _, t in parts)
    text = _ASCII_WS.sub(lambda m: _collapse(m, flow), flow)
    text = _CELL_RUN.sub("\t", text)  # cell boundaries: one tab
    return text.lstrip(" \t").rstrip()


def _collapse(match: re.Match, text: str) -> str:
    """A whitespace run becomes one space, or nothing when it holds a line break between two wide characters."""
    run = match.group(0)
    if "\n" in run or "\r" in run:
        start, end = match.span()
        if start > 0 and end < len(text) and _is_wide(text[start - 1]) and _is_wide(text[end]):
            return ""
    return " "


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "H") and not ("\uac00" <= ch <= "\ud7a3")


# ---------------------------------------------------------------------------
# choosing the element that holds the minutes


def _char_count(text: str | None) -> int:
    if not text:
        return 0
    return sum(1 for ch in text if not ch.isspace())


def _measure(root) -> dict:
    """For every element: (visible characters, characters inside links), whitespace not counted."""
    sizes: dict = {}

    def visit(el) -> tuple[int, int]:
        total = _char_count(el.text)
        links = 0
        for child in el:
            if isinstance(child.tag, str):
                t, l = visit(child)
                total += t
                links += l
            total += _char_count(child.tail)
        if _is_link(el):
            links = total
        sizes[el] = (total, links)
        return total, links

    visit(root)
    return sizes


def _is_link(el) -> bool:
    """An ``<a>``, or any element carrying ``href`` (templates render a disabled link as ``<span href>``)."""
    return isinstance(el.tag, str) and (el.tag.lower() == "a" or el.get("href") is not None)


def _choose_content(body):
    """(the element that holds the minutes, a warning when much was left out or None, the sizes measured).

    Sizes are counted in non-link characters, so navigation lists of links
    weigh nothing. A ``main``/``article``/``[role=main]`` that holds at least
    half of the page is taken first. From there the choice descends into a
    child while that child still holds a clear majority (DESCEND_SHARE) of
    the starting element's text, is not mostly links, and is not one of
    several like siblings (same tag and class): like siblings are the
    minutes' own items (speeches, pages), and one long speech must never
    stand for the whole record. Nothing is narrowed when no element clearly
    dominates: the whole page's visible text is kept.
    """
    sizes = _measure(body)

    def nonlink(el) -> int:
        total, links = sizes.get(el, (0, 0))
        return total - links

    def density(el) -> float:
        total, links = sizes.get(el, (0, 0))
        return links / total if total else 1.0

    page = nonlink(body)
    if page == 0:
        return body, None, sizes
    start = body
    mains = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and (el.tag.lower() in ("main", "article") or (el.get("role") or "").strip().lower() == "main")
    ]
    if mains:
        best_main = max(mains, key=nonlink)
        if nonlink(best_main) >= MAIN_SHARE * page and density(best_main) < MAX_LINK_DENSITY:
            start = best_main
    floor = DESCEND_SHARE * nonlink(start)
    current = start
    while True:
        children = [c for c in current if isinstance(c.tag, str)]
        if not children:
            break
        best = max(children, key=nonlink)
        if nonlink(best) < floor or density(best) >= MAX_LINK_DENSITY:
            break
        signature = (best.tag, (best.get("class") or "").strip())
        if any(
            c is not best and nonlink(c) > 0 and (c.tag, (c.get("class") or "").strip()) == signature
            for c in children
        ):
            break  # one of a run of like items: the parent is the content
        current = best
    kept = nonlink(current)
    if kept >= WARN_KEPT_SHARE * page:
        return current, None, sizes
    return current, (
        f"kept only the page's main content, {kept} of {page} characters outside links; "
        "the rest was taken for site chrome"
    ), sizes


# Blocks never dropped for being mostly links: table parts and list items may be a roster of linked names.
_KEEP_LINKED = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "li", "dt", "dd"})


def _drop_link_blocks(content, sizes: dict) -> None:
    """Drop the blocks inside the content whose text is mostly links (「↓最初のヒットへ」「ページの先頭へ」, link lists)."""
    doomed = []
    for el in content.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag not in BLOCK_TAGS or tag in _KEEP_LINKED:
            continue
        total, links = sizes.get(el, (0, 0))
        if total and links / total >= MAX_LINK_DENSITY:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


# ---------------------------------------------------------------------------
# titles


def _text_of(el) -> str:
    """An element's visible text on one line (for headings)."""
    return " ".join(line.strip() for line in _render(el).split("\n") if line.strip())


def _page_title(root) -> str:
    title = root.find(".//title")
    return _ASCII_WS.sub(" ", title.text_content()).strip() if title is not None else ""


def _page_heading(root, page_title: str) -> str | None:
    """The page's document heading: the first ``<h1>`` with words that is not the site name or a logo link.

    Looked up before dropping chrome, because pages often put it in a ``<header>``.
    """
    for h1 in root.iter("h1"):
        if any(_is_invisible(a) for a in (h1, *h1.iterancestors())):
            continue
        text = _text_of(h1)
        if not _WORD.search(text):
            continue  # an empty template slot such as 「: 」
        link_text = sum(_char_count(a.text_content()) for a in h1.iter("a"))
        if link_text * 2 >= _char_count(text):
            continue  # a logo linking home: the site's name
        if page_title and text == page_title:
            continue
        return text
    return None


def _is_invisible(el) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    return tag in ("script", "style", "noscript", "template", "head") or (
        el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true"
    )


def _content_title(content, text: str, page_title: str) -> str | None:
    """A title hint: a heading the chosen content opens with (its first h1 or h2 is its first line)."""
    first_line = text.split("\n", 1)[0].strip()
    for el in content.iter("h1", "h2"):
        heading = _text_of(el)
        if not _WORD.search(heading):
            continue
        if heading == first_line and heading != page_title:
            return heading
        return None
    return None
