from __future__ import annotations

from rag.chunking import chunk_meeting, split_sentences, units


def test_chunks_cover_record_and_slice_back(seed_meeting, seed_text):
    chunks = chunk_meeting(seed_meeting, seed_text)
    kinds = [c.kind for c in chunks]
    assert kinds[:3] == ["header", "attendees", "agenda"]
    assert kinds.count("remark") == 31  # no seed remark is long enough to be split
    assert kinds.count("decision") == 1
    for c in chunks:
        assert seed_text[c.start : c.end] == c.text
        assert c.date == "2007-10-03" and c.meeting == "情報セキュリティ政策会議 第14回会合"
    header = chunks[0]
    assert "平成19年10月3日" in header.text and "総理大臣官邸大会議室" in header.text
    remark30 = next(c for c in chunks if c.remark_no == 30)
    assert remark30.organisation == "防衛省" and remark30.section == "出席者意見開陳"
    assert remark30.agenda_item == "(1)~(7)"


def test_chunk_ids_are_content_hashes(seed_meeting, seed_text):
    a = [c.chunk_id for c in chunk_meeting(seed_meeting, seed_text)]
    b = [c.chunk_id for c in chunk_meeting(seed_meeting, seed_text)]
    assert a == b and len(set(a)) == len(a)


def test_long_remarks_split_at_sentence_boundaries(seed_meeting, seed_text):
    chunks = chunk_meeting(seed_meeting, seed_text, max_chars=120)
    remark7 = [c for c in chunks if c.remark_no == 7]
    assert len(remark7) > 1
    for c in remark7:
        assert seed_text[c.start : c.end] == c.text
        assert c.text.endswith("。") or c.text.endswith("考ええる。")
    # pieces are consecutive and together cover the remark
    assert remark7[0].start == seed_meeting.remarks[6].start
    assert remark7[-1].end == seed_meeting.remarks[6].end


def test_sentence_split_keeps_page_breaks_inside_sentences():
    text = "予め対策をたてるという\n\nう、体制を構築すべきではないか。Y2K の取り組みはベストであった。"
    spans = split_sentences(text, 100)
    assert [s.text for s in spans] == [
        "予め対策をたてるという\n\nう、体制を構築すべきではないか。",
        "Y2K の取り組みはベストであった。",
    ]
    assert all(text[s.start - 100 : s.end - 100] == s.text for s in spans)


def test_units_of_list_chunks_are_lines(seed_meeting, seed_text):
    attendees = chunk_meeting(seed_meeting, seed_text)[1]
    lines = units(attendees)
    assert lines[0].text == "町村 信孝\t内閣官房長官"
    assert all(seed_text[u.start : u.end] == u.text for u in lines)


_CLOSING_MINUTES = """架空町議会　令和5年第3回定例会会議録（第2号）
令和5年9月12日（火）午前10時開議
○議長（川上一郎君）　ただいまから本日の会議を開きます。
○３番（高田みえ君）　防災倉庫の備蓄品について、更新の計画を伺います。
休憩（午前１０時４８分）
○町長（森本二郎君）　防災倉庫の備蓄食料は、毎年度入れ替えております。
○議長（川上一郎君）　以上で本日の日程は終了しました。
（午後　３時２５分　閉会）
　地方自治法第１２３条第２項の規定により署名する。
"""


def test_the_closing_line_and_clock_lines_between_remarks_are_chunks():
    """No remark holds 「（午後３時２５分　閉会）」 or a 「休憩（…）」 heading; without a chunk the
    closing time could never be retrieved (two dev questions asked for it)."""
    from rag.parsing import parse_minutes

    meeting = parse_minutes(_CLOSING_MINUTES, "kaso.txt")
    chunks = chunk_meeting(meeting, _CLOSING_MINUTES)
    late = [c for c in chunks if c.kind == "note"]  # not "header": never routed to every date question
    assert all(_CLOSING_MINUTES[c.start:c.end] == c.text for c in late)
    texts = [c.text for c in late]
    assert any("閉会" in t and "署名" in t for t in texts), texts  # the trailer: closing line and signature
    assert "休憩（午前１０時４８分）" in texts
    assert not any("休憩" in c.text for c in chunks if c.kind == "remark")
