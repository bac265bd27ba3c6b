"""Reader for the National Diet Library 国会会議録検索システム API (``/api/meeting``), XML and JSON.

An ``/api/meeting`` response holds one ``meetingRecord`` per meeting, each with
its meeting fields (``nameOfHouse``, ``nameOfMeeting``, ``issue``, ``date`` …)
and its ``speechRecord``s (``speaker``, ``speakerPosition``, ``speech`` …).
Both forms are turned into plain dicts of the JSON shape and handed to one
builder, so the XML and JSON of the same response give identical ``SourceDoc``s.

Stored text: the speeches in ``speechOrder`` order, each exactly as the API
gives it ("\\r\\n" → "\\n" only), separated by a blank line. Speech 0 (speaker
「会議録情報」) is the header block: its span is ``SourceDoc.header`` and it
makes no turn. Every other speech makes one ``Turn`` whose span is the words
spoken, after the printed label (「○議長（尾辻秀久君）」) the text repeats.

``/api/speech`` responses (the speeches a search matched, each with its
sitting's fields) are read too, one record per sitting they come from, with a
warning that the record holds only those speeches. ``/api/meeting_list``
responses (no speech text) are refused with an ``InputError``.
"""
from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from rag.errors import InputError
from rag.layouts.japanese import meeting_number
from rag.readers.base import Hints, SourceDoc, Turn, parse_xml

EXPECTED = "an NDL API /api/meeting response with meetingRecord elements"
HEADER_SPEAKER = "会議録情報"
SEPARATOR = "\n\n"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_ndl_xml(data: bytes, source: str) -> list[SourceDoc]:
    """One SourceDoc per ``meetingRecord`` of an NDL API ``/api/meeting`` XML response."""
    root = parse_xml(data, source, EXPECTED)
    records = [_xml_record(el) for el in root.iter() if _local(el) == "meetingRecord"]
    if not records:  # an /api/speech response: speechRecord elements, each with its sitting's fields
        records = sittings_of_speeches([{_local(c): _text(c) for c in el if _local(c)}
                                        for el in root.iter() if _local(el) == "speechRecord"])
    if not records:
        _refuse_other_response(source, _xml_shape(root))
    return _build(records, source, "ndl-xml")


def read_ndl_json(obj: dict | str | bytes, source: str) -> list[SourceDoc]:
    """One SourceDoc per ``meetingRecord`` of an NDL API ``/api/meeting`` JSON response.

    ``obj`` is the decoded response; JSON text (str or bytes) is decoded here.
    """
    if isinstance(obj, (str, bytes, bytearray)):
        try:
            obj = json.loads(obj)
        except ValueError as exc:
            raise InputError(source, f"not valid JSON ({exc}); expected {EXPECTED}") from None
    if not isinstance(obj, dict):
        raise InputError(source, f"the JSON is a {type(obj).__name__}, not an object; expected {EXPECTED}")
    records = obj.get("meetingRecord")
    if records is None:  # the XML response's shape in JSON: data.records.record[].recordData.meetingRecord
        records = meeting_records_within(obj)
    if isinstance(records, dict):
        records = [records]
    if not records:
        records = sittings_of_speeches(speech_records_within(obj))
    if not records:
        _refuse_other_response(source, obj)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(source, f"meetingRecord is not a list of objects; expected {EXPECTED}")
    return _build(records, source, "ndl-json")


def meeting_records_within(obj: Any) -> list:
    """Every ``meetingRecord`` object nested in a JSON value, in document order (an older client's
    JSON rendering of the XML response wraps each in ``records.record[].recordData``)."""
    return _records_within(obj, "meetingRecord")


def speech_records_within(obj: Any) -> list[dict]:
    """Every ``speechRecord`` object of an ``/api/speech`` response, in document order (top level in the
    JSON API, under ``records.record[].recordData`` in an older client's rendering of the XML)."""
    return [v for v in _records_within(obj, "speechRecord") if isinstance(v, dict)]


def _records_within(obj: Any, key: str, depth: int = 0) -> list:
    """The values under ``key`` anywhere in a JSON value (a list's items one by one), not looking inside them."""
    found: list = []
    if depth > 8:
        return found
    if isinstance(obj, dict):
        for name, value in obj.items():
            if name == key:
                found += value if isinstance(value, list) else [value]
            else:
                found += _records_within(value, key, depth + 1)
    elif isinstance(obj, list):
        for value in obj:
            found += _records_within(value, key, depth + 1)
    return found


_SITTING_FIELDS = ("issueID", "session", "nameOfHouse", "nameOfMeeting", "issue", "date", "meetingURL")


def sittings_of_speeches(speeches: list[dict]) -> list[dict]:
    """``/api/speech`` results as meetingRecords: the speeches of one sitting (same issueID, or the same
    house, meeting, issue and date) together, the sitting's fields from its first speech. Only speeches
    with text and a date count; none gives no records."""
    groups: dict[tuple, dict] = {}
    for speech in speeches:
        if speech.get("speech") is None or not _field(speech, "date"):
            continue
        key = (_field(speech, "issueID"),) if _field(speech, "issueID") else tuple(
            _field(speech, k) for k in ("nameOfHouse", "nameOfMeeting", "issue", "date"))
        record = groups.setdefault(key, {**{k: speech[k] for k in _SITTING_FIELDS if k in speech}, "speechRecord": [],
                                         "_partial": True})
        record["speechRecord"].append(speech)
    return list(groups.values())


# --- XML → the JSON shape ---------------------------------------------------


def _local(el: Any) -> str | None:
    return etree.QName(el).localname if isinstance(el.tag, str) else None


def _text(el: Any) -> str:
    return "".join(el.itertext())


def _xml_record(el: Any) -> dict:
    """A meetingRecord element as the JSON API gives it: fields as strings, speechRecord as a list."""
    record: dict[str, Any] = {"speechRecord": []}
    for child in el:
        name = _local(child)
        if name == "speechRecord":
            record["speechRecord"].append({_local(c): _text(c) for c in child if _local(c)})
        elif name:
            record[name] = _text(child)
    return record


def _xml_shape(root: Any) -> dict:
    """What the refusal message needs to know about a response without meetingRecord."""
    shape: dict[str, Any] = {}
    for el in root.iter():
        name = _local(el)
        if name == "speechRecord":
            shape["speechRecord"] = [{}]
        elif name == "message" and "message" not in shape:
            shape["message"] = _text(el).strip()
    return shape


def _refuse_other_response(source: str, obj: dict) -> None:
    message = obj.get("message")
    if message:
        raise InputError(source, f"the file is an NDL API error response ({str(message).strip()}); expected {EXPECTED}")
    if obj.get("speechRecord"):
        raise InputError(
            source,
            f"an NDL API /api/speech response whose speeches have no text or no date: nothing to index; expected {EXPECTED} "
            f"or speechRecords with speech and date",
        )
    raise InputError(source, f"no meetingRecord found; expected {EXPECTED}")


# --- the shared builder -----------------------------------------------------


def _field(mapping: dict, key: str) -> str:
    """A field as a stripped string; missing and null give ""."""
    value = mapping.get(key)
    return "" if value is None else str(value).strip()


def _build(records: list[dict], source: str, file_type: str) -> list[SourceDoc]:
    return [_build_meeting(record, ordinal, source, file_type) for ordinal, record in enumerate(records)]


def _split_label(speech: str) -> tuple[str | None, int]:
    """(label without trailing space, offset where the words spoken begin) of one speech text.

    The label runs from a leading ○ up to the first U+3000 or newline; a speech
    that does not start with ○ has no label.
    """
    if not speech.startswith("○"):
        return None, 0
    ends = [i for i in (speech.find("\u3000"), speech.find("\n")) if i >= 0]
    cut = min(ends) if ends else len(speech)
    return speech[:cut].rstrip(), cut


def label_role(label: str | None, speaker: str) -> str | None:
    """The role a turn's label states, for a response without position fields (an older API's JSON
    has no speakerPosition): 「○会長（佐藤勉君）」 → 会長, 「○安倍内閣総理大臣」 → 内閣総理大臣
    (what follows the speaker's name); 「○枝野幸男君」 states none."""
    if not label:
        return None
    text = label.lstrip("○").strip()
    bracket = re.match(r"^(.+?)[（(](.+?)[)）]$", text)
    if bracket:
        return bracket.group(1).strip() or None
    name = re.sub(r"\s+", "", speaker or "")
    for cut in range(len(name), min(2, len(name)) - 1, -1):  # the label may give the surname only: 「○安倍内閣総理大臣」
        if cut and text.startswith(name[:cut]):
            rest = text[cut:].strip()
            return None if not rest or rest == "君" else rest
    return None


def _build_meeting(record: dict, ordinal: int, source: str, file_type: str) -> SourceDoc:
    issue_id = _field(record, "issueID")
    name = f"meetingRecord {ordinal}" + (f" (issueID {issue_id})" if issue_id else "")
    date = _field(record, "date")
    if not date:
        raise InputError(source, f"{name} has no date")
    if not _ISO_DATE.fullmatch(date):
        raise InputError(source, f"{name} has a date that is not YYYY-MM-DD: {date!r}")
    speeches = record.get("speechRecord") or []
    if isinstance(speeches, dict):
        speeches = [speeches]
    if not isinstance(speeches, list) or not all(isinstance(s, dict) for s in speeches):
        raise InputError(source, f"{name}: speechRecord is not a list of objects")
    if not speeches:
        raise InputError(source, f"{name} has no speeches")
    if all(s.get("speech") is None for s in speeches):
        raise InputError(
            source,
            f"{name} has speechRecords without speech text (an /api/meeting_list response?); expected {EXPECTED}",
        )
    warnings: list[str] = []
    if record.get("_partial"):
        warnings.append(f"an NDL API /api/speech response: this record holds only the {len(speeches)} speech(es) "
                        f"of the sitting the search returned, not the whole sitting")
    orders = [_field(s, "speechOrder") for s in speeches]
    if all(o.isdigit() for o in orders):
        ordered = [s for _, s in sorted(zip((int(o) for o in orders), speeches), key=lambda p: p[0])]
    else:
        ordered = list(speeches)
        warnings.append(f"{name}: speechOrder missing or not a number; speeches kept in file order")
    parts: list[str] = []
    turns: list[Turn] = []
    header: tuple[int, int] | None = None
    offset = 0
    for i, speech in enumerate(ordered):
        if i:
            offset += len(SEPARATOR)
        raw = speech.get("speech")
        body = ("" if raw is None else str(raw)).replace("\r\n", "\n")
        parts.append(body)
        start, end = offset, offset + len(body)
        offset = end
        speaker = _field(speech, "speaker")
        order = _field(speech, "speechOrder") or str(i)
        # the header block: named 「会議録情報」, or (an older API's JSON) the first speech with no speaker
        # and no ○ label — the date, 開議 time and rosters
        if speaker == HEADER_SPEAKER or (i == 0 and not speaker and not body.lstrip().startswith("○")):
            if i == 0:
                header = (start, end)
            else:
                warnings.append(f"{name}: speech {order} is a further 「{HEADER_SPEAKER}」 block; no turn made")
            continue
        label, cut = _split_label(body)
        spoken = body[cut:]
        lead = len(spoken) - len(spoken.lstrip())
        words = spoken.strip()
        if not words:
            warnings.append(f"{name}: speech {order} ({speaker or 'no speaker'}) has no words after its label; no turn made")
            continue
        turn_start = start + cut + lead
        turns.append(
            Turn(
                start=turn_start,
                end=turn_start + len(words),
                speaker=speaker or None,
                # the API's fields when it has them (a member's are empty: no role); an older API's JSON
                # has none, and the label states the role the minutes give (「○会長（佐藤勉君）」)
                role=(_field(speech, "speakerPosition") or _field(speech, "speakerRole") or None
                      if "speakerPosition" in speech or "speakerRole" in speech else label_role(label, speaker)),
                group=_field(speech, "speakerGroup") or None,
                label=label or None,
            )
        )
        if not speaker:
            warnings.append(f"{name}: speech {order} has no speaker field")

    house = _field(record, "nameOfHouse")
    meeting = _field(record, "nameOfMeeting")
    issue = _field(record, "issue")
    numbered = meeting_number(issue if issue.startswith("第") else f"第{issue}") if issue else None  # 「第1号」, older 「1号」
    hints = Hints(
        title=" ".join(p for p in (house, meeting, issue) if p) or None,
        body=house or None,
        name=meeting or None,
        number=numbered[0] if numbered else None,
        number_unit=numbered[1] if numbered else None,
        date=date,
        url=_field(record, "meetingURL") or None,
    )
    return SourceDoc(
        source=source,
        text=SEPARATOR.join(parts),
        file_type=file_type,
        turns=tuple(turns),
        header=header,
        hints=hints,
        warnings=tuple(warnings),
        ordinal=ordinal,
    )
