"""Vendor JSON exports (DiscussNet SSP and look-alikes): items' HTML bodies rendered in order into one text."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import lxml.html
import pytest

from rag.errors import InputError
from rag.readers.jsonexport import read_vendor_json

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
needs_corpus = pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason=f"{CORPUS_DEV} not present")
SPEAKER_MARKS = ("○", "◎", "◆")


def _load(name: str) -> dict:
    return json.loads((CORPUS_DEV / name).read_text(encoding="utf-8"))


def _speaker_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith(SPEAKER_MARKS)]


def _speech_items(obj: dict) -> list[dict]:
    return [item for item in obj["tenant_minutes"] if item["minute_type"].startswith(SPEAKER_MARKS)]


def _visible(body: str) -> str:
    """What a browser shows of a <pre> body, with trailing spaces and edge blank lines removed."""
    lines = [line.rstrip() for line in lxml.html.fragment_fromstring(body).text_content().split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _check_export(obj: dict, source: str) -> str:
    docs = read_vendor_json(obj, source)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.source == source
    assert doc.file_type == "json"
    assert doc.turns is None  # speakers are left to the layout parser
    assert doc.warnings == ()
    items = sorted(obj["tenant_minutes"], key=lambda item: item["minute_id"])
    # every item, in minute_id order, exactly as its <pre> shows it, separated by blank lines
    assert doc.text == "\n\n".join(_visible(item["body"]) for item in items)
    # the roster comes first, as text
    assert items[0]["minute_type"] == "名簿"
    assert doc.text.startswith(_visible(items[0]["body"]).split("\n", 1)[0])
    # one speaker line per speech item (○議長, ◎答弁, ◆質問), each opening its item
    speakers = _speaker_lines(doc.text)
    assert len(speakers) == len(_speech_items(obj))
    for item, line in zip([i for i in items if i["minute_type"].startswith(SPEAKER_MARKS)], speakers):
        assert line.startswith(item["minute_type"][0] + item["title"])
    return doc.text


@needs_corpus
def test_sumida_export():
    obj = _load("discussnet_sumida_20241227.json")
    text = _check_export(obj, "discussnet_sumida_20241227.json")
    assert text.startswith("令和　６年　定例会緊急議会（１２月）\n\n")
    assert "\n１　期日　　令和６年１２月２７日\n２　場所　　墨田区議会議事堂\n３　出席議員（３２人）\n" in text
    assert "\n\n○議長（佐藤篤）　ただいまから令和６年度墨田区議会定例会１２月緊急議会を開会いたします。\n" in text
    assert "\n　　　〔「異議なし」と呼ぶ者あり〕\n" in text
    assert len(_speaker_lines(text)) == 23  # 19 ○議長 + 4 ◎答弁 items
    assert text.endswith("議員　　村本ひろや")  # the signature block closes the file
    assert "<pre>" not in text


@needs_corpus
def test_items_are_ordered_by_minute_id_not_file_order():
    obj = _load("discussnet_sumida_20241227.json")
    shuffled = copy.deepcopy(obj)
    shuffled["tenant_minutes"].reverse()
    assert read_vendor_json(shuffled, "s.json")[0].text == read_vendor_json(obj, "s.json")[0].text


# held-out check: a second tenant, read by the same code
@needs_corpus
def test_hakodate_heldout_export():
    obj = _load("discussnet_hakodate_20240222.json")
    text = _check_export(obj, "discussnet_hakodate_20240222.json")
    assert text.startswith("令和　６年第１回　２月定例会\n")
    assert "\n〇議事日程\n" in text  # the roster's 〇 (U+3007) heads stay as written, and are no speaker lines
    assert len(_speaker_lines(text)) == 20  # 15 ○議長 + 3 ◆質問 + 2 ◎答弁
    assert "\n\n◎市長（大泉潤）　令和６年第１回市議会定例会の開会に当たり、" in text
    assert text.endswith("午前１１時０４分散会")


# ---------------------------------------------------------------------------
# other shapes


def test_top_level_list_and_nested_key_with_other_body_fields():
    items = [
        {"html": "<p>○議長（山田君）<br>\n　開会します。</p>"},
        {"html": "<div>◎市長（鈴木君）　<span>お答え</span>します。</div>"},
    ]
    expected = "○議長（山田君）\n　開会します。\n\n◎市長（鈴木君）　お答えします。"
    assert read_vendor_json(items, "list.json")[0].text == expected
    nested = {"status": "ok", "count": 2, "data": {"meeting": {"name": "本会議"}, "records": items}}
    assert read_vendor_json(nested, "nested.json")[0].text == expected


def test_plain_text_bodies_keep_their_lines_and_file_order_without_ids():
    obj = {
        "speeches": [
            {"speaker": "議長", "text": "○議長（山田君）　開会します。\r\n　本日の会議を開きます。  \n"},
            {"speaker": "市長", "text": "◎市長（鈴木君）　R&D について a < b"},
        ]
    }
    text = read_vendor_json(obj, "plain.json")[0].text
    assert text == "○議長（山田君）　開会します。\n　本日の会議を開きます。\n\n◎市長（鈴木君）　R&D について a < b"


def test_partial_ids_keep_file_order_and_empty_bodies_are_reported():
    obj = {
        "minutes": [
            {"minute_id": 9, "body": "<pre>○議長（山田君）　一</pre>"},
            {"body": "<pre>○議長（山田君）　二</pre>"},
            {"minute_id": 3, "body": ""},
        ]
    }
    doc = read_vendor_json(obj, "partial.json")[0]
    assert doc.text == "○議長（山田君）　一\n\n○議長（山田君）　二"
    assert any("empty body" in w for w in doc.warnings)


def test_json_without_an_item_list_raises_input_error_naming_the_file():
    for obj in (
        {"meetingRecord": [{"speechRecord": [{"speech": "○議長　開会"}]}]},  # NDL-like: not this reader's
        {"tenant_minutes": []},
        {"title": "本会議", "body": "<p>一件だけ</p>"},
        [1, 2, 3],
    ):
        with pytest.raises(InputError) as err:
            read_vendor_json(obj, "unknown.json")
        assert err.value.source == "unknown.json"
        assert "unknown.json" in str(err.value)
        assert "not a minutes export this reader knows" in err.value.problem
        assert "body/html/content/text" in err.value.problem


def test_export_whose_bodies_are_all_empty_raises():
    with pytest.raises(InputError, match="empty.json"):
        read_vendor_json({"tenant_minutes": [{"minute_id": 1, "body": "<pre>\n</pre>"}]}, "empty.json")


def test_a_poliinfo_list_of_meetings_reads_each_with_its_speakers():
    """PoliInfo's local-assembly JSON (built here): one record per meeting, speakers from the
    ``Speaker`` field, the roster spoken by no one as the header, an index entry named and skipped."""
    import json

    from rag.layouts import parse_document
    from rag.readers import read_bytes

    obj = [
        {"Date": "2020/4/17", "Prefecture": "東京都", "ProceedingTitle": "令和二年第一回臨時会会議録第七号",
         "URL": "https://example.invalid/7", "Proceeding": [
             {"Speaker": "null", "Utterance": "\u3000出席議員\u3000二名\n一番\u3000甲野太郎君\n二番\u3000乙野花子君\n"},
             {"Speaker": "議長（甲野太郎君）", "Utterance": "ただいまから令和二年第一回架空都議会臨時会を開会いたします。\n"},
             {"Speaker": "二番（乙野花子君）", "Utterance": "質問いたします。\n"}]},
        {"Date": "", "Prefecture": "東京都", "ProceedingTitle": "令和2年第1回臨時会 会議録",
         "URL": "", "Proceeding": [{"Speaker": "null", "Utterance": "目次"}]},
    ]
    (doc,) = read_bytes(json.dumps(obj, ensure_ascii=False).encode("utf-8"), "kaso.json", "kaso.json")
    assert doc.hints.date == "2020-04-17" and doc.header is not None
    assert [(t.speaker, t.role, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("甲野太郎", "議長", "ただいまから令和二年第一回架空都議会臨時会を開会いたします。"), ("乙野花子", "二番", "質問いたします。")]
    assert any("令和2年第1回臨時会 会議録" in w for w in doc.warnings)
    m = parse_document(doc)
    assert m.date == "2020-04-17" and [r.speaker for r in m.remarks] == ["甲野太郎", "乙野花子"]
    assert all(doc.text[r.start:r.end] == r.text for r in m.remarks)


def test_a_full_text_field_beside_label_less_items_is_read_with_its_speakers():
    """A scraper's export keeps each speech's words without the label (the speaker in a field of its
    own) and the minutes as printed in one top-level string: that string is read, so every speech
    keeps its speaker, and the letter-spaced clock lines give the sitting's times."""
    from rag.layouts import parse_document

    raw = ("令和八年五月十四日（木曜日）\n　　　午　後　一　時　三　分　開　会\n"
           "◯山田太郎委員長　ただいまから架空委員会を開会いたします。\n\n"
           "◯川上警務部長　架空ビジョンについて御説明をいたします。\n\n"
           "◯佐藤花子委員　数値目標はありますか。\n\n"
           "◯川上警務部長　数値目標は掲げておりません。\n"
           "　　　午　後　一　時　二　十　四　分　閉　会\n")
    speeches = [{"voiceNo": 1, "speakerLabel": None, "text": raw.split("\n\n")[0]},
                {"voiceNo": 2, "speakerLabel": "川上警務部長", "text": "架空ビジョンについて御説明をいたします。"},
                {"voiceNo": 3, "speakerLabel": "佐藤花子委員", "text": "数値目標はありますか。"},
                {"voiceNo": 4, "speakerLabel": "川上警務部長", "text": "数値目標は掲げておりません。"}]
    obj = {"title": "令和８年　架空委員会　本文", "meetingDate": "2026-05-14", "speeches": speeches, "rawText": raw}
    (doc,) = read_vendor_json(obj, "x.json")
    assert doc.text.startswith("令和八年五月十四日") and doc.hints.date == "2026-05-14"
    assert any("rawText" in w for w in doc.warnings)
    m = parse_document(doc)
    assert [(r.speaker, r.role) for r in m.remarks] == [("山田太郎", "委員長"), ("川上", "警務部長"),
                                                       ("佐藤花子", "委員"), ("川上", "警務部長")]
    assert m.time == "午後一時三分開会〜午後一時二十四分閉会" and m.date == "2026-05-14"
    assert doc.text[m.closing_span.start:m.closing_span.end].strip() == "午　後　一　時　二　十　四　分　閉　会"
    # without the full text, the items are read as before (the words without their labels)
    (items_only,) = read_vendor_json({k: v for k, v in obj.items() if k != "rawText"}, "x.json")
    assert "◯川上警務部長" not in items_only.text


def test_item_lists_under_the_entries_of_a_list_are_one_sitting_each():
    """A scraper's ``{"schedules": [{"minutes": [{"title", "text"}]}]}`` (a Hokkaido assembly site's
    export): the minutes sit two levels down, under each sitting's entry; it was refused as "not a
    minutes export". Invented text."""
    first = "令和６年第１回山川町議会臨時会会議録\n○議長（山田一郎君）　ただいまから会議を開きます。"
    second = "令和６年第１回山川町議会臨時会会議録（第２日）\n○議長（山田一郎君）　本日の会議を開きます。"
    export = {"name": "令和6年第1回臨時会", "schedules": [
        {"schedule_id": 1, "name": "第1日", "minutes": [{"minute_id": 1, "title": "第1日", "text": first}]},
        {"schedule_id": 2, "name": "第2日", "minutes": [{"minute_id": 1, "title": "第2日", "text": second}]},
    ]}
    docs = read_vendor_json(export, "yamakawa.json")
    assert [d.text for d in docs] == [first, second]
    assert [d.ordinal for d in docs] == [0, 1]  # two meetings of one file
    one = {"schedules": [export["schedules"][0]]}
    assert [d.text for d in read_vendor_json(one, "yamakawa.json")] == [first]
    # a top-level field holding the whole file's text speaks for no one sitting
    whole = dict(export, rawText=first + "\n\n" + second)
    assert [d.text for d in read_vendor_json(whole, "yamakawa.json")] == [first, second]


def test_page_numbers_printed_in_an_exports_pdf_text_become_pages():
    """The same export's text as extracted from PDF pages keeps each page's 「－n－」 footer: moved out
    of the stored text into pages (no remark holds one). Invented text."""
    text = ("令和６年第１回山川町議会臨時会会議録\n○議長（山田一郎君）　ただいまから会議を開きます。\n－1－\n\n"
            "○町長（川田次郎君）　行政報告をいたします。\n－2－\n")
    export = {"schedules": [{"minutes": [{"minute_id": 1, "title": "第1日", "text": text}]}]}
    doc, = read_vendor_json(export, "yamakawa.json")
    assert "－" not in doc.text
    assert doc.text == text.replace("－1－\n", "").replace("－2－\n", "")
    assert doc.page_at(doc.text.index("行政報告")) == 2 and doc.page_at(0) == 1
