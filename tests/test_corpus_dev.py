"""Every real file of ../shared/corpus-dev is read in its layout, with the right date, body and speakers.

These are minutes nobody here wrote (see ../shared/corpus-dev/README.md). The
expected values below are read off the files themselves (titles, date lines,
the speaker labels) and the README's description of each file.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rag.parsing import load_meetings

CORPUS_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-dev"
pytestmark = pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not present")

# file -> per meeting: (layout, date, body, number label, speakers that must be there with their role)
EXPECTED = {
    "ndl_api_meeting_s001_1947.xml": [
        ("transcript", "1947-07-28", "衆議院", "第1号", {"米窪滿亮": "国務大臣", "加藤勘十": None}),
        ("transcript", "1947-11-14", "参議院", "第1号", {"堀末治": None}),
    ],
    "ndl_api_meeting_s212_sangiin_plenary.xml": [
        ("transcript", "2023-12-06", "参議院", "第9号", {"尾辻秀久": "議長"}),
        ("transcript", "2023-12-01", "参議院", "第8号", {"盛山正仁": "文部科学大臣"}),
        ("transcript", "2023-11-29", "参議院", "第7号", {"岸田文雄": "内閣総理大臣"}),
    ],
    "discussnet_sumida_20241227.json": [("transcript", "2024-12-27", "墨田区議会", None, {"佐藤篤": "議長", "山本亨": "区長"})],
    "discussnet_hakodate_20240222.json": [("transcript", "2024-02-22", "函館市議会", "第1号", {"大泉潤": "市長"})],
    "dbsearch_otofuke_20241217.html": [("transcript", "2024-12-17", "音更町議会", "第5号", {"高瀬博文": "議長", "小野信次": "町長"})],
    "dbsearch_aomori_20241225.html": [("transcript", None, "青森市議会", None, {"奈良岡隆": "議長"})],
    "kensakusystem_takasago_plenary_20230522.txt": [("transcript", "2023-05-22", "高砂市議会", "第1日", {"今竹大祐": "議長", "島津明香": "１０番"})],
    "kensakusystem_takasago_somu_20230522.txt": [("transcript", "2023-05-22", "高砂市議会", None, {"島津": "委員長"})],
    "tei_chuokanshin_sokai031_20231121.xml": [("transcript", "2023-11-21", "中央環境審議会", "第31回", {"福島": "総務課長", "八木哲也": "環境副大臣"})],
    "pyconjp_minutes58_20230224.rst": [("summary", "2023-02-24", "一般社団法人PyCon JP Association", "第58回", {})],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_is_read_in_its_layout(name):
    meetings = load_meetings(CORPUS_DEV / name, name)
    assert len(meetings) == len(EXPECTED[name])
    for (meeting, text), (layout, date, body, number, speakers) in zip(meetings, EXPECTED[name]):
        assert meeting.layout == layout
        assert meeting.date == date
        assert meeting.body == body
        if number is not None:
            assert f"第{meeting.number}{meeting.number_unit}" == number
        roles = {s: r for s, r, _ in meeting.speakers()}
        for speaker, role in speakers.items():
            assert speaker in roles, (speaker, sorted(roles))
            assert roles[speaker] == role
        assert meeting.remarks
        for r in meeting.remarks:  # every span slices back; stage notes and labels never open a remark
            assert text[r.start:r.end] == r.text
            assert not r.text.startswith(("〔", "○", "◯", "（拍手）")), r.text[:30]
            assert "<PAGE" not in r.text
        for d in meeting.decisions:
            assert text[d.start:d.end] == d.text
        if meeting.date_span is not None:
            assert text[meeting.date_span.start:meeting.date_span.end] == meeting.date_original


def test_remark_counts_match_the_speeches():
    # NDL: one remark per speechRecord after 会議録情報; TEI: one per <u>; HTML: the numbered speeches
    counts = {name: [len(m.remarks) for m, _ in load_meetings(CORPUS_DEV / name, name)]
              for name in ("ndl_api_meeting_s212_sangiin_plenary.xml", "tei_chuokanshin_sokai031_20231121.xml",
                           "dbsearch_otofuke_20241217.html", "dbsearch_aomori_20241225.html")}
    assert counts == {
        "ndl_api_meeting_s212_sangiin_plenary.xml": [12, 16, 36],
        "tei_chuokanshin_sokai031_20231121.xml": [147],
        "dbsearch_otofuke_20241217.html": [198],
        "dbsearch_aomori_20241225.html": [122],
    }


def test_page_markers_become_pages_not_text():
    (meeting, text), = load_meetings(CORPUS_DEV / "kensakusystem_takasago_plenary_20230522.txt", "t.txt")
    assert "<PAGE" not in text
    assert meeting.pages and meeting.pages[0][1] == 5
    pages = [r.page for r in meeting.remarks]
    assert pages == sorted(pages) and pages[0] == 5 and pages[-1] >= 30


def test_stage_notes_are_not_remarks():
    (meeting, _), = load_meetings(CORPUS_DEV / "discussnet_sumida_20241227.json", "s.json")
    assert not any(r.text.strip().startswith("〔") and r.text.strip().endswith("〕") for r in meeting.remarks)
    assert len(meeting.remarks) == 23  # one per ○/◎ speech item, short calls (「議長」「岸川副区長」) included
