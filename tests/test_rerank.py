"""The reranker (rag.rerank): its features over hand-built candidates, the shipped fit, and its fitting."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rag.devtools.calibrate import DEV_SETS, fit_rerank, leave_one_document_out, rank_figures
from rag.lexical import LexicalIndex
from rag.rerank import FEATURES, MODEL_PATH, Reranker, RerankModel, rerank_model

sys.path.insert(0, str(Path(__file__).parent / "answer"))
from invented_minutes import BRIEFING, CLOSING, HEADER, MEETING_ID, OPENING, TARGET

CHUNKS = {c.chunk_id: c for c in (HEADER, OPENING, TARGET, BRIEFING, CLOSING)}


class _Entry:  # the catalog fields the reranker reads
    meeting_id = MEETING_ID
    speakers = (("山田", "会長", 2), ("鈴木", "環境部長", 1), ("佐藤", "委員", 1))
    folded_speakers = ("山田", "鈴木", "佐藤")


class _Index:
    def __init__(self) -> None:
        self.lexical = LexicalIndex()
        self.lexical.upsert(list(CHUNKS), [c.text for c in CHUNKS.values()], [{} for _ in CHUNKS])

    @staticmethod
    def catalog():
        return [_Entry()]


def _features(question: str) -> dict[str, dict[str, float]]:
    ranks = {cid: (r, 0.9 - 0.01 * r) for r, cid in enumerate(CHUNKS, start=1)}
    rows = Reranker(_Index(), model=RerankModel.rrf()).features(question, question, CHUNKS, ranks, {})
    return {cid: dict(zip(FEATURES, row)) for cid, row in rows.items()}


def test_a_quantity_question_marks_the_candidates_holding_a_number():
    f = _features("家庭ごみの排出量は何グラムまで減らす目標ですか")
    assert f[TARGET.chunk_id]["number"] == 1.0 and f[TARGET.chunk_id]["no_number"] == 0.0  # 「500グラム」
    assert f[BRIEFING.chunk_id]["no_number"] == 1.0
    assert f[TARGET.chunk_id]["sentence_coverage"] > f[BRIEFING.chunk_id]["sentence_coverage"]
    plain = _features("家庭ごみの有料化について委員はどう述べましたか")
    assert all(row["number"] == row["no_number"] == 0.0 for row in plain.values())


def test_a_typed_question_marks_the_candidates_holding_a_value_of_that_type():
    """「何年度までに」 asks a date: 「令和10年度まで」 holds one; 「何世帯」 a count with 世帯, which no
    chunk holds (a number alone is not it)."""
    f = _features("ごみ減量計画の目標は何年度までに達成しますか")
    assert f[TARGET.chunk_id]["typed"] == 1.0 and f[TARGET.chunk_id]["untyped"] == 0.0  # 「令和10年度までに」
    assert f[BRIEFING.chunk_id]["typed"] == 0.0 and f[BRIEFING.chunk_id]["untyped"] == 1.0
    f = _features("ごみ減量計画の対象は何世帯ですか")
    assert all(row["typed"] == 0.0 and row["untyped"] == 1.0 for row in f.values())
    plain = _features("家庭ごみの有料化について委員はどう述べましたか")
    assert all(row["typed"] == row["untyped"] == 0.0 for row in plain.values())


def test_the_record_part_the_question_asks_for_and_the_presiding_officer():
    f = _features("審議会はいつ開催されましたか")
    assert f[HEADER.chunk_id]["record_part"] == 1.0
    assert f[TARGET.chunk_id]["record_part"] == 0.0
    assert f[OPENING.chunk_id]["presiding"] == 1.0 and f[TARGET.chunk_id]["presiding"] == 0.0


def test_a_speaker_the_question_names():
    f = _features("鈴木部長はごみ減量計画について何と述べましたか")
    assert f[TARGET.chunk_id]["speaker_named"] == 1.0
    assert f[BRIEFING.chunk_id]["speaker_named"] == 0.0


def test_rank_features_are_the_fusion_terms_and_rrf_model_keeps_the_fused_order():
    f = _features("ごみ減量計画")
    assert f[HEADER.chunk_id]["dense_rrf"] == pytest.approx(1 / 6)
    assert f[HEADER.chunk_id]["lexical_rrf"] == 0.0
    ranked = Reranker(_Index(), model=RerankModel.rrf()).rank(
        "ごみ減量計画", "ごみ減量計画", CHUNKS, {cid: (r, 0.9) for r, cid in enumerate(CHUNKS, start=1)}, {})
    assert [cid for cid, _ in ranked] == list(CHUNKS)


def test_the_shipped_fit_reads_the_codes_features_and_never_saw_the_held_out_set():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert all("heldout" not in name for name in data["fitted_on"])
    assert all("heldout" not in name for name, _ in DEV_SETS)
    model = rerank_model()
    base = dict.fromkeys(FEATURES, 0.0) | {"dense_rrf": 1 / 6, "lexical_rrf": 1 / 6, "coverage": 0.5, "length": 0.9}

    def score(**changes):
        return model.score([(base | changes)[f] for f in FEATURES])

    # what any sensible ranker must do, whatever the fitted values
    assert score(dense_rrf=1 / 6) > score(dense_rrf=1 / 35)
    assert score(cosine_gap=0.0) > score(cosine_gap=0.1)
    assert score(coverage=0.9, sentence_coverage=0.9) > score(coverage=0.1, sentence_coverage=0.1)


def _rows(n_docs: int = 4, per_doc: int = 10) -> list[dict]:
    """Synthetic questions: the relevant candidate is the one with high coverage, ranked anywhere."""
    rows = []
    for d in range(n_docs):
        for q in range(per_doc):
            cands = []
            for i in range(8):
                relevant = i == (q % 8)
                f = dict.fromkeys(FEATURES, 0.0) | {"dense_rrf": 1 / (6 + i), "coverage": 0.9 if relevant else 0.2}
                cands.append({"id": f"{d}-{q}-{i}", "features": [f[x] for x in FEATURES], "relevant": relevant})
            rows.append({"source": f"doc{d}", "candidates": cands})
    return rows


def test_fitting_learns_what_rrf_misses_and_is_measured_on_unseen_documents():
    rows = _rows()
    rrf = rank_figures(rows, RerankModel.rrf())
    weights, bias = fit_rerank(rows)
    fitted = rank_figures(rows, RerankModel(tuple(weights), bias))
    assert rrf["at_1"] == 0.2  # the relevant candidate first in 2 of 10 questions
    assert fitted["at_1"] == 1.0 and weights[FEATURES.index("coverage")] > 0
    assert leave_one_document_out(rows)["at_1"] == 1.0


def test_a_paragraph_reads_how_strongly_another_paragraph_of_its_remark_was_retrieved():
    """A long remark is chunked by paragraph; the paragraph after the one whose words matched often
    answers. Each remark chunk carries the best fused score of a sibling (0 for none, and for record
    chunks)."""
    from dataclasses import replace

    cut = TARGET.text.index("そのため")
    first = replace(TARGET, chunk_id="t1", text=TARGET.text[:cut], end=TARGET.start + cut)
    second = replace(TARGET, chunk_id="t2", text=TARGET.text[cut:], start=TARGET.start + cut)
    chunks = {c.chunk_id: c for c in (HEADER, first, second, BRIEFING)}
    dense = {"t1": (1, 0.9), HEADER.chunk_id: (2, 0.85), BRIEFING.chunk_id: (3, 0.84)}  # t2 not retrieved
    rows = Reranker(_Index(), model=RerankModel.rrf()).features("ごみ減量の目標", "ごみ減量の目標", chunks, dense, {})
    sibling = {cid: dict(zip(FEATURES, row))["sibling"] for cid, row in rows.items()}
    assert sibling["t2"] == pytest.approx(1 / 6) and sibling["t1"] == 0.0
    assert sibling[HEADER.chunk_id] == 0.0 and sibling[BRIEFING.chunk_id] == 0.0
