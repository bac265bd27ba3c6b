"""The 評価 page in Japanese: dataset problems (as ``evals.parse_dataset`` finds them) and progress
messages translated, and the chart drawn with Japanese titles when a Japanese font is installed."""
from __future__ import annotations

import json
import re

import pytest

from rag import evals
from rag.app.eval_page import dataset_problem_ja, progress_ja
from rag.errors import DatasetError

ENGLISH = re.compile(r"invalid JSON|expected a|missing|already used|must be|contains an|needs at least|"
                     r"unanswerable|not found|no questions|awaiting review")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

BAD_LINES = [
    '{"question": "防衛省は何を求めましたか", "evidence": ["防護システムの整備"]}',  # fine
    "{not json",
    "[1, 2]",
    '{"id": "x"}',
    '{"id": "q1", "question": "一つ目", "evidence": ["防護システム"]}',
    '{"id": "q1", "question": "同じid", "evidence": ["防護システム"]}',
    '{"question": "見直し待ち", "answerable": null}',
    '{"question": "真偽でない", "answerable": "yes"}',
    '{"question": "リストでない", "evidence": [1]}',
    '{"question": "空の根拠", "evidence": [""]}',
    '{"question": "根拠なし", "answerable": true}',
    '{"question": "回答不能なのに根拠", "answerable": false, "evidence": ["防護システム"]}',
    '{"question": "ない根拠", "evidence": ["どこにも書かれていない文字列"]}',
]


def problems_of(text: str, name: str = "evals/bad.jsonl") -> list[str]:
    with pytest.raises(DatasetError) as caught:
        evals.parse_dataset(text, name, corpus=["…防護システムの整備…"])
    return caught.value.problems


def test_every_dataset_problem_is_said_in_japanese_with_its_line():
    problems = problems_of("\n".join(BAD_LINES))
    assert len(problems) == len(BAD_LINES) - 2  # every bad line (all but lines 1 and 5), each once
    shown = [dataset_problem_ja(p) for p in problems]
    for english, japanese in zip(problems, shown):
        assert JAPANESE.search(japanese) and not ENGLISH.search(japanese), (english, japanese)
    assert shown[0] == "evals/bad.jsonl 2行目: JSONとして読めません（2文字目付近）"
    assert shown[2] == 'evals/bad.jsonl 4行目: "question"（質問文）がありません'
    assert shown[3] == "evals/bad.jsonl 6行目: id 'q1' は5行目で既に使われています"
    assert shown[-1] == "evals/bad.jsonl 13行目: evidence が索引の議事録に見つかりません: 'どこにも書かれていない文字列'"
    assert dataset_problem_ja(problems_of("")[0]) == "evals/bad.jsonl: 質問が1つもありません"
    assert dataset_problem_ja("something new: kept as it is") == "something new: kept as it is"


def test_progress_messages_are_japanese():
    assert progress_ja("warming up") == "準備中（最初の質問で検索モデルを読み込んでいます）"
    assert progress_ja("hybrid: q012") == "ハイブリッド: q012"
    assert progress_ja("bm25: a: b") == "BM25のみ: a: b"


def _report() -> evals.EvalReport:
    from rag.domain import Answer, Chunk, Hit

    chunk = Chunk("c1", "防護システムの整備", "s.txt", 0, 9, "m1", "会議", "2007-10-03", "出席者意見開陳", "remark")
    item = evals.EvalItem("q1", "問い", True, ("防護システムの整備",), (), "言い換え", 1)
    result = evals.score_answer(item, Answer("問い", "x", True, (), (Hit(chunk, 1.0),)), k=5, mode="hybrid",
                                latency_ms=1.0, source_text=lambda _: "防護システムの整備", evidence_chunks=[chunk])
    return evals.EvalReport("d.jsonl", 5, {m: evals.ModeRun(m, [result]) for m in ("dense", "hybrid")}, "m", "now")


def _texts(fig) -> list[str]:
    texts = [t.get_text() for ax in fig.axes for t in (ax.title, *ax.get_xticklabels())]
    return texts + [t.get_text() for legend in fig.legends for t in (legend.get_title(), *legend.get_texts())]


def test_the_chart_is_japanese_with_a_japanese_font():
    from rag.chart_font import japanese_family

    family = japanese_family()
    if family is None:
        pytest.skip("no Japanese font on this machine (scripts/setup.sh installs fonts-ipaexfont-gothic)")
    fig = evals.chart_figure(_report(), lang="ja")
    texts = _texts(fig)
    assert "検索方式別の指標（k=5、1問）" in texts and "検索方式" in texts and "ハイブリッド" in texts
    assert "言い換え\n(n=1)" in texts and "引用の適合率" in texts and not any("cite prec" in t for t in texts)
    assert fig.axes[0].title.get_fontfamily()[0] == family
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # renders without missing-glyph boxes' warnings turning into errors


def test_the_chart_falls_back_to_english_without_a_japanese_font(monkeypatch):
    from rag import chart_font

    monkeypatch.setattr(chart_font, "japanese_family", lambda: None)
    texts = _texts(evals.chart_figure(_report(), lang="ja"))
    assert "retrieval mode" in texts and "kind1\n(n=1)" in texts and not any(JAPANESE.search(t) for t in texts)
    assert _texts(evals.chart_figure(_report())) == texts  # the CLI's chart (report.md) stays English


def test_a_dataset_uploaded_as_json_lines_round_trips():
    line = json.dumps({"question": "防衛省は何を求めましたか", "evidence": ["防護システムの整備"]}, ensure_ascii=False)
    assert evals.parse_dataset(line, "u.jsonl", corpus=["防護システムの整備"]).items[0].kind == evals.NO_KIND
