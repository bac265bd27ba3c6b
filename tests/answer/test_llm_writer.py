"""The LLM writer: prompt, parsing a reply into claims with exact spans, streaming, and the
chat model RAG_LLM configures (fake chat models stand in for the model; no server)."""
from __future__ import annotations

import socket
import sys

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from conftest import make_settings
from invented_minutes import BRIEFING, HEADER, TARGET, TEXT, evidence
from rag.answer.llm import LLMWriter, make_chat_model, messages, parse_reply, split_sentences
from rag.errors import ConfigError, LLMUnavailableError

EVIDENCE = evidence(TARGET, BRIEFING, HEADER)


def draft(reply: str):
    return LLMWriter(FakeListChatModel(responses=[reply])).draft("目標は何ですか", EVIDENCE, True)


def test_prompt_numbers_the_evidence_with_where_it_stands_and_asks_in_the_question_language():
    ja = messages("目標は何ですか", EVIDENCE, True)
    assert "[n]" not in ja[0].content and "「」で引用" in ja[0].content and "日本語で" in ja[0].content
    body = ja[1].content
    assert body.index("[1] 〔") < body.index(TARGET.text) < body.index("[2] 〔") < body.index("質問: 目標は何ですか")
    assert "鈴木（環境部長）" in body and "2023-06-12" in body
    en = messages("What is the target?", EVIDENCE, False)
    assert "Answer in English" in en[0].content and en[1].content.endswith("Question: What is the target?")


def test_quotes_become_citations_of_exactly_that_span():
    d = draft("鈴木環境部長は、排出量を「500グラムに削減する」ことを目標としています。[1]")
    (claim,) = d.claims
    (c,) = claim.citations
    assert (c.n, c.chunk, c.text) == (1, TARGET, "500グラムに削減する")
    assert c.start == TARGET.start + TARGET.text.index("500グラム") and TEXT[c.start:c.end] == c.text


def test_quote_matching_forgives_width_and_whitespace_and_follows_an_ellipsis_but_cites_the_source():
    d = draft("目標は「５００グラムに 削減する」ことです。[1]"
              "佐藤委員は「家庭ごみの有料化については…説明会を各地区で開催すべきです」と述べました。[2]")
    first, second = (claim.citations[0] for claim in d.claims)
    assert first.text == "500グラムに削減する"
    assert second.text == BRIEFING.text.rstrip("。")  # first segment's start to last one's end, newline included
    assert all(TEXT[c.start:c.end] == c.text for c in (first, second))


def test_marker_without_a_found_quote_cites_the_whole_item_and_unknown_numbers_cite_nothing():
    d = draft("会議は令和5年6月12日に開かれました。[3]目標は500グラムです。[9]")
    assert [(c.n, c.text) for c in d.claims[0].citations] == [(3, HEADER.text)]
    assert d.claims[1].citations == ()  # the verifier reports the marker (bad_marker)


def test_markers_in_any_dress_become_canonical_and_each_sentence_keeps_its_own():
    d = draft("- 目標は500グラムです［１］。\n* 説明会を開くべきだという意見がありました【2】\n"
              "資料は[1, 3]を参照。[2]")
    assert [c.text for c in d.claims] == ["目標は500グラムです[1]。", "説明会を開くべきだという意見がありました[2]",
                                         "資料は[1][3]を参照。[2]"]


def test_sentences_split_at_the_end_not_inside_quotes_and_a_leading_marker_belongs_to_what_follows():
    assert split_sentences("佐藤委員は「説明が足りない。説明会を開くべきだ。」と述べた。[2][1] 次の文です。[3]") == [
        "佐藤委員は「説明が足りない。説明会を開くべきだ。」と述べた。[2][1]", "次の文です。[3]"]
    assert split_sentences("[1] 目標は500グラムです。") == ["[1] 目標は500グラムです。"]
    assert split_sentences("The target is 3.5 kg. It was set in 2023 [1] Next one [2]") == [
        "The target is 3.5 kg.", "It was set in 2023 [1]", "Next one [2]"]


def test_writer_name_and_draft_record_the_model():
    d = draft("目標は「500グラムに削減する」ことです。[1]")
    assert d.writer == "llm:FakeListChatModel" and d.lead == ""
    assert parse_reply("", EVIDENCE, "llm:x").claims == ()


def test_stream_yields_the_reply_as_it_is_generated():
    reply = "目標は「500グラムに削減する」ことです。[1] 説明会の開催を求める意見もありました。[2]"
    writer = LLMWriter(GenericFakeChatModel(messages=iter([AIMessage(reply)])))
    pieces = list(writer.stream("目標は何ですか", EVIDENCE, True))
    assert len(pieces) > 1 and "".join(pieces) == reply


def test_make_chat_model_openai_compatible_endpoint(tmp_path):
    pytest.importorskip("langchain_openai")
    settings = make_settings(tmp_path, RAG_LLM="openai", RAG_LLM_MODEL="gemma-3-270m",
                             RAG_LLM_BASE_URL="http://127.0.0.1:8080/v1")
    model = make_chat_model(settings)
    assert type(model).__name__ == "ChatOpenAI"
    assert model.openai_api_base == "http://127.0.0.1:8080/v1" and model.model_name == "gemma-3-270m"
    assert model.temperature == 0 and model.openai_api_key.get_secret_value() == "not-needed"
    assert model.extra_body == {"max_tokens": 384}  # self-hosted servers read max_tokens
    assert LLMWriter(model).name == "llm:gemma-3-270m"
    keyed = make_chat_model(make_settings(tmp_path, RAG_LLM="openai", RAG_LLM_MODEL="m", RAG_LLM_API_KEY="sk-test"))
    assert keyed.openai_api_key.get_secret_value() == "sk-test"


def test_make_chat_model_ollama(tmp_path):
    pytest.importorskip("langchain_ollama")
    model = make_chat_model(make_settings(tmp_path, RAG_LLM="ollama", RAG_LLM_MODEL="qwen3:0.6b",
                                          RAG_LLM_BASE_URL="http://127.0.0.1:11434"))
    assert type(model).__name__ == "ChatOllama"
    assert (model.model, model.base_url, model.temperature) == ("qwen3:0.6b", "http://127.0.0.1:11434", 0)


def test_make_chat_model_errors_name_what_to_set(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="RAG_LLM is not set"):
        make_chat_model(make_settings(tmp_path))
    monkeypatch.setitem(sys.modules, "langchain_openai", None)  # the package is not installed
    with pytest.raises(ConfigError, match=r"RAG_LLM=openai needs langchain-openai.*\[llm\]"):
        make_chat_model(make_settings(tmp_path, RAG_LLM="openai", RAG_LLM_MODEL="m"))
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)
    with pytest.raises(ConfigError, match="RAG_LLM=ollama needs langchain-ollama"):
        make_chat_model(make_settings(tmp_path, RAG_LLM="ollama", RAG_LLM_MODEL="m"))


def test_unreachable_server_is_an_error_naming_the_url(tmp_path):
    pytest.importorskip("langchain_openai")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    model = make_chat_model(make_settings(tmp_path, RAG_LLM="openai", RAG_LLM_MODEL="m", RAG_LLM_BASE_URL=url))
    with pytest.raises(LLMUnavailableError, match=f"{url}.*RAG_LLM_BASE_URL"):
        LLMWriter(model).draft("目標は何ですか", EVIDENCE, True)
    with pytest.raises(LLMUnavailableError):
        list(LLMWriter(model).stream("目標は何ですか", EVIDENCE, True))
