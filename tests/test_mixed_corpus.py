"""A folder of minutes in every file type: ingest reads each, names what it skips, and the
catalog, `meetings`/`show`, speaker filters and meeting resolution work across them.

Uses the deterministic hash embedder with real Chroma and BM25 (fast); the PDF is built
here with reportlab's built-in Japanese CID font; the other files are real minutes from
../shared/corpus-dev (copied into a temp folder, never into corpus/).
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from rag.cli import main
from rag.domain import Filters
from rag.index import MinutesIndex
from rag.service import Assistant

from conftest import CORPUS_DIR, SEED, make_settings

CORPUS_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-dev"
pytestmark = pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not present")
FILES = ("discussnet_sumida_20241227.json", "dbsearch_otofuke_20241217.html",
         "ndl_api_meeting_s212_sangiin_plenary.xml", "kensakusystem_takasago_plenary_20230522.txt")


def _pdf_minutes() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    lines = [  # invented test minutes
        ["架空町議会　令和5年第3回定例会会議録（第2号）", "令和5年9月12日（火）午前10時開議",
         "○議長（川上一郎君）　ただいまから本日の会議を開きます。", "○町長（森本二郎君）　防災倉庫の整備について御説明いたします。"],
        ["○３番（高田三枝議員）　防災倉庫の備蓄品の更新計画を伺います。", "○議長（川上一郎君）　以上で本日の日程は終了しました。"],
    ]
    for page in lines:
        c.setFont("HeiseiMin-W3", 11)
        for i, line in enumerate(page):
            c.drawString(40, 800 - 20 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    for name in FILES:
        shutil.copy(CORPUS_DEV / name, folder / name)
    shutil.copy(SEED, folder / SEED.name)
    (folder / "kaso_2023.pdf").write_bytes(_pdf_minutes())
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "README.md").write_text("# 説明\nこのフォルダの説明です。\n", encoding="utf-8")
    settings = make_settings(tmp_path_factory.mktemp("data"), RAG_EMBEDDING_BACKEND="hash")
    report = MinutesIndex(settings).ingest([folder])
    return folder, settings, report


def test_every_type_is_read_and_skipped_files_are_named(mixed):
    folder, _, report = mixed
    assert report.ok, report.errors
    by_source = {Path(f.source).name: f for f in report.files}
    assert set(by_source) == {*FILES, SEED.name, "kaso_2023.pdf"}
    assert by_source["kaso_2023.pdf"].file_type == "pdf" and by_source["kaso_2023.pdf"].layout == "transcript"
    assert by_source["ndl_api_meeting_s212_sangiin_plenary.xml"].meetings == 3
    assert by_source[SEED.name].layout == "numbered-summary"
    skipped = {Path(p).name: why for p, why in report.skipped}
    assert set(skipped) == {"photo.png", "README.md"}
    assert ".png" in skipped["photo.png"] and "README" in skipped["README.md"]


def test_pdf_remarks_carry_speakers_and_pages(mixed):
    _, settings, _ = mixed
    index = MinutesIndex(settings)
    entry = next(e for e in index.catalog() if e.file_type == "pdf")
    assert entry.date == "2023-09-12" and entry.body == "架空町議会" and entry.number == 2
    meeting = index.records.get(entry.meeting_id)[0]
    text = index.records.text(entry.meeting_id)
    who = [(r.speaker, r.role, r.page) for r in meeting.remarks]
    assert who == [("川上一郎", "議長", 1), ("森本二郎", "町長", 1), ("高田三枝", "３番", 2), ("川上一郎", "議長", 2)]
    assert all(text[r.start:r.end] == r.text for r in meeting.remarks)


def test_reingest_is_a_no_op_and_counts_agree(mixed):
    folder, settings, _ = mixed
    index = MinutesIndex(settings)
    before = (index.store.count(), len(index.lexical), len(index.catalog()))
    again = index.ingest([folder])
    assert again.added == [] and len(again.unchanged) == len(FILES) + 2
    assert (index.store.count(), len(index.lexical), len(index.catalog())) == before
    assert before[0] == before[1] and before[2] == 8  # 3 NDL meetings + 5 single-meeting files


def test_meetings_and_show_commands(mixed, monkeypatch, capsys):
    _, settings, _ = mixed
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "hash")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    assert main(["meetings", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 8
    sangiin = [r for r in rows if r["body"] == "参議院"]
    assert sorted(r["number"] for r in sangiin) == [7, 8, 9]
    ninth = next(r for r in sangiin if r["number"] == 9)
    assert ninth["date"] == "2023-12-06" and {"name": "尾辻秀久", "role": "議長", "remarks": 9} in ninth["speakers"]

    assert main(["show", ninth["id"], "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) >= {"id", "source", "title", "body", "name", "number", "date", "date_original", "time", "place",
                           "attendees", "agenda", "decisions", "speakers", "remarks", "warnings"}
    assert record["date_original"] == "令和五年十二月六日（水曜日）" and record["body"] == "参議院"
    assert record["remarks"][0]["speaker"] == "尾辻秀久" and record["remarks"][0]["role"] == "議長"
    assert set(record["remarks"][0]) == {"n", "speaker", "role", "organisation", "section", "text", "start", "end", "page"}
    assert main(["show", "no-such-meeting"]) == 2


def test_speaker_filter_and_named_meetings(mixed):
    _, settings, _ = mixed
    assistant = Assistant.open(settings)
    hits = assistant.retriever.retrieve("法律案の趣旨", k=5, filters=Filters(speakers=("盛山正仁",)))
    assert hits and all(h.chunk.speaker == "盛山正仁" for h in hits)
    hits = assistant.retriever.retrieve("予算", k=5, filters=Filters(roles=("大臣",)))
    assert hits and all("大臣" in h.chunk.role for h in hits)
    # a question naming an indexed meeting searches only it; one naming another meeting says so
    answer = assistant.ask("参議院本会議第8号で文部科学大臣は何を説明しましたか")
    assert answer.searched_meetings and all(h.chunk.meeting == "参議院 本会議 第8号" for h in answer.contexts)
    missing = assistant.ask("参議院本会議第15号では何が可決されましたか")
    assert missing.abstained and missing.abstention[0] == "meeting_not_indexed" and "第15号" in missing.abstention[1]
    other = assistant.ask("葛飾区議会の定例会で区長は何と述べましたか")
    assert other.abstained and other.abstention == ("meeting_not_indexed", "「葛飾区議会」の会議録は索引にありません")


@pytest.mark.parametrize("question, closing", [
    ("墨田区議会の緊急議会は何時に散会しましたか", "午後１時４８分散会"),  # in the chair's last remark
    ("参議院本会議第8号は、最後は何時に終わりましたか", "午前十一時三十六分散会"),
    ("高砂市議会の5月臨時会は何時に閉会しましたか", "（午後　４時３７分　閉会）"),  # a line after the last remark
])
def test_when_a_sitting_ended_is_answered_from_its_closing_line(mixed, question, closing):
    _, settings, _ = mixed
    assistant = Assistant.open(settings)
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert first.text == closing
    assert assistant.index.records.text(first.chunk.meeting_id)[first.start : first.end] == closing


def test_a_date_question_about_undated_minutes_is_answered_without_a_date(tmp_path):
    # the aomori page states no date; asking when it was held must not crash (found on the held-out run)
    settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")
    MinutesIndex(settings).ingest([CORPUS_DEV / "dbsearch_aomori_20241225.html"])
    answer = Assistant.open(settings).ask("青森市議会のこの会議はいつ開かれましたか")
    assert all(c.chunk.date == "" for c in answer.citations)
