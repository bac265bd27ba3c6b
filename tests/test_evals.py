"""rag.evals: metric functions on hand-made cases, dataset validation, and the `eval` CLI."""
from __future__ import annotations

import json
import math

import pytest

from rag import evals
from rag.cli import main
from rag.domain import Answer, Chunk, Citation, Hit
from rag.errors import DatasetError, RagError

from conftest import CORPUS_DIR, ROOT

# ---------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "haystack, needle",
    [
        ("G S O C の新設は大きな前進", "GSOCの新設"),
        ("平成 20 年度概算要求", "平成20年度"),
        ("17:20～18:20", "17:20~18:20"),  # full-width tilde, NFKC
        ("ＫＤＤＩ株式会社", "KDDI"),  # full-width Latin
        ("デジタルフォレンジックの\n\n\n活用等による", "デジタルフォレンジックの活用"),  # across a page break
        ("小野寺 正\tKDDI", "小野寺正KDDI"),
    ],
)
def test_normalised_matching(haystack, needle):
    assert evals.contains_any(haystack, [needle])
    assert evals.contains_any(needle, [haystack]) == (evals.normalise(haystack) == evals.normalise(needle))


def test_normalise_removes_every_whitespace_and_applies_nfkc():
    assert evals.normalise(" a\u3000b\tc\nd\u00a0e ") == "abcde"
    assert evals.normalise("（１）") == "(1)"
    assert not evals.contains_any("anything", [])


# ---------------------------------------------------------------------------- metric functions


def test_recall_mrr_ndcg_exact_values():
    flags = [False, True, False, True, False]
    assert evals.first_relevant_rank(flags) == 2
    assert evals.recall_at_k(flags, 5) == 1.0
    assert evals.recall_at_k(flags, 1) == 0.0
    assert evals.reciprocal_rank(flags) == 0.5
    # DCG = 1/log2(3) + 1/log2(5); ideal with 2 relevant = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert evals.ndcg_at_k(flags, 5, n_relevant=2) == pytest.approx(expected)
    assert evals.ndcg_at_k(flags, 5, n_relevant=2) == pytest.approx(0.650921, abs=1e-6)


def test_ndcg_counts_relevant_chunks_outside_the_list():
    # one relevant at rank 1, but 3 exist in the index: ideal DCG@2 = 1 + 1/log2(3)
    assert evals.ndcg_at_k([True, False], 2, n_relevant=3) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    # n_relevant defaults to what the list holds
    assert evals.ndcg_at_k([True, False], 2) == 1.0
    assert evals.ndcg_at_k([False, False, True], 3) == pytest.approx(0.5)  # 1/log2(4) / 1
    assert evals.ndcg_at_k([True, True, True], 3, n_relevant=3) == pytest.approx(1.0)


def test_nothing_relevant_scores_zero():
    flags = [False] * 5
    assert evals.first_relevant_rank(flags) is None
    assert evals.recall_at_k(flags, 5) == 0.0
    assert evals.reciprocal_rank(flags) == 0.0
    assert evals.ndcg_at_k(flags, 5, n_relevant=1) == 0.0
    assert evals.ndcg_at_k([], 5, n_relevant=0) == 0.0


def test_relevant_beyond_k_does_not_count():
    flags = [False, False, False, True]
    assert evals.recall_at_k(flags, 3) == 0.0
    assert evals.reciprocal_rank(flags, k=3) == 0.0
    assert evals.reciprocal_rank(flags) == 0.25
    assert evals.ndcg_at_k(flags, 3, n_relevant=1) == 0.0


def test_percentile_matches_numpy_linear():
    values = [10.0, 20.0, 30.0, 40.0, 1000.0]
    assert evals.percentile(values, 50) == 30.0
    assert evals.percentile(values, 95) == pytest.approx(808.0)  # 40 + 0.8 * 960
    assert evals.percentile([5.0], 95) == 5.0
    assert evals.percentile([], 50) is None


# ---------------------------------------------------------------------------- scoring one answer

SOURCE = "header\n- 防衛省としては、防護システムの整備を求めた。\n- G S O C の新設は大きな前進である。\n- 関係のない発言。\n"


def _chunk(text: str, cid: str, remark_no: int | None = None) -> Chunk:
    start = SOURCE.index(text)
    return Chunk(cid, text, "s.txt", start, start + len(text), "m1", "会議", "2007-10-03", "出席者意見開陳", "remark",
                 remark_no=remark_no)


C1 = _chunk("防衛省としては、防護システムの整備を求めた。", "c1", 1)
C2 = _chunk("G S O C の新設は大きな前進である。", "c2", 2)
C3 = _chunk("関係のない発言。", "c3", 3)


def _cite(n: int, chunk: Chunk, text: str | None = None, start: int | None = None) -> Citation:
    text = chunk.text if text is None else text
    start = SOURCE.index(text) if start is None else start
    return Citation(n, chunk, text, start, start + len(text))


def _item(**kw) -> evals.EvalItem:
    base = dict(id="x1", question="q", answerable=True, evidence=("GSOCの新設",), key_facts=("大きな前進", "予算"),
                kind="lexical", line=1)
    base.update(kw)
    return evals.EvalItem(**base)


def _score(item, answer, k=5):
    return evals.score_answer(item, answer, k=k, mode="hybrid", latency_ms=12.0, source_text=lambda c: SOURCE,
                              evidence_chunks=[C2])


def test_score_answer_hit_citation_and_key_facts():
    hits = tuple(Hit(c, 1.0 / i) for i, c in enumerate([C3, C2, C1], start=1))
    answer = Answer("q", "lead\n「G S O C の新設は大きな前進である。」[1]「関係のない発言。」[2]", False,
                    (_cite(1, C2), _cite(2, C3)), hits)
    r = _score(_item(), answer)
    assert r.hit_rank == 2 and r.reciprocal_rank == 0.5
    assert r.ndcg == pytest.approx(1 / math.log2(3))
    assert r.citations == 2 and r.citations_with_evidence == 1 and r.citations_verbatim == 2
    assert r.offsets_valid is True
    assert r.key_facts_found == ["大きな前進"] and r.key_facts_missing == ["予算"]
    assert r.correct and r.failure is None
    assert r.cited_chunk_ids == ["c2", "c3"]
    row = r.to_row()
    assert row["hit_rank"] == 2 and row["flags"]["cited_evidence"] and row["flags"]["key_facts_total"] == 2


def test_score_answer_detects_offsets_that_do_not_slice_back():
    bad = Citation(1, C2, C2.text, C2.start + 1, C2.end + 1)  # shifted by one
    outside = Citation(2, C1, C2.text, C2.start, C2.end)  # verbatim, but not inside its chunk
    r = _score(_item(), Answer("q", "x", False, (bad, outside), (Hit(C2, 1.0),)))
    assert r.citations_verbatim == 1
    assert r.offsets_valid is False


@pytest.mark.parametrize(
    "abstained, hits, cites, failure",
    [
        (True, (C2,), (), "false abstention (evidence was retrieved at rank 1)"),
        (True, (C3,), (), "retrieval miss, then abstained"),
        (False, (C3, C2), (C3,), "selection: evidence retrieved at rank 2 but not cited"),
        (False, (C3, C1), (C3,), "retrieval miss: answered from other chunks"),
    ],
)
def test_failure_categories(abstained, hits, cites, failure):
    answer = Answer("q", "text", abstained, tuple(_cite(i, c) for i, c in enumerate(cites, 1)),
                    tuple(Hit(c, 1.0) for c in hits))
    r = _score(_item(), answer)
    assert not r.correct and r.failure == failure


def test_unanswerable_scoring():
    item = _item(answerable=False, evidence=(), key_facts=(), kind="unanswerable")
    declined = _score(item, Answer("q", "見つかりませんでした", True, (), (Hit(C3, 1.0),)))
    assert declined.correct and declined.hit_rank is None and declined.offsets_valid is None
    answered = _score(item, Answer("q", "x", False, (_cite(1, C3),), (Hit(C3, 1.0),)))
    assert not answered.correct and answered.failure == "answered an unanswerable question"
    assert answered.citations_with_evidence == 0


def test_abstained_answer_covers_no_key_facts():
    answer = Answer("q", "大きな前進 予算 — but declined", True, (), (Hit(C2, 1.0),))
    r = _score(_item(), answer)
    assert r.key_facts_found == [] and r.key_facts_missing == ["大きな前進", "予算"]


def test_aggregate_on_known_results():
    a = _item(id="a")
    u = _item(id="u", answerable=False, evidence=(), key_facts=(), kind="unanswerable")
    results = [
        # answerable, evidence at rank 1, cited, both key facts
        _score(a, Answer("q", "大きな前進 予算", False, (_cite(1, C2), _cite(2, C3)), (Hit(C2, 1), Hit(C3, 1)))),
        # answerable, evidence at rank 2, abstained
        _score(a, Answer("q", "no", True, (), (Hit(C3, 1), Hit(C2, 1)))),
        # answerable, evidence not retrieved, answered wrongly
        _score(a, Answer("q", "大きな前進", False, (_cite(1, C1),), (Hit(C1, 1), Hit(C3, 1)))),
        # unanswerable: declined, then answered
        _score(u, Answer("q", "no", True, (), (Hit(C3, 1),))),
        _score(u, Answer("q", "x", False, (_cite(1, C3),), (Hit(C3, 1),))),
    ]
    m = evals.aggregate(results)
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (5, 3, 2)
    assert m["recall_at_k"] == pytest.approx(2 / 3)
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert m["citation_recall"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == pytest.approx(1 / 3)  # 1 of the 3 citations of answerable questions
    assert m["citation_verbatim"] == 1.0
    assert m["offset_validity"] == 1.0
    assert m["key_fact_coverage"] == pytest.approx(3 / 6)  # 2 + 0 (abstained) + 1 of 6
    assert m["abstention_accuracy"] == 0.5
    assert m["false_abstention_rate"] == pytest.approx(1 / 3)
    assert m["accuracy"] == pytest.approx(2 / 5)
    assert m["latency_p50_ms"] == 12.0
    only_unanswerable = evals.aggregate(results[3:])
    assert only_unanswerable["recall_at_k"] is None and only_unanswerable["citation_precision"] is None


# ---------------------------------------------------------------------------- dataset validation

GOOD = '{"id": "a1", "question": "GSOCの新設の評価は？", "answerable": true, "evidence": ["G S O C の新設は大きな前進"], "key_facts": ["大きな前進"], "kind": "lexical"}'
UNANSWERABLE = '{"id": "a2", "question": "ブロックチェーンの導入は？", "answerable": false, "evidence": [], "key_facts": [], "kind": "unanswerable"}'


def test_parse_good_dataset_skips_blank_lines_and_keeps_line_numbers():
    ds = evals.parse_dataset(f"{GOOD}\n\n{UNANSWERABLE}\n", "d.jsonl")
    assert [(i.id, i.line, i.answerable) for i in ds.items] == [("a1", 1, True), ("a2", 3, False)]
    assert ds.kinds() == ["lexical", "unanswerable"]


def test_every_bad_line_is_reported_with_its_line_number():
    text = "\n".join([
        GOOD,                                                   # 1 ok
        '{"id": "b1", "question": "broken", ',                  # 2 invalid JSON
        '{"id": "b2", "evidence": ["x"]}',                      # 3 missing question
        '{"id": "b3", "question": "  "}',                       # 4 blank question
        '{"id": "a1", "question": "dup", "answerable": false}',  # 5 duplicate id
        '{"id": "b5", "question": "q", "answerable": true, "evidence": []}',  # 6 answerable without evidence
        '{"id": "b6", "question": "q", "answerable": "yes"}',   # 7 not a bool
        '["not", "an", "object"]',                              # 8
        '{"id": "b8", "question": "q", "answerable": false, "evidence": ["x"]}',  # 9 unanswerable with evidence
    ])
    with pytest.raises(DatasetError) as info:
        evals.parse_dataset(text, "bad.jsonl")
    problems = info.value.problems
    assert [p.split(": ", 1)[0] for p in problems] == [f"bad.jsonl:{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9)]
    assert "invalid JSON" in problems[0]
    assert problems[1] == 'bad.jsonl:3: missing "question"'
    assert "already used on line 1" in problems[3]
    msg = str(info.value)
    assert msg.startswith("8 problems in bad.jsonl") and all(p in msg for p in problems)
    assert isinstance(info.value, RagError)


def test_empty_dataset_is_an_error():
    with pytest.raises(DatasetError, match="no questions"):
        evals.parse_dataset("\n\n", "empty.jsonl")


def test_evidence_must_occur_in_the_corpus():
    ds = evals.parse_dataset("\n".join([
        GOOD,
        '{"id": "c2", "question": "q", "evidence": ["この文は議事要旨にない"]}',
        '{"id": "c3", "question": "q", "evidence": ["大きな 前進", "これもない"]}',
    ]), "ev.jsonl")
    corpus = ["- GSOCの新設は大きな前進であると考えており、"]
    with pytest.raises(DatasetError) as info:
        evals.check_evidence(ds, corpus)
    assert info.value.problems == [
        "ev.jsonl:2: evidence not found in the indexed corpus: 'この文は議事要旨にない'",
        "ev.jsonl:3: evidence not found in the indexed corpus: 'これもない'",
    ]


def test_syntax_and_evidence_problems_are_reported_together_in_line_order():
    text = "\n".join([
        '{"id": "e1", "question": "q", "evidence": ["議事要旨にない文"]}',  # 1 evidence not in corpus
        '{"id": "e2", "question": ',                                      # 2 invalid JSON
        GOOD,                                                             # 3 ok
        '{"id": "e4"}',                                                   # 4 missing question
    ])
    with pytest.raises(DatasetError) as info:
        evals.parse_dataset(text, "mix.jsonl", corpus=["GSOCの新設は大きな前進であると考えており"])
    assert [p.split(": ", 1)[0] for p in info.value.problems] == ["mix.jsonl:1", "mix.jsonl:2", "mix.jsonl:4"]
    assert "evidence not found in the indexed corpus" in info.value.problems[0]


def test_shipped_dev_set_is_valid_against_the_real_index(assistant):
    ds = evals.load_dataset(ROOT / "evals" / "dev.jsonl", assistant)
    kinds = [i.kind for i in ds.items]
    assert len(ds.items) >= 50
    assert sum(not i.answerable for i in ds.items) >= 8
    assert {"metadata", "lexical", "paraphrase", "continuation", "english", "unanswerable"} <= set(kinds)
    assert all(i.key_facts for i in ds.items if i.answerable)


def test_load_dataset_checks_evidence_against_the_index(assistant, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(GOOD + '\n{"id": "z", "question": "q", "evidence": ["存在しない証拠の文字列"]}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"d\.jsonl:2: evidence not found"):
        evals.load_dataset(path, assistant)


# ---------------------------------------------------------------------------- running and the CLI

TINY = "\n".join([
    GOOD,
    '{"id": "t2", "question": "第14回会合の開催場所はどこでしたか。", "answerable": true, "evidence": ["総理大臣官邸大会議室"], "key_facts": ["総理大臣官邸大会議室"], "kind": "metadata"}',
    UNANSWERABLE,
]) + "\n"


@pytest.fixture()
def env(monkeypatch, built_settings):
    monkeypatch.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    return built_settings


@pytest.fixture()
def tiny(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_run_eval_through_the_assistant(assistant):
    ds = evals.parse_dataset(TINY, "tiny.jsonl")
    seen = []
    report = evals.run_eval(assistant, ds, modes=("hybrid",), k=5, progress=lambda d, t, m: seen.append((d, t)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    run = report.runs["hybrid"]
    assert [r.id for r in run.results] == ["a1", "t2", "a2"]
    gsoc, place, quantum = run.results
    assert gsoc.hit_rank == 1 and gsoc.correct and gsoc.relevant_in_index == 1
    assert place.cited_evidence and place.key_facts_missing == []
    assert quantum.abstained and quantum.correct
    assert all(r.latency_ms > 0 for r in run.results)
    m = run.overall
    assert m["recall_at_k"] == 1.0 and m["abstention_accuracy"] == 1.0 and m["offset_validity"] == 1.0


def _straddling_evidence(assistant) -> str:
    """Text of the seed that is in its source but in no chunk: the end of one chunk and the start of
    the next one in the file (no chunk holds both)."""
    index = assistant.index
    chunks = sorted((c for c in (index.chunk(i) for i in index.lexical.ids()) if c is not None), key=lambda c: c.start)
    texts = [evals.normalise(c.text) for c in chunks]
    for a, b in zip(chunks, chunks[1:]):
        piece = index.source_text(a)[a.end - 6 : b.start + 6]
        if evals.normalise(piece) and not any(evals.normalise(piece) in t for t in texts):
            return piece
    raise AssertionError("no two chunks of the seed to straddle")


def test_a_question_whose_evidence_no_chunk_holds_is_reported_unreachable(assistant):
    piece = _straddling_evidence(assistant)
    line = json.dumps({"id": "x", "question": "第14回会合で何が説明されましたか。", "answerable": True,
                       "evidence": [piece], "key_facts": [], "kind": "paraphrase"}, ensure_ascii=False)
    ds = evals.parse_dataset(TINY + line + "\n", "tiny.jsonl", evals.corpus_texts(assistant))  # in the source text
    report = evals.run_eval(assistant, ds, modes=("hybrid",), k=5)
    assert report.unreachable == ("x",)
    assert not report.runs["hybrid"].results[-1].retrieved
    assert report.to_dict()["unreachable"] == ["x"]


def test_cli_eval_warns_about_unreachable_evidence(env, assistant, tmp_path, capsys):
    line = json.dumps({"id": "x", "question": "第14回会合で何が説明されましたか。", "answerable": True,
                       "evidence": [_straddling_evidence(assistant)], "key_facts": [], "kind": "paraphrase"},
                      ensure_ascii=False)
    path = tmp_path / "d.jsonl"
    path.write_text(TINY + line + "\n", encoding="utf-8")
    assert main(["eval", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "1 answerable question(s) whose evidence is in no indexed chunk" in captured.err and captured.err.rstrip().endswith(": x")
    assert json.loads(captured.out)["unreachable"] == ["x"]


def test_cli_eval_json_shape(env, tiny, capsys):
    assert main(["eval", str(tiny), "--json", "--mode", "all", "--k", "3"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["dataset"] == str(tiny) and obj["k"] == 3 and obj["embedding_model"]
    assert list(obj["modes"]) == ["dense", "bm25", "hybrid"]
    for mode, run in obj["modes"].items():
        assert {key for key, _ in evals.METRICS} <= set(run["overall"])
        assert set(run["by_kind"]) == {"lexical", "metadata", "unanswerable"}
        assert run["by_kind"]["unanswerable"]["recall_at_k"] is None
        rows = run["questions"]
        assert [r["id"] for r in rows] == ["a1", "t2", "a2"]
        for r in rows:
            assert {"id", "kind", "hit_rank", "cited_chunk_ids", "abstained", "correct", "flags", "latency_ms",
                    "context_chunk_ids"} <= set(r)
            assert isinstance(r["abstained"], bool) and isinstance(r["cited_chunk_ids"], list)
            assert len(r["context_chunk_ids"]) <= 3 and r["latency_ms"] >= 0
        assert rows[2]["hit_rank"] is None and rows[2]["flags"]["retrieved"] is None
    assert obj["modes"]["hybrid"]["questions"][0]["hit_rank"] == 1


def test_cli_eval_text_table_and_out_dir(env, tiny, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["eval", str(tiny), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "evidence recall@5" in text and "hybrid" in text and "citation recall" in text
    assert {p.name for p in out.iterdir()} == {"report.md", "results.json", "chart.png"}
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| evidence recall@5 |" in md and "## Failing questions — hybrid" in md
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["modes"]["hybrid"]["overall"]


def test_cli_eval_bad_dataset_exits_2_with_line_numbers(env, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOOD + '\n{"id": "x", "question": \n{"id": "y"}\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 2 problems in")
    assert f"{bad}:2: invalid JSON" in err and f'{bad}:3: missing "question"' in err


def test_cli_eval_evidence_not_in_corpus_exits_2(env, tmp_path, capsys):
    bad = tmp_path / "ev.jsonl"
    bad.write_text('{"id": "x", "question": "q", "evidence": ["どこにもない文字列です"]}\n', encoding="utf-8")
    assert main(["eval", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{bad}:1: evidence not found in the indexed corpus" in captured.err


def test_cli_eval_missing_file_exits_2(env, tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_markdown_report_lists_what_was_retrieved_instead():
    item = _item()
    r = _score(item, Answer("q", "x", False, (_cite(1, C3),), (Hit(C3, 1.0), Hit(C1, 0.5))))
    report = evals.EvalReport("d.jsonl", 5, {"hybrid": evals.ModeRun("hybrid", [r])}, "model", "now")
    md = evals.format_markdown(report, chart=None)
    assert "retrieval miss: answered from other chunks" in md
    assert "evidence is in: 出席者意見開陳・発言2" in md
    assert "1. 出席者意見開陳・発言3 — 関係のない発言。" in md


def test_chart_is_written_with_ascii_labels(tmp_path):
    r = _score(_item(kind="言い換え"), Answer("q", "x", True, (), (Hit(C2, 1.0),)))
    report = evals.EvalReport("d.jsonl", 5, {m: evals.ModeRun(m, [r]) for m in ("dense", "hybrid")}, "m", "now")
    path = evals.write_chart(report, tmp_path / "c.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert evals._ascii_labels(["lexical", "言い換え", "英語"]) == ["lexical", "kind1", "kind2"]


# ---------------------------------------------------------------------------- the Streamlit page


@pytest.fixture()
def page(env, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rag.app import eval_page

    folder = tmp_path / "evals"
    folder.mkdir()
    (folder / "tiny.jsonl").write_text(TINY, encoding="utf-8")
    (folder / "broken.jsonl").write_text(GOOD + '\n{"id": "x"}\n{"question": "q", "evidence": ["ない文字列です"]}\n',
                                         encoding="utf-8")
    monkeypatch.setattr(eval_page, "EVALS_DIR", folder)
    at = AppTest.from_file(str(ROOT / "pages" / "3_評価.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_page_runs_a_shipped_dataset_and_shows_metrics_and_failures(page):
    at = page
    assert [str(o) for o in at.selectbox(key="eval-file").options] == ["evals/broken.jsonl", "evals/tiny.jsonl"]
    at.selectbox(key="eval-file").select_index(1)
    at.selectbox(key="eval-mode").set_value("all")
    at.button(key="eval-run").click().run()
    assert not at.exception and not at.error
    assert [h.value for h in at.subheader] == ["指標", "方式別・種類別のグラフ", "誤った質問と、代わりに検索された箇所"]
    table = at.dataframe[0].value
    assert list(table.columns) == ["指標", "ベクトル検索のみ", "BM25のみ", "ハイブリッド"]
    assert table.iloc[0]["ハイブリッド"] == "1.000"  # recall@5 on the tiny set
    assert len(at.tabs) == 3  # failing questions per mode


def test_page_lists_bad_dataset_lines(page):
    at = page
    at.selectbox(key="eval-file").select_index(0)
    at.button(key="eval-run").click().run()
    assert not at.exception
    assert at.error and "2件の問題" in at.error[0].value
    listing = at.code[0].value.splitlines()  # in Japanese, wrapped on the page
    assert listing[0] == 'evals/broken.jsonl 2行目: "question"（質問文）がありません'
    assert listing[1].startswith("evals/broken.jsonl 3行目: evidence が索引の議事録に見つかりません")
    assert at.code[0].proto.wrap_lines
    assert not at.subheader  # no report for an unusable dataset


@pytest.mark.parametrize("name", ["dev.jsonl", "corpus_dev.jsonl", "corpus_dev_record.jsonl", "corpus_dev_paraphrase.jsonl",
                                  "corpus_dev_staff.jsonl", "corpus_dev_english.jsonl", "heldout.jsonl", "heldout_b.jsonl",
                                  "heldout_c.jsonl", "heldout_d.jsonl", "heldout_e.jsonl",
                                  "heldout_f.jsonl", "heldout_g.jsonl",
                                  "heldout_h.jsonl"])
def test_every_shipped_set_is_well_formed(name):
    """Format only (evidence against the corpus is checked where the index is built)."""
    from rag.evals import read_dataset

    ds = read_dataset(ROOT / "evals" / name)
    assert len({i.id for i in ds.items}) == len(ds.items) >= 42
    if name != "dev.jsonl":  # the multi-document sets say which file each question is about
        assert all(i.source for i in ds.items)
