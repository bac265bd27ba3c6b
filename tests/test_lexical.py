"""Tests for rag.lexical: normalisation, tokenisation and the persistent BM25 index."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag import lexical
from rag.domain import Chunk, Filters, content_id
from rag.errors import IndexMismatchError, RagError
from rag.lexical import INDEX_FILE, LexicalIndex, normalize, tokenize

PROJECT = Path(__file__).resolve().parent.parent
CORPUS_FILE = PROJECT / "corpus" / "joho-security-seisaku-kaigi-14-2007-10-03.txt"

QUERIES = [
    "防衛省の概算要求",
    "GSOC",
    "情報セキュリティ対策の強化",
    "サイバー攻撃",
    "セキュア・ジャパン2007",
    "重要インフラ",
    "基本法",
]


# --------------------------------------------------------------------------
# Corpus fixtures: every "- " paragraph of the real minutes is one chunk.
# --------------------------------------------------------------------------


def _chunks(source: str, meeting_id: str, date: str) -> list[Chunk]:
    text = CORPUS_FILE.read_text(encoding="utf-8")
    remarks_start = text.index("(8) 出席者意見開陳")
    chunks: list[Chunk] = []
    for m in re.finditer(r"^- .*$", text, flags=re.MULTILINE):
        para = m.group(0)
        is_remark = m.start() > remarks_start
        org = re.match(r"- (\S+?省)としては", para)
        chunks.append(Chunk(
            chunk_id=content_id(source, m.start(), m.end()),
            text=para,
            source=source,
            start=m.start(),
            end=m.end(),
            meeting_id=meeting_id,
            meeting="情報セキュリティ政策会議 第14回会合",
            date=date,
            section="出席者意見開陳" if is_remark else "議事概要",
            kind="remark" if is_remark else "agenda",
            remark_no=len([c for c in chunks if c.kind == "remark"]) + 1 if is_remark else None,
            organisation=org.group(1) if org else None,
        ))
    return chunks


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    cs = _chunks(CORPUS_FILE.name, "joho-14", "2007-10-03")
    assert len(cs) > 30
    return cs


@pytest.fixture(scope="module")
def other_chunks() -> list[Chunk]:
    """The same paragraphs as if from a later meeting, to have something to filter out."""
    return _chunks("later-meeting.txt", "later", "2008-02-01")


def _index(chunks: list[Chunk], directory: Path | None = None) -> LexicalIndex:
    idx = LexicalIndex(directory)
    idx.upsert([c.chunk_id for c in chunks], [c.text for c in chunks],
               [c.metadata() for c in chunks])
    return idx


def _find(chunks: list[Chunk], needle: str) -> Chunk:
    found = [c for c in chunks if needle in c.text]
    assert len(found) == 1, (needle, len(found))
    return found[0]


@pytest.fixture(scope="module")
def index(chunks) -> LexicalIndex:
    return _index(chunks)


@pytest.fixture(scope="module")
def two_meetings(chunks, other_chunks) -> LexicalIndex:
    return _index(chunks + other_chunks)


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


def test_normalize_joins_letter_spaced_acronyms():
    assert normalize("G S O C") == normalize("GSOC") == "gsoc"
    assert normalize("その意味において、G S O C の新設は") == "その意味において、gsocの新設は"


def test_normalize_joins_spaced_numbers():
    assert normalize("平成 20 年度") == normalize("平成20年度") == "平成20年度"
    assert normalize("「セキュア・ジャパン 2007」") == normalize("「セキュア・ジャパン2007」")


def test_normalize_full_width_and_half_width_katakana():
    assert normalize("ＧＳＯＣ") == normalize("GSOC")
    assert normalize("ｾｷｭﾘﾃｨ") == normalize("セキュリティ") == "セキュリティ"
    assert normalize("平成２０年度") == "平成20年度"
    assert tokenize("ＧＳＯＣ") == tokenize("G S O C") == ["gsoc"]
    assert tokenize("ｾｷｭﾘﾃｨ対策") == tokenize("セキュリティ対策")


def test_normalize_keeps_space_between_english_words_only():
    assert normalize("Cyber  Attack") == "cyber attack"
    assert tokenize("cyber attack") == ["cyber", "attack"]
    assert normalize("情報\u3000セキュリティ\n\n対策 について") == "情報セキュリティ対策について"
    assert normalize("IT 政策") == "it政策"
    assert normalize("Y2K の取り組み") == "y2kの取り組み"


# --------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------


def test_tokenize_drops_particles_and_auxiliaries_and_lemmatises():
    assert tokenize("防衛省の概算要求を求めました") == ["防衛", "省", "概算", "要求", "求める"]
    assert tokenize("求めました") == tokenize("求める") == ["求める"]
    assert tokenize("取組み") == tokenize("取り組み")


def test_tokenize_drops_question_words_and_generic_verbs():
    assert tokenize("何をどう述べましたか") == []
    assert tokenize("いつ誰がどこで言ったのですか") == []
    assert tokenize("GSOCについてどのような意見がありましたか") == ["gsoc", "意見"]
    assert tokenize("と考えている。そのことは、") == []


def test_tokenize_keeps_numbers():
    assert tokenize("平成 20 年度") == ["平成", "20", "年度"]
    assert "2007" in tokenize("セキュア・ジャパン 2007")
    assert "365" in tokenize("24時間365日")


def test_tagger_is_created_lazily_once():
    code = ("import rag.lexical as L; assert L._tagger_obj is None; "
            "L.tokenize('テスト'); t = L._tagger_obj; assert t is not None; "
            "L.tokenize('二回目'); assert L._tagger_obj is t")
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True)


# --------------------------------------------------------------------------
# BM25 on the real minutes
# --------------------------------------------------------------------------


def test_defence_budget_remark_ranks_first(index, chunks):
    target = _find(chunks, "防衛省としては")
    hits = index.search("防衛省の概算要求", k=5)
    assert hits[0][0] == target.chunk_id
    assert len(hits) >= 2 and hits[0][1] > hits[1][1]


def test_gsoc_query_finds_letter_spaced_gsoc(index, chunks):
    target = _find(chunks, "G S O C")
    hits = index.search("GSOC", k=5)
    assert [h[0] for h in hits] == [target.chunk_id]  # the only chunk that mentions it
    assert index.search("ＧＳＯＣ", k=5) == hits


def test_search_is_sorted_positive_and_limited(index):
    for q in QUERIES:
        hits = index.search(q, k=7)
        assert 0 < len(hits) <= 7, q
        scores = [s for _, s in hits]
        assert all(s > 0 for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert len({i for i, _ in hits}) == len(hits)
    assert index.search("ブロックチェーン", k=5) == []
    assert index.search("何をどう述べましたか", k=5) == []
    assert index.search("防衛省", k=0) == []


def test_k_cut_is_a_prefix_of_the_full_ranking(index):
    for q in QUERIES:
        full = index.search(q, k=len(index))
        for k in (1, 3, 5):
            assert index.search(q, k=k) == full[:k], (q, k)


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------

FILTERS = [
    Filters(sources=("later-meeting.txt",)),
    Filters(meeting_ids=("joho-14",)),
    Filters(date_from="2008-01-01"),
    Filters(date_to="2007-12-31"),
    Filters(date_from="2007-10-03", date_to="2007-10-03"),
    Filters(sections=("議事概要",)),
    Filters(organisations=("防衛省", "総務省")),
    Filters(sources=(CORPUS_FILE.name, "later-meeting.txt"),
            sections=("出席者意見開陳",), date_to="2099-01-01"),
    Filters(sources=("no-such-file.txt",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f))
def test_filtered_search_is_unfiltered_ranking_restricted(two_meetings, filters):
    idx = two_meetings
    for q in QUERIES:
        everything = idx.search(q, k=len(idx))
        expected = [(i, s) for i, s in everything if filters.matches(idx.get(i)[1])]
        assert idx.search(q, k=len(idx), filters=filters) == expected, q
        assert idx.search(q, k=3, filters=filters) == expected[:3], q


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f))
def test_ids_matching_agrees_with_filters_matches(two_meetings, filters):
    idx = two_meetings
    expected = [i for i in idx.ids() if filters.matches(idx.get(i)[1])]
    assert idx.ids_matching(filters) == expected


def test_filters_restrict_results(two_meetings, chunks, other_chunks):
    later = {c.chunk_id for c in other_chunks}
    hits = two_meetings.search("サイバー攻撃", k=50, filters=Filters(date_from="2008-01-01"))
    assert hits and {i for i, _ in hits} <= later
    hits = two_meetings.search("サイバー攻撃", k=50, filters=Filters(meeting_ids=("joho-14",)))
    assert hits and not ({i for i, _ in hits} & later)
    defence = _find(chunks, "防衛省としては")
    hits = two_meetings.search("情報セキュリティ", k=50,
                               filters=Filters(organisations=("防衛省",), meeting_ids=("joho-14",)))
    assert [i for i, _ in hits] == [defence.chunk_id]
    assert two_meetings.ids_where(source="later-meeting.txt") == [c.chunk_id for c in other_chunks]
    assert two_meetings.ids_where(source="later-meeting.txt", kind="agenda") == [
        c.chunk_id for c in other_chunks if c.kind == "agenda"]
    assert two_meetings.ids_where(source="nope.txt") == []
    assert two_meetings.ids_where(no_such_key="x") == []


def test_empty_filters_change_nothing(two_meetings):
    for q in QUERIES:
        assert two_meetings.search(q, 10, Filters()) == two_meetings.search(q, 10)
    assert two_meetings.ids_matching(Filters()) == two_meetings.ids()


# --------------------------------------------------------------------------
# Changes: upsert and delete
# --------------------------------------------------------------------------


def test_upsert_of_existing_id_replaces_it(chunks):
    idx = _index(chunks)
    n = len(idx)
    gsoc = _find(chunks, "G S O C")
    new_meta = {**gsoc.metadata(), "section": "差し替え"}
    idx.upsert([gsoc.chunk_id], ["ブロックチェーンの実証実験について説明があった。"], [new_meta])
    assert len(idx) == n
    assert idx.ids().count(gsoc.chunk_id) == 1
    assert idx.search("GSOC", k=5) == []
    assert dict(idx.term_stats("GSOC"))["gsoc"] == 0
    hits = idx.search("ブロックチェーン", k=5)
    assert [i for i, _ in hits] == [gsoc.chunk_id]
    assert idx.get(gsoc.chunk_id) == ("ブロックチェーンの実証実験について説明があった。", new_meta)
    assert idx.ids_matching(Filters(sections=("差し替え",))) == [gsoc.chunk_id]


def test_upsert_same_batch_twice_is_idempotent(chunks):
    idx = _index(chunks)
    before = {q: idx.search(q, 10) for q in QUERIES}
    idx.upsert([c.chunk_id for c in chunks], [c.text for c in chunks], [c.metadata() for c in chunks])
    assert len(idx) == len(chunks)
    assert {q: idx.search(q, 10) for q in QUERIES} == before


def test_delete_removes(chunks):
    idx = _index(chunks)
    defence = _find(chunks, "防衛省としては")
    assert defence.chunk_id in idx
    assert idx.delete([defence.chunk_id, "no-such-id"]) == 1
    assert defence.chunk_id not in idx
    assert len(idx) == len(chunks) - 1
    assert idx.get(defence.chunk_id) is None
    assert defence.chunk_id not in {i for i, _ in idx.search("防衛省の概算要求", k=len(chunks))}
    assert dict(idx.term_stats("概算"))["概算"] == 0  # only that remark said 概算
    assert idx.delete([defence.chunk_id]) == 0
    idx.delete(idx.ids())
    assert len(idx) == 0 and idx.search("情報セキュリティ", 5) == []


def test_upsert_rejects_bad_input(index):
    with pytest.raises(ValueError):
        index.upsert(["a", "b"], ["x"], [{}, {}])
    with pytest.raises(ValueError):
        index.upsert(["a", "a"], ["x", "y"], [{}, {}])
    with pytest.raises(ValueError):
        index.upsert(["a"], ["x"], [{"organisation": None}])
    assert "a" not in index


# --------------------------------------------------------------------------
# term_stats
# --------------------------------------------------------------------------


def test_term_stats(index, chunks):
    absent = index.term_stats("ブロックチェーン")
    assert absent and all(df == 0 for _, df in absent)
    stats = dict(index.term_stats("防衛省の概算要求"))
    assert set(stats) == {"防衛", "省", "概算", "要求"}
    assert stats["防衛"] > 0
    assert stats["概算"] == 1
    assert dict(index.term_stats("GSOCとブロックチェーン")) == {"gsoc": 1, "ブロック": 0, "チェーン": 0}
    expected_df = sum("情報" in tokenize(c.text) for c in chunks)
    assert dict(index.term_stats("情報"))["情報"] == expected_df
    assert index.term_stats("何をどう述べましたか") == []
    assert LexicalIndex(None).term_stats("防衛省") == [("防衛", 0), ("省", 0)]


# --------------------------------------------------------------------------
# Persistence
# --------------------------------------------------------------------------


def _state(idx: LexicalIndex) -> dict:
    return {
        "len": len(idx),
        "ids": idx.ids(),
        "search": {q: idx.search(q, 10) for q in QUERIES},
        "filtered": {repr(f): idx.search("情報セキュリティ", 10, f) for f in FILTERS},
        "matching": {repr(f): idx.ids_matching(f) for f in FILTERS},
        "stats": {q: idx.term_stats(q) for q in QUERIES + ["ブロックチェーン"]},
        "docs": {i: idx.get(i) for i in idx.ids()},
    }


def test_save_load_round_trip(tmp_path, chunks, other_chunks):
    idx = _index(chunks + other_chunks, tmp_path)
    idx.save()
    assert (tmp_path / INDEX_FILE).is_file()
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILE]  # no temp files left
    loaded = LexicalIndex(tmp_path)
    assert _state(loaded) == _state(idx)

    # Changing a loaded index behaves exactly like changing the original.
    gone = [c.chunk_id for c in other_chunks[:5]]
    new = chunks[3]
    for ix in (idx, loaded):
        ix.delete(gone)
        ix.upsert([new.chunk_id, "extra"], ["ＧＳＯＣの体制強化。", "追加の発言である。"],
                  [new.metadata(), {"source": "x.txt", "date": "2009-01-01"}])
    assert _state(loaded) == _state(idx)
    loaded.save()
    assert _state(LexicalIndex(tmp_path)) == _state(idx)


def test_metadata_survives_deletes_and_reload(tmp_path, chunks):
    """Values only the deleted chunks used (their offsets, remark numbers) disappear cleanly."""
    idx = _index(chunks, tmp_path)
    gone = {chunks[1].chunk_id, chunks[20].chunk_id, _find(chunks, "防衛省としては").chunk_id}
    idx.delete(gone)
    kept = [c for c in chunks if c.chunk_id not in gone]
    expected = {c.chunk_id: (c.text, c.metadata()) for c in kept}
    assert {i: idx.get(i) for i in idx.ids()} == expected
    idx.save()
    loaded = LexicalIndex(tmp_path)
    assert {i: loaded.get(i) for i in loaded.ids()} == expected
    assert loaded.ids_matching(Filters(organisations=("防衛省",))) == []
    assert loaded.ids_matching(Filters(organisations=("総務省",))) == [
        c.chunk_id for c in kept if c.organisation == "総務省"]
    late = kept[-1]
    assert loaded.ids_where(start=late.start) == [late.chunk_id]


def test_in_memory_index_does_not_write(tmp_path, chunks, monkeypatch):
    monkeypatch.chdir(tmp_path)
    idx = _index(chunks[:3])
    idx.save()
    assert list(tmp_path.iterdir()) == []


def test_empty_index_round_trip(tmp_path):
    idx = LexicalIndex(tmp_path)
    assert len(idx) == 0 and idx.search("防衛省", 5) == []
    idx.save()
    loaded = LexicalIndex(tmp_path)
    assert len(loaded) == 0 and loaded.search("防衛省", 5) == [] and loaded.ids() == []


def test_failed_save_keeps_the_previous_index(tmp_path, chunks, monkeypatch):
    idx = _index(chunks, tmp_path)
    idx.save()
    before = _state(LexicalIndex(tmp_path))
    idx.delete(idx.ids()[:10])

    real_savez = np.savez

    def crashing_savez(f, **arrays):
        real_savez(f, **{k: arrays[k] for k in list(arrays)[:2]})  # half written
        raise OSError("disk full")

    monkeypatch.setattr(lexical.np, "savez", crashing_savez)
    with pytest.raises(OSError, match="disk full"):
        idx.save()
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILE]
    assert _state(LexicalIndex(tmp_path)) == before


def test_index_built_with_other_tokenizer_is_refused(tmp_path, chunks, monkeypatch):
    _index(chunks[:5], tmp_path).save()
    monkeypatch.setattr(lexical, "tokenizer_signature", lambda: "some other tokenizer")
    with pytest.raises(IndexMismatchError, match="tokenizer"):
        LexicalIndex(tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_unreadable_index_file_is_a_rag_error(tmp_path, chunks, damage):
    _index(chunks[:5], tmp_path).save()
    path = tmp_path / INDEX_FILE
    data = path.read_bytes()
    path.write_bytes(b"not an index" if damage == "garbage" else data[: len(data) // 2])
    with pytest.raises(RagError, match="ingest --rebuild"):
        LexicalIndex(tmp_path)


def test_meta_values_lists_a_fields_distinct_values():
    idx = LexicalIndex()
    idx.upsert(["a", "b", "c"], ["警察として", "防衛省としては", "議長"],
               [{"organisation": "警察"}, {"organisation": "防衛省"}, {}])
    assert set(idx.meta_values("organisation")) == {"警察", "防衛省"}
    assert idx.meta_values("no_such_field") == ()


def test_person_names_are_read_from_the_dictionary_with_their_offsets():
    from rag.lexical import normalize, person_names

    text = normalize("第7号で、鈴木俊一財務大臣は、盛山正仁文部科学大臣の答弁について、補正予算で何と述べましたか")
    found = person_names(text)
    assert [name for name, _, _ in found] == ["鈴木俊一", "盛山正仁"]  # 「盛山」 is read as a place, then 「正仁」
    assert all(text[start:end] == name for name, start, end in found)
    assert person_names(normalize("補正予算の財源について何と述べましたか")) == []
    assert person_names("") == []
