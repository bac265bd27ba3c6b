"""The TEI P5 / Parla-CLARIN reader, on a real ministry council 議事録 and on small built files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from rag.errors import InputError
from rag.readers.base import SourceDoc
from rag.readers.tei import read_tei

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
NAME = "tei_chuokanshin_sokai031_20231121.xml"
T = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@pytest.fixture(scope="module")
def sokai() -> tuple[bytes, SourceDoc]:
    path = CORPUS_DEV / NAME
    if not path.is_file():
        pytest.skip(f"{path} not present")
    data = path.read_bytes()
    docs = read_tei(data, NAME)
    assert len(docs) == 1
    return data, docs[0]


def test_one_document_with_its_hints(sokai):
    _, doc = sokai
    assert (doc.source, doc.file_type, doc.ordinal) == (NAME, "tei", 0)
    assert doc.hints.title == "中央環境審議会第31回総会議事録"
    assert doc.hints.date == "2023-11-21"
    assert doc.hints.url == "https://www.env.go.jp/council/01chuo/02_4_00007.html"
    # The place line has no 場所/会場 prefix and the header names no body or meeting: left to the layout parser.
    assert (doc.hints.place, doc.hints.body, doc.hints.name, doc.hints.number) == (None, None, None, None)
    assert doc.warnings == ()


def test_header_block_is_title_and_prefatory_lines(sokai):
    _, doc = sokai
    assert doc.header == (0, doc.text.index("\n\n"))
    assert doc.text[: doc.header[1]] == (
        "中央環境審議会第31回総会議事録\n"
        "令和５年１１月２１日（火）１３：３０～１５：３０\n"
        "日比谷国際ビルコンファレンススクエア（８Ｆ会議室）"
    )
    assert doc.text[doc.header[1] :].startswith("\n\n○福島総務課長\nお待たせいたしました。")


def test_one_turn_per_u_matching_the_xml(sokai):
    data, doc = sokai
    root = etree.fromstring(data)
    names = {
        p.get(XML_ID): re.sub(r"\s+", "", "".join(p.find(f"{T}persName").itertext()))
        for p in root.iter(f"{T}person")
    }
    us = list(root.iter(f"{T}u"))
    assert [u.get(XML_ID) for u in us] == [f"min031-u{i}" for i in range(1, 148)]
    assert len(doc.turns) == 147
    previous_end = doc.header[1]
    for turn, u in zip(doc.turns, us):
        words = doc.text[turn.start : turn.end]
        assert words and words == words.strip() and not words.startswith("○")
        assert words == "\n".join(seg.text.strip() for seg in u.iter(f"{T}seg"))
        assert turn.label == "○" + u.get("n")
        assert doc.text[: turn.start].endswith(f"\n\n{turn.label}\n")
        assert turn.speaker == names[u.get("who")[1:]]
        assert turn.start > previous_end
        previous_end = turn.end


def test_speakers_roles_groups_from_list_person(sokai):
    _, doc = sokai
    first, second = doc.turns[0], doc.turns[1]
    # <person xml:id="福島"><persName><surname>福島</surname></persName>
    #   <affiliation n="1"><orgName>環境省大臣官房</orgName><roleName>総務課長</roleName></affiliation>
    assert (first.speaker, first.role, first.group, first.label) == ("福島", "総務課長", "環境省大臣官房", "○福島総務課長")
    assert (second.speaker, second.role, second.group, second.label) == ("八木哲也", "環境副大臣", "環境省", "○八木副大臣")
    chair = doc.turns[9]
    # <u n="高村（ゆ）会長" who="#高村ゆかり">; persName 高村 + ゆかり; first affiliation 東京大学未来ビジョン研究センター / 教授
    assert (chair.speaker, chair.role, chair.group, chair.label) == ("高村ゆかり", "教授", "東京大学未来ビジョン研究センター", "○高村（ゆ）会長")
    by_label = {t.label: t for t in doc.turns}
    assert by_label["○崎田委員"].speaker == "崎田裕子"
    assert by_label["○崎田委員"].role is None  # only <occupation>, no roleName or affiliation
    assert by_label["○髙村委員"].speaker == "髙村典子"


def test_stage_notes_are_lines_outside_turns(sokai):
    _, doc = sokai
    for note in ("（朝日大臣政務官退席）", "（なし）"):
        at = doc.text.index(f"\n\n{note}\n\n") + 2
        assert all(not (t.start <= at < t.end) for t in doc.turns)
    spans = [doc.text[t.start : t.end] for t in doc.turns]
    assert not any("退席）" in s for s in spans)
    before = next(i for i, t in enumerate(doc.turns) if t.end < doc.text.index("（朝日大臣政務官退席）") < doc.turns[i + 1].start)
    assert before == 112  # between u113 and u114


# --- small built files ------------------------------------------------------------------


def _tei(body: str, header_extra: str = "", people: str = "", xml_id: str = "m1") -> str:
    return f"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{xml_id}">
  <teiHeader><fileDesc><titleStmt><title>別の題</title><title type="main">テスト審議会第2回部会議事録</title></titleStmt>
    <sourceDesc><bibl/></sourceDesc></fileDesc>{header_extra}</teiHeader>
  <standOff><listPerson>{people}</listPerson></standOff>
  <text><body>{body}</body></text>
</TEI>"""


PEOPLE = """<person xml:id="yamada"><persName><surname>山田</surname> <forename>太郎</forename></persName>
  <affiliation><orgName>某大学</orgName><roleName>教授</roleName></affiliation></person>"""


def test_built_file_dates_places_notes_and_unknown_speakers():
    body = """
      <div type="prefatory"><p>日時：令和６年２月１日（木）１０：００～１２：００</p><p>場所：第１会議室</p></div>
      <div type="debate">
        <u n="山田委員" who="#yamada"><seg>  発言  <kinesic><desc>拍手</desc></kinesic>その一。 </seg><note>（笑声）</note><seg>その二。</seg></u>
        <incident><desc>休憩</desc></incident>
        <u who="#nobody"><seg>名簿にない人の発言。</seg></u>
        <u n="司会"><seg> </seg></u>
      </div>"""
    (doc,) = read_tei(_tei(body, people=PEOPLE).encode(), "built.xml")
    assert doc.hints.title == "テスト審議会第2回部会議事録"
    assert (doc.hints.date, doc.hints.place) == ("2024-02-01", "第１会議室")
    assert doc.text == (
        "テスト審議会第2回部会議事録\n日時：令和６年２月１日（木）１０：００～１２：００\n場所：第１会議室"
        "\n\n○山田委員\n発言  その一。\nその二。"
        "\n\n（拍手）\n\n（笑声）\n\n（休憩）"  # notes inside the u follow it, in document order
        "\n\n名簿にない人の発言。"
    )
    first, second = doc.turns
    assert (first.speaker, first.role, first.group, first.label) == ("山田太郎", "教授", "某大学", "○山田委員")
    assert doc.text[first.start : first.end] == "発言  その一。\nその二。"
    assert (second.speaker, second.label, doc.text[second.start : second.end]) == (None, None, "名簿にない人の発言。")
    assert any("#nobody" in w for w in doc.warnings) and any("司会" in w and "no text" in w for w in doc.warnings)


def test_tei_corpus_gives_one_doc_each():
    docs = [_tei('<u who="#yamada"><seg>一つ目。</seg></u>', xml_id="a"), _tei('<u who="#yamada"><seg>二つ目。</seg></u>', xml_id="b")]
    corpus = f"""<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>全体</title></titleStmt></fileDesc>
      <profileDesc><particDesc><listPerson>{PEOPLE}</listPerson></particDesc></profileDesc></teiHeader>
      {''.join(d.replace(' xmlns="http://www.tei-c.org/ns/1.0"', '') for d in docs)}</teiCorpus>"""
    result = read_tei(corpus.encode(), "corpus.xml")
    assert [d.ordinal for d in result] == [0, 1]
    assert [d.text[d.turns[0].start : d.turns[0].end] for d in result] == ["一つ目。", "二つ目。"]
    assert [d.turns[0].speaker for d in result] == ["山田太郎", "山田太郎"]  # from the corpus header


def test_errors_name_the_file():
    with pytest.raises(InputError) as err:
        read_tei(b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>", "broken.xml")
    assert err.value.source == "broken.xml" and "broken.xml" in str(err.value) and "not well-formed" in str(err.value)
    with pytest.raises(InputError, match="expected a TEI P5 document"):
        read_tei(b"<data><meetingRecord/></data>", "ndl.xml")
    with pytest.raises(InputError, match=r"TEI document 0 \(m1\) has no utterances"):
        read_tei(_tei("<div><p>本文のみ</p></div>").encode(), "nou.xml")
