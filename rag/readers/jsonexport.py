"""Vendor JSON exports of minutes whose items carry HTML (or plain-text) bodies.

DiscussNet SSP, for one, publishes a meeting as ``{"tenant_minutes": [item, …]}``
where each item has ``minute_id``, ``title``, ``minute_type`` (名簿, ○議長,
◎答弁, ◆質問 …) and a ``body`` of HTML (a ``<pre>`` block) that already
starts with the speaker label 「○議長（佐藤篤）　…」. ``read_vendor_json``
renders the items, in order, into one stored text, so the layout parser finds
the speakers in it just as it does in a plain-text record; it builds no turns.

A scraper's export that keeps the minutes as printed in one top-level string beside its items
(whose speakers sit in fields of their own) is read from that string.

The item list is found by shape rather than by a vendor's key names: a
top-level list of objects with a body field (``body``, ``html``, ``content``
or ``text``), or such a list under a key of the top-level object or under the
entries of a list in it (searched a few levels down: a scraper's
``{"schedules": [{"minutes": [{"title", "text"}]}]}``, one sitting per schedule),
so other vendors' exports read too.
"""
from __future__ import annotations

import re

import lxml.etree as etree
import lxml.html

from rag.errors import InputError
from rag.readers.base import Hints, SourceDoc
from rag.readers.html import html_to_text
from rag.readers.pagenumbers import move_page_footers

BODY_FIELDS = ("body", "html", "content", "text")
ORDER_FIELD = "minute_id"
MAX_DEPTH = 3  # how far under the top-level object the item list may sit
EXPECTED = (
    "expected a list of items (objects) each with an HTML or text body in one of the fields "
    + "/".join(BODY_FIELDS)
    + ", either as the top-level value or under a key of the top-level object "
    + '(DiscussNet SSP: {"tenant_minutes": [{"minute_id", "title", "minute_type", "body", …}]})'
)


def read_vendor_json(obj: dict | list, source: str) -> list[SourceDoc]:
    """One ``SourceDoc`` (``file_type="json"``) holding the text of every item of the export; one per
    sitting when the item lists sit under the entries of a list (``schedules[i].minutes``).

    Items are taken in ``minute_id`` order when every item has one, else in
    file order; a roster item (``minute_type`` 名簿, the header with 期日,
    場所, 出席議員 …) is kept as text where it stands, first in the exports
    seen. Each body goes through ``html_to_text`` (a plain-text body is kept
    as written) and items are separated by a blank line.
    """
    found = _find_items(obj, path="", depth=0)
    if not found:
        raise InputError(source, f"is JSON but not a minutes export this reader knows: {EXPECTED}")
    # several candidate lists: the kind carrying the most body text is the minutes; lists of one kind
    # under the entries of one list (「schedules[0].minutes」, 「schedules[1].minutes」: a 定例会's days)
    # are one sitting each
    kinds: dict[str, list[tuple[str, list]]] = {}
    for entry in found:
        kinds.setdefault(re.sub(r"\[\d+\]", "[]", entry[0]), []).append(entry)
    chosen = max(kinds.values(), key=lambda group: sum(len(_body_of(item) or "") for _, items in group for item in items))
    if len(chosen) > 1:
        return [d for n, (path, items) in enumerate(chosen) for d in _document(obj, path, items, source, [], ordinal=n)]
    path, items = chosen[0]
    return _document(obj, path, items, source, [entry for entry in found if entry[0] != path])


def _document(obj, path: str, items: list[dict], source: str, others: list[tuple[str, list]],
              ordinal: int | None = None) -> list[SourceDoc]:
    """The stored text of one item list (``ordinal``: its place among the sittings of a file of several,
    whose top-level fields, a full text among them, speak for the whole file, not for one sitting)."""
    whole = _full_text(obj, items) if ordinal is None else None
    if whole is not None:
        key, text = whole
        text, pages = move_page_footers(_item_text(text))
        return [SourceDoc(source=source, text=text, file_type="json", hints=_hints(obj), pages=pages,
                          warnings=(f"read the minutes' full text in {key!r}, which holds the words of every item under "
                                    f"{path or '(top level)'} with their speakers' labels",))]
    warnings: list[str] = []
    if others and ordinal is None:
        listed = ", ".join(p or "(top level)" for p, _ in others)
        warnings.append(f"read the items under {path or '(top level)'}; also item-like lists under {listed}")

    parts: list[str] = []
    skipped: list[str] = []
    for position, item in _in_order(items):
        body = _body_of(item)
        text = _item_text(body) if body else ""
        if text:
            parts.append(text)
        else:
            skipped.append(str(item.get(ORDER_FIELD, f"#{position + 1}")))
    if skipped:
        warnings.append(f"{len(skipped)} item(s) with an empty body left out: {', '.join(skipped[:10])}")
    if not parts:
        raise InputError(source, f"is a minutes export whose {len(items)} item(s) all have empty bodies")
    extra = {"ordinal": ordinal} if ordinal is not None else {}
    text, pages = move_page_footers("\n\n".join(parts))  # a PDF's text exported item by item keeps its 「－３－」
    return [
        SourceDoc(
            source=source,
            text=text,
            pages=pages,
            file_type="json",
            warnings=tuple(warnings),
            **extra,
        )
    ]


def _full_text(obj, items: list[dict]) -> tuple[str, str] | None:
    """A top-level field holding the minutes as printed, labels and all (a scraper's
    ``{"speeches": [{"speakerLabel", "text"}], "rawText": "…◯前田警務部長　本年二月…"}``): a string
    longer than the items' words together that contains every item's opening words. The items
    of such an export carry their speakers in fields of their own and the words without them,
    so the printed text is the one that says who spoke."""
    if not isinstance(obj, dict):
        return None
    bodies = [b.strip() for b in (_body_of(item) for item in items) if b and b.strip()]
    total = sum(len(b) for b in bodies)
    for key, value in obj.items():
        if isinstance(value, str) and bodies and len(value) >= total and all(b[:40] in value for b in bodies):
            return key, value
    return None


def _hints(obj: dict) -> Hints:
    """The meeting's title and ISO date where the export states them in plain top-level fields."""
    title = next((v.strip() for k, v in obj.items() if k.lower() in ("title", "name") and isinstance(v, str) and v.strip()), None)
    dated = [(k, v) for k, v in obj.items() if "date" in k.lower() and isinstance(v, str)
             and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip())]
    dated.sort(key=lambda kv: "meeting" not in kv[0].lower())  # 「meetingDate」 before 「updatedDate」
    date = dated[0][1] if dated else None
    return Hints(title=title, date=date.strip() if date else None)


def _body_of(item: dict) -> str | None:
    for name in BODY_FIELDS:
        value = item.get(name)
        if isinstance(value, str):
            return value
    return None


def _is_item_list(value) -> bool:
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(item, dict) for item in value):
        return False
    with_body = sum(1 for item in value if _body_of(item) is not None)
    return with_body > 0 and with_body * 2 >= len(value)


def _find_items(value, path: str, depth: int) -> list[tuple[str, list]]:
    """Every list of body-carrying items in the export, with the key path that holds it; the entries
    of a list of objects are searched too (「schedules[0].minutes」: a scraper's sittings)."""
    if _is_item_list(value):
        return [(path, value)]
    found: list[tuple[str, list]] = []
    if depth >= MAX_DEPTH:
        return found
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_find_items(child, f"{path}.{key}" if path else str(key), depth + 1))
    elif isinstance(value, list) and value and all(isinstance(child, dict) for child in value):
        for i, child in enumerate(value):
            found.extend(_find_items(child, f"{path}[{i}]", depth + 1))
    return found


def _in_order(items: list[dict]) -> list[tuple[int, dict]]:
    """Items with their file positions, by minute_id when every item has a numeric one."""
    numbered = list(enumerate(items))
    keys = [_number(item.get(ORDER_FIELD)) for item in items]
    if all(key is not None for key in keys):
        numbered.sort(key=lambda pair: keys[pair[0]])  # stable: equal ids keep file order
    return numbered


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _item_text(body: str) -> str:
    if _looks_like_html(body):
        return html_to_text(body)
    return _plain_text(body)


def _looks_like_html(body: str) -> bool:
    """Whether the HTML parser finds markup in the body: an element, or a character reference it decodes."""
    if not body.strip():
        return False
    try:
        fragments = lxml.html.fragments_fromstring(body)
    except (etree.ParserError, ValueError):
        return False
    if any(not isinstance(fragment, str) for fragment in fragments):
        return True
    parsed = "".join(fragments)
    return "".join(parsed.split()) != "".join(body.split())  # a character reference was decoded


def _plain_text(body: str) -> str:
    from .html import join_lines

    return join_lines([line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")])
