"""The NDL 国会会議録 API reader, on real /api/meeting responses (XML, and JSON built from them)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from lxml import etree

from rag.errors import InputError
from rag.readers.base import Hints, SourceDoc
from rag.readers.ndl import read_ndl_json, read_ndl_xml

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
S212 = "ndl_api_meeting_s212_sangiin_plenary.xml"
S001 = "ndl_api_meeting_s001_1947.xml"


def _bytes(name: str) -> bytes:
    path = CORPUS_DEV / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path.read_bytes()


def _records(data: bytes) -> list[dict]:
    """Each meetingRecord as a dict, field for field (speechRecord as a list of dicts), read here
    independently of the reader."""
    root = etree.fromstring(data)
    out = []
    for mr in root.iter("meetingRecord"):
        record: dict = {"speechRecord": []}
        for child in mr:
            if child.tag == "speechRecord":
                record["speechRecord"].append({c.tag: c.text or "" for c in child})
            else:
                record[child.tag] = child.text or ""
        out.append(record)
    return out


@pytest.fixture(scope="module")
def s212() -> tuple[bytes, list[SourceDoc]]:
    data = _bytes(S212)
    return data, read_ndl_xml(data, S212)


@pytest.fixture(scope="module")
def s001() -> tuple[bytes, list[SourceDoc]]:
    data = _bytes(S001)
    return data, read_ndl_xml(data, S001)


def _check_spans(doc: SourceDoc) -> None:
    assert doc.turns is not None
    previous_end = doc.header[1] if doc.header else 0
    for turn in doc.turns:
        words = doc.text[turn.start : turn.end]
        assert words, turn
        assert not words.startswith("○"), turn
        assert words == words.strip(), turn  # no surrounding whitespace (U+3000 included)
        assert turn.start >= previous_end  # in order, outside the header, never overlapping
        previous_end = turn.end
        assert turn.label is None or doc.text[: turn.start].rstrip().endswith(turn.label)


def _check_against_fields(data: bytes, docs: list[SourceDoc]) -> None:
    """Text, header and every turn agree with the XML fields, speech for speech."""
    records = _records(data)
    assert len(docs) == len(records)
    for doc, record in zip(docs, records):
        speeches = sorted(record["speechRecord"], key=lambda s: int(s["speechOrder"]))
        assert doc.text == "\n\n".join(s["speech"] for s in speeches)
        assert speeches[0]["speaker"] == "会議録情報"
        assert doc.text[doc.header[0] : doc.header[1]] == speeches[0]["speech"]
        assert len(doc.turns) == len(speeches) - 1
        for turn, speech in zip(doc.turns, speeches[1:]):
            assert turn.speaker == speech["speaker"]
            assert turn.role == (speech["speakerPosition"] or speech["speakerRole"] or None)
            assert turn.group == (speech["speakerGroup"] or None)
            label, _, rest = speech["speech"].partition("\u3000")
            assert turn.label == label
            assert doc.text[turn.start : turn.end] == rest.strip()


# --- s212: three 参議院 plenary meetings (development file) ---------------------------------


def test_s212_meetings_and_hints(s212):
    _, docs = s212
    assert [d.ordinal for d in docs] == [0, 1, 2]
    assert {d.file_type for d in docs} == {"ndl-xml"}
    assert {d.source for d in docs} == {S212}
    assert [d.hints for d in docs] == [
        Hints(title=f"参議院 本会議 第{n}号", body="参議院", name="本会議", number=n, number_unit="号",
              date=date, url=f"https://kokkai.ndl.go.jp/txt/121215254X00{n}{date.replace('-', '')}")
        for n, date in ((9, "2023-12-06"), (8, "2023-12-01"), (7, "2023-11-29"))
    ]
    # 13, 17 and 37 speeches; speech 0 of each is the 会議録情報 header and makes no turn.
    assert [len(d.turns) for d in docs] == [12, 16, 36]
    assert all(d.warnings == () for d in docs)


def test_s212_spans_and_fields(s212):
    data, docs = s212
    for doc in docs:
        _check_spans(doc)
    _check_against_fields(data, docs)


def test_s212_first_meeting_turns(s212):
    _, docs = s212
    doc = docs[0]
    first, second = doc.turns[0], doc.turns[1]
    assert (first.speaker, first.role, first.group, first.label) == ("尾辻秀久", "議長", "各派に属しない議員", "○議長（尾辻秀久君）")
    assert doc.text[first.start : first.end].startswith("これより会議を開きます。")
    assert (second.speaker, second.role, second.group, second.label) == ("北村経夫", None, "自由民主党", "○北村経夫君")
    assert doc.text[second.start : second.end].startswith("ただいま議題となりました議定書につきまして")
    minister = docs[1].turns[1]
    assert (minister.speaker, minister.role, minister.label) == ("盛山正仁", "文部科学大臣", "○国務大臣（盛山正仁君）")


def test_s212_header_is_the_kaigiroku_joho_block(s212):
    _, docs = s212
    doc = docs[0]
    assert doc.header is not None and doc.header[0] == 0
    header = doc.text[doc.header[0] : doc.header[1]]
    assert header.startswith("令和五年十二月六日（水曜日）")
    assert "○議事日程\u3000第九号" in header and "○本日の会議に付した案件" in header
    assert "○議長" not in header
    assert doc.turns[0].start > doc.header[1]


# --- JSON: the same responses as the API's JSON form ------------------------------------------


def _as_api_json(data: bytes) -> dict:
    """The JSON the API gives for the same request: numbers as numbers, CRLF inside speeches."""
    root = etree.fromstring(data)
    records = _records(data)
    for record in records:
        record["session"] = int(record["session"])
        for speech in record["speechRecord"]:
            speech["speechOrder"] = int(speech["speechOrder"])
            speech["startPage"] = int(speech["startPage"])
            speech["speech"] = speech["speech"].replace("\n", "\r\n")
    return {
        "numberOfRecords": int(root.findtext("numberOfRecords")),
        "numberOfReturn": int(root.findtext("numberOfReturn")),
        "startRecord": int(root.findtext("startRecord")),
        "meetingRecord": records,
    }


@pytest.mark.parametrize("name", [S212, S001])
def test_json_equals_xml(name):
    data = _bytes(name)
    from_xml = read_ndl_xml(data, name)
    obj = _as_api_json(data)
    assert any("\r\n" in s["speech"] for r in obj["meetingRecord"] for s in r["speechRecord"])
    from_json = read_ndl_json(obj, name)
    assert {d.file_type for d in from_json} == {"ndl-json"}
    assert [dataclasses.replace(d, file_type="ndl-xml") for d in from_json] == from_xml
    # JSON text (as read from a file) gives the same, and so does a reversed speech order in the file.
    assert read_ndl_json(json.dumps(obj, ensure_ascii=False).encode(), name) == from_json
    for record in obj["meetingRecord"]:
        record["speechRecord"].reverse()
    assert read_ndl_json(obj, name) == from_json


# --- s001: held-out 1947 committee records ------------------------------------------------


def test_s001_meetings(s001):
    data, docs = s001
    assert [(d.hints.title, d.hints.date, d.hints.number) for d in docs] == [
        ("衆議院 労働委員会決算委員会連合審査会 第1号", "1947-07-28", 1),
        ("参議院 労働委員会請願及び陳情に関する小委員会 第1号", "1947-11-14", 1),
    ]
    assert [len(d.turns) for d in docs] == [62, 5]  # 63 and 6 speeches, less the 会議録情報 block
    for doc in docs:
        _check_spans(doc)
    _check_against_fields(data, docs)
    committee, sub = docs
    chair = committee.turns[0]
    # The API states no position for the chair; the role is not re-parsed from the label.
    assert (chair.speaker, chair.role, chair.group, chair.label) == ("加藤勘十", None, "日本社会党", "○加藤委員長")
    assert committee.text[chair.start : chair.end].startswith("それではこれから勞働委員會と決算委員會との連合審査")
    officials = {(t.speaker, t.role, t.label) for t in committee.turns}
    assert ("米窪滿亮", "国務大臣", "○米窪國務大臣") in officials
    assert ("吉武恵市", "厚生事務官", "○吉武政府委員") in officials
    assert (sub.turns[0].speaker, sub.turns[0].label) == ("堀末治", "○仮委員長（堀末治君）")
    assert committee.text[: committee.header[1]].startswith("昭和二十二年七月二十八日（月曜日）")
    assert "出席委員" in committee.text[: committee.header[1]]


# --- small built responses: label rules, numbering, errors -----------------------------------


def _meeting(speeches: list[tuple[str, str]], **fields) -> dict:
    record = {"issueID": "X1", "nameOfHouse": "衆議院", "nameOfMeeting": "予算委員会", "issue": "第１２号",
              "date": "2024-02-01", "meetingURL": "https://kokkai.ndl.go.jp/txt/X1"}
    record.update(fields)
    record["speechRecord"] = [
        {"speechOrder": i, "speaker": speaker, "speakerPosition": "", "speakerRole": "", "speakerGroup": "", "speech": speech}
        for i, (speaker, speech) in enumerate(speeches)
    ]
    return {"numberOfRecords": 1, "meetingRecord": [record]}


def test_label_rules_and_numbers():
    obj = _meeting([
        ("会議録情報", "令和六年二月一日（木曜日）\r\n出席委員"),
        ("山田太郎", "○山田委員\n　質問いたします。\r\n　以上です。\u3000"),
        ("鈴木花子", "本文のみの発言"),
        ("佐藤一郎", "○佐藤委員\u3000"),
    ])
    (doc,) = read_ndl_json(obj, "built.json")
    assert "\r" not in doc.text
    assert doc.text[: doc.header[1]] == "令和六年二月一日（木曜日）\n出席委員"
    assert doc.hints.number == 12 and doc.hints.number_unit == "号"
    assert [(t.speaker, t.label, doc.text[t.start : t.end]) for t in doc.turns] == [
        ("山田太郎", "○山田委員", "質問いたします。\n　以上です。"),
        ("鈴木花子", None, "本文のみの発言"),
    ]
    assert any("佐藤一郎" in w and "no words" in w for w in doc.warnings)
    for issue, number in (("第十二号", 12), ("第百三号", 103), ("第3号", 3)):
        (doc,) = read_ndl_json(_meeting([("x", "○x君\u3000y")], issue=issue), "built.json")
        assert doc.hints.number == number


def test_an_older_clients_json_wraps_each_meeting_record_as_the_xml_does():
    """The v1 API's JSON (a client's fixture seen in the wild): data.records.record[].recordData.meetingRecord,
    issue 「1号」, no position fields, and the header as a first speech with no speaker (built here)."""
    from rag.layouts import parse_document

    record = {"session": "196", "nameOfHouse": "両院", "nameOfMeeting": "国家基本政策委員会合同審査会", "issue": "1号",
              "date": "2018-05-30", "speechRecord": [
                  {"speechOrder": "0", "speaker": None,
                   "speech": "平成三十年五月三十日（水曜日）\n　　　　午後三時開議\n委員氏名\n　　衆議院\n　　　委員長　甲野　太郎君\n"
                             "　　参議院\n　　　委員長　乙野　次郎君\n本日の会議に付した案件\n　国家の基本政策に関する件\n"
                             "　　　　　――――◇―――――\n　　　　〔甲野太郎君会長席に着く〕\n"},
                  {"speechOrder": "1", "speaker": "甲野太郎", "speech": "○会長（甲野太郎君）\u3000これより会議を開きます。"},
                  {"speechOrder": "2", "speaker": "丙野三郎", "speech": "○丙野三郎君\u3000質問いたします。"},
                  {"speechOrder": "3", "speaker": "丁野四郎", "speech": "○丁野内閣総理大臣\u3000お答えします。\n　　　　午後三時四十七分散会"},
              ]}
    obj = {"data": {"numberOfRecords": "1", "records": {"record": [{"recordData": {"meetingRecord": record}}]}}}
    (doc,) = read_ndl_json(obj, "old.json")
    assert doc.hints.number == 1 and doc.hints.number_unit == "号"
    assert doc.header is not None and doc.text[: doc.header[1]].startswith("平成三十年五月三十日")
    assert [(t.speaker, t.role) for t in doc.turns] == [("甲野太郎", "会長"), ("丙野三郎", None), ("丁野四郎", "内閣総理大臣")]
    assert not doc.warnings
    m = parse_document(doc)
    assert [a.title for a in m.agenda] == ["国家の基本政策に関する件"]  # not the stage note below the rule
    assert [(a.name, a.group) for a in m.attendees] == [("甲野太郎", "委員（衆議院）"), ("乙野次郎", "委員（参議院）")]
    assert m.time == "午後三時開議〜午後三時四十七分散会"
    # the bytes route there too
    from rag.readers import read_bytes

    assert len(read_bytes(json.dumps(obj, ensure_ascii=False).encode("utf-8"), "old.json", "old.json")) == 1


def test_malformed_xml_names_the_file():
    with pytest.raises(InputError) as err:
        read_ndl_xml(b"<data><records><record>", "broken.xml")
    assert err.value.source == "broken.xml" and "broken.xml" in str(err.value)
    assert "meetingRecord" in str(err.value)


def test_json_without_meeting_record_names_the_file():
    with pytest.raises(InputError) as err:
        read_ndl_json({"numberOfRecords": 0}, "empty.json")
    assert err.value.source == "empty.json" and "empty.json" in str(err.value)
    assert "/api/meeting response with meetingRecord elements" in str(err.value)
    with pytest.raises(InputError, match="not valid JSON"):
        read_ndl_json(b"{\"meetingRecord\": [", "cut.json")
    with pytest.raises(InputError, match="error response.*検索条件"):
        read_ndl_json({"message": "検索条件の指定が誤っています。", "details": []}, "error.json")


def test_speech_api_responses_are_read_one_record_per_sitting():
    """An /api/speech response holds the speeches a search matched, each with its sitting's fields: they
    become one record per sitting (same issueID), in speechOrder, with a warning that only those speeches
    are held. The same in the JSON API's shape, an older client's nested rendering, and XML."""
    def speech(issue_id, order, speaker, words, date="2018-05-30"):
        return {"speechID": f"{issue_id}_{order:03d}", "issueID": issue_id, "session": "196", "nameOfHouse": "衆議院",
                "nameOfMeeting": "国家基本政策委員会合同審査会", "issue": "第1号", "date": date,
                "speechOrder": str(order), "speaker": speaker, "speech": f"○{speaker}君\u3000{words}",
                "meetingURL": f"https://kokkai.ndl.go.jp/txt/{issue_id}"}
    speeches = [speech("X1", 5, "山田太郎", "質問いたします。"), speech("X2", 2, "川田花子", "お答えします。", "2016-12-07"),
                speech("X1", 3, "森一郎", "開会いたします。")]
    for obj in ({"numberOfRecords": 3, "speechRecord": speeches},
                {"data": {"numberOfRecords": 3, "records": {"record": [{"recordData": {"speechRecord": s}} for s in speeches]}}}):
        first, second = read_ndl_json(obj, "speech.json")
        assert [t.speaker for t in first.turns] == ["森一郎", "山田太郎"]  # speechOrder 3, then 5
        assert first.hints.date == "2018-05-30" and second.hints.date == "2016-12-07"
        assert first.hints.name == "国家基本政策委員会合同審査会" and first.header is None
        assert any("only the 2 speech(es)" in w for w in first.warnings)
        for doc in (first, second):
            for turn in doc.turns:
                assert doc.text[turn.start:turn.end] in ("質問いたします。", "お答えします。", "開会いたします。")
    xml = ("<data><numberOfRecords>1</numberOfRecords><records><record><recordData><speechRecord>"
           "<issueID>X1</issueID><nameOfHouse>衆議院</nameOfHouse><nameOfMeeting>本会議</nameOfMeeting><issue>第1号</issue>"
           "<date>2024-02-01</date><speechOrder>1</speechOrder><speaker>山田太郎</speaker>"
           "<speech>○山田太郎君\u3000質問いたします。</speech></speechRecord></recordData></record></records></data>")
    doc, = read_ndl_xml(xml.encode("utf-8"), "speech.xml")
    assert [t.speaker for t in doc.turns] == ["山田太郎"] and doc.hints.date == "2024-02-01"
    # speeches with no text or no date make no sitting: still refused
    with pytest.raises(InputError, match="speeches have no text or no date"):
        read_ndl_json({"numberOfRecords": 1, "speechRecord": [{"speechID": "X_001", "speech": None}]}, "bare.json")


def test_record_without_date_or_speeches_is_named():
    obj = _meeting([("x", "○x君\u3000y")])
    del obj["meetingRecord"][0]["date"]
    with pytest.raises(InputError, match=r"meetingRecord 0 \(issueID X1\) has no date"):
        read_ndl_json(obj, "nodate.json")
    obj = _meeting([])
    with pytest.raises(InputError, match=r"meetingRecord 0 \(issueID X1\) has no speeches"):
        read_ndl_json(obj, "nospeech.json")
    listing = _meeting([("x", "")])
    del listing["meetingRecord"][0]["speechRecord"][0]["speech"]
    with pytest.raises(InputError, match="meeting_list"):
        read_ndl_json(listing, "list.json")


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<data><records><record><recordData><meetingRecord><issueID>X1</issueID><nameOfHouse>衆議院</nameOfHouse>
<nameOfMeeting>本会議</nameOfMeeting><issue>第1号</issue><date>2024-01-01</date>
<speechRecord><speechOrder>0</speechOrder><speaker>議長</speaker><speech>○議長　&xxe;発言</speech></speechRecord>
</meetingRecord></recordData></record></records></data>""".encode()
    (doc,) = read_ndl_xml(xml, "xxe.xml")
    assert "TOPSECRET" not in doc.text
