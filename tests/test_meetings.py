"""Resolving the meeting a question names (rag.meetings): numbers, dates, session months, bodies."""
from __future__ import annotations

import pytest

from rag.meetings import english_names, parse_reference, resolve
from rag.records import CatalogEntry


def entry(meeting_id: str, body: str, date: str | None, number: int | None = None, unit: str = "号",
          kind: str = "会議録") -> CatalogEntry:
    label = f"{body} 第{number}{unit}" if number else body
    return CatalogEntry(meeting_id, f"{meeting_id}.txt", 0, label, body, label, number, unit, kind, "transcript",
                        "text", date, None, 3, (), meeting_id, ())


CATALOG = [
    entry("taka05", "高砂市議会", "2023-05-22", 1),
    entry("sumi12", "墨田区議会", "2024-12-10", 1),
    entry("sangi8", "参議院", "2023-04-07", 8),
]


@pytest.mark.parametrize("question", [
    "墨田区議会の議案第70号で、補正後の予算の総額はいくらですか",
    "陳情第3号の審査結果はどうなりましたか",
    "会議案第1号の提出者は誰ですか",
    "令和6年度一般会計補正予算（第6号）では歳入歳出にいくら追加されましたか",
    "市税条例第3号の改正は何ですか",
    "はしご付消防自動車の製造請負契約（高議第22号）はどの常任委員会に付託されましたか",
    "高予第17号の補正予算で計上された額はいくらですか",
])
def test_a_documents_number_is_not_a_meetings_number(question):
    assert parse_reference(question).numbers == ()


def test_a_meetings_number_still_is():
    assert parse_reference("参議院本会議第8号で何が可決されましたか").numbers == ((8, "号"),)
    assert parse_reference("第4回定例会第5号では").numbers == ((4, "回"), (5, "号"))
    assert parse_reference("衆議院本会議第3号で何が可決されましたか").numbers == ((3, "号"),)


@pytest.mark.parametrize("question, months", [
    ("高砂市議会の令和5年9月定例会で可決された補正予算の総額はいくらですか", ("2023-09",)),
    ("2023年5月の臨時会で報告されたことは", ("2023-05",)),
    ("12月の本会議では何が決まりましたか", ("--12",)),
    ("At the Takasago City Assembly extraordinary session in May 2023, what was proposed?", ("2023-05",)),
    ("令和7年4月からの条例改正で職員は何人になりますか", ()),  # a month that dates a rule, not a session
])
def test_session_months(question, months):
    assert parse_reference(question).months == months


def test_a_session_month_that_is_not_indexed_is_missing():
    known = lambda phrase: True  # noqa: E731 - 「定例会」 occurs in the indexed text
    res = resolve("高砂市議会の令和5年9月定例会で可決された補正予算の総額はいくらですか", CATALOG, known)
    assert res.meeting_ids == () and res.missing and "2023年9月" in res.missing
    assert resolve("高砂市議会の令和5年5月の臨時会で報告されたことは", CATALOG, known).meeting_ids == ("taka05",)


@pytest.mark.parametrize("question, ids", [
    ("墨田区の給付金は1世帯当たりいくらですか", ("sumi12",)),
    ("墨田区長は閉会のあいさつで何と述べましたか", ("sumi12",)),
    ("東京都墨田区が計上した費用はいくらですか", ("sumi12",)),
    ("高砂市の福祉総合相談センターは何年使う計画ですか", ("taka05",)),
    ("大高砂市の計画は", ()),  # the tail of another place's name is not that place
    ("給付金は1世帯当たりいくらですか", ()),
])
def test_a_municipality_names_its_assembly(question, ids):
    assert resolve(question, CATALOG).meeting_ids == ids


def test_english_questions_name_bodies_by_their_place():
    assert "takasago" in english_names("高砂市議会") and "sumida" in english_names("墨田区議会")
    res = resolve("At the Sumida ward assembly emergency session in December 2024, which committee examined the bill?",
                  CATALOG)
    assert res.meeting_ids == ("sumi12",)
    res = resolve("What did the House of Councillors pass at its 8th sitting?", CATALOG)
    assert res.meeting_ids == ("sangi8",)
    # an English question quoting a Japanese name still names its body in Latin letters
    res = resolve("During the recess of the Sumida ward assembly's December 2024 emergency session, what did the "
                  "planning and general affairs committee (企画総務委員会) ask?", CATALOG)
    assert res.meeting_ids == ("sumi12",)


@pytest.mark.parametrize("question, numbers, dates", [
    ("What did the Otofuke town assembly decide on 17 December 2024?", (), ("2024-12-17",)),
    ("What was said on December 17, 2024 about the budget?", (), ("2024-12-17",)),
    ("At the 31st general meeting of the Central Environment Council, who spoke first?", ((31, None),), ()),
])
def test_english_dates_and_ordinals(question, numbers, dates):
    ref = parse_reference(question)
    assert ref.numbers == numbers and ref.dates == dates


def test_a_month_and_day_among_undated_minutes():
    """An undated meeting (a page that states no date) is neither matched nor a crash when a
    question gives only a month and day (it crashed with AttributeError on None)."""
    catalog = CATALOG + [entry("aomo12", "青森市議会", None)]
    res = resolve("12月10日の本会議では何が決まりましたか", catalog, lambda phrase: True)
    assert res.meeting_ids == ("sumi12",)


def test_organisations_named_as_the_one_speaking():
    from rag.meetings import organisations_named

    orgs = ("警察", "防衛省", "総務省", "")
    assert organisations_named("それについて警察は？", orgs) == ("警察",)
    assert organisations_named("防衛省が概算要求で求めたものと、総務省からの説明は", orgs) == ("防衛省", "総務省")
    assert organisations_named("防衛省について、他の出席者はどう述べましたか", orgs) == ()


def test_the_named_meetings_date_is_framing_for_bm25_but_another_date_stays():
    from rag.meetings import without_meeting_dates
    from rag.service import without_terms

    meeting = [CATALOG[2]]  # 参議院 2023-04-07
    q = "令和5年4月7日（金）の参議院本会議で、4月7日までに提出された法律案は何ですか"
    stripped = without_meeting_dates(q, meeting)
    assert "令和5年4月7日" not in stripped and "(金)" not in stripped
    assert "4月7日までに" not in stripped  # the same day again: still only the meeting's date
    assert without_meeting_dates("令和5年3月31日までに申請した人は何人ですか", meeting) == "令和5年3月31日までに申請した人は何人ですか"
    assert "17 December 2024" not in without_meeting_dates(
        "What was decided on 17 December 2024?", [entry("x", "音更町議会", "2024-12-17")])
    # the BM25 query: neither the date nor the body's name, the rest of the question kept
    lexical = without_terms(q, {"参議", "院"}, stripped)
    assert lexical is not None and "法律" in lexical and "参議" not in lexical
    assert "令和" not in lexical.split()
    # nothing to drop: BM25 searches the question itself
    assert without_terms("法律案は何ですか", set(), "法律案は何ですか") is None


def test_the_topic_text_is_the_question_less_its_meetings_name_and_date():
    from rag.meetings import meeting_words, topic_text

    meeting = [CATALOG[2]]  # 参議院 2023-04-07
    question = "令和5年4月7日の参議院本会議（第8号）で趣旨説明が行われた法律案は何ですか"
    text = topic_text(question, *meeting_words(question, meeting))
    assert text is not None and "趣旨説明が行われた法律案は何ですか" in text
    assert "参議院" not in text and "令和5年" not in text
    assert topic_text("法律案は何ですか", *meeting_words("法律案は何ですか", [])) is None  # no meeting named
    assert topic_text("参議院", *meeting_words("参議院", meeting)) is None  # nothing left


def _named(meeting_id: str, body: str, name: str, date: str, number: int, unit: str) -> CatalogEntry:
    return CatalogEntry(meeting_id, f"{meeting_id}.txt", 0, f"{body} {name}", body, name, number, unit, "会議録",
                        "transcript", "text", date, None, 3, (), meeting_id, ())


JOINT = [
    _named("joint", "両院", "国家基本政策委員会合同審査会", "2018-05-30", 1, "号"),
    _named("shu47", "衆議院", "労働委員会", "1947-07-28", 1, "号"),
    _named("katsu", "葛飾区議会", "令和7年第1回定例会", "2025-02-14", 1, "日"),
]
KNOWN = lambda phrase: True  # noqa: E731 - the phrases occur in the indexed text


def test_a_body_the_question_only_mentions_does_not_hide_the_meeting_it_names():
    q = "2018年5月30日の合同審査会で、総理の昨年二月十七日の衆議院予算委員会での答弁について何と述べましたか"
    assert resolve(q, JOINT, KNOWN).meeting_ids == ("joint",)
    # a date alone does not make another body's sitting that day this meeting
    res = resolve("2018年5月30日の衆議院本会議で総理は何と述べましたか", JOINT, KNOWN)
    assert res.meeting_ids == () and res.missing


def test_a_session_number_in_the_meetings_name_is_the_meetings():
    """「令和7年第1回定例会」 is the session of the record numbered 「第1日」."""
    q = "令和7年2月14日の葛飾区議会本会議で、令和7年第1回定例会の会期はいつまでと決まりましたか"
    assert resolve(q, JOINT, KNOWN).meeting_ids == ("katsu",)
    assert resolve("葛飾区議会の第2回定例会の会期は", JOINT, KNOWN).missing


@pytest.mark.parametrize("question", ["2023年4月7日の参院本会議で何が可決されましたか", "参院の本会議第8号では何が可決されましたか"])
def test_a_houses_short_name_names_it(question):
    # 「参院」 is how questions write 参議院; the records carry the full name
    plenary = CatalogEntry("sangi8", "sangi8.xml", 0, "参議院 本会議 第8号", "参議院", "本会議 第8号", 8, "号", "会議録",
                           "ndl", "xml", "2023-04-07", None, 3, (), "sangi8", ())
    res = resolve(question, CATALOG[:2] + [plenary], lambda phrase: False)
    assert res.missing is None and res.meeting_ids == ("sangi8",)


def test_every_number_the_question_states_must_agree():
    sitting = CatalogEntry("oto5", "o.html", 0, "音更町議会 令和6年第4回定例会 第5号", "音更町議会", "令和6年第4回定例会 第5号",
                           5, "号", "会議録", "transcript", "html", "2024-12-17", None, 3, (), "oto5", ())
    known = lambda phrase: True  # noqa: E731
    # its 第4回 is this session's, its 第1号 another sitting's: not indexed
    res = resolve("音更町議会 令和6年第4回定例会の初日（第1号）は何月何日に開会しましたか", [sitting], known)
    assert res.meeting_ids == () and "第1号" in res.missing
    assert resolve("音更町議会の令和6年第4回定例会第5号の議題は", [sitting], known).meeting_ids == ("oto5",)
    assert resolve("音更町議会の第4回定例会では何が可決されましたか", [sitting], known).meeting_ids == ("oto5",)


def test_an_english_ordinal_leaves_an_unnumbered_meeting_a_candidate():
    unnumbered = CatalogEntry("aomo", "a.html", 0, "青森市議会", "青森市議会", "", None, None, "会議録", "transcript",
                              "html", None, None, 3, (), "aomo", ())
    res = resolve("At the 4th regular session of the Aomori City Assembly, what was decided?", [unnumbered], lambda p: True)
    assert res.meeting_ids == ("aomo",) and res.missing is None  # stating no number is not stating another


def _sitting(*speakers: tuple[str, str | None]) -> CatalogEntry:
    return CatalogEntry("s1", "s1.xml", 0, "参議院 本会議 第8号", "参議院", "本会議 第8号", 8, "号", "会議録", "ndl",
                        "xml", "2023-12-01", None, 9, tuple((n, r, 1) for n, r in speakers), "s1", ())


def test_a_speaker_is_named_by_the_office_alone():
    """「文科大臣は…と説明しましたか」 names the one speaker whose role ends in that title (the
    ministers' short titles read as the records write them); a member of a body (「ある委員は」
    「提案した委員は誰」) and an office many speakers hold name no one."""
    from rag.meetings import speakers_named

    sitting = _sitting(("盛山正仁", "文部科学大臣"), ("林芳正", "内閣官房長官"), ("岸田文雄", "内閣総理大臣"),
                       ("宮口治子", None), ("吉良よし子", None), ("前田育司", "政策部長"), ("森岡修平", "福祉部長"),
                       ("荻野章広", "総務部長"), ("川平貴儀", "市民部長"), ("山田一郎", "委員"))
    asks = {
        "授業料の上限について文科大臣は何と説明しましたか": ("盛山正仁",),
        "文部科学大臣が答弁した内容は": ("盛山正仁",),
        "官房長官は何と述べましたか": ("林芳正",),
        "総理は何と答弁しましたか": ("岸田文雄",),
        "政策部長は何と答えましたか": ("前田育司",),
        "部長は何と答えましたか": (),  # four 部長s
        "ある委員は何と述べましたか": (),
        "大臣の発言について宮口議員は何と述べましたか": ("宮口治子",),  # 「大臣の」 is what was spoken about
    }
    for question, named in asks.items():
        assert speakers_named(question, [sitting]) == named, question


COMMITTEES = [
    _named("plen", "高砂市議会", "令和5年5月臨時会", "2023-05-22", 1, "日"),
    _named("somu", "高砂市議会", "令和5年総務常任委員会", "2023-05-22", None, None),
]


@pytest.mark.parametrize("question", [
    "5月22日の高砂市総務常任委員会で、採決はいつ行われましたか",  # the city's place before the committee's name
    "高砂市の総務常任委員会（令和5年5月22日）で、議案はどう決まりましたか",  # a bracketed date between
])
def test_a_committee_is_named_with_its_citys_place(question):
    assert resolve(question, COMMITTEES, KNOWN).meeting_ids == ("somu",)


def test_the_place_alone_before_another_name_is_not_the_committee():
    res = resolve("高砂市建設常任委員会では何が決まりましたか", COMMITTEES, lambda phrase: False)
    assert res.meeting_ids == () and "建設常任委員会" in res.missing


def test_a_phrase_that_asks_which_meeting_names_none():
    """「第何回定例会でしたか」 asks for the session; it is no reference to a session called so."""
    ref = parse_reference("青森市議会で最後に閉会したのは、何年の第何回定例会でしたか")
    assert ref.phrases == ("青森市議会",) and ref.numbers == ()


def test_a_date_something_happened_on_is_no_sitting_when_the_named_meetings_record_states_it():
    """「…小委員会の小委員として、昭和22年11月13日に労働委員長が選定したのは誰」: no sitting of the
    13th is indexed, but the subcommittee's record (of the 14th) states the choice of the 13th, so the
    question is about that record. A date that names the sitting (「…の本会議で」, 「…に開かれた」), or one
    no record states, is still a meeting that is not indexed."""
    from rag.meetings import event_dates

    catalog = [_named("sub14", "参議院", "労働委員会請願及び陳情に関する小委員会", "1947-11-14", 1, "号"),
               _named("shu47", "衆議院", "労働委員会", "1947-07-28", 1, "号")]
    recorded = {"sub14": {"1947-11-13", "1947-11-14"}, "shu47": {"1947-07-28"}}.get
    q = "参議院労働委員会の請願及び陳情に関する小委員会の小委員として、昭和22年11月13日に労働委員長が選定したのは誰ですか"
    assert event_dates(q) == {"1947-11-13"}
    assert resolve(q, catalog, KNOWN, recorded).meeting_ids == ("sub14",)
    assert resolve(q, catalog, KNOWN).missing  # without the records: as before
    assert resolve(q.replace("13日", "12日"), catalog, KNOWN, recorded).missing  # a day no record states
    sitting = "昭和22年11月13日に開かれた参議院労働委員会の請願及び陳情に関する小委員会では何が決まりましたか"
    assert event_dates(sitting) == set() and resolve(sitting, catalog, KNOWN, recorded).missing
    yearless = q.replace("昭和22年", "")  # 「11月13日に」: the month and day the record states
    assert event_dates(yearless) == {"--11-13"} and resolve(yearless, catalog, KNOWN, recorded).meeting_ids == ("sub14",)


def test_a_body_with_many_meetings_keeps_an_event_date_as_its_sittings():
    """Finding the record that states a date reads records from disk: past MAX_RECORDS_FOR_A_DATE
    meetings of the body named, the date stays a reference (the meeting is said not to be indexed)."""
    from rag.meetings import MAX_RECORDS_FOR_A_DATE

    many = [_named(f"c{i}", "架空市議会", "総務委員会", f"2023-{1 + i % 12:02d}-{1 + i // 12:02d}", i + 1, "号")
            for i in range(MAX_RECORDS_FOR_A_DATE + 1)]
    read = []

    def recorded(meeting_id):
        read.append(meeting_id)
        return {"2023-12-28"}

    q = "架空市議会の総務委員会で、2023年12月28日に市長が決めた方針について何と説明されましたか"
    assert resolve(q, many, KNOWN, recorded).missing and read == []
    assert resolve(q, many[:3], KNOWN, recorded).meeting_ids == ("c0", "c1", "c2")
