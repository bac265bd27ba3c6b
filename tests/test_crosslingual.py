"""The English→Japanese bridge reads the real JMdict (jamdict-data) backwards and keeps only the
headwords an index holds; an English question's BM25 query then finds Japanese remarks.

The two remarks below are invented for these tests.
"""
from __future__ import annotations

import pytest

from rag.crosslingual import EnglishBridge, Translation
from rag.lexical import LexicalIndex

CANNABIS = "大麻取締法の改正法案について、医薬品としての使用を認める趣旨を説明いたします。"
BUDGET = "補正予算の財源として国債を発行することについて、財政規律の観点から質問いたします。"
PLENARY = "本会議の日程について議院運営委員会で協議いたしました。"


@pytest.fixture(scope="module")
def bridge():
    b = EnglishBridge()
    if not b.available:
        pytest.fail("jamdict-data is a dependency (pyproject.toml): its dictionary must be installed")
    return b


@pytest.fixture()
def lexical():
    index = LexicalIndex()  # in memory
    index.upsert(["cannabis", "budget", "plenary"], [CANNABIS, BUDGET, PLENARY], [{}, {}, {}])
    return index


def _japanese(translations: list[Translation]) -> dict[str, tuple[str, ...]]:
    return {t.english: t.japanese for t in translations}


def test_only_headwords_the_index_holds_are_kept(bridge, lexical):
    found = _japanese(bridge.translate("What did the minister say about the cannabis control bill?", lexical.phrase_frequency))
    assert "大麻" in found["cannabis"]
    assert "法案" in found["bill"]  # ("(legislative) bill"; 案 "(draft) bill" occurs in it as written too)
    # every headword kept occurs in an indexed text as written; none is a dictionary word the minutes lack
    texts = CANNABIS + BUDGET + PLENARY
    assert all(word in texts for words in found.values() for word in words)
    assert "紙幣" not in found["bill"]  # a sense of "bill" these minutes never use
    # function and question words are not looked up
    assert not {"what", "did", "the", "about"} & set(found)


def test_a_phrase_is_read_before_its_words(bridge):
    everything = lambda word: 1  # noqa: E731 - an index that holds every word
    found = _japanese(bridge.translate("Who spoke at the plenary session on the supplementary budget?", everything))
    assert "本会議" in found["plenary session"] and "補正予算" in found["supplementary budget"]
    assert "session" not in found and "budget" not in found  # the words of a phrase found are not read again
    found = _japanese(bridge.translate("a bill passed by the House of Councillors", everything))
    assert "参議院" in found["house of councillors"]


def test_inflected_words_are_looked_up_in_their_dictionary_form(bridge):
    minutes = {"請願": 4, "陳情": 2, "認める": 3}.get
    found = _japanese(bridge.translate("the councillors approved two petitions", lambda w: minutes(w, 0)))
    assert found == {"petitions": ("請願", "陳情"), "approved": ("認める",)}


def test_at_most_a_few_headwords_per_word_most_used_first(bridge, lexical):
    counts = {"会計": 1, "法案": 9, "請求書": 2, "手形": 3}
    found = _japanese(bridge.translate("bill", lambda w: counts.get(w, 0)))
    assert found == {"bill": ("法案", "手形", "請求書")}


def test_japanese_or_unknown_words_give_nothing(bridge, lexical):
    assert bridge.translate("大麻取締法について", lexical.phrase_frequency) == []
    assert bridge.translate("xylophonequux zzyzx", lambda w: 1) == []


def test_without_the_dictionary_nothing_is_added(tmp_path):
    missing = EnglishBridge(str(tmp_path / "no-such.db"))
    assert not missing.available
    assert missing.translate("cannabis bill", lambda w: 1) == []


def test_phrase_frequency_counts_the_phrase_as_written(lexical):
    assert lexical.phrase_frequency("大麻") == 1
    assert lexical.phrase_frequency("国債") == 1
    assert lexical.phrase_frequency("法案") == 1
    assert lexical.phrase_frequency("予算国債") == 0  # both words are indexed, never side by side
    assert lexical.phrase_frequency("") == 0


def test_an_english_question_finds_the_japanese_remark_by_bm25(bridge, lexical):
    question = "What was explained about the bill amending the Cannabis Control Act?"
    assert lexical.search(question, 3) == []  # no shared token: before the bridge BM25 had nothing
    words = [w for t in bridge.translate(question, lexical.phrase_frequency) for w in t.japanese]
    ranked = lexical.search(" ".join([question, *words]), 3)
    assert ranked and ranked[0][0] == "cannabis"


@pytest.mark.slow
def test_an_english_question_reaches_bm25_on_the_shipped_minutes(assistant):
    """On the seed 議事要旨, the bridge gives BM25 words the minutes use, and its hits take part."""
    from dataclasses import replace

    question = "What did the members say about the information security budget request?"
    query = assistant.bridged(question, None)
    assert query.startswith(question) and "情報セキュリティ" in query and "予算" in query
    hits, _ = assistant.search(question)
    assert any(h.lexical_rank is not None for h in hits)
    # asked in Japanese, or with the bridge turned off (RAG_CROSSLINGUAL=0), BM25 reads the question only
    assert assistant.bridged("情報セキュリティ予算について何と述べましたか", None) is None
    # the Japanese words that only name the meeting are not searched for, as its own words are not
    named = assistant.bridged(question, None, drop={"情報", "セキュリティー"})  # the lemmas BM25 reads
    assert "情報セキュリティ" not in named and "予算" in named
    off = replace(assistant, settings=assistant.settings.with_(crosslingual=False))
    assert off.bridged(question, None) is None
    assert all(h.lexical_rank is None for h in off.search(question)[0])


def test_the_setting_reads_on_and_off_and_names_a_bad_value():
    from rag.config import Settings
    from rag.errors import ConfigError

    assert Settings.from_env({}).crosslingual is True
    assert Settings.from_env({"RAG_CROSSLINGUAL": "0"}).crosslingual is False
    assert Settings.from_env({"RAG_CROSSLINGUAL": "on"}).crosslingual is True
    with pytest.raises(ConfigError, match="RAG_CROSSLINGUAL='maybe'"):
        Settings.from_env({"RAG_CROSSLINGUAL": "maybe"})


def test_a_gloss_that_opens_with_a_note_is_found_by_its_words(bridge):
    # JMdict glosses 公園 "(public) park": the note before the words hid it from a lookup of "park"
    minutes = {"公園": 5}.get
    found = _japanese(bridge.translate("Why are the two parks being combined into one?", lambda w: minutes(w, 0)))
    assert found["parks"] == ("公園",)


def test_an_adjective_without_a_gloss_is_read_as_its_noun(bridge):
    # JMdict glosses 欠席 "absence", and no entry "absent": the noun's entries stand in for it
    minutes = {"欠席": 3}.get
    found = _japanese(bridge.translate("Which official was absent?", lambda w: minutes(w, 0)))
    assert found["absent"] == ("欠席",)
    # a word glossed as itself keeps its own entries ("present": 出席 is "presence", not read for it)
    found = _japanese(bridge.translate("Who was present?", lambda w: {"出席": 3, "現在": 2}.get(w, 0)))
    assert "出席" not in found.get("present", ())


def test_a_numbered_bill_or_petition_is_read_as_the_minutes_number_it():
    """"Bill No. 70" is 議案第７０号 in the minutes (the dictionary gives 法案 for "bill" and nothing for the
    number); only forms the index holds are kept, and the words used are not looked up again."""
    index = LexicalIndex()
    index.upsert(["bill", "petition", "item"],
                 ["ただいま議題に供されました議案第７０号についてご説明いたします。",
                  "陳情第３号は委員会に付託いたします。", "日程第４、会期の決定を議題といたします。"], [{}, {}, {}])
    bridge = EnglishBridge()
    found = _japanese(bridge.translate("Who explained Bill No. 70 and petition no. 3?", index.phrase_frequency))
    assert found["Bill No. 70"] == ("議案第70号", "第70号")
    assert found["petition no. 3"] == ("陳情第3号", "第3号")  # no 請願第3号 in these minutes
    assert "bill" not in found and "petition" not in found
    assert _japanese(bridge.translate("What was agenda item 4?", index.phrase_frequency))["agenda item 4"] == ("日程第4",)
    assert "Bill No. 71" not in _japanese(bridge.translate("Bill No. 71?", index.phrase_frequency))
    ranked = index.search(" ".join(["Who explained Bill No. 70?", "議案第70号", "第70号"]), 3)
    assert ranked and ranked[0][0] == "bill"
