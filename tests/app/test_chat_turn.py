"""One chat turn as the page draws it (AppTest over the session index): the answer once, compact numbered
source cards, the verification note of an LLM answer, the writer named in the sidebar, and the
static script that brings the answer's start into view.

The LLM writer is LangChain's fake chat model on a test-local Assistant, handed to the script
through session state (the app itself builds its assistant from the environment).
"""
from __future__ import annotations

import pytest

from conftest import CORPUS_DIR, ROOT

pytestmark = pytest.mark.slow

QUESTION = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
QUOTE = "防護システムの整備、サイバー攻撃対処手法の研究、セキュリティ要員育成等について各府省では最大の要求を行っている"
SUPPORTED = f"防衛省は、平成 20 年度概算要求において「{QUOTE}」と述べました。[1]"


def _turn_script():
    """The chat page's live turn, for an assistant and a question put in session state by the test."""
    import streamlit as st

    from rag.app.chat_page import answer_live
    from rag.app.chrome import scroll_to_answer
    from rag.app.ui import render_exchange

    with st.chat_message("assistant"):
        ex = answer_live(st.session_state["assistant"], st.session_state["question"], [], None)
        if ex is not None:
            render_exchange(ex, key="t0")
            scroll_to_answer()


def run_turn(assistant, question: str = QUESTION):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_turn_script, default_timeout=120)
    at.session_state["assistant"] = assistant
    at.session_state["question"] = question
    at.run()
    assert not at.exception, at.exception
    return at


def writing(built_settings, reply: str):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from rag.answer.llm import LLMWriter
    from rag.service import Assistant

    own = Assistant.open(built_settings)
    own.answerer.writer = LLMWriter(GenericFakeChatModel(messages=iter([AIMessage(reply)])))  # one call only
    return own


def test_the_answer_is_shown_once_with_compact_numbered_cards(assistant):
    at = run_turn(assistant)
    msg = at.chat_message[0]
    texts = [m.value for m in msg.markdown]
    answer = texts[0]
    assert EXCERPT in answer and "[1]" in answer
    cards = [t for t in texts if t.startswith("**[")]
    snippets = [t for t in texts if 'class="source-snippet"' in t]
    assert cards[0].startswith("**[1]** 情報セキュリティ政策会議 第14回会合 ／ 2007年10月3日")
    assert len(snippets) == len(cards) == len(assistant.ask(QUESTION).citations)
    # the card: one highlighted line (cut with … by CSS), the full excerpt only inside its closed expander
    assert "<mark" in snippets[0] and "white-space:nowrap" in snippets[0] and "text-overflow:ellipsis" in snippets[0]
    assert not any(t.startswith("> ") for t in texts)  # no second full quote of the excerpt
    context = next(e for e in msg.expander if e.label == "議事録の該当箇所を前後の文脈とともに表示")
    assert any(EXCERPT in m.value and "<mark" in m.value for m in context.markdown)
    assert not any(c.value.startswith(":material/fact_check:") for c in msg.caption)  # extractive: no note


def test_the_turn_ends_with_the_static_scroll_script(assistant):
    from rag.app.chrome import _SCROLL_JS

    at = run_turn(assistant)
    (script,) = at.get("html")
    assert script.proto.body == _SCROLL_JS and script.proto.unsafe_allow_javascript
    assert "防" not in _SCROLL_JS and "stChatMessageAvatarAssistant" in _SCROLL_JS  # static: no minutes text


def test_an_llm_answer_is_replaced_by_its_verified_text_with_a_note(built_settings):
    at = run_turn(writing(built_settings, f"{SUPPORTED} 防衛省は月面基地の建設も求めました。[2]"))
    msg = at.chat_message[0]
    assert msg.markdown[0].value.startswith("防衛省は、平成 20 年度概算要求において「") and "月面基地" not in msg.markdown[0].value
    assert [c.value for c in msg.caption][0] == ":material/fact_check: 検証で確認できなかった文を除きました。"
    assert any(QUOTE in m.value for m in msg.markdown if 'class="source-snippet"' in m.value)


def test_an_unverifiable_llm_answer_falls_back_with_a_note(built_settings):
    at = run_turn(writing(built_settings, "防衛省は「宇宙開発の予算を倍増する」と述べました。[1]"))
    msg = at.chat_message[0]
    assert "宇宙開発" not in msg.markdown[0].value and EXCERPT in msg.markdown[0].value
    # said once, in the answer's first line (not again in a caption under it)
    assert msg.markdown[0].value.startswith("（生成した回答は根拠の抜粋で確かめられなかったため、抜粋のみを示します）")
    assert not any(c.value.startswith(":material/fact_check:") for c in msg.caption)


def test_an_unreachable_llm_falls_back_to_the_excerpts_and_says_why(built_settings):
    from rag.answer.llm import LLMWriter
    from rag.service import Assistant

    class Down:
        model_name = "down-model"

        def stream(self, messages):
            raise ConnectionError("connection refused")
            yield  # pragma: no cover

    own = Assistant.open(built_settings)
    own.answerer.writer = LLMWriter(Down())
    at = run_turn(own)
    assert not at.error and not at.exception
    msg = at.chat_message[0]
    assert "cannot be reached" in msg.markdown[0].value and "抜粋のみを示します" in msg.markdown[0].value
    assert EXCERPT in msg.markdown[0].value
    # the reason is that no model answered, not that its answer failed verification
    assert not any("確認できなかった" in c.value or "確かめられなかった" in c.value for c in msg.caption)
    assert "確かめられなかった" not in msg.markdown[0].value


def test_the_sidebar_names_the_writer(built_settings, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rag.app.ui import writer_label

    assert writer_label(writing(built_settings, "x").answerer) == "回答の作成: LLM（GenericFakeChatModel）＋検証"
    monkeypatch.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    monkeypatch.setenv("RAG_DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    for var in ("CHROMA_HOST", "RAG_EMBEDDING_BACKEND", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K", "RAG_LLM"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert "回答の作成: 抜粋（LLMなし）" in [m.value for m in at.sidebar.markdown]
