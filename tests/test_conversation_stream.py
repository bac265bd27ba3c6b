"""A chat turn with an LLM writer (issue 10): the reply is streamed while it is written, then verified
into the answer shown — the model asked once, the shared assistant untouched.

LangChain's fake chat models stand in for the server; everything else is real (the session
index, retrieval, the gate, the verifier). Each test opens its own Assistant and sets its
``answerer.writer``: the session ``assistant`` fixture is shared and stays extractive.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

QUESTION = "防衛省は概算要求で何を求めましたか"
QUOTE = "防護システムの整備、サイバー攻撃対処手法の研究、セキュリティ要員育成等について各府省では最大の要求を行っている"
SUPPORTED = f"防衛省は、平成 20 年度概算要求において「{QUOTE}」と述べました。[1]"
INVENTED = "防衛省は月面基地の建設も求めました。[1]"  # cites the one evidence item: 「防衛省は」 keeps retrieval to its remarks


def assistant_writing(built_settings, reply: str):
    """An assistant over the session index whose LLM writer replies ``reply`` once (a second call fails)."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from rag.answer.llm import LLMWriter
    from rag.service import Assistant

    own = Assistant.open(built_settings)
    own.answerer.writer = LLMWriter(GenericFakeChatModel(messages=iter([AIMessage(reply)])))
    return own


class Screen:
    """Stands in for ``st.write_stream``: takes the pieces one by one, returns the text."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def __call__(self, pieces) -> str:
        self.pieces = list(pieces)
        return "".join(self.pieces)


def test_the_draft_is_streamed_then_verified_from_one_call(built_settings):
    from rag.conversation import answer_turn

    own = assistant_writing(built_settings, f"{SUPPORTED} {INVENTED}")
    screen = Screen()
    ex = answer_turn(own, QUESTION, on_draft=screen)  # the fake model holds one reply: a second call would raise

    assert len(screen.pieces) > 1 and "".join(screen.pieces) == f"{SUPPORTED} {INVENTED}"  # shown as written
    answer = ex.answer
    assert answer.writer == "llm:GenericFakeChatModel" and not answer.abstained and not answer.fallback
    assert answer.text == SUPPORTED  # the invented sentence is gone…
    assert [(r.text, r.reason) for r in answer.removed] == [(INVENTED, "unsupported")]  # …and reported
    (citation,) = answer.citations
    assert citation.text == QUOTE and ex.sources[0].excerpt == QUOTE  # cited exactly as quoted
    source = own.index.records.get(citation.chunk.meeting_id)[1]
    assert source[citation.start : citation.end] == QUOTE


def test_nothing_verified_falls_back_to_the_excerpts(built_settings):
    from rag.conversation import answer_turn

    own = assistant_writing(built_settings, "防衛省は「宇宙開発の予算を倍増する」と述べました。[1]")
    screen = Screen()
    ex = answer_turn(own, QUESTION, on_draft=screen)
    assert "宇宙開発" in "".join(screen.pieces)
    assert ex.answer.fallback and "防護システムの整備" in ex.answer.text and "宇宙開発" not in ex.answer.text
    assert ex.answer.removed and ex.sources


def test_an_unanswerable_question_streams_nothing_and_abstains(built_settings):
    from rag.conversation import answer_turn

    own = assistant_writing(built_settings, "使われない返事です。[1]")
    screen = Screen()
    ex = answer_turn(own, "防衛省の概算要求額は何億円ですか", on_draft=screen)
    assert screen.pieces == [] and ex.answer.abstained and not ex.sources


def test_the_shared_pipeline_is_not_changed(built_settings):
    from rag.conversation import answer_turn

    own = assistant_writing(built_settings, SUPPORTED)
    writer, pipeline = own.answerer.writer, own.answerer
    answer_turn(own, QUESTION, on_draft=Screen())
    assert own.answerer is pipeline and own.answerer.writer is writer  # other sessions answer from it meanwhile


def test_without_a_writer_on_draft_is_not_called(assistant):
    from rag.conversation import answer_turn

    def never(pieces):
        raise AssertionError("no LLM writer: nothing to stream")

    ex = answer_turn(assistant, QUESTION, on_draft=never)
    assert ex.answer.writer == "extractive" and "防護システムの整備" in ex.answer.text
