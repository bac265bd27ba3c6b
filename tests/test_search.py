"""Keyword search (rag.search): phrases against words, filters, pages, and highlights that are exactly
the matched characters; over the bundled 議事要旨 and two real 会議録 from ../shared/corpus-dev, in a
real BM25 index (hash embeddings: the dense side plays no part in keyword search)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED, make_settings

CORPUS_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-dev"
PLENARY = CORPUS_DEV / "ndl_api_meeting_s212_sangiin_plenary.xml"
TAKASAGO = CORPUS_DEV / "kensakusystem_takasago_plenary_20230522.txt"
needs_dev = pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not present")
pytestmark = [needs_dev]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from rag.index import MinutesIndex

    settings = make_settings(tmp_path_factory.mktemp("search-data"), RAG_EMBEDDING_BACKEND="hash")
    report = MinutesIndex(settings).ingest([SEED, PLENARY, TAKASAGO])
    assert report.ok and len(report.added) == 3, report
    return settings


@pytest.fixture(scope="module")
def index(settings):
    from rag.index import MinutesIndex

    return MinutesIndex(settings)


def search(index, query, filters=None, offset=0, limit=20):
    from rag.search import keyword_search

    return keyword_search(index, query, filters, offset, limit)


def marked(hit) -> list[str]:
    return [hit.chunk.text[a:b] for a, b in hit.marks]


# ------------------------------------------------------------------ the query


def test_quoted_phrases_are_split_from_the_words():
    from rag.search import parse_query

    q = parse_query('「国立大学法人」 改正 "G S O C"  “運営方針会議”')
    assert q.phrases == ("国立大学法人", "G S O C", "運営方針会議") and q.words == "改正"
    q = parse_query("「予算 」 「」 」余り")  # empty quotes and stray marks are not phrases
    assert q.phrases == ("予算",) and q.words == "余り"
    assert parse_query("  ").empty and not parse_query("「予算」").empty


def test_nothing_to_search_finds_nothing(index):
    for query in ("", "   ", "について", "「」"):
        page = search(index, query)
        assert page.total == 0 and page.hits == ()
    assert search(index, "について").terms == ()  # particles only: the page says so


# ------------------------------------------------------------------ phrases and words


def test_a_phrase_finds_only_chunks_that_contain_it_and_words_find_more(index):
    from rag.lexical import normalize

    words = search(index, "国立大学法人", limit=200)
    phrase = search(index, "「国立大学法人」", limit=200)
    assert phrase.total == len(phrase.hits) == 43
    assert words.total == len(words.hits) > phrase.total
    assert all("国立大学法人" in normalize(h.chunk.text) for h in phrase.hits)
    assert any("国立大学法人" not in normalize(h.chunk.text) for h in words.hits)  # 「大学」 alone is enough for words
    assert {h.chunk.chunk_id for h in phrase.hits} <= {h.chunk.chunk_id for h in words.hits}
    # every highlight of the phrase is the phrase; a word search also marks the words on their own
    assert all(m == "国立大学法人" for h in phrase.hits for m in marked(h))
    assert any(m == "大学" for h in words.hits for m in marked(h))


def test_phrase_hits_are_ranked_by_bm25_of_the_phrase_words(index):
    phrase = search(index, "「国立大学法人」", limit=200)
    bm25 = dict(index.lexical.search("国立大学法人", len(index.lexical)))
    assert [h.score for h in phrase.hits] == sorted((h.score for h in phrase.hits), reverse=True)
    assert all(h.score == pytest.approx(bm25[h.chunk.chunk_id]) for h in phrase.hits)


def test_a_phrase_matches_after_the_normalisation_bm25_uses(index, seed_text):
    # the 議事要旨 letter-spaces it (「G S O C の新設」); the highlight is the text as written
    page = search(index, "「ＧＳＯＣの新設」")
    assert page.total == 1
    hit = page.hits[0]
    assert marked(hit) == ["G S O C の新設"]
    a, b = hit.marks[0]
    assert seed_text[hit.chunk.start + a: hit.chunk.start + b] == "G S O C の新設"
    # part of a word, which no BM25 token equals, is still found in every chunk that has it
    assert search(index, "「ュリティ」").total > 0
    assert all(m == "ュリティ" for h in search(index, "「ュリティ」").hits for m in marked(h))


def test_word_highlights_slice_to_the_matched_forms(index):
    from rag.lexical import tokenize

    page = search(index, "求めました", limit=50)
    assert page.terms == ("求める",) and page.total > 20
    forms = {m for h in page.hits for m in marked(h)}
    assert forms and all(tokenize(m) == ["求める"] for m in forms), forms
    for h in page.hits:  # the snippet holds the first highlight
        assert h.snippet_start <= h.marks[0][0] < h.snippet_end <= len(h.chunk.text)
        shown = "".join(t for t, _ in h.snippet_parts())
        assert shown == h.chunk.text[h.snippet_start:h.snippet_end]
        assert [t for t, on in h.snippet_parts() if on] and all(tokenize(t) == ["求める"] for t, on in h.snippet_parts() if on)


def test_a_hit_on_the_speaker_name_alone_has_no_highlight(index):
    page = search(index, "盛山", limit=100)
    own = [h for h in page.hits if not h.marks]
    assert own and all(h.chunk.speaker == "盛山正仁" for h in own)  # BM25 indexes who speaks, not in the text
    assert any(marked(h) == ["盛山"] or "盛山" in marked(h) for h in page.hits if h.marks)


def test_offsets_replay_normalize_on_every_indexed_text(index):
    from rag.lexical import normalize, token_spans, tokenize
    from rag.search import normalized_with_offsets

    for cid in index.lexical.ids():
        text = index.lexical.get(cid)[0]
        norm, starts, ends = normalized_with_offsets(text)
        assert norm == normalize(text)
        spans = token_spans(norm)  # the tokens BM25 indexed, located
        assert [t for t, _, _ in spans] == tokenize(text) and all(norm[a:b] for _, a, b in spans)
        assert len(starts) == len(ends) == len(norm)  # never the fallback (no highlights) on real minutes
        assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends))
        assert starts == sorted(starts)


def test_offsets_map_widths_and_old_forms_back_to_the_text():
    from rag.search import find_marks

    text = "第１回　ＧＳＯＣ会議で勞働問題と「セキュリテｨ」を議論した。cyber  attack 対策"
    for phrase, expected in (("gsoc会議", "ＧＳＯＣ会議"), ("労働", "勞働"), ("cyber attack", "cyber  attack")):
        marks = find_marks(text, (phrase,), set())
        assert [text[a:b] for a, b in marks] == [expected]


# ------------------------------------------------------------------ filters and pages


def test_speaker_filter_on_a_kaigiroku(index):
    from rag.domain import Filters

    everyone = search(index, "予算", limit=200)
    page = search(index, "予算", Filters(speakers=("盛山 正仁",)), limit=200)  # spaces do not matter
    assert 0 < page.total < everyone.total
    assert all(h.chunk.speaker == "盛山正仁" for h in page.hits)
    phrase = search(index, "「国立大学法人」", Filters(speakers=("盛山正仁",)), limit=200)
    assert phrase.total == 24 and all(h.chunk.speaker == "盛山正仁" for h in phrase.hits)


def test_meeting_date_and_role_filters(index):
    from rag.domain import Filters

    seed = next(e for e in index.catalog() if e.source == SEED.name)
    page = search(index, "対策", Filters(meeting_ids=(seed.meeting_id,)), limit=200)
    assert page.total > 0 and all(h.chunk.meeting_id == seed.meeting_id for h in page.hits)
    dated = search(index, "会議", Filters(date_from="2023-11-30", date_to="2023-12-31"), limit=500)
    assert dated.total > 0 and all("2023-11-30" <= h.chunk.date <= "2023-12-31" for h in dated.hits)
    assert search(index, "会議", Filters(date_to="2006-12-31")).total == 0
    ministers = search(index, "大臣", Filters(roles=("大臣",)), limit=200)
    assert ministers.total > 0 and all("大臣" in h.chunk.role for h in ministers.hits)


def test_pages_split_the_hits_without_gaps_or_overlaps(index):
    whole = search(index, "「国立大学法人」", limit=100)
    pages = [search(index, "「国立大学法人」", offset=o) for o in (0, 20, 40, 60)]
    assert [p.total for p in pages] == [43] * 4 and pages[0].pages == 3
    assert [len(p.hits) for p in pages] == [20, 20, 3, 0]
    ids = [h.chunk.chunk_id for p in pages for h in p.hits]
    assert ids == [h.chunk.chunk_id for h in whole.hits] and len(set(ids)) == 43
    words = search(index, "国立大学法人", offset=20)
    assert words.total == search(index, "国立大学法人").total and len(words.hits) == 20


def test_candidates_path_agrees_with_the_scan_on_whole_words(index, monkeypatch):
    from rag import search as search_module

    scanned = [h.chunk.chunk_id for h in search(index, "「国立大学法人」", limit=100).hits]
    monkeypatch.setattr(search_module, "SCAN_LIMIT", 0)  # as over a corpus too large to scan
    assert [h.chunk.chunk_id for h in search(index, "「国立大学法人」", limit=100).hits] == scanned


# ------------------------------------------------------------------ `python -m rag search`


@pytest.fixture()
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "hash")
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("RAG_EMBEDDING_MODEL", raising=False)


def test_cli_search_json_and_text(cli_env, capsys):
    from rag.cli import main

    assert main(["search", "「国立大学法人」", "--speaker", "盛山正仁", "--json", "--limit", "5", "--offset", "20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 24 and out["offset"] == 20 and len(out["hits"]) == 4
    for hit in out["hits"]:
        assert hit["speaker"] == "盛山正仁" and hit["marks"]
        assert all(hit["text"][a:b] == "国立大学法人" for a, b in hit["marks"])
        assert hit["snippet"] == hit["text"][hit["snippet_start"]:hit["snippet_end"]]

    assert main(["search", "防衛省", "概算要求", "--limit", "1"]) == 0
    text = capsys.readouterr().out
    assert text.split("\n")[0].endswith("hit(s); 1–1:") and "[1] 情報セキュリティ政策会議 第14回会合（2007-10-03）" in text
    assert "«防衛省»としては" in text and "«概算要求»" in text

    assert main(["search", "ブロックチェーン"]) == 0
    assert "no hits" in capsys.readouterr().err
    assert main(["search", "予算", "--from", "2007-13-01"]) == 2
    assert "--from" in capsys.readouterr().err


def test_a_remark_is_found_by_its_agenda_item_in_answers_but_not_in_keyword_search(index):
    """BM25 indexes a remark with the item the chair opened (「日程第四 大麻取締法…法律案」), so the
    chair's 「よって、本案は…可決されました。」 is a candidate for 「大麻取締法の改正案はどうなりましたか」;
    the keyword search lists only remarks that say the words themselves."""
    ranked = index.lexical.search("大麻", 200)
    by_item = [cid for cid, _ in ranked if "大麻" not in index.lexical.get(cid)[0]]
    assert by_item and all("大麻取締法" in index.lexical.get(cid)[1]["section"] for cid in by_item)
    assert any("可決されました" in index.lexical.get(cid)[0] for cid in by_item)
    page = search(index, "大麻", limit=200)
    assert page.total == len(page.hits) == len(ranked) - len(by_item) > 0
    assert all(h.marks for h in page.hits)


def test_a_decision_stands_under_its_item_and_carries_who_announced_it(index):
    """The decision parsed from the chair's remark (「よって、本案は可決されました。」) is found by the bill
    it decides and is the chair's words: 「議長は…採決の結果について何と述べましたか」 searches his remarks,
    and found only the remark around it (or nothing, under another item)."""
    from rag.domain import Filters

    ranked = index.lexical.search("大麻", 200)
    decisions = [cid for cid, _ in ranked if index.lexical.get(cid)[1]["kind"] == "decision"]
    assert decisions, "no decision found by its item"
    chunk = index.chunk(decisions[0])
    assert "大麻取締法" in chunk.section and "大麻" not in chunk.text
    assert chunk.speaker == "尾辻秀久" and chunk.role == "議長" and chunk.remark_no is not None
    remark = next(c for c in index.chunks_of(chunk.meeting_id, "remark") if c.remark_no == chunk.remark_no)
    assert remark.start <= chunk.start and chunk.end <= remark.end and remark.speaker == chunk.speaker
    by_speaker = index.lexical.search("大麻 可決", 50, Filters(speakers=("尾辻秀久",)))
    assert decisions[0] in [cid for cid, _ in by_speaker]
    # a 議事要旨 decision no remark holds names nobody
    seed_decisions = [c for m in index.meetings() if m.layout == "numbered-summary" for c in index.chunks_of(m.meeting_id, "decision")]
    assert seed_decisions and all(c.speaker is None for c in seed_decisions)
