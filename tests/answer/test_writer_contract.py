"""One contract, both writers: over hand-built evidence (no index), a draft cites only the evidence
it was given, every cited span slices back from the stored text once verified, and the pipeline's
abstentions are structured. Run against the extractive writer and the LLM writer (a LangChain fake
chat model replying with a well-formed answer)."""
from __future__ import annotations

import re

import pytest

from rag.answer.extractive import ExtractiveWriter
from rag.answer.verify import Verifier
from rag.domain import Draft

from invented_minutes import BRIEFING, CLOSING, MEETING_ID, OPENING, TARGET, TEXT, evidence, source_text


class _Records:
    """The one thing the extractive writer reads from an index besides the evidence: the meeting
    record (for the lead line's kind and date) and the stored text."""

    def get(self, meeting_id: str):
        if meeting_id != MEETING_ID:
            return None

        class _Meeting:
            kind = "会議録"
            date_original = "令和5年6月12日（月）"

        return _Meeting(), TEXT


class _Index:
    records = _Records()
    lexical = None

    @staticmethod
    def source_text(chunk):
        return source_text(chunk.meeting_id)


WEIGHTS = {"ごみ": 2.0, "減量": 2.5, "計画": 1.5, "目標": 2.0}  # the question's terms with IDF-like weights
QUESTION = "ごみ減量計画の目標は何ですか"


def extractive_draft(ev) -> Draft:
    return ExtractiveWriter(_Index()).draft(QUESTION, ev, True, WEIGHTS)


def llm_draft(ev) -> Draft:
    pytest.importorskip("langchain_core")
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.answer.llm import LLMWriter

    n = next(e.n for e in ev if e.chunk is TARGET)
    reply = (f"目標は「一人一日当たりの家庭ごみの排出量を500グラムに削減すること」です。[{n}] "
             f"そのため「生ごみの水切りと資源物の分別」を重点的に進めます。[{n}]")
    return LLMWriter(FakeListChatModel(responses=[reply])).draft(QUESTION, ev, True)


WRITERS = {"extractive": extractive_draft, "llm": llm_draft}


@pytest.mark.parametrize("writer", WRITERS)
def test_claims_cite_given_evidence_only_and_spans_slice_back(writer):
    ev = evidence(OPENING, TARGET, BRIEFING, CLOSING)
    draft = WRITERS[writer](ev)
    given = {e.n: e.chunk for e in ev}
    assert draft.claims
    for claim in draft.claims:
        for c in claim.citations:
            assert c.n in given and c.chunk == given[c.n]
            assert c.chunk.start <= c.start < c.end <= c.chunk.end
            assert TEXT[c.start:c.end] == c.text
    verified = Verifier(source_text).verify(QUESTION, ev, draft, True)
    assert verified.claims and not verified.removed
    numbers = [c.n for c in verified.citations]
    assert numbers == list(range(1, len(numbers) + 1))  # numbered 1.. in order of first use
    for c in verified.citations:
        assert TEXT[c.start:c.end] == c.text
    for claim in verified.claims:  # every marker is a citation of this answer
        assert {int(m) for m in re.findall(r"\[(\d+)\]", claim.text)} <= set(numbers)
    assert any("500グラム" in c.text for c in verified.citations)


@pytest.mark.parametrize("writer", WRITERS)
def test_evidence_the_writer_was_not_given_is_never_cited(writer):
    ev = evidence(TARGET, BRIEFING)  # OPENING and CLOSING are not evidence here
    draft = WRITERS[writer](ev)
    cited = {c.chunk.chunk_id for claim in draft.claims for c in claim.citations}
    assert cited <= {TARGET.chunk_id, BRIEFING.chunk_id}


def test_abstentions_are_structured():
    from rag.answer.pipeline import NOT_FOUND_JA, AnswerPipeline

    answer = AnswerPipeline.abstain("量子暗号は？", [], "unknown_term", "「量子」はどの議事録にも出てきません")
    assert answer.abstained and answer.citations == ()
    assert answer.abstention == ("unknown_term", "「量子」はどの議事録にも出てきません")
    assert answer.text.startswith(NOT_FOUND_JA) and "量子" in answer.text
