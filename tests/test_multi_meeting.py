"""A text file holding several meetings (complete minutes concatenated, as vendor exports of a
whole session are) becomes one record per meeting, all over the same stored text.

The small minutes below are invented for these tests; the real ones are read from
/work/shared/corpus-dev and concatenated into a temporary file.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.domain import Meeting
from rag.index import MinutesIndex
from rag.parsing import load_meetings, load_meetings_from_bytes
from rag.readers.text import text_document

from conftest import CORPUS_DIR, SEED, assert_spans_slice_back, make_settings

CORPUS_DEV = Path("/work/shared/corpus-dev")

FIRST = """架空市議会総務委員会会議録
日時：令和5年10月20日（金）午前10時
場所：第1委員会室
○委員長（山田太郎君）　ただいまから総務委員会を開きます。
○委員（佐藤花子君）　図書館の開館時間の延長について伺います。
○総務部長（鈴木一郎君）　開館時間は来年度から午後九時までに延長いたします。
"""
SECOND = """架空市議会建設委員会会議録
日時：令和5年11月2日（木）午後1時
場所：第2委員会室
○委員長（田中次郎君）　ただいまから建設委員会を開きます。
○委員（高橋三郎君）　市道の舗装工事の進み具合を伺います。
○建設部長（伊藤四郎君）　舗装工事は年度内に完了する見込みです。
"""


def _load(tmp_path, name: str, text: str) -> list[tuple[Meeting, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_meetings(path, name)


def test_two_invented_minutes_concatenated_become_two_records(tmp_path):
    text = FIRST + "\n" + SECOND
    (a, stored_a), (b, stored_b) = _load(tmp_path, "session.txt", text)
    assert stored_a is stored_b and stored_a == text  # one stored text, offsets into all of it
    assert (a.date, b.date) == ("2023-10-20", "2023-11-02")
    assert (a.ordinal, b.ordinal) == (0, 1) and a.meeting_id != b.meeting_id
    assert a.extent == (0, len(FIRST) + 1) and b.extent == (len(FIRST) + 1, len(text))
    assert "総務委員会" in a.title and "建設委員会" in b.title
    assert [r.speaker for r in a.remarks] == ["山田太郎", "佐藤花子", "鈴木一郎"]
    assert [r.speaker for r in b.remarks] == ["田中次郎", "高橋三郎", "伊藤四郎"]
    assert all(r.start >= b.extent[0] for r in b.remarks) and all(r.end <= a.extent[1] for r in a.remarks)
    assert "舗装" not in " ".join(r.text for r in a.remarks) and "図書館" not in " ".join(r.text for r in b.remarks)
    assert a.place == "第1委員会室" and b.place == "第2委員会室"
    for m in (a, b):
        assert_spans_slice_back(m, text)
        assert not any("seems to hold" in w for w in m.warnings)
    # an upload reads the same way
    assert [m for m, _ in load_meetings_from_bytes(text.encode("utf-8"), "session.txt", "session.txt")] == [a, b]


def test_a_title_with_the_body_on_the_line_above_splits_with_that_line(tmp_path):
    """The seed's header is 「<本部> <会議>」 over 「第14回会合 議事要旨」: the second meeting keeps both lines."""
    seed = SEED.read_text(encoding="utf-8")
    second = seed.replace("第14回", "第15回").replace("平成19年10月3日", "平成19年11月5日").replace("防護システムの整備", "防護システムの刷新")
    text = seed + "\n" + second
    (a, _), (b, _) = _load(tmp_path, "two.txt", text)
    assert (a.number, a.date, b.number, b.date) == (14, "2007-10-03", 15, "2007-11-05")
    assert a.extent[1] == b.extent[0] and text[b.extent[0] :] == second.lstrip("\n")  # from its 本部 line on
    assert len(a.remarks) == len(b.remarks) == 31
    assert any("防護システムの整備" in r.text for r in a.remarks) and not any("防護システムの刷新" in r.text for r in a.remarks)
    assert any("防護システムの刷新" in r.text for r in b.remarks)
    for m in (a, b):
        assert_spans_slice_back(m, text)


@pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="needs /work/shared/corpus-dev")
@pytest.mark.parametrize("order", [("plenary", "somu"), ("somu", "plenary")])
def test_two_real_minutes_concatenated_become_the_two_meetings_they_are(tmp_path, order):
    names = {k: f"kensakusystem_takasago_{k}_20230522.txt" for k in order}
    alone = {k: load_meetings(CORPUS_DEV / names[k], names[k]) for k in order}
    texts = {k: (CORPUS_DEV / names[k]).read_text(encoding="utf-8") for k in order}
    text = texts[order[0]] + "\n" + texts[order[1]]
    parts = _load(tmp_path, "takasago.txt", text)
    assert len(parts) == 2
    stored = text_document(text, "takasago.txt").text  # <PAGE="n"> marker lines moved out into pages
    for (m, stored_m), key in zip(parts, order):
        ((single, single_text),) = alone[key]
        assert stored_m == stored
        assert (m.date, m.label, m.layout, m.kind) == (single.date, single.label, single.layout, single.kind)
        shift = m.extent[0]
        assert stored[shift : shift + len(single_text)] == single_text
        assert [(r.text, r.speaker, r.role, r.start - shift) for r in m.remarks] == [
            (r.text, r.speaker, r.role, r.start) for r in single.remarks]
        # pages where the file alone has them (a part without markers is on the page the one before ended on)
        assert [r.page for r, s in zip(m.remarks, single.remarks) if s.page is not None] == [
            s.page for s in single.remarks if s.page is not None]
        assert [a.name for a in m.attendees] == [a.name for a in single.attendees]
        assert_spans_slice_back(m, stored)


def test_repeated_running_headers_are_not_meetings(tmp_path):
    page = "第3回架空審議会議事録\n令和5年10月20日\n"
    text = (page + "○会長（山田太郎君）　開会します。\n○委員（佐藤花子君）　質問します。\n"
            + page + "○会長（山田太郎君）　続けます。\n○委員（佐藤花子君）　答えます。\n")
    ((m, _),) = _load(tmp_path, "paged.txt", text)
    assert m.extent is None and len(m.remarks) == 4


def test_where_no_header_block_decides_one_record_is_kept_and_the_warning_says_what_was_ignored(tmp_path):
    text = FIRST + "\n日時：令和5年11月2日（木）午後1時\n○委員長（山田太郎君）　再開します。\n○委員（佐藤花子君）　続けて伺います。\n"
    ((m, _),) = _load(tmp_path, "undecided.txt", text)
    assert m.date == "2023-10-20" and len(m.remarks) == 5
    (warning,) = [w for w in m.warnings if "seems to hold" in w]
    assert warning.startswith("undecided.txt:") and "2023-11-02" in warning and "ignored" in warning


def test_a_multi_meeting_file_is_indexed_listed_and_replaced_as_a_whole(tmp_path, monkeypatch, capsys):
    from rag.cli import main

    settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")
    path = tmp_path / "session.txt"
    path.write_text(FIRST + "\n" + SECOND, encoding="utf-8")
    index = MinutesIndex(settings)
    report = index.ingest([path])
    assert report.ok and report.files[0].meetings == 2 and report.added == [str(path.resolve())]
    assert index.check().consistent
    texts = list((settings.records_dir / "texts").iterdir())
    assert len(texts) == 1 and texts[0].read_text(encoding="utf-8") == FIRST + "\n" + SECOND  # stored once
    for e in index.catalog():
        record = json.loads((settings.records_dir / f"{e.meeting_id}.json").read_text(encoding="utf-8"))
        assert "text" not in record and record["text_file"] == texts[0].name

    for var, value in (("RAG_DATA_DIR", settings.data_dir), ("RAG_EMBEDDING_BACKEND", "hash"), ("RAG_CORPUS_DIR", CORPUS_DIR)):
        monkeypatch.setenv(var, str(value))
    assert main(["meetings"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and "2023-10-20" in listed[0] and "総務委員会" in listed[0]
    assert "2023-11-02" in listed[1] and "建設委員会" in listed[1]

    # each meeting answers from its own part
    fresh = MinutesIndex(settings)
    for words, date in (("図書館の開館時間", "2023-10-20"), ("舗装工事", "2023-11-02")):
        ((cid, _), *_) = fresh.lexical.search(words, 1)
        chunk = fresh.chunk(cid)
        assert chunk.date == date and fresh.source_text(chunk)[chunk.start : chunk.end] == chunk.text

    assert index.ingest([path]).unchanged == [str(path.resolve())]
    path.write_text(FIRST + "\n" + SECOND.replace("年度内", "来年度"), encoding="utf-8")
    again = index.ingest([path])
    assert again.added == [str(path.resolve())] and index.check().consistent
    assert [t.read_text(encoding="utf-8") for t in (settings.records_dir / "texts").iterdir()] == [path.read_text(encoding="utf-8")]
    assert index.remove(str(path.resolve())) > 0
    assert list((settings.records_dir / "texts").iterdir()) == [] and index.catalog() == []


def test_a_shared_text_with_crlf_line_ends_reads_back_exactly(tmp_path):
    """Offsets count every character, "\\r" included: the shared text is stored and read back as is."""
    settings = make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")
    path = tmp_path / "crlf.txt"
    path.write_bytes((FIRST + "\n" + SECOND).replace("\n", "\r\n").encode("utf-8"))
    MinutesIndex(settings).ingest([path])
    fresh = MinutesIndex(settings)  # nothing cached: read from disk
    meetings = [fresh.records.get(e.meeting_id) for e in fresh.catalog()]
    assert len(meetings) == 2
    for meeting, text in meetings:
        assert "\r\n" in text and text == path.read_bytes().decode("utf-8")
        assert_spans_slice_back(meeting, text)


def test_whole_text_views_show_only_their_meetings_part(tmp_path):
    """The 会議一覧 full text and a source card's 「全文を表示」 show one meeting, not the whole file."""
    from rag.browse import full_text_html
    from rag.presentation import context_html

    (first, stored), (second, _) = _load(tmp_path, "two.txt", FIRST + SECOND)
    html_first = full_text_html(first, stored)
    assert "図書館の開館時間" in html_first and "舗装工事" not in html_first
    html_second = full_text_html(second, stored)
    assert "舗装工事" in html_second and "図書館の開館時間" not in html_second
    r = second.remarks[-1]
    shown = context_html(stored, r.start, r.end, window=None, extent=second.extent)
    assert "舗装工事は年度内に完了" in shown and "総務委員会" not in shown
