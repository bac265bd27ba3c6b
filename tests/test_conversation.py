"""Follow-up resolution: which questions lean on the previous turn, and what is searched instead."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT

from rag.conversation import Resolution, answer_turn, content_phrases, is_follow_up, resolve

BUDGET_Q = "平成20年度の情報セキュリティ関連予算要求について、各省は何を述べましたか"


@pytest.mark.parametrize(
    "question",
    [
        "それについて防衛省は？",
        "防衛省は？",
        "警察の場合は？",
        "外務省はどうですか",
        "その理由は？",
        "では総務省は",
        "同じ点について経済産業省は何と言いましたか",
        "先ほどの予算の件で、防衛省が要求した内容を詳しく教えてください",
        "What about the police?",
        "And the Ministry of Foreign Affairs?",
        "Why did they say that?",
    ],
)
def test_follow_ups_are_recognised(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "防衛省は概算要求で何を求めましたか",
        "Y2Kの取り組みはなぜベストプラクティスとされましたか",
        "情報セキュリティに関する基本法について、どのような意見がありましたか",
        "その他の意見として、人材について何が述べられましたか",  # その他 is not an anaphor
        "各省はそれぞれ国際協調について何を述べましたか",
        "警察はこれまで国際的な連携についてどのような取り組みを進めてきたと述べましたか",
        "What did the Ministry of Defense request in its budget for fiscal 2008?",
        "",
    ],
)
def test_standalone_questions_are_not_rewritten(question):
    assert not is_follow_up(question)
    assert resolve(question, [BUDGET_Q]) == Resolution(question.strip(), question.strip())


def test_no_question_of_the_eval_set_is_taken_for_a_follow_up():
    """The eval questions stand alone; 「攻撃とその対応」「これまで」「それぞれ」 are not anaphors."""
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 50
    assert [q for q in questions if is_follow_up(q)] == []


def test_content_phrases_keep_compound_nouns_and_drop_question_words():
    assert content_phrases(BUDGET_Q) == ["平成20年度", "情報セキュリティ関連予算要求", "各省"]
    assert content_phrases("第14回会合はいつ開催されましたか") == ["第14回会合", "開催"]
    assert content_phrases("What did the Ministry of Defense request in its budget?")[-1] == "budget"


def test_anaphoric_follow_up_carries_the_topic_and_swaps_the_ministry():
    r = resolve("それについて防衛省は？", [BUDGET_Q])
    assert r.rewritten
    assert r.carried == ("平成20年度", "情報セキュリティ関連予算要求")  # 各省 is replaced by 防衛省
    assert r.query == "平成20年度 情報セキュリティ関連予算要求 それについて防衛省は？"
    assert r.previous == BUDGET_Q
    assert "平成20年度" in r.note() and r.query in r.note()


def test_question_type_words_are_not_carried():
    # 「場所は？」 after a date question must not keep asking for the date (日時) or attendees
    r = resolve("場所は？", ["第14回会合の日時と出席者を教えてください"])
    assert r.carried == ("第14回会合",)
    assert "日時" not in r.query and "出席者" not in r.query


def test_another_meeting_number_replaces_the_previous_one():
    r = resolve("では第15回会合は？", ["第14回会合で防衛省は何を述べましたか"])
    assert "第14回会合" not in r.carried
    assert "防衛省" in r.carried


def test_only_the_latest_query_is_used_and_chains_keep_the_topic():
    first = "防衛省は概算要求で何を求めましたか"
    second = resolve("警察は？", [first])
    assert second.query == "概算要求 警察は？"
    third = resolve("外務省は？", [first, second.query])
    assert third.query == "概算要求 外務省は？"


def test_nothing_to_carry_leaves_the_question_alone():
    r = resolve("防衛省は？", ["防衛省は？"])
    assert not r.rewritten and r.note() == ""
    assert resolve("防衛省は？", []).query == "防衛省は？"


def test_english_follow_up_drops_the_previous_ministry():
    r = resolve("What about the police?", ["What did the Ministry of Defense request in its budget?"])
    assert r.query == "budget What about the police?"


@pytest.mark.slow
def test_answer_turn_resolves_against_the_real_index(assistant):
    first = answer_turn(assistant, "防衛省は概算要求で何を求めましたか")
    assert not first.answer.abstained and first.query == first.question
    assert "防護システムの整備" in first.sources[0].excerpt
    follow = answer_turn(assistant, "それについて警察は？", [first.query])
    assert follow.query == "概算要求 それについて警察は？"
    assert follow.note and not follow.answer.abstained
    assert follow.sources[0].organisation == "警察"
    literal = answer_turn(assistant, "それについて警察は？", [first.query], follow_ups=False)
    assert literal.query == literal.question and literal.note == ""


def test_a_standalone_question_is_never_rewritten():
    from rag.conversation import resolve

    # issue 10: 「次回会合の日程は？」 after another question asks its own question
    res = resolve("次回会合の日程は？", ["防衛省は概算要求で何を求めましたか"])
    assert not res.rewritten and res.query == "次回会合の日程は？"
    assert resolve("防衛省は？", ["各省は予算について何を述べましたか"]).rewritten  # still elliptical
