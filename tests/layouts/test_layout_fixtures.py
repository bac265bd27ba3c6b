"""Small invented minutes in each layout ``parse_document`` reads, asserting what it makes of them.

Every fixture below is test data written for these tests (invented bodies,
names and speeches); each exercises a feature of the layout parsers: speaker
labels in their various dresses, stage notes and dividers, page markers,
kanji-numeral dates, header fields and rosters, and free-layout 議事要旨.
"""
from __future__ import annotations

import hashlib
import re

import pytest

from rag.domain import Meeting
from rag.layouts import parse_document
from rag.parsing import parse_minutes
from rag.readers.text import text_document

from conftest import assert_spans_slice_back

SRC = "x.txt"


def parse(text: str) -> tuple[Meeting, str]:
    """The meeting, and the stored text its offsets index (page markers moved out)."""
    return parse_minutes(text, SRC), text_document(text, SRC).text


def turns(m: Meeting) -> list[tuple[str | None, str | None]]:
    return [(r.speaker, r.role) for r in m.remarks]


def roster(m: Meeting) -> list[tuple[str, str, str]]:
    """(name without spaces, title, group) of each attendee."""
    return [(a.name.replace(" ", ""), a.title, a.group) for a in m.attendees]


STAGE_NOTE = re.compile(r"^[〔（(].*[〕）)]$")


def assert_no_stage_notes_at_ends(m: Meeting) -> None:
    for r in m.remarks:
        first, last = r.text.strip().splitlines()[0].strip(), r.text.strip().splitlines()[-1].strip()
        assert not STAGE_NOTE.match(first), r.text
        assert not STAGE_NOTE.match(last), r.text
        assert "<PAGE" not in r.text
        assert not re.search(r"^[\s]*[―－\-─]{3,}", r.text, re.M), r.text


# ---------------------------------------------------------------- 会議録: a city assembly plenary

PLENARY = """令和五年第四回架空市議会定例会会議録（第二号）
令和五年十月二十日（金曜日）
午後零時十一分開議
――――◇――――
○出席議員（３名）
２２番　山田花子君　　　２３番　佐藤一郎君
２４番　鈴木次郎議員
○欠席議員（１名）
２５番　高橋三郎君
○出席説明員
市長　　　山田太郎
○事務局
事務局長　　田中四郎
――――◇――――
○議長（川上一郎君）　ただいまから本日の会議を開きます。
〔「異議なし」と呼ぶ者あり〕
○議長（川上一郎君）　御異議なしと認めます。よって、議案第１号は原案のとおり可決されました。
<PAGE="2">
○２２番（山田花子議員）〔登壇〕
　テスト用の質問をいたします。
（拍手）
――――◇――――
〔山田市長登壇〕
○山田太郎市長　テスト用の答弁をいたします。
（午前１１時３６分　休憩）
－－－－－－－－－－
"""


def test_plenary_header_kanji_date_and_identity():
    m, stored = parse(PLENARY)
    assert m.layout == "transcript"
    assert m.kind == "会議録"
    assert m.date == "2023-10-20"
    assert m.date_original == "令和五年十月二十日（金曜日）"
    assert m.time == "午後零時十一分開議"
    assert m.body == "架空市議会"  # 「第四回」 in kanji before the assembly's name
    assert m.name == "令和五年第四回定例会"
    assert (m.number, m.number_unit) == (2, "号")
    assert_spans_slice_back(m, stored)


def test_plenary_rosters_in_columns_with_suffixes_absentees_officials_and_secretariat():
    m, stored = parse(PLENARY)
    assert [(a.name, a.title, a.group) for a in m.attendees] == [
        ("山田花子", "22番", "出席議員"),
        ("佐藤一郎", "23番", "出席議員"),  # second column of the same line
        ("鈴木次郎", "24番", "出席議員"),  # 議員 suffix dropped from the name
        ("高橋三郎", "25番", "欠席議員"),
        ("山田太郎", "市長", "出席説明員"),
        ("田中四郎", "事務局長", "事務局"),
    ]
    assert m.attendees[1].span.text == "２３番　佐藤一郎君"
    assert_spans_slice_back(m, stored)


def test_plenary_turns_stage_notes_dividers_and_pages():
    m, stored = parse(PLENARY)
    # 「○出席説明員」「○事務局」 head rosters: they are no speaker's turn
    assert turns(m) == [("川上一郎", "議長"), ("川上一郎", "議長"), ("山田花子", "２２番"), ("山田太郎", "市長")]
    assert len(m.remarks) == 4  # the stage notes are not remarks
    assert [r.text for r in m.remarks] == [
        "ただいまから本日の会議を開きます。",
        "御異議なしと認めます。よって、議案第１号は原案のとおり可決されました。",
        "テスト用の質問をいたします。",
        "テスト用の答弁をいたします。",
    ]
    assert [r.page for r in m.remarks] == [None, None, 2, 2]
    assert all(r.section == "発言" for r in m.remarks)
    assert [d.text for d in m.decisions] == ["よって、議案第１号は原案のとおり可決されました。"]
    assert_no_stage_notes_at_ends(m)
    assert_spans_slice_back(m, stored)


AGENDA_CALLS = """令和五年第四回架空市議会定例会会議録（第三号）
令和五年十月二十三日（月曜日）
午前十時開議
○議長（川上一郎君）　日程第一、会議録署名議員の指名を行います。２２番山田花子議員を指名いたします。
○議長（川上一郎君）　日程第一　議案第５号　架空市公園条例の一部を改正する条例を議題といたします。
○市長（山田太郎君）　公園の使用料を改める条例でございます。
○議長（川上一郎君）　これより採決いたします。よって、本案は原案のとおり可決されました。
○議長（川上一郎君）　日程第二　議案第６号　市道の路線の認定について
日程第三　議案第７号　市道の路線の廃止について
以上二件を一括して議題といたします。
○２２番（山田花子議員）　路線の認定について伺います。
○議長（川上一郎君）　よって、両案は原案のとおり可決されました。
○議長（川上一郎君）　この際、日程に追加して、架空市議会委員会条例の一部を改正する条例を議題とすることに御異議ございませんか。
○議長（川上一郎君）　御異議なしと認めます。よって、本案を議題といたします。
○２３番（佐藤一郎議員）　委員の定数を改めるものであります。
○議長（川上一郎君）　山田花子君外二名発議に係る防災の強化を求める決議案は、日程に追加してこれを議題とすることに御異議ございませんか。
○議長（川上一郎君）　御異議なしと認めます。よって、本決議案を議題といたします。
"""


def test_a_remark_stands_under_the_agenda_item_the_chair_opened():
    """「…条例はどのように議決されましたか」 is answered by 「よって、本案は…可決されました。」 only when
    that remark (and the decision in it) knows which item 本案 is: the one the chair opened. An item
    added to the day's agenda replaces the last one (the remarks on it were labelled with the budget
    debated before it)."""
    m, stored = parse(AGENDA_CALLS)
    names = "日程第一、会議録署名議員の指名"  # taken up without 「議題」
    first = "日程第一 議案第5号 架空市公園条例の一部を改正する条例"
    both = "日程第二 議案第6号 市道の路線の認定について 日程第三 議案第7号 市道の路線の廃止について"
    added = "架空市議会委員会条例の一部を改正する条例"  # 「日程に追加して、…を議題とすることに」; 「本案」 points back
    motion = "山田花子君外二名発議に係る防災の強化を求める決議案"  # 「Xは、…日程に追加してこれを議題とすることに」
    assert [r.section for r in m.remarks] == [names, first, first, first, both, both, both, added, added, added,
                                              motion, motion]
    assert [(d.text, d.section) for d in m.decisions] == [
        ("よって、本案は原案のとおり可決されました。", first), ("よって、両案は原案のとおり可決されました。", both)]
    assert_spans_slice_back(m, stored)


RESULTS_THEN_NEXT_ITEM = """令和七年架空市議会定例会会議録（第五日）
令和７年12月19日（金）午後１時開議
○議長（川上一郎）　日程第１、会議録署名議員の指名を行います。５番議員を指名いたします。
　日程第２、会期の決定でありますが、会期は本日１日間といたしたいと思いますが、御異議ありませんか。
　　　　　　〔「異議なし」と呼ぶ者あり〕
○議長（川上一郎）　御異議なしと認めます。よって、会期は１日間と決定いたしました。
　次に、日程第３、議案第１号を議題といたします。
　本案は原案のとおり可決することに賛成の議員の挙手を求めます。
　　　　　　〔賛成者挙手〕
○議長（川上一郎）　賛成多数であります。よって、本案は原案のとおり可決されました。
　次に、日程第４、議員派遣の件を議題といたします。
　本件は、一覧表のとおり派遣することに御異議ありませんか。
　　　　　　〔「異議なし」と呼ぶ者あり〕
○議長（川上一郎）　御異議なしと認めます。よって、本件は一覧表のとおり派遣することに決しました。
　次に、日程第５、議案第２号を採決いたします。
　お諮りいたします。本案については、委員会の付託を省略いたしたいと思います。御異議ありませんか。
　　　　　　〔「異議なし」と呼ぶ者あり〕
○議長（川上一郎）　御異議なしと認めます。よって、委員会の付託を省略することに決しました。
　本案に同意することに賛成の議員の挙手を求めます。
　　　　　　〔賛成者挙手〕
○議長（川上一郎）　賛成多数であります。よって、本案は原案に同意することに決しました。
　日程第３、議案第１号の訂正を申し上げます。
"""


def test_a_result_the_chair_gives_before_opening_the_next_item_is_the_last_items():
    """The chair announces a result and opens the next item in one turn (「…可決されました。次に、日程第４、
    …」): the decision is the item it closes, not the one opened after it. Every item a turn opens
    counts (日程第１ and 日程第２ in one turn), 「…を採決いたします」 opens one too, an item already
    passed opens nothing again, and waiving a step (「付託を省略することに決しました」) is no decision."""
    m, stored = parse(RESULTS_THEN_NEXT_ITEM)
    term, bill, dispatch, second = "日程第2、会期の決定", \
        "日程第3、議案第1号", "日程第4、議員派遣の件", "日程第5、議案第2号"
    assert [(d.text, d.section) for d in m.decisions] == [
        ("よって、会期は１日間と決定いたしました。", term),
        ("よって、本案は原案のとおり可決されました。", bill),
        ("よって、本件は一覧表のとおり派遣することに決しました。", dispatch),
        ("よって、本案は原案に同意することに決しました。", second),
    ]
    assert [r.section for r in m.remarks] == ["日程第1、会議録署名議員の指名", bill, dispatch, second, second, second]
    assert_spans_slice_back(m, stored)


ITEM_REQUESTS = """令和六年第一回架空市議会定例会会議録（第一号）
令和六年二月二十二日（木曜日）
午前十時開議
○議長（川上一郎君）　日程第６　市政執行方針について市長から発言を求められておりますので、これを許します。
○市長（山田太郎君）　市政執行の方針を申し上げます。
○議長（川上一郎君）　日程第七　架空市公園法の一部を改正する法律案（趣旨説明）
　本案について提出者の趣旨説明を求めます。
○市長（山田太郎君）　公園の使用料を改める法律案でございます。
"""


def test_an_item_the_chair_takes_up_ends_where_the_request_for_it_begins():
    """「日程第６　市政執行方針について市長から発言を求められておりますので、これを許します」 opens 「日程第6
    市政執行方針」 (the label ran to the end of the chair's sentence), and 「（趣旨説明） 本案について提出者の
    趣旨説明を求めます」 ends at the item's own words."""
    m, stored = parse(ITEM_REQUESTS)
    assert [r.section for r in m.remarks] == ["日程第6 市政執行方針"] * 2 + ["日程第七 架空市公園法の一部を改正する法律案(趣旨説明)"] * 2
    assert_spans_slice_back(m, stored)


def test_page_marker_lines_are_moved_out_of_the_stored_text():
    doc = text_document(PLENARY, SRC)
    assert "<PAGE" not in doc.text
    assert len(doc.text) == len(PLENARY) - len('<PAGE="2">\n')
    assert len(doc.pages) == 1
    offset, page = doc.pages[0]
    assert page == 2
    assert doc.text[offset:].startswith("○２２番（山田花子議員）〔登壇〕")
    # a text without markers is stored exactly as given
    plain = PLENARY.replace('<PAGE="2">\n', "")
    assert text_document(plain, SRC).text == plain
    assert text_document(plain, SRC).pages == ()


# ---------------------------------------------------------------- 議事録: a committee, every label dress

COMMITTEE = """架空県議会　総務委員会議事録
昭和二十二年七月二十八日（月曜日）
午後一時三十九分開会
○田中委員長　ただいまから委員会を開きます。
○（山田議長）　議長として一言申し上げます。
◯議長（山田太郎議員）
　本日はテスト用の議題を扱います。
　よろしくお願いします。
○議長（山田太郎君）　続けます。
――――◇――――
◎保健福祉部長（堀田　昇）　御説明いたします。
〔「異議なし」と呼ぶ者あり〕
◆佐藤委員　質疑いたします。
――――――――――――――
○田中委員長　以上で本日の委員会を散会します。
"""


def test_committee_labels_marks_brackets_and_name_before_role():
    m, stored = parse(COMMITTEE)
    assert m.layout == "transcript"
    assert m.kind == "議事録"
    assert m.date == "1947-07-28"
    assert m.date_original == "昭和二十二年七月二十八日（月曜日）"
    assert m.time == "午後一時三十九分開会"
    assert (m.body, m.name, m.number) == ("架空県議会", "総務委員会", None)
    assert turns(m) == [
        ("田中", "委員長"),
        ("山田", "議長"),  # ○（山田議長）
        ("山田太郎", "議長"),  # ◯ mark, label alone on its line, 議員 suffix
        ("山田太郎", "議長"),  # 君 suffix
        ("堀田\u3000昇", "保健福祉部長"),  # the name's own full-width space kept inside the brackets
        ("佐藤", "委員"),  # ◆ mark
        ("田中", "委員長"),
    ]
    assert len(m.remarks) == 7
    # label on its own line: the speech is the lines below it
    assert m.remarks[2].text == "本日はテスト用の議題を扱います。\n\u3000よろしくお願いします。"
    # label + full-width space + speech on one line: the speech starts after the gap
    assert m.remarks[4].text == "御説明いたします。"
    assert m.remarks[5].text == "質疑いたします。"
    assert all(r.page is None for r in m.remarks)
    assert_no_stage_notes_at_ends(m)
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- 【日時】 header, 【山田委員】 labels

BRACKETED = """架空審議会　第３回検討部会　議事録
【日時】令和５年５月２２日（月）１０：００～１２：００
【場所】架空庁舎　第一会議室
【出席者】
山田委員、佐藤委員、鈴木委員
【議事】
【山田委員】　開会します。本日はよろしくお願いします。
【佐藤委員】
　テスト用の意見を述べます。
【山田委員】　ありがとうございました。
"""


def test_bracketed_header_fields_and_bracketed_speaker_labels():
    m, stored = parse(BRACKETED)
    assert m.layout == "transcript"
    assert m.date == "2023-05-22"
    assert m.date_original == "令和５年５月２２日（月）"
    assert m.time == "10:00~12:00"
    assert m.place == "架空庁舎\u3000第一会議室"
    assert (m.body, m.name, m.number) == ("架空審議会", "検討部会", 3)
    assert [(a.name, a.title) for a in m.attendees] == [("山田", "委員"), ("佐藤", "委員"), ("鈴木", "委員")]
    assert turns(m) == [("山田", "委員"), ("佐藤", "委員"), ("山田", "委員")]
    assert [r.text for r in m.remarks] == [
        "開会します。本日はよろしくお願いします。",
        "テスト用の意見を述べます。",
        "ありがとうございました。",
    ]
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- scraper lines, 「山田委員：」 labels

SCRAPED = """開催日：2023年10月20日
会議名：架空町議会　広報委員会
場所：架空町役場　会議室
山田委員：それでは始めます。
佐藤委員:テスト用の質問です。
山田委員：
回答いたします。
"""

SCRAPED_ONE_LINE = """開催日：2023年10月20日／会議名：架空町議会　広報委員会
山田委員：それでは始めます。
佐藤委員:テスト用の質問です。
"""


def test_scraper_field_lines_and_colon_labels():
    m, stored = parse(SCRAPED)
    assert m.layout == "transcript"
    assert m.date == "2023-10-20"
    assert m.date_original == "2023年10月20日"
    assert m.title == "架空町議会 広報委員会"
    assert (m.body, m.name) == ("架空町議会", "広報委員会")
    assert m.place == "架空町役場\u3000会議室"
    assert turns(m) == [("山田", "委員"), ("佐藤", "委員"), ("山田", "委員")]
    assert [r.text for r in m.remarks] == ["それでは始めます。", "テスト用の質問です。", "回答いたします。"]
    assert_spans_slice_back(m, stored)


def test_scraper_fields_joined_on_one_line_are_read_apart():
    m, stored = parse(SCRAPED_ONE_LINE)
    assert m.date == "2023-10-20"
    assert m.date_original == "2023年10月20日"
    assert m.title == "架空町議会 広報委員会"
    assert (m.body, m.name) == ("架空町議会", "広報委員会")
    assert turns(m) == [("山田", "委員"), ("佐藤", "委員")]
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- 「1 日時」 numbered header over speaker turns

NUMBERED_TRANSCRIPT = """架空市議会　架空特別委員会会議録
1 日時
令和５年６月１日（木）午前１０時開会
2 場所
第一委員会室
3 出席委員
委員長　山田太郎　　　副委員長　佐藤花子
4 議事
○山田委員長　ただいまから委員会を開会します。
○佐藤副委員長　質問があります。
"""


def test_numbered_header_over_speaker_turns_is_a_transcript():
    m, stored = parse(NUMBERED_TRANSCRIPT)
    assert m.layout == "transcript"
    assert m.date == "2023-06-01"
    assert m.date_original == "令和５年６月１日（木）"
    assert m.time == "午前10時開会"
    assert m.place == "第一委員会室"
    assert (m.body, m.name) == ("架空市議会", "架空特別委員会")
    assert [(a.name, a.title) for a in m.attendees] == [("山田太郎", "委員長"), ("佐藤花子", "副委員長")]
    assert turns(m) == [("山田", "委員長"), ("佐藤", "副委員長")]
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- speech across pages, labels in one file

PAGED = """架空村議会　第１回臨時会会議録
日時：令和６年１月１５日（月）午前９時３０分開議
場所：架空村役場　議場
――――――――――――
○議長（山田太郎君）〔登壇〕　ただいまから会議を開きます。
<PAGE="3">
○３番（佐藤花子議員）
　一つ目の質問です。
<PAGE="4">
　二つ目の質問です。
〔「異議なし」と呼ぶ者あり〕
山田委員：
　コロン形式の発言です。
【鈴木委員】
　括弧形式の発言です。
○議長（山田太郎君）　以上で散会します。
"""


def test_speech_across_a_page_break_keeps_its_start_page_and_no_marker():
    m, stored = parse(PAGED)
    assert m.layout == "transcript"
    assert m.date == "2024-01-15"
    assert m.time == "午前9時30分開議"
    assert m.place == "架空村役場\u3000議場"
    assert (m.body, m.number) == ("架空村議会", 1)
    assert turns(m) == [("山田太郎", "議長"), ("佐藤花子", "３番"), ("山田", "委員"), ("鈴木", "委員"), ("山田太郎", "議長")]
    assert m.remarks[0].text == "ただいまから会議を開きます。"  # after 〔登壇〕 on the label's line
    assert m.remarks[1].text == "一つ目の質問です。\n\u3000二つ目の質問です。"
    assert [r.page for r in m.remarks] == [None, 3, 4, 4, 4]
    assert text_document(PAGED, SRC).pages == ((stored.index("○３番"), 3), (stored.index("\u3000二つ目"), 4))
    assert_no_stage_notes_at_ends(m)
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- 議事要旨: 「１．日 時」, 【委員】 blocks, bullets

SUMMARY = """架空戦略本部　第５回架空政策会議　議事要旨
１．日　時　令和５年１０月２０日（金）１５：００～１６：００
２．場　所　架空合同庁舎　会議室
３．出席者
【委員】山田太郎、佐藤花子、鈴木一郎
【政府】田中次郎、高橋三郎
４．議事
(1) テスト用の議題について
(2) その他
５．議事概要
(1) テスト用の議題について
・事務局から資料に基づき説明があった。
○委員から、テスト用の施策を進めるべきとの意見があった。
- 別の委員から、予算の確保が必要との指摘があった。
• 今後の進め方について確認した。
(2) その他
委員からの主な意見
・次回は１１月に開催する。
"""


def test_summary_numbered_header_with_values_on_the_heading_line():
    m, stored = parse(SUMMARY)
    assert m.layout == "summary"
    assert m.kind == "議事要旨"
    assert m.title == "架空戦略本部 第５回架空政策会議 議事要旨"
    assert (m.body, m.name, m.number) == ("架空戦略本部", "架空政策会議", 5)
    assert m.date == "2023-10-20"
    assert m.date_original == "令和５年１０月２０日（金）"
    assert m.time == "15:00~16:00"
    assert m.place == "架空合同庁舎\u3000会議室"
    assert_spans_slice_back(m, stored)


def test_summary_attendee_blocks_agenda_bullets_and_sections():
    m, stored = parse(SUMMARY)
    assert [(a.name, a.group) for a in m.attendees] == [
        ("山田太郎", "委員"), ("佐藤花子", "委員"), ("鈴木一郎", "委員"), ("田中次郎", "政府"), ("高橋三郎", "政府"),
    ]
    assert [(a.number, a.title) for a in m.agenda] == [("1", "テスト用の議題について"), ("2", "その他")]
    # every bullet (・ ○ - •) is one remark, without its bullet
    assert [r.text for r in m.remarks] == [
        "事務局から資料に基づき説明があった。",
        "委員から、テスト用の施策を進めるべきとの意見があった。",
        "別の委員から、予算の確保が必要との指摘があった。",
        "今後の進め方について確認した。",
        "次回は１１月に開催する。",
    ]
    assert [r.section for r in m.remarks] == ["テスト用の議題について"] * 4 + ["委員からの主な意見"]
    # a ○ bullet in a 議事要旨 is not a speaker turn
    assert all(r.speaker is None and r.role is None for r in m.remarks)
    assert m.speakers() == []
    assert_spans_slice_back(m, stored)


SUMMARY_UNNUMBERED = """架空有識者会議（第７回）議事要旨
日時：2024年3月5日（火）14:00～15:30
場所：オンライン会議
出席者：
【委員】
山田太郎（架空大学教授）、佐藤花子（架空研究所長）
【事務局】
鈴木一郎、田中次郎
議事概要
(1) 報告事項
○事務局から資料について説明があった。
○委員から、テスト用の取組を評価するとの意見があった。
(2) 意見交換
委員からの主な意見
・委員から、次の論点を整理すべきとの意見があった。
・別の委員から、予算について質問があった。
"""


def test_summary_subsections_are_body_headings_and_circle_bullets_are_not_turns():
    m, stored = parse(SUMMARY_UNNUMBERED)
    assert m.layout == "summary"
    assert m.kind == "議事要旨"
    assert (m.name, m.number) == ("架空有識者会議", 7)
    assert m.date == "2024-03-05"
    assert m.date_original == "2024年3月5日（火）"
    assert m.time == "14:00~15:30"
    assert m.place == "オンライン会議"
    assert [(a.name, a.title, a.group) for a in m.attendees] == [
        ("山田太郎", "架空大学教授", "委員"),
        ("佐藤花子", "架空研究所長", "委員"),
        ("鈴木一郎", "", "事務局"),
        ("田中次郎", "", "事務局"),
    ]
    assert m.agenda == ()  # 「(1) 報告事項」 under 議事概要 is a section of the body, not the agenda
    assert [(r.section, r.text) for r in m.remarks] == [
        ("報告事項", "事務局から資料について説明があった。"),
        ("報告事項", "委員から、テスト用の取組を評価するとの意見があった。"),
        ("委員からの主な意見", "委員から、次の論点を整理すべきとの意見があった。"),
        ("委員からの主な意見", "別の委員から、予算について質問があった。"),
    ]
    assert all(r.speaker is None for r in m.remarks)
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- 議事概要 with unnumbered heading lines

OUTLINE = """架空懇談会（第２回）議事概要
日時
令和５年１０月２０日（金）１０：００～１１：００
場所
架空会館
出席者
山田太郎座長、佐藤花子委員
議事概要
・座長から開会の挨拶があった。
・委員から質問があった。
"""


def test_outline_with_unnumbered_heading_lines():
    m, stored = parse(OUTLINE)
    assert m.layout == "summary"
    assert m.kind == "議事概要"
    assert (m.name, m.number) == ("架空懇談会", 2)
    assert m.date == "2023-10-20"
    assert m.date_original == "令和５年１０月２０日（金）"
    assert m.time == "10:00~11:00"
    assert m.place == "架空会館"
    assert [(a.name, a.title) for a in m.attendees] == [("山田太郎", "座長"), ("佐藤花子", "委員")]
    assert [(r.section, r.text, r.speaker) for r in m.remarks] == [
        ("議事概要", "座長から開会の挨拶があった。", None),
        ("議事概要", "委員から質問があった。", None),
    ]
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- no layout at all

GENERIC = """テスト用のメモ
これはテスト用の文章です。会議の記録ではありません。
特に決まった形式はなく、普通の段落が続きます。

二つ目の段落です。内容に意味はありません。
"""


def test_text_in_no_layout_is_generic_with_a_warning():
    m, stored = parse(GENERIC)
    assert m.layout == "generic"
    assert any("layout not recognised" in w for w in m.warnings)
    assert m.date is None and m.date_original is None
    assert m.title == "テスト用のメモ"
    assert len(m.remarks) == 2
    assert m.remarks[1].text == "二つ目の段落です。内容に意味はありません。"
    assert all(r.speaker is None for r in m.remarks)
    assert_spans_slice_back(m, stored)


@pytest.mark.parametrize("text", [PLENARY, COMMITTEE, BRACKETED, SCRAPED, SCRAPED_ONE_LINE, NUMBERED_TRANSCRIPT,
                                  PAGED, SUMMARY, SUMMARY_UNNUMBERED, OUTLINE, GENERIC])
def test_every_fixture_parses_the_same_through_parse_minutes_and_text_document(text):
    m = parse_minutes(text, SRC)
    doc = text_document(text, SRC)
    assert parse_document(doc) == m
    assert m.content_hash == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def test_a_text_holding_several_meetings_says_so():
    one = "総務委員会会議録\n日時：令和5年10月20日（金）\n○委員長（山田太郎君）　開会します。\n○委員（佐藤花子君）　質問します。\n"
    two = one.replace("10月20日（金）", "11月2日（木）")
    m = parse_minutes(one + "\n" + two, "two.txt")
    assert m.date == "2023-10-20"
    assert any("seems to hold 2 meetings" in w and "2023-11-02" in w for w in m.warnings)
    assert not any("seems to hold" in w for w in parse_minutes(one, "one.txt").warnings)


# A committee record as a city's search system prints it (written for this test): a heading line under
# 「○議事日程」, a roster in two columns whose long titles wrap onto the next line under their own
# column, 「な　し」 for no absentees, items grouped under department headings, the chair's
# 「原案了承と決します」, and a speaker whose surname the dictionary does not know.
WRAPPED_ROSTER = """開催日：令和 5年 6月 1日
会議名：令和 5年架空委員会（ 6月 1日）

○議事日程
　　　　　　　　　　　　　　　　架空委員会記録

　日　　時　　　令和５年６月１日　　　　　午後　１時００分開会
　場　　所　　　第２委員会室
　出席委員　　　委員長　　　甲野　一郎　　　委　　員　　乙野　二郎
　欠席委員　　　な　　し
　理事者側出席者
　　　　総務部長　　　　　　　丙野　三郎　　　　総務部財政室　　　　　丁埜　四郎
　　　　　　　　　　　　　　　　　　　　　　　　財政調整課長
　　　　総務部企画室　　　　　戊野　五郎　　　　消防長　　　　　　　　己野　六郎
　　　　企画課主幹

　協議事項
　　（総務部）
　　　１、架議第１号　テスト条例の一部を改正する条例を定めることについて
　　（消防本部）
　　　１、架議第２号　テスト車両の購入について


○甲野委員長　
　それでは、委員会を開会します。

○丁埜総務部財政室財政調整課長　
　架議第１号について、説明いたします。

○甲野委員長　
　全員異議なく、原案了承と決します。
"""


def test_a_column_roster_with_wrapped_titles_grouped_items_and_roster_split_speakers():
    m, stored = parse(WRAPPED_ROSTER)
    assert roster(m) == [
        ("甲野一郎", "委員長", "出席委員"),
        ("乙野二郎", "委員", "出席委員"),  # 「な　し」 under 欠席委員 is nobody
        ("丙野三郎", "総務部長", "理事者側出席者"),
        ("丁埜四郎", "総務部財政室財政調整課長", "理事者側出席者"),  # the title's second line, under its column
        ("戊野五郎", "総務部企画室企画課主幹", "理事者側出席者"),
        ("己野六郎", "消防長", "理事者側出席者"),
    ]
    # department headings group the items; the document's own heading under 「○議事日程」 is no item
    assert [a.title for a in m.agenda] == ["架議第１号　テスト条例の一部を改正する条例を定めることについて",
                                           "架議第２号　テスト車両の購入について"]
    assert m.agenda_span.text.startswith("（総務部）") and m.agenda_span.text.endswith("テスト車両の購入について")
    # the roster shows where the label's surname ends and the title begins
    assert turns(m) == [
        ("甲野", "委員長"), ("丁埜", "総務部財政室財政調整課長"), ("甲野", "委員長")]
    assert [d.text for d in m.decisions] == ["全員異議なく、原案了承と決します。"]
    assert_spans_slice_back(m, stored)


# A Diet committee header in the old character forms of the 1940s (written for this test, names
# invented): 「出席國務大臣」 and 「本日の會議に付した事件」 are fields, em-dash rules divide, a short name
# is padded with a wide gap (「原　　　侑君」), and a 事務官 is a title.
OLD_FORMS = """昭和二十二年七月一日（火曜日）
　　　　午後一時開議
　出席委員
　　　架空委員長　甲野　一郎君
　　　理事　乙野二三郎君　理事　原　　　侑君
　　　　　　丙野　四郎君　　　　丁野　五郎君
　出席國務大臣
　　　　　　　　國　務　大　臣　戊野　六郎君
　出席政府委員
　　　　　　　　架空事務官　　　己野　七郎君
　　　　—————————————
本日の會議に付した事件
　架空省設置法案（内閣提出）（第一號）
　　　　—————————————

○甲野委員長　これより會議を開きます。
○戊野國務大臣　提案の理由を御説明申し上げます。
"""


def test_an_old_forms_diet_header_reads_its_fields_rules_and_padded_names():
    m, stored = parse(OLD_FORMS)
    assert roster(m) == [
        ("甲野一郎", "架空委員長", "出席委員"),
        ("乙野二三郎", "理事", "出席委員"),
        ("原侑", "理事", "出席委員"),
        ("丙野四郎", "", "出席委員"),
        ("丁野五郎", "", "出席委員"),
        ("戊野六郎", "國務大臣", "出席国務大臣"),
        ("己野七郎", "架空事務官", "出席政府委員"),
    ]
    assert [a.title for a in m.agenda] == ["架空省設置法案（内閣提出）（第一號）"]
    assert turns(m) == [("甲野", "委員長"), ("戊野", "國務大臣")]
    assert_spans_slice_back(m, stored)


def test_a_pointer_to_the_agenda_above_is_no_agenda_item():
    text = ("令和五年第一回架空市議会定例会会議録（第一号）\n令和五年二月一日（水曜日）\n〇議事日程\n日程第１\n"
            "　会議録署名議員の指名\n日程第２\n　会期の決定について\n〇本日の会議に付した事件\n議事日程と同じ\n"
            "――――◇――――\n○議長（甲野一郎君）　ただいまから会議を開きます。\n○議長（甲野一郎君）　散会します。\n")
    m, stored = parse(text)
    assert [a.title for a in m.agenda] == ["会議録署名議員の指名", "会期の決定について"]
    assert "議事日程と同じ" not in m.agenda_span.text
    assert_spans_slice_back(m, stored)


# A ward assembly's header as one vendor prints it (written for this test, names invented): seats
# two spaces apart in one cell, letter-spaced names two spaces apart with a gap for a missing
# character, a title at the end of a line whose name is printed below it, 出席理事者 / 欠席理事者 /
# 出席事務局職員 fields, and the agenda under a 「…議事日程　第１号」 heading line.
WARD_ROSTER = """令和６年度定例会１２月緊急議会　架空区議会会議録
１　期日　　令和６年１２月２７日
２　場所　　架空区議会議事堂
３　出席議員（６人）
　　　　　　　１番　　甲野はなこ　　　３番　　乙野たろう
　　　　　　　２番　　丙野じろう　　４番　　丁野さぶろう
　　　　　　　５番　　戊　　野　　　　　徹
　　　　　　　６番　　寅　　野　　花　　子
４　欠席議員
　　　　　　　なし
５　出席理事者
　　　　区長　　　　　　　　己野　亨　　　　福祉保健部長　　　　庚野康宏
　　　　副区長　　　　　　　辛野紀子　　　　子ども・子育て支援部長
　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　壬野敏春
６　欠席理事者
　　　　教育長　　　　　　　癸野裕之
７　出席事務局職員
　　　　事務局長　　　　　　子野孝弘　　　　書記　　　　　　　　丑野　愛
　　　　　令和６年度架空区議会定例会１２月緊急議会議事日程　第１号
　　　　　　　　令和６年１２月２７日午後１時　開議
第１　議案第７０号　令和６年度架空区一般会計補正予算

○議長（甲野はなこ）　ただいまから会議を開きます。
○区長（己野亨）　ご審議をお願いいたします。
"""


def test_a_ward_roster_with_shared_seat_cells_titles_over_names_and_an_agenda_heading_line():
    m, stored = parse(WARD_ROSTER)
    assert roster(m) == [
        ("甲野はなこ", "1番", "出席議員"), ("乙野たろう", "3番", "出席議員"),
        ("丙野じろう", "2番", "出席議員"), ("丁野さぶろう", "4番", "出席議員"),  # two seats, one cell
        ("戊野徹", "5番", "出席議員"),  # letter-spaced two spaces apart, a gap for a missing character
        ("寅野花子", "6番", "出席議員"),
        ("己野亨", "区長", "出席理事者"), ("庚野康宏", "福祉保健部長", "出席理事者"),
        ("辛野紀子", "副区長", "出席理事者"), ("壬野敏春", "子ども・子育て支援部長", "出席理事者"),
        ("癸野裕之", "教育長", "欠席理事者"),
        ("子野孝弘", "事務局長", "出席事務局職員"), ("丑野愛", "書記", "出席事務局職員"),
    ]
    assert [a.title for a in m.agenda] == ["議案第７０号　令和６年度架空区一般会計補正予算"]
    assert_spans_slice_back(m, stored)


# A committee's minutes as a municipal site publishes them and as a copy through NFKC leaves them
# (written for this test, names invented): a date with the Western year in brackets, counts on the
# roster lines, a group heading of its own, an agenda heading that ends with 会議事項, agenda items
# as an unnumbered list, and speaker labels followed by one ASCII space.
NFKC_COPY = """令和7年第1回架空委員会 会議録
〇日時
令和7年(2025年)1月24日(金)10時00分開会
〇場所
第1委員会室
3 出席委員   委員定数3名のうち出席者3名
   委員長  甲野 一郎    委 員  乙野 二郎
   委 員  丙野 三郎
4 委員外出席者
   議 長  丁野 四郎
架空委員会会議事項
予算の審査について
陳情の審査について
その他

○甲野一郎委員長 ただいまから委員会を開会いたします。
○田中財政課長補佐 予算について説明いたします。
○甲野一郎委員長 以上で閉会いたします。
"""


def test_an_nfkc_copy_with_bracketed_years_counts_and_an_unnumbered_agenda():
    m, stored = parse(NFKC_COPY)
    assert m.date == "2025-01-24"  # 「令和7年(2025年)1月24日」
    assert roster(m) == [
        ("甲野一郎", "委員長", "出席委員"), ("乙野二郎", "委員", "出席委員"), ("丙野三郎", "委員", "出席委員"),
        ("丁野四郎", "議長", "委員外出席者"),  # 「委員定数3名のうち出席者3名」 is a count, not a person
    ]
    assert [a.title for a in m.agenda] == ["予算の審査について", "陳情の審査について", "その他"]
    assert m.layout == "transcript"
    assert turns(m) == [
        ("甲野一郎", "委員長"), ("田中", "財政課長補佐"), ("甲野一郎", "委員長")]
    assert m.remarks[0].text.startswith("ただいまから")
    assert_spans_slice_back(m, stored)


def test_the_diets_list_of_items_taken_up_marks_each_with_a_bullet():
    text = ("第七号\n令和五年十一月二十九日（水曜日）\n〇本日の会議に付した案件\n一、架空法の一部を改正する\n"
            "　　法律案（内閣提出）\n一、日程第一及び第二\n――――◇――――\n"
            "○議長（甲野一郎君）　これより会議を開きます。\n○議長（甲野一郎君）　散会いたします。\n")
    m, stored = parse(text)
    assert [a.title.replace("\u3000", "") for a in m.agenda] == ["架空法の一部を改正する\n法律案（内閣提出）", "日程第一及び第二"]
    assert_spans_slice_back(m, stored)


# A town's form for the minutes of an advisory body (written for this test, names invented):
# label / value fields, some of them about the meeting's openness (no attendees), and a 要点記録
# whose turns open with the speaker's role in brackets.
TOWN_FORM = """令和3年度第1回架空推進会議(会議録)

開催日時

令和3年6月10日(木) 19時00分~21時00分

開催場所

架空町役場2階 202会議室

出席委員の氏名

甲野一郎、乙野二郎、丙野三郎

出席職員の職・氏名

室長 丁野四郎、主任 戊野五郎

会議の公開・非公開

公開

傍聴者人数

0人

会議概要

(1)令和3年度事業計画(案)について
(委員)設置規程では定員が15名になっていますが、改定されたのですか。
(事務局)令和3年4月1日に改定しております。
(委員)4月1日施行でよろしいのですか。
(事務局)そうです。
"""


def test_a_town_form_with_bracketed_role_turns_and_fields_that_are_not_attendees():
    m, stored = parse(TOWN_FORM)
    assert [(a.name, a.title) for a in m.attendees] == [
        ("甲野一郎", ""), ("乙野二郎", ""), ("丙野三郎", ""), ("丁野四郎", "室長"), ("戊野五郎", "主任")]
    assert m.layout == "transcript"
    assert turns(m) == [(None, "委員"), (None, "事務局"), (None, "委員"), (None, "事務局")]
    assert m.remarks[1].text == "令和3年4月1日に改定しております。"
    assert_spans_slice_back(m, stored)


def test_a_role_with_a_list_of_names_after_a_colon_is_a_roster_line_not_a_turn():
    text = ("架空市市民参加審議会 会議録\n1 日時 令和4年4月27日(水) 午後7時~8時50分\n2 出席者\n"
            "委員:甲野一郎、乙野二郎、丙野三郎(3名)\n事務局:室長 丁野四郎、戊野五郎\n3 議題\n(1)今年度の進め方について\n"
            "4 会議の結果\n• 今年度の進め方を確認した。\n• 次回は7月に開催する。\n")
    m, stored = parse(text)
    assert not any(r.role in ("委員", "事務局") for r in m.remarks)
    assert {a.name for a in m.attendees} >= {"甲野一郎", "乙野二郎", "丙野三郎"}
    assert [a.title for a in m.agenda] == ["今年度の進め方について"]
    assert_spans_slice_back(m, stored)


def test_a_roster_sentence_splits_surname_and_title_where_the_dictionary_knows_the_surname():
    text = ("架空市議会 議会運営委員会会議録\n〇日時\n令和7年(2025年)1月24日(金) 開会 午前 9時37分\n"
            "〇議会事務局出席者\n田中局長、山本議会総務課長、佐藤議事調査課担当係長\n"
            "〇本日審査した案件\n(1)次回の委員会の開催について\n"
            "〇田中委員長　ただいまから開会します。\n〇田中委員長　閉会します。\n")
    m, stored = parse(text)
    assert m.time == "開会午前9時37分"
    assert [(a.name, a.title, a.group) for a in m.attendees] == [
        ("田中", "局長", "議会事務局出席者"), ("山本", "議会総務課長", "議会事務局出席者"),
        ("佐藤", "議事調査課担当係長", "議会事務局出席者")]
    assert [a.title for a in m.agenda] == ["次回の委員会の開催について"]
    assert_spans_slice_back(m, stored)


@pytest.mark.parametrize("title, body, name, number", [
    ("平成27年3月2日:架空委員会会議記録(議事録)", "", "架空委員会", None),  # a leading date, the kind named twice
    ("令和3年度第1回架空推進会議(会議録)", "", "架空推進会議", 1),  # a fiscal year is no body, no empty brackets
])
def test_titles_with_a_leading_date_a_fiscal_year_or_the_kind_in_brackets(title, body, name, number):
    from rag.layouts.meta import parse_title

    parts = parse_title(title)
    assert (parts.body, parts.name, parts.number) == (body, name, number)


# A council's 議事録 page copied as text (written for this test, names invented): a breadcrumb
# before the title, a roster table flattened with bars, a 「…の職氏名」 heading, the same items
# under 議事日程 and 本日の会議に付した事件, and 「名前 役職:」 turns with academic titles.
COUNCIL_PAGE = """ホーム> 政策について> 審議会・研究会等> 架空審議会> 第21回架空審議会議事録
日時
令和5年6月1日(木)10:00~12:00
出席者
甲野一郎委員 | 乙野二郎委員 |
丙野三郎会長 | 丁野四郎委員長代理 |
説明のため出席した者の職氏名
事務局長　　戊野五郎
議事日程
(1)計画の評価について
(2)その他
本日の会議に付した事件
(1)計画の評価について
(2)その他
議事
丙野会長:ただいまから審議会を開会いたします。
己野教授:計画の評価について説明いたします。
丙野会長:以上で閉会いたします。
"""


def test_a_council_page_with_a_breadcrumb_a_flattened_table_and_academic_titles():
    m, stored = parse(COUNCIL_PAGE)
    assert (m.body, m.name, m.number) == ("", "架空審議会", 21)
    assert [(a.name, a.title, a.group) for a in m.attendees] == [
        ("甲野一郎", "委員", "出席者"), ("乙野二郎", "委員", "出席者"),
        ("丙野三郎", "会長", "出席者"), ("丁野四郎", "委員長代理", "出席者"),
        ("戊野五郎", "事務局長", "説明のため出席した者")]
    assert [a.title for a in m.agenda] == ["計画の評価について", "その他"]  # listed twice, kept once
    assert turns(m) == [("丙野", "会長"), ("己野", "教授"), ("丙野", "会長")]
    assert_spans_slice_back(m, stored)


def test_a_bracketed_role_before_a_list_of_names_is_a_roster_line_not_a_turn():
    text = ("第16回架空委員会 議事録\n1 日時 平成30年6月29日(金)15時30分から17時\n2 出席者\n"
            "(委員)甲野一郎委員長、乙野二郎委員長代理、丙野三郎委員\n(事務局)丁野四郎管理官他\n3 議事\n"
            "【甲野委員長】 ただいまから開会します。\n【乙野委員】 質問があります。\n")
    m, stored = parse(text)
    assert turns(m) == [("甲野", "委員長"), ("乙野", "委員")]
    # the bracket names the group of the people after it; 「他」 after the last one is no part of the name
    assert [(a.title, a.group) for a in m.attendees] == [
        ("委員長", "委員"), ("委員長代理", "委員"), ("委員", "委員"), ("管理官", "事務局")]
    assert_spans_slice_back(m, stored)


def test_unmarked_turns_named_in_brackets_with_kun_and_titles_with_a_remit():
    text = ("令和2年第4回架空村議会臨時会会議録 第1号\n令和2年11月10日(火曜日)\n"
            "議長(甲野一郎君) おはようございます。ただいまから会議を開きます。\n"
            "議長(甲野一郎君) 日程第1、会議録署名議員の指名を行います。\n"
            "○伊奈川参事官（社会保障担当）　資料について説明いたします。\n")
    m, stored = parse(text)
    assert turns(m) == [
        ("甲野一郎", "議長"), ("甲野一郎", "議長"), ("伊奈川", "参事官（社会保障担当）")]
    assert_spans_slice_back(m, stored)


def test_a_summary_states_decisions_in_prose_and_the_items_stay_remarks():
    text = ("第7回架空評価委員会 議事要旨\n1 日時 平成15年2月19日(水)14:45~15:05\n2 議事概要\n"
            "(1)委員長の互選等について\n委員の互選により、委員長に甲野委員が選出された。\n"
            "(2)支給基準の変更について\n事務局から説明がなされ、その後に行われた意見交換の結果、\n委員会として了承された。\n"
            "(3)その他\n* 乙野が立候補し、決定\n* 決定が遅れた理由が説明された。\n")
    m, stored = parse(text)
    assert [d.text.replace("\n", "") for d in m.decisions] == [
        "委員の互選により、委員長に甲野委員が選出された。",
        "事務局から説明がなされ、その後に行われた意見交換の結果、委員会として了承された。",
        "乙野が立候補し、決定"]
    assert len(m.remarks) == 4  # the items are remarks still; 「決定が遅れた」 decides nothing
    assert_spans_slice_back(m, stored)


# A ministry council's 議事録 in the style of a 協議会 総会 (written for this test, names invented; the
# secretariat has common surnames the dictionary knows, as real rosters do):
# the number before the body in the title, names one space apart with their titles, a 「<事務局>」
# heading inside the roster, labels on a line of their own, and labels that are a roster title only.
COUNCIL_TITLES_ONLY = """第９９回架空保険協議会総会議事録

（１）日時　平成２２年２月１２日（金）１０：００～１１：００
（２）場所　架空省　講堂
（３）出席者　甲野一郎会長　乙野花子委員　丙野二郎委員
　　　　<事務局>
　　　　佐藤医療課長　田中審議官　鈴木保険局長
（４）議題　○診療報酬改定について
（５）議事内容
○甲野会長
　ただ今より、第９９回架空保険協議会総会を開催する。
○医療課長
　資料総－１について説明する。
○乙野委員
　再診料について質問したい。
○保険局長
　次回整理してお示しする。
"""


def test_a_council_roster_with_titled_names_a_secretariat_heading_and_title_only_labels():
    m, stored = parse(COUNCIL_TITLES_ONLY)
    assert (m.body, m.name, m.number) == ("架空保険協議会", "総会", 99)
    assert roster(m) == [("甲野一郎", "会長", "出席者"), ("乙野花子", "委員", "出席者"), ("丙野二郎", "委員", "出席者"),
                         ("佐藤", "医療課長", "事務局"), ("田中", "審議官", "事務局"), ("鈴木", "保険局長", "事務局")]
    # 「医療」「保険」 are no one in the roster, whose titles these labels are whole: the title alone, nobody guessed
    assert turns(m) == [("甲野", "会長"), (None, "医療課長"), ("乙野", "委員"), (None, "保険局長")]
    assert_spans_slice_back(m, stored)


def test_a_council_web_form_with_a_legend_for_marked_names_and_page_furniture_after_the_roster():
    text = ("架空計画審議会第66回架空評価部会 審議結果\n開催日時 平成25年10月7日(月曜日)10時00分から12時00分まで\n"
            "出席者\n\n甲野一郎、○乙野二郎、丙野三郎〔計3名〕\n\n(◎部会長、○副部会長)\n\n次回開催予定日 未定\n"
            "問い合わせ先\n\n架空局架空課 丁野\n\n電話番号 000-000-0000(直通)\n\n審議経過\n\n"
            " 甲野部会長:それでは始めます。\n\n 乙野副部会長:はい。\n")
    m, stored = parse(text)
    assert roster(m) == [("甲野一郎", "", "出席者"), ("乙野二郎", "副部会長", "出席者"), ("丙野三郎", "", "出席者")]
    assert turns(m) == [("甲野", "部会長"), ("乙野", "副部会長")]
    assert_spans_slice_back(m, stored)


def test_a_table_cell_with_a_space_between_surname_and_given_name_keeps_the_given_name():
    m, stored = parse("第21回架空審議会議事録\n日時\n令和5年6月1日(木)10:00~12:00\n出席者\n"
                      "甲野 彌会長 | 乙野二郎委員 |\n議事\n甲野会長:開会します。\n乙野委員:質問します。\n")
    assert roster(m)[0] == ("甲野彌", "会長", "出席者")
    assert_spans_slice_back(m, stored)


# A committee record in a city's own web layout (written for this test, names invented): 「1.日 時」 fields,
# full names one space apart with the chair's marks and a closing 「各委員」, secretariat titles ending in
# 心得 / 補佐, and a title whose kind 委員会記録 ends the committee's own name.
COMMITTEE_RECORD = """議会運営委員会記録(第7回)
1.日 時 平成22年12月13日(月) 午前10時8分~午前10時54分
1.場 所 架空市役所第1委員会室
1.出席委員 ◎山田一郎 ○佐藤二郎 鈴木三郎 高橋四郎 田中五郎
伊藤六郎 渡辺七郎 中村八郎各委員
1.欠席委員 なし
1.事務局員 小林九郎局長心得 加藤十郎次長 吉田一子次長補佐
1.議 題 1.所管事務調査事項「議会基本条例について」
午前10時8分開会
◎山田委員長 ただいまより、議会運営委員会を開会いたします。
―――――――――――――――― ◇ ――――――――――――――――
○佐藤委員 前回の議論を踏まえて意見を申し上げます。
◎山田委員長 以上で閉会します。
"""


def test_a_committee_record_with_names_one_space_apart_and_a_closing_each_member():
    m, stored = parse(COMMITTEE_RECORD)
    assert (m.name, m.number, m.date) == ("議会運営委員会", 7, "2010-12-13")
    members = ["山田一郎", "佐藤二郎", "鈴木三郎", "高橋四郎", "田中五郎", "伊藤六郎", "渡辺七郎", "中村八郎"]
    # the marks ◎ ○ are not part of the names (no legend says what they mean here); 各委員 says all are 委員
    assert roster(m) == [(n, "委員", "出席委員") for n in members] + [
        ("小林九郎", "局長心得", "事務局員"), ("加藤十郎", "次長", "事務局員"), ("吉田一子", "次長補佐", "事務局員")]
    assert turns(m) == [("山田", "委員長"), ("佐藤", "委員"), ("山田", "委員長")]
    assert_spans_slice_back(m, stored)


# Another city's committee page (written for this test, names invented): labels closed by a bracket
# alone (「山田委員長)ただ今から」), title-only labels the roster holds, commas between people, a
# department heading after the 市執行部 key, 「title name」 and 「title(name)」 pairs.
COMMITTEE_PAGE = """平成29年度 総務委員会
 第6回委員会 (8月18日)
出席委員 山田一郎委員長,佐藤二郎副委員長,鈴木三郎委員
市執行部 【財務部】
 財務部長 高橋四郎,財務部理事兼庁舎建設担当 田中五郎,副参事兼庁舎建設推進室長 伊藤 六
議会事務局 庶務議事課主任(渡辺七子)


山田委員長)ただ今から,総務委員会を開会いたします。

副参事兼庁舎建設推進室長)それでは,新庁舎建設の進捗状況についてご説明させていただきます。

鈴木委員)工程に遅れはありませんか。

財務部長)計画通りに進捗しております。
"""


def test_a_committee_page_with_bracket_closed_labels_and_title_name_pairs():
    m, stored = parse(COMMITTEE_PAGE)
    assert (m.body, m.name) == ("", "総務委員会")  # 「平成29年度」 is a year, no body
    assert roster(m) == [
        ("山田一郎", "委員長", "出席委員"), ("佐藤二郎", "副委員長", "出席委員"), ("鈴木三郎", "委員", "出席委員"),
        ("高橋四郎", "財務部長", "財務部"), ("田中五郎", "財務部理事兼庁舎建設担当", "財務部"),
        ("伊藤六", "副参事兼庁舎建設推進室長", "財務部"), ("渡辺七子", "庶務議事課主任", "議会事務局")]
    assert turns(m) == [("山田", "委員長"), (None, "副参事兼庁舎建設推進室長"), ("鈴木", "委員"), (None, "財務部長")]
    assert_spans_slice_back(m, stored)


# A ministry's 議事録 page (written for this test, names invented): each speaker unmarked on a line of
# their own over the speech, the absent members in brackets inside the roster.
OWN_LINE_LABELS = """独立行政法人評価委員会架空部会(第6回) 議事録

日時:平成17年5月17日(火)14:00~16:00

場所:架空省本館17階第1特別会議室

出席者:(委員(五十音順))

梅田委員、浦田委員、橘田部会長、小川委員、(欠席:浜田委員、渡部委員)

議題

  1. 平成16年度業務実績の報告について
  2. その他

議事概要

橘田部会長
 定刻になりましたので、ただいまより架空部会を開催いたします。
平野政策課長
 事務局から資料の確認をさせていただきます。
梅田委員
 業務実績について質問があります。
橘田部会長
 以上で閉会します。
"""


def test_unmarked_labels_on_their_own_line_and_absent_members_in_brackets():
    m, stored = parse(OWN_LINE_LABELS)
    assert m.layout == "transcript"
    assert turns(m) == [("橘田", "部会長"), ("平野", "政策課長"), ("梅田", "委員"), ("橘田", "部会長")]
    assert m.remarks[1].text.strip() == "事務局から資料の確認をさせていただきます。"
    assert roster(m) == [("梅田", "委員", "出席者"), ("浦田", "委員", "出席者"), ("橘田", "部会長", "出席者"),
                         ("小川", "委員", "出席者"), ("浜田", "委員", "欠席"), ("渡部", "委員", "欠席")]
    assert_spans_slice_back(m, stored)


def test_bulleted_own_line_labels_and_colon_headings_inside_the_roster():
    text = ("架空研究所分科会(第24回)-議事録\n\n日時:平成20年2月26日(火)10:30~12:00\n\n出席者\n\n分科会委員:\n"
            "小野分科会長、小川委員\n\n架空省:\n高橋経済社会政策室長\n\n議事概要\n\n  • 小野分科会長\n\n"
            "    ただいまから分科会を開催します。\n\n  • 高橋室長\n\n    資料は13点ございます。\n")
    m, stored = parse(text)
    assert m.name == "架空研究所分科会"  # no 「-」 left of 「-議事録」
    assert roster(m) == [("小野", "分科会長", "分科会委員"), ("小川", "委員", "分科会委員"), ("高橋", "経済社会政策室長", "架空省")]
    assert turns(m) == [("小野", "分科会長"), ("高橋", "室長")]  # 「分科会委員:」 heads a roster, says nothing
    assert_spans_slice_back(m, stored)


def test_a_roster_printed_one_person_a_line_is_no_run_of_own_line_labels():
    text = ("第3回架空懇談会 議事要旨\n日時:令和5年6月1日(木)10:00~12:00\n出席者\n山田座長\n佐藤委員\n鈴木委員\n"
            "議題\n(1)報告について\n議事概要\n・事務局から報告があった。\n・委員から意見があった。\n")
    m, stored = parse(text)
    assert m.layout == "summary" and all(r.speaker is None for r in m.remarks)
    assert [a.name for a in m.attendees] == ["山田", "佐藤", "鈴木"]
    assert_spans_slice_back(m, stored)


# A ministry's 議事概要 (written for this test, names invented): the kind alone under the title,
# numbered headings with their values after a blank line, a roster whose groups are named in 【】 and
# 《》, names with a title and an affiliation in brackets, an organisation heading its own line.
SUMMARY_WITH_GROUPS = """架空審議会 架空検討委員会(第17回)

議事概要

1 日 時

平成30年7月26日(木)10時00分

2 場 所

架空カンファレンスセンター ホール7A

3 議 事

(1) 最終報告書(案)について

4 出席者(順不同、敬称略)

【構成員】《委員会》 村田純主査(架空大学)、谷口史郎(架空芸術大学)
《ワーキンググループ》 相田宏之(架空テレビ)

【架空省】 山田真子(局長)、奈良田俊哉(審議官)

5 議事要旨

(1) 最終報告書(案)について

事務局から資料に基づき説明が行われた。
"""


def test_a_summary_whose_kind_stands_under_the_title_and_whose_roster_names_its_groups():
    m, stored = parse(SUMMARY_WITH_GROUPS)
    assert (m.date, m.time, m.place) == ("2018-07-26", "10時00分", "架空カンファレンスセンター ホール7A")  # the start alone
    assert [a.title for a in m.agenda] == ["最終報告書(案)について"]
    assert roster(m) == [("村田純", "主査(架空大学)", "委員会"), ("谷口史郎", "架空芸術大学", "委員会"),
                         ("相田宏之", "架空テレビ", "ワーキンググループ"),
                         ("山田真子", "局長", "架空省"), ("奈良田俊哉", "審議官", "架空省")]
    assert [r.text.strip() for r in m.remarks] == ["事務局から資料に基づき説明が行われた。"]
    assert_spans_slice_back(m, stored)


def test_bulleted_group_headings_and_a_list_ending_with_each_member():
    text = ("第293回 架空委員会本会議 議事録\n日時\n2019年3月27日(水)15:56~16:33\n出席者\n  • 【委員】\n"
            "    高橋委員長、池田委員長代理、大森委員\n  • 【事務局】\n    二宮事務局長\n"
            "○高橋委員長 開催させていただきます。\n○二宮事務局長 資料を確認します。\n")
    m, stored = parse(text)
    assert roster(m) == [("高橋", "委員長", "委員"), ("池田", "委員長代理", "委員"), ("大森", "委員", "委員"),
                         ("二宮", "事務局長", "事務局")]
    m, stored = parse("架空市議会 議会運営委員会会議録\n〇日時\n令和7年1月24日(金)10時00分開会\n〇出席委員\n"
                      "日向委員長、くり林、中里、保坂の各委員(後藤副委員長は欠席)\n〇日向委員長　開会いたします。\n"
                      "〇日向委員長　閉会いたします。\n")
    assert roster(m) == [("日向", "委員長", "出席委員"), ("くり林", "委員", "出席委員"), ("中里", "委員", "出席委員"),
                         ("保坂", "委員", "出席委員")]
    assert_spans_slice_back(m, stored)


def test_titles_alone_on_their_lines_head_a_summarys_sections_not_turns():
    text = ("第3回架空懇談会 議事要旨\n日時:令和5年6月1日(木)10:00~12:00\n議事概要\n委員\n・計画の見直しが必要との意見があった。\n"
            "事務局\n・次回までに整理すると回答した。\n")
    m, stored = parse(text)
    assert m.layout == "summary" and len(m.remarks) >= 2 and all(r.speaker is None for r in m.remarks)
    assert_spans_slice_back(m, stored)


def test_labels_that_print_the_kind_of_turn_first_and_office_titles_alone():
    """A prefecture's committee record (written for this test, names invented): 「◯質疑佐藤委員」,
    「◯答弁(水道課長)」: the kind of turn comes before who speaks; a title whose words before it are
    all Sino-Japanese common nouns (水道, 道路企画) names an office, not a person called 水道."""
    text = ("令和5年架空県議会建設委員会 本文\n令和5年7月18日(火)\n◯質疑佐藤委員　道路の整備はどうなっていますか。\n"
            "◯答弁道路企画課長　計画どおり進めております。\n◯要望・質疑(宮委員)　水道料金について伺います。\n"
            "◯答弁(水道課長)　据え置く方針です。\n◯鈴木課長　補足いたします。\n")
    m, stored = parse(text)
    assert turns(m) == [("佐藤", "委員"), (None, "道路企画課長"), ("宮", "委員"), (None, "水道課長"), ("鈴木", "課長")]
    assert_spans_slice_back(m, stored)


def test_seat_numbers_in_kanji():
    text = ("第三百七十回架空県議会(定例会)会議録 (第一号)\n令和元年十一月二十五日(月曜日)\n午後一時四分開会\n出席議員(五十九名)\n"
            "第一番 金田もとる君　　第二番 小畑きみ子君\n第十一番 福島かずえ君　　第十二番 一番ヶ瀬花子君\n"
            "○議長(石川光次郎君) これより会議を開きます。\n○議長(石川光次郎君) 散会いたします。\n")
    m, stored = parse(text)
    assert roster(m) == [("金田もとる", "第一番", "出席議員"), ("小畑きみ子", "第二番", "出席議員"),
                         ("福島かずえ", "第十一番", "出席議員"), ("一番ヶ瀬花子", "第十二番", "出席議員")]  # 一番ヶ瀬 is a name
    assert_spans_slice_back(m, stored)


# A prefectural committee's 会議要録 (written for this test, names invented): 「出席した委員」 keys, names
# one space apart with titles on continuation lines, 「…および関係職員」, a one-character surname (林),
# 「開会 10時25分」, a pointer 「別紙次第書のとおり」 where the agenda would be, and speakers named on a
# line of their own with one space before the title.
COMMITTEE_SUMMARY_RECORD = """架空振興対策特別委員会 会議要録

1 開催日時      平成31年3月14日(木)
                開会 10時25分
2 開催場所      第四委員会室
3 出席した委員    山田委員長、佐藤副委員長
                鈴木委員　高橋委員
4 出席した説明員   田中県民生活部長および関係職員
5 事務局職員     伊藤副主幹、林主査　渡辺主事
6 会議に付した事件  別紙次第書のとおり

議事の経過概要
(2)質疑意見等
鈴木一郎 委員
  架空ゲームズには、世界からたくさんの方がお越しになるということです。
中村スポーツ局交流推進室長
  宿泊施設の状況を調査してまいります。
"""


def test_a_committee_summary_record_with_spelled_out_keys_and_speakers_on_their_own_lines():
    m, stored = parse(COMMITTEE_SUMMARY_RECORD)
    assert (m.name, m.kind, m.time) == ("架空振興対策特別委員会", "会議要録", "開会10時25分")
    assert m.agenda == ()  # 「別紙次第書のとおり」 points elsewhere
    assert roster(m) == [("山田", "委員長", "出席した委員"), ("佐藤", "副委員長", "出席した委員"),
                         ("鈴木", "委員", "出席した委員"), ("高橋", "委員", "出席した委員"),
                         ("田中", "県民生活部長", "出席した説明員"), ("伊藤", "副主幹", "事務局職員"),
                         ("林", "主査", "事務局職員"), ("渡辺", "主事", "事務局職員")]
    assert turns(m) == [("鈴木一郎", "委員"), ("中村", "スポーツ局交流推進室長")]
    assert_spans_slice_back(m, stored)


def test_unmarked_labels_before_the_speech_in_a_copy_that_lost_its_marks():
    """A Diet committee record copied from a third-party site (written for this test, names invented):
    the marks are gone, each turn is 「石田委員長 それでは…」; the numbered list of names above each turn
    is no speech."""
    text = ("1952-07-04 第13回国会 衆議院 架空運営委員会 第72号\n\n  1. 会議録情報\n\n"
            "    昭和二十七年七月四日(金曜日)     午後零時二十五分開議\n  2. 甲田博英\n\n"
            "    甲田委員長 それでは本日の委員会を開会いたします。\n  3. 乙木作次郎\n\n    乙木委員 委員長……。\n"
            "  4. 甲田博英\n\n    甲田委員長 発言を許しておりません。\n  5. 丙池眞\n\n    丙池事務総長 回付案について御説明申し上げます。\n")
    m, stored = parse(text)
    assert m.layout == "transcript"
    assert turns(m) == [("甲田", "委員長"), ("乙木", "委員"), ("甲田", "委員長"), ("丙池", "事務総長")]
    assert_spans_slice_back(m, stored)


def test_a_summary_whose_lines_start_with_a_title_alone_reads_no_unmarked_turns():
    text = ("第3回架空懇談会 議事要旨\n日時:令和5年6月1日(木)10:00~12:00\n議事概要\n事務局 資料1について説明した。\n"
            "委員長 了承を求めた。\n座長 次回の日程を示した。\n")
    m, stored = parse(text)
    assert m.layout == "summary" and all(r.speaker is None for r in m.remarks)
    assert_spans_slice_back(m, stored)


def test_bulleted_summary_items_that_start_with_a_name_are_no_unmarked_turns():
    text = ("第3回架空懇談会 議事要旨\n日時:令和5年6月1日(木)10:00~12:00\n議事概要\n・山田委員 計画の見直しが必要との意見があった。\n"
            "・佐藤委員 賛成するとの発言があった。\n・鈴木委員 次回までに整理するよう求めた。\n")
    m, stored = parse(text)
    assert m.layout == "summary" and all(r.speaker is None for r in m.remarks)  # no 「・山田」 invented
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- where the sitting ended

CLOSING_IN_REMARK = """令和六年架空区議会定例会緊急議会会議録
令和六年十二月二十七日（金曜日）
午後１時開議
○議長（川上一郎君）　ただいまから本日の会議を開きます。
○区長（山田太郎君）　テスト用のあいさつをいたします。
○議長（川上一郎君）　本日は、これをもって散会いたします。
　　　　　午後１時４８分散会
　　　　　　　　　　　　　　議長　　川上　一郎
"""

CLOSING_TRAILER = """令和五年架空市議会臨時会会議録
令和５年５月２２日（月）午前１０時開会
○議長（川上一郎君）　ただいまから会議を開きます。
○議長（川上一郎君）　以上で本日の日程は全部終了いたしました。
（午後　４時３７分　閉会）
地方自治法第１２３条第２項の規定により次に署名する。
"""

CLOSING_OLD_FORMS = """第一回國會　架空委員會議録　第一號
昭和二十二年七月二十八日（月曜日）
午後一時三十九分開議
○加藤委員長　これより會議を開きます。
○三浦委員　テスト用の質疑をいたします。
○加藤委員長　本日はこれにて散會いたします。
　　　午後三時十一分散會
"""

CLOSING_AFTER_WORD = """令和六年第四回架空町議会定例会会議録（第五号）
令和６年１２月１７日
開会（午前１０時００分）
○議長（川上一郎君）　ただいまから本日の会議を開きます。
○町長（山田太郎君）　テスト用の報告をいたします。
閉会（午後　３時２５分）
"""


@pytest.mark.parametrize("text, closing, time", [
    (CLOSING_IN_REMARK, "午後１時４８分散会", "午後1時開議〜午後1時48分散会"),  # inside the chair's last remark
    (CLOSING_TRAILER, "（午後　４時３７分　閉会）", "午前10時開会〜午後4時37分閉会"),  # after the last remark, in brackets
    (CLOSING_OLD_FORMS, "午後三時十一分散會", "午後一時三十九分開議〜午後三時十一分散會"),  # 1940s forms
    (CLOSING_AFTER_WORD, "閉会（午後　３時２５分）", "開会(午前10時00分)〜閉会(午後3時25分)"),
    (CLOSING_IN_REMARK.replace("　　　　　午後１時４８分散会", "〇午後１時４８分散会"), "〇午後１時４８分散会",
     "午後1時開議〜午後1時48分散会"),  # a line mark is the line's, as printed, not the time's
])
def test_the_closing_clock_line_is_part_of_the_record(text, closing, time):
    m, stored = parse(text)
    assert m.closing_span is not None and m.closing_span.text == closing
    assert stored[m.closing_span.start : m.closing_span.end] == closing
    assert m.time == time
    assert_spans_slice_back(m, stored)


def test_no_closing_line_no_closing_and_a_stated_range_is_kept():
    m, _ = parse(PLENARY)  # 「（午前１１時３６分　休憩）」 is a recess, not where the sitting ended
    assert m.closing_span is None and m.time == "午後零時十一分開議"
    m, _ = parse(CLOSING_IN_REMARK.replace("午後１時開議", "午後１時～午後２時"))
    assert m.time == "午後1時~午後2時" and m.closing_span is not None  # the range as written


def test_a_speakers_sentence_about_something_recognised_elsewhere_is_no_decision():
    """「今年の秋、過労死認定されました。」 in a party leader's question, 「…御同意をいただき選任いたしました監査委員…は」
    in a mayor's explanation: no matter before the house is decided; the chair's 「よって、…同意することに決しました。」 is."""
    text = """令和五年架空市議会定例会会議録
令和５年２月１４日（火）午後１時開会
○山田一郎君　私の知人の家族は、今年の秋、過労死認定されました。
○市長（川上二郎君）　令和４年第４回定例会におきまして御同意をいただき選任いたしました監査委員甲野太郎氏は、去る１２月２日をもって辞職されました。
○議長（佐藤三郎君）　よって、議案第１号については同意することに決しました。
"""
    m, stored = parse(text)
    assert [d.text for d in m.decisions] == ["よって、議案第１号については同意することに決しました。"]
    assert_spans_slice_back(m, stored)


MINISTRY_MULTILINE_TITLE = """

架空審議会
情報（記録等関係）部会
第３回会議　議事録


第１　日　時　　令和６年８月２１日（水）自　午後１時３０分
　　　　　　　　　　　　　　　　　　　　至　午後２時３７分

第２　場　所　　架空省地下１階　大会議室

第３　議　題　　記録の保存期間について

議　　　　　　　　事
○甲野部会長　予定した時刻になりましたので、第３回会議を開会いたします。
○乙野委員　保存期間について意見を申し上げます。
"""


def test_a_title_printed_over_several_lines_and_a_from_to_time():
    """A ministry 議事録 prints its body and committee above the meeting's own line, and its time as
    「自　…」 over 「至　…」 (法制審議会's minutes): the record had no body and no time."""
    m, stored = parse(MINISTRY_MULTILINE_TITLE)
    assert m.title == "架空審議会 情報（記録等関係）部会 第３回会議 議事録"
    assert (m.body, m.name, m.number) == ("架空審議会", "情報(記録等関係)部会", 3)
    assert stored[m.title_span.start : m.title_span.end].startswith("架空審議会\n")
    assert m.time == "午後1時30分~午後2時37分"
    assert m.place == "架空省地下１階　大会議室"
    assert turns(m) == [("甲野", "部会長"), ("乙野", "委員")]
    assert_spans_slice_back(m, stored)


SITE_AGENDA_LABEL = """開催日：令和 7年 2月17日
会議名：令和 7年第1回定例会（第1日 2月17日）

○議事日程
　　　　　　　　　　　　架空区議会会議録　　第１号

　〇　第　１　日

１　日時　令和７年２月１７日　午後１時

３　出席議員（３名）
　　　１番　後　藤　さちこ　　　　２番　　竹　浪　　　敦　議員
　　　３番　坂　本　　　崇　議員

　第１回架空区議会定例会議事日程　第１号
　　　　　　　　　　　　令和７年２月１７日　午後１時開議

日程第１　会期の決定
日程第２　代表質問

○おのせ康裕議長　ただいまから本日の会議を開きます。
○青木英二区長　所信を表明いたします。
"""


def test_a_site_label_over_the_title_is_no_agenda_and_spaced_names_keep_their_given_names():
    """A search site's 「○議事日程」 label over the document's title and day (kensakusystem), and seat
    cells whose given name stands three spaces after the surname with 議員 after it (「竹　浪　　　敦　議員」)."""
    m, stored = parse(SITE_AGENDA_LABEL)
    assert [a.title for a in m.agenda] == ["会期の決定", "代表質問"]
    assert roster(m) == [("後藤さちこ", "1番", "出席議員"), ("竹浪敦", "2番", "出席議員"), ("坂本崇", "3番", "出席議員")]
    assert_spans_slice_back(m, stored)


def test_officials_present_under_the_local_autonomy_act_are_their_own_group():
    """「地方自治法第121条による出席者」 after 「欠席議員（１名）」: the mayor and officials had been filed as absent members."""
    text = """令和５年第１回架空市議会定例会会議録（第１号）
令和５年２月17日
出席議員（２名）
１番　　樋　川　篤　子　議員　　２番　　竹　内　博　之　議員
欠席議員（１名）
３番　　越　　　明　男　議員
地方自治法第121条による出席者
市長　　　　　　　　　　　　櫻　田　　　宏
副市長　　　　　　　　　　　出　﨑　和　夫
○議長（清野一榮議員）　ただいまから本日の会議を開きます。
○市長（櫻田　宏）　所信を申し上げます。
"""
    m, stored = parse(text)
    groups = {a.name.replace(" ", ""): a.group for a in m.attendees}
    assert groups["越明男"] == "欠席議員"
    assert groups["櫻田宏"] == groups["出﨑和夫"] == "地方自治法第121条による出席者"
    assert_spans_slice_back(m, stored)


def test_two_columns_of_title_and_letter_spaced_name_and_a_wards_secretariat():
    """「区　長　　　青　木　英　二　　副区長　　　荒　牧　広　志」: a title printed whole two spaces after a
    letter-spaced name opens the next column (it had been read as 青木英二副区長); 「区議会事務局」 heads its
    own group (its staff had been 欠席説明員)."""
    text = """令和７年第１回架空区議会定例会会議録
１　日時　令和７年２月１７日　午後１時
５　出席説明員
　　区\u3000長\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000青\u3000木\u3000英\u3000二\u3000\u3000副区長\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000荒\u3000牧\u3000広\u3000志
\u3000\u3000企画経営部長\u3000\u3000\u3000\u3000\u3000\u3000斎\u3000藤\u3000秀\u3000一\u3000\u3000情報政策推進部長\u3000\u3000\u3000橋\u3000本\u3000隆\u3000志
　欠席説明員　（０名）
　区議会事務局
　　事務局長　　　　　杉　立　敏　也　　　　　次長　　　　　　　南　部　　　剛
○（伊藤よしのり議長）　ただいまから本日の会議を開きます。
○（青木英二区長）　所信を申し上げます。
"""
    m, stored = parse(text)
    assert roster(m) == [("青木英二", "区長", "出席説明員"), ("荒牧広志", "副区長", "出席説明員"),
                         ("斎藤秀一", "企画経営部長", "出席説明員"), ("橋本隆志", "情報政策推進部長", "出席説明員"),
                         ("杉立敏也", "事務局長", "区議会事務局"), ("南部剛", "次長", "区議会事務局")]
    assert_spans_slice_back(m, stored)


def test_labels_with_a_bare_stand_note_or_a_name_alone_and_a_body_not_taken_from_a_quote():
    """DB-Search prints 「登壇」 straight after the label (「◯38番（綿貫康代）登壇　私は…」), DiscussNet a member
    by name alone (「◆（白井正子君）　」): both had been read as the chair's words. A Diet house a speech
    quotes (「衆議院予算委員会において」) is not the body of a city's minutes that name none in the header."""
    text = """2025年12月19日：令和７年第５回定例会（第５日）　本文
　　　　　午後１時10分　開議
◯議長（平畑雅博）　これより本日の会議を開きます。
◯38番（綿貫康代）登壇　私は、衆議院予算委員会において示された見解に反対し、討論を行います。
◆（白井正子君）　質問いたします。
◯市長（高島宗一郎）登壇　一言御挨拶を申し上げます。
◯議長（平畑雅博）　福岡市議会の皆様に感謝します。これで散会いたします。
"""
    m, stored = parse(text)
    assert turns(m) == [("平畑雅博", "議長"), ("綿貫康代", "38番"), ("白井正子", None), ("高島宗一郎", "市長"),
                        ("平畑雅博", "議長")]
    assert m.remarks[1].text.startswith("私は、衆議院")
    assert m.body == "福岡市議会"
    assert_spans_slice_back(m, stored)


def test_a_session_number_set_above_the_title_is_not_a_body():
    """「第４回」 over 「架空市議会　会議録（第16号）」 over 「定例会」 (a title set in a column): 第４回 is not the body."""
    text = """令和　６年第４回定例会

　　　　　　　第４回
　　　　　架空市議会　　　会議録（第16号）
　　　　　　　定例会
　令和６年11月29日（金）午前10時開議
○議長（鈴木太郎君）　これより本日の会議を開きます。
○市長（山中竹春君）　御説明いたします。
"""
    m, stored = parse(text)
    assert m.body == "架空市議会" and m.number == 16
    assert_spans_slice_back(m, stored)


CITY_ROSTER_WRAPPED = """令和６年第４回架空市会定例会会議録（第16号）
令和６年11月29日（金）午前10時開議
　出席説明員
　　　　　　　　市長　　　　　　　　　　　山田太郎君
　　　　　　　　危機管理監　　　　　　　　川上二郎君
　　　　　　　　脱炭素・ＧＲＥＥＮ推進局長
　　　　　　　　　　　　　　　　　　　　　佐藤三郎君
　　　　　　　　にぎわいスポーツ文化局長　鈴木四郎君
　　　　　　　　会計管理者
　　　　　　　　　　　　　　　　　　　　　田中五郎君
　　　　　　　　（会計室長）
　　　　　　　　選挙管理委員会
　　　　　　　　　　　　　　　　　　　　　高橋六郎君
　　　　　　　　事務局長
　　　　　　　　教育長　　　　　　　　　　伊藤七郎君
－－－－－－－－－－－－－－－－－－－－－－－－－－－－
　出席議会局職員
　　　　　　　　局長　　　　　　　　　　　渡辺八郎君
　　　　　　　　議事課長　　　　　　　　　中村　九君
－－－－－－－－－－－－－－－－－－－－－－－－－－－－
　　　　　午前10時00分開会
○議長（小林一郎君）　ただいまより本日の会議を開きます。
○市長（山田太郎君）　御挨拶申し上げます。
"""


def test_a_city_roster_with_titles_that_wrap_around_their_holders_names_and_a_staff_heading():
    """A title with no role word at its end (「危機管理監」) or one space before the name still titles
    the 「…君」 after it; a title too long for its column is printed around its holder's name (its
    start above, its end or a bracketed note below); 「出席議会局職員」 heads the staff below it."""
    m, stored = parse(CITY_ROSTER_WRAPPED)
    officials = "出席説明員"
    assert roster(m) == [
        ("山田太郎", "市長", officials), ("川上二郎", "危機管理監", officials),
        ("佐藤三郎", "脱炭素・GREEN推進局長", officials), ("鈴木四郎", "にぎわいスポーツ文化局長", officials),
        ("田中五郎", "会計管理者(会計室長)", officials), ("高橋六郎", "選挙管理委員会事務局長", officials),
        ("伊藤七郎", "教育長", officials),
        ("渡辺八郎", "局長", "出席議会局職員"), ("中村九", "議事課長", "出席議会局職員"),
    ]
    assert turns(m) == [("小林一郎", "議長"), ("山田太郎", "市長")]
    assert_spans_slice_back(m, stored)


def test_a_city_whose_assembly_is_a_shikai_is_the_body_and_a_bare_title_names_no_meeting():
    """横浜, 名古屋, 京都 and 神戸 call their assemblies 市会: 「横浜市会　会議録（第16号）」 names the body;
    a title of body, kind and number only leaves the meeting's name empty rather than repeating it."""
    m, _ = parse(CITY_ROSTER_WRAPPED.replace("令和６年第４回架空市会定例会会議録（第16号）", "架空市会　　　会議録（第16号）"))
    assert (m.body, m.name, m.number) == ("架空市会", "", 16)
    assert m.display_name == "架空市会 第16号"


def test_a_vote_count_joins_its_result_and_names_signed_after_the_closing_line_are_no_speech():
    """「総数81、賛成72、反対９。（資料編30ページ参照）よって、原案どおり可決されました。」: the count is part of the
    decision; the names signed under 「午前11時21分散会」 (no 地方自治法 heading) end the last remark."""
    text = """架空市会　　　会議録（第16号）
令和６年11月29日（金）午前10時開議
○議長（小林一郎君）　総数81、賛成72、反対９。（資料編30ページ参照）
　よって、原案どおり可決されました。
○議長（小林一郎君）　これをもって散会いたします。
　　　　　午前11時21分散会
　　　　　　市会議長　　　　小林一郎
　　　　　　市会議員　　　　山下正人
　　　　　　同　　　　　　　坂本勝司
"""
    m, stored = parse(text)
    assert [d.text for d in m.decisions] == ["総数81、賛成72、反対９。（資料編30ページ参照）\n　よって、原案どおり可決されました。"]
    assert "山下正人" not in m.remarks[-1].text and m.remarks[-1].text.startswith("これをもって散会いたします。")
    assert_spans_slice_back(m, stored)


def test_kanji_seat_numbers_joined_to_names_with_kun_are_seats():
    """「一番古城まさお君」「四番平　　慶翔君」: the seat, then the member (a kanji seat with no 第 and no space
    is read only before a name with 君; 「一番ヶ瀬」 stays a name)."""
    text = """令和二年第一回架空都議会臨時会会議録第七号
令和二年四月十七日（金曜）
　出席議員　三名
一番古城まさお君
四番平　　慶翔君
十一番伊藤しょうこう君
○議長（石川良一君）　ただいまから会議を開きます。
○一番（古城まさお君）　質問します。
"""
    m, stored = parse(text)
    assert [(a.name.replace(" ", ""), a.title) for a in m.attendees] == [
        ("古城まさお", "一番"), ("平慶翔", "四番"), ("伊藤しょうこう", "十一番")]
    assert_spans_slice_back(m, stored)


def test_summary_items_name_their_speaker_at_the_end_where_the_minutes_do():
    """「…検討すべきである。（山田委員）」 and a note's 「…続けたい(terada」: the item's speaker as printed; an
    office alone (「（事務局）」), a note (「（仮称）」) or several people name no one speaker."""
    text = """架空検討会（第３回）議事要旨
日時：令和６年５月１０日（金）10:00-12:00
議事概要
・人材育成の予算を増やすべきである。（山田委員）
・センター（仮称）を設置したい。（事務局）
・オンライン開催を続けたい(terada
・会場費の内訳を教えてほしい(iqbal、terada
・新しい拠点を（仮称）
"""
    m, stored = parse(text)
    assert turns(m) == [("山田", "委員"), (None, None), ("terada", None), (None, None), (None, None)]
    assert_spans_slice_back(m, stored)


def test_diet_labels_that_tell_two_members_of_one_surname_apart():
    """「○福田（昭）分科員」: the Diet prints the given name's first character after a surname two
    members share; the label names 福田（昭）, a 分科員 (a budget subcommittee's member)."""
    text = """第217回国会　衆議院　予算委員会第三分科会　第1号　令和7年2月27日
○福田（昭）分科員　消費税について伺います。
○青木政府参考人　お答えいたします。
○佐藤（英）委員　関連して伺います。
○松井関係官　ありがとうございます。会長には大村委員が互選されたということでよろしゅうございましょうか。
"""
    m, stored = parse(text)
    # a ministry's 関係官 (法制審議会's secretariat) speaks too: his words are not the member's before him
    assert turns(m) == [("福田（昭）", "分科員"), ("青木", "政府参考人"), ("佐藤（英）", "委員"), ("松井", "関係官")]
    # the date after the title is the record's date, not part of the meeting's name
    assert (m.body, m.name, m.number, m.date) == ("衆議院", "第217回国会 予算委員会第三分科会", 1, "2025-02-27")
    assert_spans_slice_back(m, stored)


def test_an_unknown_surname_before_an_offices_remit_is_the_name():
    """「◯末松生活安全部長」: no surname the dictionary knows, but 生活安全 is an office's remit of common
    nouns, so 末松 speaks as 生活安全部長; a member's 「◯高橋伸子委員」 keeps the whole name."""
    text = """令和八年架空委員会会議録
令和八年五月十四日（木曜日）
◯永川俊彦委員長　執行部の説明を求めます。
◯末松生活安全部長　御説明いたします。
◯高橋伸子委員　質問します。
"""
    m, stored = parse(text)
    assert turns(m) == [("永川俊彦", "委員長"), ("末松", "生活安全部長"), ("高橋伸子", "委員")]
    assert_spans_slice_back(m, stored)


def test_a_title_no_list_knows_after_a_known_surname_is_still_a_label():
    """「○坂本主任調査員」「○田中書記官」: offices no list here names, after a surname the dictionary knows,
    ending as offices do: their words are theirs, not the speech before them. 「○議事日程」 is no one."""
    text = """架空審議会　第５回会議　議事録
○山田会長　それでは説明をお願いします。
○坂本主任調査員　資料１について御説明いたします。
○田中書記官　補足いたします。
○議事日程
"""
    m, stored = parse(text)
    assert turns(m) == [("山田", "会長"), ("坂本", "主任調査員"), ("田中", "書記官")]
    assert_spans_slice_back(m, stored)


def test_a_committees_staff_title_before_kun_is_that_persons_title():
    """「衆議院架空委員会専門員　　…辻本　頼昭君」: a title ending as offices do (専門員) before 「…君」 is the
    person's title, with wide or narrow gaps (the staff had been read as three rows, one a title)."""
    text = """第196回国会　架空委員会合同審査会会議録　第１号
平成三十年五月三十日（水曜日）
　　出席政府委員
　　　国務大臣　　　　　　　　　鈴木　俊一君
　　　衆議院架空委員会専門員　　　　　　辻本　頼昭君
　　　参議院常任委員会専門員　　美濃部寿彦君
○会長（佐藤勉君）　これより会議を開きます。
○鈴木国務大臣　お答えいたします。
"""
    m, stored = parse(text)
    assert [(a.name.replace(" ", ""), a.title) for a in m.attendees] == [
        ("鈴木俊一", "国務大臣"), ("辻本頼昭", "衆議院架空委員会専門員"), ("美濃部寿彦", "参議院常任委員会専門員")]
    assert_spans_slice_back(m, stored)


def test_a_town_assemblys_numbered_header_that_names_its_signing_members_before_the_turns():
    """A Hokkaido town assembly's PDF minutes as text (invented names): 「○ 会議録署名議員」 is a header
    field naming who will sign, not the signature block that ends the minutes (read that way it had
    dropped every turn, and the record had no speaker); 「２ 招集の場所」 is the place; headings that are
    phrases (「…の委任を受けて説明のため会議に出席した者」) group the officials; 「議席番号」 and a page
    number are no one; 「◎ …」 lines between turns are items' headings; 「…と決定致しました。」 decides;
    two people to a roster line are two."""
    text = """令和６年第１回山川町議会臨時会会議録
令和６年１月29日（月曜日） 午前10時00分開会
１ 招集年月日 令和６年１月29日（月曜日）
２ 招集の場所 山川町議会議場
３ 出席議員（３名）
議席番号
１番 川 田 一 郎 ２番 森 山 花 子
３番 海 野 次 郎
４ 地方自治法第121条第１項の規定により、説明のため会議に出席した者
町 長 谷 口 正 人 教育委員会教育長 山 本 一 夫
５ 町長の委任を受けて説明のため会議に出席した者
総 務 課 長 岡 本 健
６ 職務のため出席した議会事務局職員
事 務 局 長 石 井 進
1
○ 議 事 日 程
日程番号 議案番号 付 議 案 件
日程第１ 会議録署名議員の指名
日程第２ 会期の決定
○ 会議録署名議員
議長は、本臨時会の会議録署名議員に次の２人を指名した。
１番 川 田 一 郎
２番 森 山 花 子
会 議 の 顛 末
◎ 開会・開議宣告
〇議長（海野次郎君） ただいまから令和６年第１回山川町議会臨時会を開会します。
2
◎ 日程第１ 会期の決定
〇議長（海野次郎君） お諮りいたします。会期は本日１日限りにしたいと思います。
異議なしと認めます。よって会期は本日１日限りと決定致しました。
町長どうぞ。
〇町長（谷口正人君） 皆さんおはようございます。行政報告をいたします。
"""
    m, stored = parse(text)
    assert turns(m) == [("海野次郎", "議長"), ("海野次郎", "議長"), ("谷口正人", "町長")]
    assert [r.section for r in m.remarks][1:] == ["◎ 日程第1 会期の決定"] * 2
    assert m.remarks[0].text.endswith("開会します。")  # the page number and the next heading are not its words
    assert m.place == "山川町議会議場"
    assert m.date == "2024-01-29"
    assert any("決定致しました" in d.text for d in m.decisions)
    # the agenda table's header row and the signers' field are no items
    assert [a.title for a in m.agenda] == ["会議録署名議員の指名", "会期の決定"]
    people = roster(m)
    assert ("川田一郎", "1番", "出席議員") in people and ("海野次郎", "3番", "出席議員") in people
    assert not any(name in ("議席番号", "1", "2") for name, _, _ in people)
    # two people to a line, single spaces only: the whole title after a letter-spaced name starts the second
    assert ("谷口正人", "町長") in [(n, t) for n, t, _ in people] and ("山本一夫", "教育委員会教育長") in [(n, t) for n, t, _ in people]
    groups = {name: group for name, _, group in people}
    assert groups["谷口正人"].endswith("説明のため会議に出席した者")
    assert groups["岡本健"] == "町長の委任を受けて説明のため会議に出席した者"
    assert groups["石井進"] == "職務のため出席した議会事務局職員"
    assert_spans_slice_back(m, stored)


def test_a_year_and_a_month_day_printed_on_different_header_lines_make_the_date():
    """「令 和 ８ 年」 alone over the title, and 「１月３０日（金曜日）」 below it (a city's PDF minutes as
    text; invented names): the meeting's date is theirs, not the first full date in a speech
    (「令和８年１月23日付…」 had been taken)."""
    text = """令 和 ８ 年
山川市議会第１回臨時会会議録（第１日）
１月３０日（金曜日）午前１０時００分 開 会
〇議長（海野次郎君） ただいまから臨時会を開会いたします。
〇副市長（谷口正人君） 令和８年１月23日付で専決処分をいたしましたので、御報告いたします。
"""
    m, stored = parse(text)
    assert m.date == "2026-01-30"
    assert m.date_span is not None and stored[m.date_span.start:m.date_span.end] == "１月３０日（金曜日）"
    assert turns(m) == [("海野次郎", "議長"), ("谷口正人", "副市長")]
    assert_spans_slice_back(m, stored)


def test_a_summarys_bullets_that_open_with_who_said_them():
    """「・委員長：…」「・運営理事：…」 in a committee's summary (invented text, a city's 議会運営委員会
    layout): items whose speaker is the role before the colon, not speaker turns (read as turns, the
    bullet had become a speaker 「・」 and the last turn swallowed every numbered item after it);
    「・会計理事: 清水川」, an office and who holds it, names no speaker."""
    text = """２月10日　　午前10時２分開会
１．議長選挙について
・委員長：代表者会議で協議の結果、次のとおり決定した。
・運営理事：議運の理事である議員が担当することとした。
２．役員について
・会計理事: 清水川
３．その他
・次回は３月に開催する。
"""
    m, stored = parse(text)
    assert m.layout == "summary"
    said = {r.text.split("：")[0].lstrip("・"): (r.speaker, r.role) for r in m.remarks}
    assert said["委員長"] == (None, "委員長")
    assert said["運営理事"] == (None, "運営理事")
    assert [(r.speaker, r.role) for r in m.remarks if "清水川" in r.text] == [(None, None)]
    assert [r.section for r in m.remarks if "３月" in r.text] == ["その他"]
    assert_spans_slice_back(m, stored)


def test_the_body_is_not_an_assembly_a_speech_names_once():
    """A prefecture's plenary whose header names no body (invented text): 「熊本県議会において」 in a
    speech and 「福岡県議会をめぐる」 once each do not decide; the prefecture the text names most does,
    with a warning (「本県」 is no name)."""
    text = "2026年6月19日：令和８年６月定例会（第12日）\n" + "".join(
        f"◯{n}番（山田　太郎{n}）　福岡県の施策について伺います。本県の取組は。\n" for n in range(1, 7)) + (
        "◯議長（佐藤　一郎）　先週、熊本県議会においても議論がありました。福岡県議会をめぐる課題です。\n")
    m, stored = parse(text)
    assert m.body == "福岡県議会"
    assert any("derived from the text" in w for w in m.warnings)
    assert_spans_slice_back(m, stored)


def test_a_fiscal_year_does_not_date_a_month_day():
    """「令和７年度関係議案が２月10日（火）に…」 in a summary's prose: a fiscal year's February is in the
    next calendar year, and prose is no title block; the record stays undated, and says so."""
    text = """２月10日　　午前10時２分開会
１．議会日程について
・令和７年度関係議案が２月10日（火）に提出される予定であることが報告された。
"""
    m, stored = parse(text)
    assert m.date is None
    assert any("no meeting date" in w for w in m.warnings)
    assert_spans_slice_back(m, stored)


# ---------------------------------------------------------------- a third probe (赤井川村, 豊富町, a Markdown 議事録)


def test_page_numbers_printed_as_lines_are_pages_not_words():
    """「－３－」 lines (a PDF's footers left in its text) are moved out of the stored text, as
    ``<PAGE="n">`` markers are: no remark holds one, none is a section or an attendee, and each span
    records its page; 「◎日程第１ …」 with no space after the mark is the next item's heading, and a
    heading under the sitting's opening clock line (「◎開会宣告」) is no attendee. Invented names."""
    text = """令和６年第２回臨時会
山 川 村 議 会 会 議 録
第１日 （令和６年４月２６日）
◎出席議員（２名）
１番 川 田 一 郎 君 ２番 森 山 花 子 君
－1－

（午前１１時００分開会）
◎開会宣告
〇議長（森山花子君） ただいまから令和６年第２回山川村議会臨時会を開会いたします。
◎日程第１ 会期の決定
〇議長（森山花子君） 会期は本日１日間といたしたいと思います。これにご異議ございませんか。
－2－

（「異議なし」と呼ぶ者あり）
〇議長（森山花子君） 異議なしと認めます。よって、会期は本日１日間と決定いたしました。
〇１番（川田一郎君） 議案第１号について質問いたします。
－3－

答弁を求めます。
"""
    m, stored = parse(text)
    assert "－" not in stored
    assert turns(m) == [("森山花子", "議長")] * 3 + [("川田一郎", "１番")]
    assert [r.section for r in m.remarks][:2] == ["発言", "◎日程第1 会期の決定"]
    assert not m.remarks[0].text.endswith("会期の決定")
    assert [r.page for r in m.remarks] == [2, 2, 3, 3]
    assert m.remarks[-1].text.endswith("質問いたします。\n\n答弁を求めます。")  # the footer between is gone
    assert [(name, title) for name, title, _ in roster(m)] == [("川田一郎", "1番"), ("森山花子", "2番")]
    assert_spans_slice_back(m, stored)
    doc = text_document(text, SRC)
    assert doc.pages[0] == (0, 1) and [p for _, p in doc.pages] == [1, 2, 3, 4]


def test_a_single_dash_number_line_or_numbers_out_of_order_stay_text():
    one = "議事要旨\n－1－\n本文です。\n"
    assert text_document(one, SRC).text == one and text_document(one, SRC).pages == ()
    backwards = "議事要旨\n- 3 -\n本文です。\n- 2 -\n"
    assert text_document(backwards, SRC).text == backwards


def test_unmarked_labels_with_the_name_in_brackets_alone_on_their_line():
    """「議長(千葉 久 君)」 over the speech, no ○ (a town assembly's PDF text; invented names): each is a
    turn with its speaker (letter spaces dropped) and role; a letter-spaced title is the title, and the
    body after 「令和６年」 does not start with 年; the title's year dates the agenda line's month and day;
    「決定しました」 decides."""
    text = """令 和 ６ 年 山 川 町 議 会 第 １ 回 臨 時 会 会 議 録
（会期 １月16日 １日間）
議事日程 第１号 １月16日（火） 午前11時25分開議
４．出席議員（２名）
議 長 １番 川 田 一 郎 君
２番 森 山 花 子 君
議事経過は、次のとおり
（午前11時25 分開議）
議長(川田 一郎 君)
ただいまから本年第１回臨時町議会を開会いたします。
会期は、本日１日間とすることにご異議ございませんか。（「なし」の声あり）
ご異議なしと認めます。したがって、会期は本日１日間と決定しました。
町長（谷口 正人 君）
提出議案について申し上げます。よろしくご審議を賜りますようお願い申し上げます。
議長（川田 一郎 君）
以上で説明を終わります。
"""
    m, stored = parse(text)
    assert turns(m) == [("川田一郎", "議長"), ("谷口正人", "町長"), ("川田一郎", "議長")]
    assert m.title == "令和６年山川町議会第１回臨時会会議録" and m.body == "山川町議会"
    # the title's year and the agenda line's month and day (with its weekday), not a date a speech names
    assert m.date == "2024-01-16" and stored[m.date_span.start:m.date_span.end] == "１月16日（火）"
    assert any(d.text.endswith("決定しました。") for d in m.decisions)
    names = [name for name, _, _ in roster(m)]
    assert not any("議事経過" in n or "開議" in n for n in names)
    assert_spans_slice_back(m, stored)


def test_a_committee_report_of_what_should_be_decided_is_no_decision():
    text = """山川町議会会議録
令和６年４月26日（金曜日）
〇議長（森山花子君） 委員長の報告を求めます。
〇委員長（川田一郎君） 付託されました議案第12号は、審査の結果、原案のとおり可決すべきものとしましたので、報告いたします。
〇議長（森山花子君） よって、議案第12号は原案のとおり可決されました。
"""
    m, _ = parse(text)
    assert [d.text for d in m.decisions] == ["よって、議案第12号は原案のとおり可決されました。"]


def test_a_ruling_in_the_present_tense_is_a_decision():
    """Diet minutes rule in the present (「御異議ないものと認めまして、さように決定いたします。」); a speaker's
    「…を決定いたします」 about no matter before the house is not a decision."""
    text = """山川町議会会議録
令和６年４月26日（金曜日）
〇議長（森山花子君） 小委員長には川田一郎君を推薦したいと思いますが、御異議ございませんか。
〇議長（森山花子君） 御異議ないものと認めまして、さように決定いたします。
〇町長（谷口正人君） 私どもは来年度の方針をこの秋に決定いたします。
"""
    m, stored = parse(text)
    assert [d.text for d in m.decisions] == ["御異議ないものと認めまして、さように決定いたします。"]
    assert_spans_slice_back(m, stored)


def test_decisions_as_the_report_has_it_and_without_a_final_full_stop():
    """「…委員長報告のとおり決しました。」 decides as 「可決されました」 does; a web page that drops the full
    stop before its divider still states 「よって、本案は原案のとおり可決されました」; the next item's
    heading under the divider is not part of the turn."""
    text = """山川市議会会議録
令和６年12月25日（水曜日）
◯議長（森山花子君）　御異議なしと認めます。よって、各案件については委員長報告のとおり決しました。
◯議長（森山花子君）　御異議なしと認めます。よって、本案は原案のとおり可決されました
　　　　　　──────────────────
日程第46　議員提出議案第25号　生活保護基準を引き上げることを求める意見書の提出について（山川市
　　　　　　 民生活を守る会からの要望）
◯議長（森山花子君）　よって、委員会の付託を省略することに決しました。
"""
    m, stored = parse(text)
    assert [d.text for d in m.decisions] == ["よって、各案件については委員長報告のとおり決しました。",
                                             "よって、本案は原案のとおり可決されました"]
    # the divider and the next item's heading under it are no words of the chair's turn
    assert m.remarks[1].text.endswith("可決されました") and "日程第46" not in m.remarks[1].text
    assert_spans_slice_back(m, stored)


def test_a_markdown_minutes_title_and_participant_list():
    text = """# 山川研究会第3回 2013年5月1日
## 参加者
* 川田先生（顧問）
* B4 森山花子（マネージャー）

## 本日の活動
### 今年やること
* データを管理するシステムを作る
* 開発はオープンソースで行う
"""
    m, stored = parse(text)
    assert m.title == "山川研究会第3回 2013年5月1日" and m.number == 3 and m.date == "2013-05-01"
    assert [(name, title) for name, title, _ in roster(m)] == [("川田先生", "顧問"), ("B4森山花子", "マネージャー")]
    assert [r.text for r in m.remarks] == ["データを管理するシステムを作る", "開発はオープンソースで行う"]
    assert_spans_slice_back(m, stored)


def test_ditto_marks_in_a_rosters_title_column_repeat_the_title_above():
    """「〃」 under 「委員」 (a city committee's header as its vendor prints it; invented names): each is a
    委員, not a person named 〃 nor a name starting with it; 「委 員 外 議 員」 heads the non-members who
    attended, no absentee."""
    text = """令和６年12月26日議会運営委員会
山川市議会議会運営委員会
令和６年12月26日　午前９時40分開会
出　席　委　員
　　　　委員長　　　　　　塩　田　　　尚　君
　　　　委員　　　　　　　渡　辺　峰　子　君
　　　　〃　　　　　　　　あさの　えくこ　君
　　　　〃　　　　　　　　木　村　修　寿　君
欠　席　委　員
　　　　なし
委 員 外 議 員
　　　　副議長　　　　　　森　山　花　子　君
○塩田委員長　ただいまから議会運営委員会を開会いたします。
○渡辺委員　質問いたします。
"""
    m, stored = parse(text)
    people = roster(m)
    assert [(n, t) for n, t, _ in people[:4]] == [("塩田尚", "委員長"), ("渡辺峰子", "委員"), ("あさのえくこ", "委員"),
                                                 ("木村修寿", "委員")]
    assert ("森山花子", "副議長", "委員外議員") in people
    assert not any(n.startswith("〃") or n == "外議員" for n, _, _ in people)
    assert_spans_slice_back(m, stored)


def test_a_diet_headers_membership_is_not_attendance_and_stacked_ministerial_titles_are_one():
    """A joint examination's 会議録情報 (NDL JSON; invented names): 「委員氏名」 lists the membership and
    「出席委員」 who attended, so only the latter are attendees (a member who did not attend had been
    listed); a minister's titles printed one per line, the portfolio in brackets, wrapped mid-word, are
    one title for the 「…君」 below them, and no line of them is a person or a group."""
    from rag.readers.ndl import read_ndl_json

    header = """平成三十年五月三十日（水曜日）
　　　　午後三時開議
委員氏名
　　衆議院
　　　会長　山田　太郎君
　　　　　　欠席　次郎君
　出席委員
　　衆議院
　　　会長　山田　太郎君
　　　　　　川田　一郎君
出席国務大臣
　　　　　　　内閣総理大臣　　　森　　一郎君
　　　　　　　財務大臣
　　　　　　　国務大臣
　　　　　　　（内閣府特命担
　　　　　　　当大臣（金融）
　　　　　　　）　　　　　　　　林　　二郎君
　　　　　　　国務大臣
　　　　　　　（内閣官房長官）　谷　　三郎君
出席政府特別補佐人
　　　　　　　内閣法制局長官　　海野　四郎君
本日の会議に付した案件
　国家の基本政策に関する件"""
    obj = {"meetingRecord": [{"issueID": "X1", "nameOfHouse": "衆議院", "nameOfMeeting": "国家基本政策委員会合同審査会",
                              "issue": "第1号", "date": "2018-05-30", "speechRecord": [
                                  {"speechOrder": 0, "speaker": "会議録情報", "speech": header},
                                  {"speechOrder": 1, "speaker": "山田太郎", "speakerPosition": "会長",
                                   "speech": "○会長（山田太郎君）\u3000これより会議を開きます。"}]}]}
    doc, = read_ndl_json(obj, "godo.json")
    m = parse_document(doc)
    people = [(a.name.replace(" ", ""), a.title, a.group) for a in m.attendees]
    assert "欠席次郎" not in [n for n, _, _ in people]
    assert [n for n, _, _ in people].count("山田太郎") == 1
    assert ("林二郎", "財務大臣 国務大臣 (内閣府特命担当大臣(金融))", "出席国務大臣") in people
    assert ("谷三郎", "国務大臣 (内閣官房長官)", "出席国務大臣") in people
    assert ("海野四郎", "内閣法制局長官", "出席政府特別補佐人") in people
    assert not any(n.startswith(("(", ")")) or n in ("国務大臣", "当") for n, _, _ in people)
    assert_spans_slice_back(m, doc.text)


def test_minutes_whose_line_breaks_were_flattened_into_spaces_still_have_their_turns():
    """A copy that lost its line breaks (one line: header, then 「○議長（…君）　…」 after a space, and so
    on; invented names): each label after a space opens a turn, and the text before the first one is
    the header (it had been one header line and no remark at all)."""
    text = ("令和６年第１回山川市議会定例会会議録（第１号） 令和６年２月１日（木曜日） ○議長（山田太郎君）　ただいまから"
            "会議を開きます。 ○市長（川田次郎君）　施政方針を申し上げます。評価は○です。 ○１番（森花子議員）　質問いたします。\n")
    m, stored = parse(text)
    assert turns(m) == [("山田太郎", "議長"), ("川田次郎", "市長"), ("森花子", "１番")]
    assert m.remarks[1].text == "施政方針を申し上げます。評価は○です。"  # a mark with no space before it is no label
    assert (m.body, m.name, m.number, m.date) == ("山川市議会", "令和6年第1回定例会", 1, "2024-02-01")
    assert_spans_slice_back(m, stored)


def test_a_page_of_one_turn_and_a_label_with_the_name_spaced_from_the_role():
    """A vendor's site serves each remark as a page: one 「○議長（…君）」 turn is that page's remark (it had
    none, and the speech was the title); 「○塩田　委員長　　…」 (name, one full-width space, role, then the
    gap) is a label. Invented names."""
    m, stored = parse("○議長（川崎浩之君）　皆さん、おはようございます。ただいまから山川市議会定例会を開会いたします。\n")
    assert turns(m) == [("川崎浩之", "議長")] and m.remarks[0].text.startswith("皆さん、おはようございます。")
    assert_spans_slice_back(m, stored)
    m, stored = parse("○塩田　委員長　　改めましておはようございます。\n　本日御参集いただきましたのは意見書案の協議のためです。\n")
    assert turns(m) == [("塩田", "委員長")] and m.remarks[0].text.endswith("協議のためです。")
    assert_spans_slice_back(m, stored)
    # one marked turn after prose is no such page: a summary's single 「○」 item stays the summary's
    m, _ = parse("議事要旨\n本日は意見交換を行った。\n○山田委員　意見を述べた。\n")
    assert m.layout == "summary" and len(m.remarks) == 2 and m.remarks[0].text == "本日は意見交換を行った。"


def test_two_people_to_a_letter_spaced_line_whose_second_title_is_short():
    """「村 長 岩 原 清 一 副村長 長 船 敏 行」 (a village's roster; invented names): 副村長 is a whole title
    after a letter-spaced name, so two people, as 「… 教育委員会教育長 …」 already was."""
    text = """令和６年第３回山川村議会臨時会会議録
令和６年５月９日（木曜日）
○出席説明員
村 長 川 田 一 郎 副村長 森 山 二 郎
○議長（海野三郎君）　ただいまから臨時会を開会いたします。
○村長（川田一郎君）　提案理由を申し上げます。
"""
    m, stored = parse(text)
    assert [(n, t) for n, t, _ in roster(m)] == [("川田一郎", "村長"), ("森山二郎", "副村長")]
    assert_spans_slice_back(m, stored)
