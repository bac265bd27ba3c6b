"""Extractive answers on the real index: grounded citations, and abstention when the minutes don't say."""
from __future__ import annotations

import re
import unicodedata

import pytest

from rag.answer.analysis import detect_intents
from rag.answer.pipeline import NOT_FOUND_JA


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _check_grounded(assistant, answer):
    for c in answer.citations:
        text = assistant.index.records.text(c.chunk.meeting_id)
        assert text[c.start : c.end] == c.text
        assert c.chunk.start <= c.start < c.end <= c.chunk.end
        assert f"[{c.n}]" in answer.text


@pytest.mark.parametrize(
    "question, expected",
    [
        ("防衛省は概算要求で何を求めましたか", "防護システムの整備"),
        ("第14回会合はいつ開催されましたか", "平成19年10月3日"),
        ("会合の場所はどこでしたか", "総理大臣官邸大会議室"),
        ("総務大臣の代理で出席したのは誰ですか", "岡本 芳郎"),
        ("何が政策会議決定されましたか", "国際協調・貢献に向けた取組み"),
        ("警察はデジタルフォレンジックをどう活用すると述べましたか", "活用等による捜査の推進"),  # after a page break
        ("Y2Kの取り組みはどう評価されましたか", "ベストプラクティスであった"),  # continuation paragraph
        ("What did the Ministry of Defense request in the FY2008 budget?", "防護システムの整備"),
    ],
)
def test_answers_cite_the_evidence(assistant, question, expected):
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert any(_norm(expected) in _norm(c.text) for c in answer.citations), answer.text
    assert _norm(expected) in _norm(answer.text)
    _check_grounded(assistant, answer)


def test_named_ministry_is_not_answered_with_another_ministrys_remark(assistant):
    answer = assistant.ask("外務省は国際協調についてどう述べましたか")
    assert not answer.abstained
    orgs = [c.chunk.organisation for c in answer.citations]
    assert orgs[0] == "外務省" and not ({"総務省", "経済産業省", "警察", "防衛省"} & set(orgs))


def test_lead_names_meeting_and_date(assistant):
    answer = assistant.ask("防衛省は概算要求で何を求めましたか")
    first = answer.text.splitlines()[0]
    assert "情報セキュリティ政策会議 第14回会合" in first and "平成19年10月3日" in first and "2007-10-03" in first


@pytest.mark.parametrize(
    "question",
    [
        "第15回会合はいつ開催されましたか",  # another meeting
        "第20回会合の出席者は誰ですか",  # another meeting, though 「20」 occurs (平成20年度)
        "ブロックチェーンについてどのような議論がありましたか",  # never mentioned
        "防衛省の概算要求額は何億円ですか",  # no amounts in the minutes
        "村井純教授はどのような意見を述べましたか",  # remarks are not attributed to names
        "文部科学省は何と発言しましたか",  # ministry absent
    ],
)
def test_abstains_when_the_minutes_do_not_say(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained, answer.text
    assert answer.text.startswith(NOT_FOUND_JA)
    assert answer.citations == ()
    assert answer.abstention and answer.abstention[0]  # structured: (code, detail)
    if answer.abstention[0] == "meeting_not_indexed":
        assert "第" in answer.abstention[1] and not answer.contexts  # resolved before any search
    else:
        assert answer.contexts  # what was searched is still reported


def test_intents():
    assert detect_intents("会合はいつ開催されましたか") == ["date"]
    assert detect_intents("情報セキュリティの日は何月何日ですか") == []  # not about the meeting itself
    assert "attendees" in detect_intents("防衛大臣の代理は誰ですか")


@pytest.mark.parametrize("question", ["....", "a", "？！。", "SELECT * FROM users; DROP TABLE minutes", "rm -rf /"])
def test_non_questions_get_no_cited_answer(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.citations == () and answer.abstention[0] == "not_a_question"


def test_question_length_is_capped(assistant):
    from rag.errors import InputError

    with pytest.raises(InputError, match="at most 2,000 characters"):
        assistant.ask("予算" * 1001)
