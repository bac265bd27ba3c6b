"""The seed minutes parse into the structured record the issue describes, with exact offsets."""
from __future__ import annotations

import re

import pytest

from rag.errors import InputError
from rag.parsing import decode_minutes, parse_minutes

from conftest import SEED_NAME


def test_header_fields(seed_meeting):
    m = seed_meeting
    assert m.name == "情報セキュリティ政策会議"
    assert m.body == "高度情報通信ネットワーク社会推進戦略本部"
    assert m.number == 14
    assert m.kind == "議事要旨"
    assert m.label == "情報セキュリティ政策会議 第14回会合"
    assert m.date == "2007-10-03"
    assert m.date_original == "平成19年10月3日(水)"
    assert m.time == "17:20~18:20"
    assert m.place == "総理大臣官邸大会議室"
    assert m.source == SEED_NAME


def test_attendees_and_proxies(seed_meeting):
    people = {a.name: a for a in seed_meeting.attendees}
    members = [a for a in seed_meeting.attendees if a.group == "member"]
    others = [a for a in seed_meeting.attendees if a.group == "other"]
    proxies = [a for a in seed_meeting.attendees if a.group == "proxy"]
    assert len(members) == 12 and len(others) == 5 and len(proxies) == 4
    assert people["町村 信孝"].title == "内閣官房長官"
    assert people["村井 純"].title == "慶應義塾大学教授"
    assert people["二橋 正弘"].group == "other"
    expected = {
        "増田 寛也": ("岡本 芳郎", "総務大臣政務官"),
        "甘利 明": ("新藤 義孝", "経済産業副大臣"),
        "石破 茂": ("寺田 稔", "防衛大臣政務官"),
        "高村 正彦": ("小池 正勝", "外務大臣政務官"),
    }
    for member, (proxy, title) in expected.items():
        assert people[member].represented_by == proxy
        assert people[proxy].proxy_for == member
        assert people[proxy].title == title
    assert people["町村 信孝"].represented_by is None


def test_agenda_and_secretariat(seed_meeting):
    agenda = seed_meeting.agenda
    assert [a.number for a in agenda] == [str(i) for i in range(1, 8)]
    assert agenda[2].title == "平成20年度情報セキュリティ関連予算要求について"
    assert agenda[6].title.startswith("「我が国の情報セキュリティ分野における国際協調")
    assert seed_meeting.secretariat.text == "上記(1)～(7)について、事務局より資料に基づき一括して説明が行われた。"


def test_remarks_in_order_with_continuations(seed_meeting):
    remarks = seed_meeting.remarks
    assert len(remarks) == 31
    assert [r.number for r in remarks] == list(range(1, 32))
    assert all(r.section == "出席者意見開陳" for r in remarks)
    assert remarks[0].text.startswith("特に政府機関、重要インフラに関する")
    # 「…予め対策をたてるという」 continues after a page break
    event = next(r for r in remarks if "予め対策をたてるという" in r.text)
    assert "「イベントドリブン」" in event.text and "ベストプラクティスであった" in event.text
    assert event.text.endswith("必要であると考ええる。")
    # 「…デジタルフォレンジックの」 continues over two paragraphs
    police = next(r for r in remarks if "デジタルフォレンジックの" in r.text)
    assert "活用等による捜査の推進" in police.text
    assert police.text.endswith("警察庁を督励してまいりたいと考えている。")
    assert police.text.count("\n\n") == 2
    # no remark swallowed the decision or the end marker
    assert not any("政策会議決定" in r.text or "以 上" in r.text for r in remarks)


def test_organisations_only_where_named(seed_meeting):
    named = {r.number: r.organisation for r in seed_meeting.remarks if r.organisation}
    assert named == {21: "警察", 22: "警察", 24: "経済産業省", 27: "総務省", 29: "外務省", 30: "防衛省"}
    # the follow-on remark after 防衛省's is not attributed: the minutes do not say who spoke
    assert seed_meeting.remarks[30].organisation is None


def test_decision(seed_meeting):
    assert len(seed_meeting.decisions) == 1
    d = seed_meeting.decisions[0]
    assert d.section == "政策会議決定"
    assert d.text == "「我が国の情報セキュリティ分野における国際協調・貢献に向けた取組み」について、政策会議決定された。"


def test_every_span_slices_back_exactly(seed_meeting, seed_text):
    m = seed_meeting
    spans = [m.title_span, m.date_span, m.place_span, m.attendees_span, m.agenda_span, m.secretariat]
    spans += [a.span for a in m.attendees] + [a.span for a in m.agenda]
    for s in spans:
        assert seed_text[s.start : s.end] == s.text
    for r in list(m.remarks) + list(m.decisions):
        assert seed_text[r.start : r.end] == r.text
    assert m.date_span.text == m.date_original


def test_shift_jis_file_decodes_to_same_record(seed_text):
    # 「一步」 uses a character CP932 lacks; a real Shift_JIS file would have 歩
    sjis_text = seed_text.replace("步", "歩")
    data = sjis_text.encode("cp932")
    text = decode_minutes(data, "sjis.txt")
    assert text == sjis_text
    meeting = parse_minutes(text, "sjis.txt")
    assert meeting.date == "2007-10-03" and len(meeting.remarks) == 31


def test_utf8_bom_and_crlf(seed_text):
    data = b"\xef\xbb\xbf" + seed_text.replace("\n", "\r\n").encode("utf-8")
    text = decode_minutes(data, "bom.txt")
    meeting = parse_minutes(text, "bom.txt")
    assert len(meeting.remarks) == 31
    for r in meeting.remarks:
        assert text[r.start : r.end] == r.text
    police = next(r for r in meeting.remarks if "デジタルフォレンジックの" in r.text)
    assert police.text.endswith("督励してまいりたいと考えている。")


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (bytes([0x82, 0xA0, 0xFF, 0xFE, 0x81]) * 50, "decode"),
    ],
)
def test_bad_bytes_are_named(data, problem):
    with pytest.raises(InputError) as err:
        decode_minutes(data, "bad.txt")
    assert err.value.source == "bad.txt"
    assert problem in str(err.value) or problem == "decode" and "cannot decode" in str(err.value)


def test_readable_text_in_no_known_layout_is_indexed_as_generic_with_a_warning():
    # Issue 9: never refuse readable minutes for their layout
    m = parse_minutes("会議のメモ。\n今日は晴れです。\n", "note.txt")
    assert m.layout == "generic" and m.date is None
    assert any("layout not recognised" in w for w in m.warnings)
    assert any("no meeting date" in w for w in m.warnings)
    assert "".join(r.text for r in m.remarks).replace("\n", "") in "会議のメモ。今日は晴れです。"
    assert m.remarks


def test_text_with_no_japanese_is_refused():
    with pytest.raises(InputError) as err:
        parse_minutes("Just an English shopping list.\nMilk\n", "list.txt")
    assert "list.txt" in str(err.value) and "no Japanese text" in str(err.value)


def test_minutes_without_a_date_are_kept_with_a_warning(seed_text):
    broken = seed_text.replace("平成19年10月3日(水)", "日付未定")
    m = parse_minutes(broken, "nodate.txt")
    assert m.date is None and m.date_span is None
    assert any("no meeting date" in w for w in m.warnings)
    assert len(m.remarks) >= 31  # read as summary minutes: nothing is lost


def test_impossible_date_is_not_taken_as_the_date(seed_text):
    m = parse_minutes(seed_text.replace("平成19年10月3日", "平成19年2月30日"), "feb30.txt")
    assert m.date is None and any("no meeting date" in w for w in m.warnings)


def test_reiwa_gannen_and_fullwidth_digits(seed_text):
    text = seed_text.replace("平成19年10月3日(水)", "令和元年５月７日（火）")
    m = parse_minutes(text, "reiwa.txt")
    assert m.date == "2019-05-07"
    assert m.date_original == "令和元年５月７日（火）"
    assert text[m.date_span.start : m.date_span.end] == m.date_span.text


def test_jis_minus_end_marker_is_not_a_decision(seed_text):
    # EUC-JP/CP932 text decodes the end marker's dashes as U+2212 (JIS minus)
    line = next(ln for ln in seed_text.splitlines() if re.fullmatch(r"[-－\s]*以\s*上[-－\s]*", ln.strip()))
    text = seed_text.replace(line, line.replace("-", "−").replace("－", "−"))
    meeting = parse_minutes(decode_minutes(text.encode("euc-jp", errors="replace"), "euc.txt"), "euc.txt")
    assert len(meeting.decisions) == 1 and not any("以" in d.text and "上" in d.text and len(d.text) < 10 for d in meeting.decisions)
