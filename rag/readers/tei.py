"""Reader for TEI P5 / Parla-CLARIN minutes (namespace http://www.tei-c.org/ns/1.0).

One ``SourceDoc`` per ``TEI`` document (a ``teiCorpus`` may hold several).
Stored text::

    <title>
    <prefatory paragraph>      (div[@type='prefatory']//p, one per line)
    …
                               (blank line)
    ○<u/@n>                    (the printed label, when @n exists)
    <seg text>                 (one line per seg, verbatim, stripped at the ends)
    …
                               (blank line)
    （<incident/note/kinesic description>）
                               (blank line)
    ○<next u/@n>
    …

The title and prefatory lines are ``SourceDoc.header``. Each ``u`` is one
``Turn`` spanning its segs' text; its speaker is the ``persName`` of the
``person`` its ``@who`` points to (None when the file does not say — never
guessed from ``@n``). Stage descriptions are lines of their own between
utterances, never inside a turn; one nested in a ``u`` is written right after
that utterance.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from lxml import etree

from rag.errors import InputError
from rag.layouts.japanese import find_date
from rag.readers.base import Hints, SourceDoc, Turn, parse_xml

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
EXPECTED = f"a TEI P5 document (TEI or teiCorpus in the {TEI_NS} namespace) with utterances (u)"
NS = {"t": TEI_NS}
# Descriptions of what happened rather than what was said: never part of a turn.
STAGE = frozenset({"incident", "note", "kinesic", "vocal", "gap"})
_PLACE_LINE = re.compile(r"^\s*(?:場\s*所|会\s*場)\s*[:：]?\s*(.*)$")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_tei(data: bytes, source: str) -> list[SourceDoc]:
    """One SourceDoc per TEI document in a TEI P5 / Parla-CLARIN file."""
    root = parse_xml(data, source, EXPECTED)
    qname = etree.QName(root)
    if qname.namespace != TEI_NS or qname.localname not in ("TEI", "teiCorpus"):
        raise InputError(source, f"the root element is <{qname.localname}> (namespace {qname.namespace or 'none'}); expected {EXPECTED}")
    docs = [root] if qname.localname == "TEI" else root.findall(".//t:TEI", NS)
    if not docs:
        raise InputError(source, f"the teiCorpus holds no TEI document; expected {EXPECTED}")
    corpus_people = _people(root) if qname.localname == "teiCorpus" else {}
    return [_read_doc(doc, ordinal, source, corpus_people) for ordinal, doc in enumerate(docs)]


# --- helpers ------------------------------------------------------------------


def _local(el: Any) -> str | None:
    if not isinstance(el.tag, str):
        return None  # comment or processing instruction
    q = etree.QName(el)
    return q.localname if q.namespace == TEI_NS else None


def _squash(text: str) -> str:
    """Text with all whitespace removed (names: 「高村 ゆかり」 → 「高村ゆかり」)."""
    return re.sub(r"\s+", "", text)


def _line(text: str) -> str:
    """One line of text: whitespace runs collapsed to one space, ends stripped."""
    return re.sub(r"\s+", " ", text).strip()


def _doc_name(doc: Any, ordinal: int) -> str:
    xml_id = doc.get(XML_ID)
    return f"TEI document {ordinal}" + (f" ({xml_id})" if xml_id else "")


# --- persons -------------------------------------------------------------------


def _own_elements(container: Any, path: str) -> Iterator[Any]:
    """Elements under ``container`` on ``path``, leaving out those of nested TEI documents."""
    for el in container.iterfind(path, NS):
        owner = next((a for a in el.iterancestors() if _local(a) in ("TEI", "teiCorpus")), None)
        if owner is container:
            yield el


def _people(container: Any) -> dict[str, dict[str, str | None]]:
    """person xml:id → {name, role, group}, from every listPerson of ``container`` (teiHeader or standOff)."""
    orgs = {
        org.get(XML_ID): _line(org.findtext("t:orgName", "", NS))
        for org in _own_elements(container, ".//t:listOrg//t:org")
        if org.get(XML_ID)
    }
    people: dict[str, dict[str, str | None]] = {}
    for person in _own_elements(container, ".//t:listPerson//t:person"):
        pid = person.get(XML_ID)
        if not pid:
            continue
        pers = person.find("t:persName", NS)
        name = _squash("".join(pers.itertext())) if pers is not None else ""
        role = group = None
        for aff in person.findall("t:affiliation", NS):
            role_el, org_el = aff.find(".//t:roleName", NS), aff.find(".//t:orgName", NS)
            role = _line("".join(role_el.itertext())) if role_el is not None else None
            if org_el is not None:
                group = _line("".join(org_el.itertext()))
            elif aff.get("ref", "").startswith("#"):
                group = orgs.get(aff.get("ref")[1:])
            else:
                group = _line("".join(aff.itertext()))
            role, group = role or None, group or None
            if role or group:
                break  # the first affiliation that states something
        if role is None:
            role_el = person.find("t:roleName", NS)
            role = (_line("".join(role_el.itertext())) or None) if role_el is not None else None
        people[pid] = {"name": name or None, "role": role, "group": group}
    return people


# --- header fields ---------------------------------------------------------------


def _title(doc: Any) -> str | None:
    titles = doc.findall("t:teiHeader/t:fileDesc/t:titleStmt/t:title", NS)
    main = [t for t in titles if t.get("type") == "main"] or titles
    for title in main:
        text = _line("".join(title.itertext()))
        if text:
            return text
    return None


def _stated_date(doc: Any) -> str | None:
    for path in (
        "t:teiHeader/t:fileDesc/t:sourceDesc//t:date[@when]",
        "t:teiHeader/t:profileDesc/t:settingDesc//t:date[@when]",
    ):
        for el in doc.iterfind(path, NS):
            when = el.get("when", "").strip()
            if _ISO_DATE.match(when):
                return when[:10]
    return None


def _stated_text(doc: Any, path: str) -> str | None:
    el = doc.find(path, NS)
    text = _line("".join(el.itertext())) if el is not None else ""
    return text or None


def _url(doc: Any) -> str | None:
    for idno in doc.iterfind("t:teiHeader/t:fileDesc/t:sourceDesc//t:idno", NS):
        if (idno.get("type") or "").upper() in ("URI", "URL"):
            text = (idno.text or "").strip()
            if text:
                return text
    return None


# --- the body ---------------------------------------------------------------------


def _stage_text(el: Any) -> str | None:
    """「（朝日大臣政務官退席）」 for a stage element; None when it describes nothing."""
    desc = el.find("t:desc", NS)
    text = _line("".join((desc if desc is not None else el).itertext()))
    if not text:
        return None
    if text[0] in "（(" and text[-1] in "）)":
        return text
    return f"（{text}）"


def _seg_text(seg: Any) -> str:
    """A seg's text, verbatim, without nested stage elements (their tails kept)."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and _local(child) not in STAGE:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _nested_stage(u: Any) -> list[Any]:
    """Stage elements inside an utterance, outermost only, in document order."""
    found: list[Any] = []
    for el in u.iterdescendants():
        if _local(el) in STAGE and not any(a in found for a in el.iterancestors()):
            found.append(el)
    return found


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def write(self, text: str) -> int:
        """Append ``text``; return the offset it starts at."""
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start

    def block(self) -> None:
        """Start a new block: a blank line after whatever came before."""
        if self.length:
            self.write("\n\n")


def _read_doc(doc: Any, ordinal: int, source: str, corpus_people: dict) -> SourceDoc:
    name = _doc_name(doc, ordinal)
    people = {**corpus_people, **_people(doc)}
    body = doc.find("t:text", NS)
    if body is None:
        raise InputError(source, f"{name} has no <text> element; expected {EXPECTED}")
    if body.find(".//t:u", NS) is None:
        raise InputError(source, f"{name} has no utterances (u)")
    warnings: list[str] = []
    out = _Writer()

    # Front block: title and prefatory lines.
    title = _title(doc)
    prefatory = [_line("".join(p.itertext())) for p in body.iterfind(".//t:div[@type='prefatory']//t:p", NS)]
    prefatory = [p for p in prefatory if p]
    front = ([title] if title else []) + prefatory
    header = None
    if front:
        out.write("\n".join(front))
        header = (0, out.length)

    turns: list[Turn] = []

    def stage(el: Any) -> None:
        text = _stage_text(el)
        if text:
            out.block()
            out.write(text)

    def utterance(u: Any) -> None:
        segs = u.findall("t:seg", NS) or [u]  # a u without segs is its own single seg
        texts = [t for t in (_seg_text(s).strip() for s in segs) if t]
        n = (u.get("n") or "").strip()
        label = (n if n.startswith("○") else "○" + n) if n else None
        uid = u.get(XML_ID) or f"u {len(turns) + 1}"
        if not texts:
            warnings.append(f"{name}: {uid} ({n or 'no label'}) has no text; no turn made")
        else:
            out.block()
            if label:
                out.write(label + "\n")
            start = out.write(texts[0])
            for text in texts[1:]:
                out.write("\n")
                out.write(text)
            who = (u.get("who") or "").split()
            person = people.get(who[0][1:]) if len(who) == 1 and who[0].startswith("#") else None
            if who and person is None:
                warnings.append(f"{name}: {uid}: speaker {' '.join(who)} not found in listPerson")
            turns.append(
                Turn(
                    start=start,
                    end=out.length,
                    speaker=person["name"] if person else None,
                    role=person["role"] if person else None,
                    group=person["group"] if person else None,
                    label=label,
                )
            )
        for el in _nested_stage(u):  # written after the utterance, never inside its span
            stage(el)

    def walk(el: Any) -> None:
        for child in el:
            kind = _local(child)
            if kind is None:
                continue
            if kind == "u":
                utterance(child)
            elif kind in STAGE:
                stage(child)
            elif kind == "div" and child.get("type") == "prefatory":
                continue  # already in the front block
            elif kind in ("head", "p", "ab") and child.find(".//t:u", NS) is None:
                text = _line("".join(child.itertext()))
                if text:
                    out.block()
                    out.write(text)
            else:
                walk(child)

    walk(body)

    date = _stated_date(doc)
    if date is None:
        for line in prefatory:
            found = find_date(line)
            if found:
                date = found[0]
                break
    place = _stated_text(doc, "t:teiHeader/t:profileDesc/t:settingDesc//t:placeName")
    if place is None:
        for line in prefatory:
            m = _PLACE_LINE.match(line)
            if m and m.group(1).strip():
                place = m.group(1).strip()
                break
    hints = Hints(
        title=title,
        body=_stated_text(doc, "t:teiHeader/t:profileDesc/t:settingDesc//t:orgName"),
        date=date,
        place=place,
        url=_url(doc),
    )
    return SourceDoc(
        source=source,
        text="".join(out.parts),
        file_type="tei",
        turns=tuple(turns),
        header=header,
        hints=hints,
        warnings=tuple(warnings),
        ordinal=ordinal,
    )
