"""The evaluation page: run a question set through the assistant and show how far to trust it.

All measuring lives in ``rag.evals`` (the same code as ``python -m rag eval``);
this module only lays it out.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import streamlit as st

from .. import evals
from ..config import PROJECT_DIR
from ..errors import DatasetError, RagError
from ..inert import markdown as md_escape  # minutes text shown literally: no links, images or markup
from .chrome import upload_hint
from .ui import assistant_or_stop

EVALS_DIR = PROJECT_DIR / "evals"
REPORT = "eval_report"  # evals.EvalReport of the last run in this session
ERROR = "eval_error"  # list[str]: the problems of the last dataset that could not be used

MODES = {"hybrid": "ハイブリッド（本番と同じ）", "dense": "ベクトル検索のみ", "bm25": "BM25のみ", "all": "3方式を比較"}
METRIC_JA = {
    "recall_at_k": "根拠の検索再現率 recall@{k}",
    "mrr": "MRR（最初の根拠の順位の逆数）",
    "ndcg_at_k": "nDCG@{k}",
    "citation_precision": "引用の適合率（根拠を含む引用の割合）",
    "citation_verbatim": "引用の逐語性（原文と完全一致する引用の割合）",
    "citation_recall": "引用の再現率（根拠を引用できた質問の割合）",
    "offset_validity": "引用位置の正しさ",
    "key_fact_coverage": "要点（key facts）の網羅率",
    "abstention_accuracy": "回答不能な質問を正しく控えた割合",
    "false_abstention_rate": "回答できる質問を誤って控えた割合",
    "accuracy": "正答率（全質問）",
    "latency_p50_ms": "応答時間 p50（ミリ秒）",
    "latency_p95_ms": "応答時間 p95（ミリ秒）",
}
FAILURE_JA = {
    "answered_unanswerable": "回答不能な質問に回答した",
    "false_abstention": "根拠を検索できていたのに回答を控えた",
    "miss_abstained": "根拠を検索できず、回答を控えた",
    "selection": "根拠を検索できていたが、引用に選ばれなかった",
    "retrieval_miss": "根拠を検索できず、別の箇所を引用した",
}


def shipped_datasets() -> list[Path]:
    return sorted(EVALS_DIR.glob("*.jsonl"))


def _dataset_from_inputs() -> tuple[str, str] | None:
    """(name, text) of the chosen dataset, or None."""
    source = st.radio("質問セット", ["evals/ から選ぶ", "ファイルをアップロード"], horizontal=True, key="eval-source")
    if source == "evals/ から選ぶ":
        files = shipped_datasets()
        if not files:
            st.info("evals/ に質問セット（.jsonl）がありません。アップロードしてください。")
            return None
        path = st.selectbox("データセット", files, format_func=lambda p: f"evals/{p.name}", key="eval-file")
        return f"evals/{path.name}", path.read_text(encoding="utf-8")
    types = ["jsonl", "json", "txt"]
    upload = st.file_uploader("質問セット（JSONL、1行1問）", type=types, key="eval-upload")
    st.caption(upload_hint(types))
    if upload is None:
        return None
    try:
        return upload.name, upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error(f"「{upload.name}」は UTF-8 のテキストではありません。")
        return None


def _run(name: str, text: str, modes: tuple[str, ...], k: int) -> None:
    st.session_state.pop(REPORT, None)
    st.session_state.pop(ERROR, None)
    assistant = assistant_or_stop()
    try:
        dataset = evals.parse_dataset(text, name, evals.corpus_texts(assistant))
    except DatasetError as exc:
        st.session_state[ERROR] = [dataset_problem_ja(p) for p in getattr(exc, "problems", [str(exc)])]
        return
    bar = st.progress(0.0, text="評価を準備しています…")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"評価中… {done}/{total}　{progress_ja(message)}")

    try:
        st.session_state[REPORT] = evals.run_eval(assistant, dataset, modes, k=k, progress=progress)
    except RagError as exc:
        st.session_state[ERROR] = [str(exc)]
    finally:
        bar.empty()


def progress_ja(message: str) -> str:
    """``run_eval``'s progress messages (「warming up」, 「hybrid: q012」) for the progress bar."""
    if message == "warming up":
        return "準備中（最初の質問で検索モデルを読み込んでいます）"
    mode, _, qid = message.partition(": ")
    return f"{MODES[mode].split('（')[0]}: {qid}" if mode in MODES and qid else message


# A dataset problem, as ``evals.parse_dataset`` words it after 「FILE:LINE: 」, and in Japanese.
_PROBLEMS_JA: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), ja) for p, ja in (
    (r"invalid JSON \((.*) at column (\d+)\)$", r"JSONとして読めません（\2文字目付近）"),
    (r"expected a JSON object, got (\w+)$", r"1行に1つのJSONオブジェクト {…} が必要です（\1 が書かれています）"),
    (r'missing "question"$', '"question"（質問文）がありません'),
    (r"id (.+) already used on line (\d+)$", r"id \1 は\2行目で既に使われています"),
    (r'"answerable" is null: .*$', '"answerable" が null です（見直し待ちの行）。根拠の "evidence" を添えて true にするか、false にしてください'),
    (r'"answerable" must be true or false$', '"answerable" は true か false にしてください'),
    (r'"(\w+)" must be a list of strings$', r'"\1" は文字列のリストにしてください'),
    (r'"(\w+)" contains an empty string$', r'"\1" に空の文字列があります'),
    (r'an answerable question needs at least one "evidence" string$',
     '回答できる質問には "evidence"（議事録の原文の一部）が1つ以上必要です'),
    (r'an unanswerable question must have empty "evidence" and "key_facts"$',
     '回答できない質問では "evidence" と "key_facts" を空にしてください'),
    (r"evidence not found in the indexed corpus: (.*)$", r"evidence が索引の議事録に見つかりません: \1"),
    (r"no questions$", "質問が1つもありません"),
))
_WHERE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<problem>.*)$", re.S)


def dataset_problem_ja(problem: str) -> str:
    """「evals/x.jsonl:3: missing "question"」 -> 「evals/x.jsonl 3行目: "question"（質問文）がありません」;
    a problem not known here is kept as it is."""
    m = _WHERE.match(problem)
    where, text = (f"{m['file']} {m['line']}行目", m["problem"]) if m else ("", problem)
    if not m and ": " in problem:  # 「NAME: no questions」
        where, text = problem.split(": ", 1)
    for pattern, ja in _PROBLEMS_JA:
        found = pattern.match(text)
        if found:
            text = found.expand(ja)
            break
    return f"{where}: {text}" if where else text


def _table(headers: list[str], rows: list[list[str]]) -> None:
    """Every row shown (no inner scroll bar hiding the last ones)."""
    st.dataframe({h: [r[i] for r in rows] for i, h in enumerate(headers)}, hide_index=True, width="stretch",
                 height="content")


def _metrics(report: evals.EvalReport) -> None:
    modes = list(report.runs)
    overall = {m: report.runs[m].overall for m in modes}
    headers = ["指標", *(MODES[m].split("（")[0] for m in modes)]
    rows = [[METRIC_JA[key].format(k=report.k), *(evals.fmt(overall[m][key], key) for m in modes)]
            for key, _ in evals.METRICS]
    first = overall[modes[0]]
    st.caption(f"{md_escape(report.dataset)}: {first['questions']}問（回答可能 {first['answerable']}・"
               f"回答不能 {first['unanswerable']}）、k={report.k}、埋め込み `{report.embedding_model}`")
    if report.unreachable:
        st.warning(f"根拠（evidence）がどのチャンクにも含まれない質問が{len(report.unreachable)}問あります"
                   f"（発言者の見出しを含む、二つのチャンクにまたがる等）。検索・引用で正解になり得ないため、"
                   f"データセットの根拠を直してください: {md_escape(', '.join(report.unreachable))}")
    _table(headers, rows)


def _failing(report: evals.EvalReport) -> None:
    tabs = st.tabs([MODES[m].split("（")[0] for m in report.runs]) if len(report.runs) > 1 else [st.container()]
    for tab, (mode, run) in zip(tabs, report.runs.items()):
        with tab:
            failing = run.failing()
            if not failing:
                st.success("すべての質問に正しく対応しました。")
            for r in failing:
                with st.expander(f"{r.id}［{r.kind}］{FAILURE_JA[r.failure_kind]}"):
                    st.markdown(f"**質問**: {md_escape(r.question)}")
                    if r.answerable:
                        where = "、".join(r.evidence_chunks) or "（単一のチャンクには含まれていません）"
                        st.markdown(f"**根拠のある箇所**: {md_escape(where)}")
                    st.markdown(f"**代わりに検索された上位{report.k}件**:")
                    st.markdown("\n".join(
                        f"{c.rank}. {'✅ ' if c.relevant else ''}〔{md_escape(c.label)}〕{md_escape(c.snippet)}"
                        for c in r.contexts
                    ) or "（なし）")
                    cited = {c.chunk_id: c.label for c in r.contexts}
                    if r.cited_chunk_ids:
                        st.markdown("**引用**: " + md_escape("、".join(cited.get(cid, cid) for cid in r.cited_chunk_ids)))
                    st.markdown("**回答**:")
                    st.text(r.answer)


def _show(report: evals.EvalReport) -> None:
    st.subheader("指標")
    _metrics(report)
    st.subheader("方式別・種類別のグラフ")
    st.pyplot(evals.chart_figure(report, lang="ja"), clear_figure=False)
    with st.expander("種類（kind）別の表"):
        if len(report.runs) > 1:
            _table(*evals.kind_accuracy_rows(report))
        for mode in report.runs:
            st.markdown(f"**{MODES[mode]}**")
            _table(*evals.kind_rows(report, mode))
    st.subheader("誤った質問と、代わりに検索された箇所")
    _failing(report)
    left, right = st.columns(2)
    left.download_button("レポート（Markdown）", evals.format_markdown(report, chart=None).encode("utf-8"),
                         file_name="report.md", mime="text/markdown", icon=":material/download:", on_click="ignore")
    right.download_button("結果（JSON）", json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"),
                          file_name="results.json", mime="application/json", icon=":material/download:",
                          on_click="ignore")


def render() -> None:
    st.title("回答精度の評価")
    st.caption("質問セット（JSONL）をチャットと同じ検索・回答の仕組みで一括実行し、根拠の検索、引用の正確さ、"
               "回答を控える判断を測ります。書式は docs/evaluation.md を参照してください。")
    chosen = _dataset_from_inputs()
    left, right = st.columns([2, 1])
    mode = left.selectbox("検索方式", list(MODES), format_func=MODES.get, key="eval-mode")
    k = right.number_input("検索件数 k", min_value=1, max_value=50, value=evals.DEFAULT_K, step=1, key="eval-k")
    if st.button("評価を実行", type="primary", disabled=chosen is None, icon=":material/play_arrow:", key="eval-run"):
        _run(chosen[0], chosen[1], evals.modes_for(mode), int(k))
    problems = st.session_state.get(ERROR)
    if problems:
        st.error(f"この質問セットは使えません（{len(problems)}件の問題）。行番号つきの一覧:", icon=":material/error:")
        st.code("\n".join(problems), language=None, wrap_lines=True)
    report = st.session_state.get(REPORT)
    if report is not None:
        _show(report)
