"""Reading a question (rag.answer.analysis): language, what it asks about, quantities and dates."""
from __future__ import annotations

import pytest

from rag.answer.analysis import (
    DATE_TEXT,
    DAY_TEXT,
    QUANTITY_QUESTION,
    about_meeting,
    detect_intents,
    is_japanese,
)
from rag.lexical import tokenize


@pytest.mark.parametrize("text, japanese", [
    ("GSOCの新設について、どのような評価がありましたか", True),
    ("PyCon JP Association運営会議#58で、新しい代表理事には誰が決まりましたか。", True),
    ("At the Otofuke town assembly, why was the ordinance (音更町立保育園条例) being abolished?", False),
    ("What did the police say about international cooperation?", False),
    ("USB", False),
])
def test_language_is_the_majority_script(text, japanese):
    assert is_japanese(text) is japanese


def _weights(question: str) -> dict[str, float]:
    return {t: 1.0 for t in tokenize(question)}


@pytest.mark.parametrize("question, about", [
    ("第14回会合はいつ開催されましたか", True),
    ("墨田区議会の12月緊急議会はどこで開かれましたか", True),
    ("音更町議会の本会議で、十勝川温泉に整備する子ども向け屋内遊戯場はいつ開業する予定と説明されましたか", False),
    ("中央環境審議会第31回総会の報告によると、プラスチック条約の次の政府間交渉はいつ、どこの国で行われますか", False),
    ("情報セキュリティの日は何月何日ですか", False),  # no meeting word at all
    ("When was the meeting held?", True),
    ("第14回会合の次回会合はいつ開催されますか", False),  # the next meeting is another meeting
    ("When is the next board meeting after meeting #58 scheduled?", False),
    ("What was the date of the 14th meeting?", True),
    ("When was the emergency session?", True),
    ("What time did the sitting start and finish?", True),
    ("On what date did the House finally pass the bill explained at its plenary sitting No. 8?", False),
    # the verb is the meeting's only in its clause: here the federation held the congress
    ("At the July 1947 joint committee meeting on the bill, where did the minister say the federation had "
     "held its congress?", False),
    ("Where was the 31st general meeting of the council held?", True),
    ("At the December session, what did the mayor announce about a donation from Open House Group?", False),
    # how the sitting ran its course and the loose date naming it are about the meeting too
    ("墨田区の年末の緊急議会は、最終的に何時に終わりましたか", True),
    # a long meeting name does not drown the question's own words: another date is asked
    ("中央環境審議会第31回総会（令和5年11月21日）で、計画案に基づく法案を国会に提出する具体的な日付は何月何日", False),
    ("中央環境審議会第31回総会（令和5年11月21日）は何時から何時まで開かれましたか", True),
    # 「Xの開催日」: X's date, though X shares a word with the meeting's name (PyCon); a meeting's own
    ("PyCon JP運営会議#58で、PyCon APAC 2023の開催日と会場はどこだと報告されましたか", False),
    ("中央環境審議会第31回総会の開催日はいつですか", True),
    ("第14回会合の開催場所はどこですか", True),
    ("墨田区議会の12月緊急議会は、どこの会場で開かれましたか", True),
])
def test_about_the_meeting_or_about_something_it_discussed(question, about):
    meeting = set(tokenize("墨田区議会 音更町議会 中央環境審議会 第31回総会 第14回会合 12月緊急議会 PyCon JP運営会議"))
    assert about_meeting(question, _weights(question), meeting) is about


def test_dates_of_other_events_and_days():
    for text in ("来年4月頃に閣議決定を目指して", "令和6年度中に", "年内に取りまとめ", "12月25日", "1月下旬"):
        assert DATE_TEXT.search(text), text
    assert not DATE_TEXT.search("3点ほど質問します")
    assert DAY_TEXT.search("12 月 25 日") and not DAY_TEXT.search("来年4月頃")


@pytest.mark.parametrize("question, asks", [
    ("家庭ごみの排出量は何グラムまで減らしますか", True),
    ("支給対象はおよそどれだけ増えますか", True),
    ("How many people attended?", True),
    ("何故延期したのですか", False),
    ("何が決まりましたか", False),
])
def test_quantity_questions(question, asks):
    assert bool(QUANTITY_QUESTION.search(question.lower())) is asks


def test_percentages_are_an_answer_type():
    from rag.answer.analysis import ANSWER_TYPES

    asks, has, what, _ = next(t for t in ANSWER_TYPES if t[2] == "割合")
    assert asks.search("落札率は何％と説明されましたか") and asks.search("投票率はどれくらいでしたか")
    assert not asks.search("落札者は誰ですか")
    assert has.search("落札率は86.9%") and has.search("約3割") and not has.search("落札した")


def test_a_reason_about_participants_is_not_the_attendee_list():
    from rag.answer.analysis import detect_intents

    assert "attendees" not in detect_intents("PyCon JP 2022、参加者が少なかった原因は？")
    assert "attendees" not in detect_intents("Why were there fewer participants than expected?")
    assert "attendees" in detect_intents("社員総会の参加者は誰ですか")


def test_a_resolution_bill_is_a_document_not_a_decision():
    from rag.answer.analysis import detect_intents

    assert "decision" not in detect_intents("決議案は、誰が発議したものですか")
    assert "decision" in detect_intents("本会議では何が決議されましたか")


@pytest.mark.parametrize("question, intents", [
    ("本会議は何時に散会しましたか", ["closing"]),  # the clock line answers, not the header's date
    ("緊急議会は、最終的に何時に終わりましたか", ["closing"]),
    ("本会議はいつ閉会しましたか", ["date", "closing"]),  # the day as well as the time
    ("What time did the sitting end?", ["closing"]),
    ("本会議は何時に開会しましたか", ["date"]),  # the opening time is the header's
    ("給付金の受付は何時に終了しますか", []),  # no meeting word: not the sitting's end
])
def test_when_the_sitting_ended_is_its_own_record_part(question, intents):
    assert detect_intents(question) == intents


def test_a_number_per_person_is_no_count_of_people():
    """「子ども１人当たり２万円」 answers no 「何人」: the number before 当たり is a rate's unit."""
    from rag.answer.analysis import asked_values, counted
    from rag.lexical import normalize

    people = next(a for a in asked_values("対象となる子どもは何人と見込まれていますか") if a.what == "人数")
    assert not people.has.search(normalize("18歳以下の子ども１人当たり２万円を給付する"))
    assert people.has.search(normalize("対象となる子どもは約３万人を見込んでいます"))
    assert not people.has.search(normalize("１人につき２万円"))
    ((reports, _, _),) = counted("何件の報告が配付資料のとおりとされましたか")
    assert reports.search(normalize("以下、８件につきましては、既に配付済みの資料のとおりであります"))  # "as for the eight"
    ((households, _, _),) = counted("何世帯に支給されますか")
    assert not households.search(normalize("１世帯当たり３万円")) and households.search(normalize("約２，４００世帯"))


def test_a_spoken_amount_without_yen_is_an_amount_but_a_count_is_not():
    from rag.answer.analysis import asked_values
    from rag.lexical import normalize

    amount = next(a for a in asked_values("課長が決められる物品購入の金額はいくらまでですか") if a.what == "金額")
    assert amount.has.search(normalize("物品でいえば、もう３０万以下は全部課長が担当しています"))
    assert amount.has.search(normalize("２億７，８０８万円"))
    assert amount.has.search(normalize("自動車関連は部品も含めて約五兆円、四割弱ですね"))
    assert not amount.has.search(normalize("人口は約３万人、申請は１万件でした"))
    # the counter may follow the digits after 万: households, not yen
    assert not amount.has.search(normalize("対象として約１万８００世帯を見込んでおる"))
    assert not amount.has.search(normalize("約１億２，０００万人"))


@pytest.mark.parametrize("question, asks", [
    ("首都圏の外でもPyConを開いてほしいと話したのは誰ですか", True),
    ("国の対応について大臣は何と語ったか", True),
    ("What did the minister mention about the budget?", True),
    # a document's name is not a statement: who submitted 「…を求める意見書」 is not who said it
    ("陳情第３号「国立病院の機能強化を求める意見書」提出の件は、誰が出した陳情ですか", False),
    ("質問書を提出したのはどの会派ですか", False),
    ("学校給食費の値上げが話題になりましたか", False),
    ("小委員長に決まった栗山良夫君は、就任に当たってどのような挨拶をしましたか", True),  # a greeting is said
])
def test_a_statement_question_asks_what_was_said(question, asks):
    from rag.answer.analysis import STATEMENT_QUESTION

    assert bool(STATEMENT_QUESTION.search(question.lower())) is asks


@pytest.mark.parametrize("question, what", [
    ("How many members voted in favour of the budget?", "票数"),
    ("How many public comments did the ward receive?", "「何件」にあたる数"),
    ("How many visitors per year did the mayor expect?", "人数"),
    ("How many households will receive the benefit?", "「何世帯」にあたる数"),
    ("How many of the 30 members were present when the meeting opened?", "人数"),
])
def test_english_counts_ask_for_the_counter_the_minutes_write(question, what):
    from rag.answer.analysis import asked_values

    assert what in [a.what for a in asked_values(question.lower())]


@pytest.mark.parametrize("question, asks_a_date", [
    ("When was the 31st general meeting held?", True),
    ("At the Sumida emergency session, when did the mayor say the benefit would be paid?", True),
    ("How many of the 30 members were present when the meeting opened?", False),  # a conjunction
    ("What did the minister say when asked about the deficit?", False),
    ("第31回総会はいつ開催されましたか", True),
])
def test_english_when_asks_a_date_only_as_the_question_word(question, asks_a_date):
    from rag.answer.analysis import asked_values

    assert ("該当する日付" in [a.what for a in asked_values(question.lower())]) is asks_a_date


@pytest.mark.parametrize("question, what, answered_by", [
    # "how much of the inhabited land": a share, which 「20％」 answers; not money
    ("What projection did a member cite about how much of Japan's inhabited land would become uninhabited by 2050?",
     "数量", "2050年には20％が無居住地域になる"),
    ("How much did the town spend on snow removal?", "金額", "除雪費に３，０００万円を追加"),
    ("How much funding did the ministry request?", "金額", "概算要求額は５億円"),
])
def test_english_how_much_asks_money_only_beside_a_money_word(question, what, answered_by):
    from rag.answer.analysis import asked_values
    from rag.lexical import normalize

    asked = asked_values(question.lower())
    assert [a.what for a in asked] == [what]
    assert asked[0].has.search(normalize(answered_by))


@pytest.mark.parametrize("question, intent, wanted", [
    ("12月6日の参議院本会議で、CPTPPへの英国加入の議定書はどう扱われた？", "decision", True),
    ("物価高騰対策給付金に係る差押禁止等に関する法律案はどのように議決されましたか", "decision", True),
    ("全会一致で可決された法律案はどれですか", "decision", True),
    # the vote only names the matter asked about
    ("可決された職員の給与条例の改正で、配偶者のいる職員の家族手当は今後どうなりますか", "decision", False),
    ("承認された固定資産税の専決処分では、大規模な修繕をいつから減額しますか", "decision", False),
    ("墨田区議会の12月緊急議会で審議された議案は何ですか", "agenda", True),
    ("令和5年12月1日の参議院本会議で趣旨説明が行われた法律案は何ですか", "agenda", True),
    ("議案第70号の補正額はいくらですか", "agenda", False),
    ("法律案はどのように議決されましたか", "agenda", False),
    ("Which directors took part in board meeting #58?", "attendees", True),
    ("Which resolution did the House of Councillors adopt on 29 November 2023?", "decision", True),
    # the headings minutes list their agenda under
    ("11月14日の小委員会で、会議に付した事件は何でしたか", "agenda", True),
    ("政策部の協議事項として報告されたのは何ですか", "agenda", True),
    ("議事日程第九号の会議は何時に開議しましたか", "agenda", False),  # names the sitting
])
def test_the_record_part_asked_for_in_other_words(question, intent, wanted):
    assert (intent in detect_intents(question)) is wanted


def test_a_day_written_in_kanji_is_a_day():
    from rag.answer.analysis import DAY_TEXT

    assert DAY_TEXT.search("令和五年十二月六日（水曜日）") and DAY_TEXT.search("12月6日")
    assert not DAY_TEXT.search("十二月中に")


def test_the_sittings_number_in_kanji_is_not_a_topic_word():
    from rag.answer.analysis import about_meeting

    weights = {"議事": 3.7, "日程": 1.0, "第": 1.0, "九": 4.2, "号": 1.2, "月": 2.4, "日": 2.7, "開く": 3.4}
    assert about_meeting("参議院本会議の議事日程第九号の会議は何月何日に開かれましたか", weights, {"参議", "院本", "会議"})


@pytest.mark.parametrize("text, holds", [
    ("入札には取扱いが可能な業者５者が参加しました", True),  # bidders are counted 者 in procurement
    ("３社から見積りを徴しました", True),
    ("多くの業者が参加しました", False),
])
def test_a_count_of_companies_is_written_with_either_counter(text, holds):
    from rag.answer.analysis import asked_values
    from rag.lexical import normalize

    (asked,) = [a for a in asked_values("入札には何社が参加しましたか") if "何社" in a.what]
    assert bool(asked.has.search(normalize(text))) is holds


@pytest.mark.parametrize("line, dates", [
    ("これにて令和6年第4回青森市議会定例会を閉会いたします", False),  # a session's name dates nothing
    ("令和7年第1回定例会において御議決いただいた上で", False),
    ("派遣は令和7年1月に行います", True),
    ("2025年の夏に開催します", True),
    ("来年の春には完成します", True),
])
def test_a_year_that_names_a_session_is_no_date(line, dates):
    from rag.answer.analysis import DATE_TEXT
    from rag.lexical import normalize

    assert bool(DATE_TEXT.search(normalize(line))) is dates


@pytest.mark.parametrize("question, what", [
    ("移転する病院の病床数は何床とされていますか", ["「何床」にあたる数"]),  # a counter no table lists
    ("災害用のテントを何基購入しましたか", ["「何基」にあたる数"]),
    ("およそ何世帯に支給されますか", ["「何世帯」にあたる数"]),  # the table's counter, read once
    ("何時に開会しましたか", []),  # the clock, not a count
    ("何故延期したのですか", []),
])
def test_a_count_is_read_with_the_counter_the_question_writes(question, what):
    from rag.answer.analysis import counted

    assert [w for _, w, _ in counted(question)] == what


@pytest.mark.parametrize("question, role", [
    ("理事者側の消防長を務めていたのは誰ですか", "消防長"),
    ("連合審査会に、決算委員長として出席していたのは誰ですか", "決算委員長"),
    ("答弁した政府参考人は誰ですか", "政府参考人"),
    ("本会議に、説明員として出席した企画部長は誰ですか", "企画部長"),  # 「として」 is the capacity
    ("会議に出席したのは誰ですか", None),  # no office
    ("委員長として議事を進める際の注意点は何ですか", None),  # not a who-question
    ("議案を説明した消防本部総務課長の氏名（フルネーム）は何ですか", "消防本部総務課長"),  # a full name asks who
])
def test_the_office_a_who_question_asks_about(question, role):
    from rag.answer.analysis import asked_role

    assert asked_role(question) == role


def test_an_office_acted_in_is_not_the_office_asked_for_of_a_speaker():
    """A speaker's label need not give the capacity he acted in (「27番」 reports as 委員長)."""
    from rag.answer.analysis import asked_role

    assert asked_role("文教経済常任委員長として審査結果を報告したのは誰ですか", capacity=False) is None
    assert asked_role("答弁した政府参考人は誰ですか", capacity=False) == "政府参考人"


def test_a_roster_line_names_an_office_only_as_a_whole_word():
    from rag.answer.analysis import names_role

    assert names_role("委員長　　架空　一郎　　委員　見本　二郎", "委員長")
    assert not names_role("副委員長　試験　三郎", "委員長")
    assert names_role("仮名　四郎　　　財務部長　例示　五郎", "財務部長")  # the second column
    assert names_role("勞働委員長　甲野　太郎君", "労働委員長")  # old kanji as today's
    assert not names_role("勞働委員長　甲野　太郎君", "決算委員長")


def test_a_full_name_asked_of_a_speaker_is_read_from_the_roster():
    """「…を説明した課長の氏名（フルネーム）」: the speaker's label may give the surname only (「高須」); the
    roster line gives the office with the full name, so the attendee list is routed though the
    question says 説明した (a statement word that otherwise asks for the speaker, not the list)."""
    from rag.answer.analysis import detect_intents

    assert "attendees" in detect_intents("議案を説明した消防本部総務課長の氏名（フルネーム）は何ですか")
    assert "attendees" not in detect_intents("議案を説明したのは誰ですか")


@pytest.mark.parametrize("question, objection", [
    ("議案第146号に異議を唱えたのは誰ですか", True),
    ("議案第147号及び議案第148号に異議があると述べたのは誰ですか", True),
    ("議長が「御異議ありませんか」と諮ったのは何の議案ですか", False),
])
def test_who_objected_is_its_own_record_part(question, objection):
    from rag.answer.analysis import detect_intents

    assert ("objection" in detect_intents(question)) is objection
