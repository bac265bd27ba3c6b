"""One answer pipeline for the chat, the CLI, briefings and evals: evidence → gate → draft → verify.

The gate decides before any writer runs; a writer only drafts; the verifier decides what the
user sees and numbers the citations. With an LLM writer configured, its draft is verified
sentence by sentence; when nothing it wrote is supported, the extractive answer is shown and
the answer says so (``Answer.fallback``).
"""
from __future__ import annotations

from typing import Callable, Iterator, Protocol

from ..domain import Answer, Claim, Draft, Hit
from ..errors import LLMUnavailableError
from .analysis import is_japanese, read_question
from .evidence import gather, with_neighbours
from .extractive import MAX_CITATIONS, ExtractiveWriter
from .gate import Gate, Thresholds, as_written, unseen_note

NOT_FOUND_JA = "議事録には該当する記載が見つかりませんでした。"
NOT_FOUND_EN = "The minutes contain nothing that answers this question. (議事録には該当する記載が見つかりませんでした。)"
FALLBACK_JA = "（生成した回答は根拠の抜粋で確かめられなかったため、抜粋のみを示します）"
FALLBACK_EN = "(The written answer could not be verified against the excerpts; the excerpts are shown instead.)"
EVIDENCE_FOR_LLM = 6  # numbered evidence items a language model sees


DraftSink = Callable[[Iterator[str]], object]  # shows a draft while it is written; returns its text


class Answerer(Protocol):
    def answer(self, question: str, hits: list[Hit], on_draft: DraftSink | None = None) -> Answer: ...

    def abstain(self, question: str, hits: list[Hit], code: str, detail: str) -> Answer: ...


class AnswerPipeline:
    """Answers from hits; ``writer`` is an LLM writer or None (extractive only)."""

    def __init__(self, index, writer=None, thresholds: Thresholds | None = None,
                 max_citations: int = MAX_CITATIONS) -> None:
        self.index = index
        self.gate = Gate(index, thresholds)
        self.extractive = ExtractiveWriter(index, max_citations)
        self.writer = writer
        self._verifier = None

    @property
    def verifier(self):
        if self._verifier is None:
            from .verify import Verifier

            self._verifier = Verifier(source_text=self._source_text, embed=self._embed)
        return self._verifier

    @property
    def thresholds(self) -> Thresholds:
        return self.gate.thresholds

    @property
    def writer_name(self) -> str:
        return self.writer.name if self.writer else self.extractive.name

    def answer(self, question: str, hits: list[Hit], on_draft: DraftSink | None = None) -> Answer:
        """``on_draft`` (the chat's ``st.write_stream``) is handed the LLM writer's reply while it is
        written; that same reply is then verified, so the model is asked once per question."""
        if not hits or not question.strip():
            return self.abstain(question, hits, "no_evidence", "")
        q = self.gate.record_question(read_question(question, self.index.lexical), hits)
        evidence = gather(self.index, q, hits)
        why = self.gate.check(q, hits, [e.chunk for e in evidence])
        if why is not None:
            return self.abstain(question, hits, *why)
        evidence = with_neighbours(self.index, evidence)  # after the gate: it decided on what was retrieved
        caveat = unseen_note(list(dict.fromkeys(as_written(question, t) for t in self.gate.unseen_terms(q))), q.japanese)
        removed: tuple = ()
        note = FALLBACK_JA if q.japanese else FALLBACK_EN
        if self.writer is not None:
            try:
                draft = self._draft(question, evidence[:EVIDENCE_FOR_LLM], q.japanese, on_draft)
            except LLMUnavailableError as exc:  # the model server is down: the excerpts still answer
                draft, note = None, (f"（{exc}。抜粋のみを示します）" if q.japanese else f"({exc}; showing the excerpts.)")
            if draft is not None:
                verified = self.verifier.verify(question, evidence, draft, q.japanese)
                if verified.claims:
                    return self._answer(question, hits, draft, verified, caveat)
                removed = verified.removed
        topic = self.gate.topic_weights(q, [e.chunk for e in evidence])
        draft = self.extractive.draft(question, evidence, q.japanese, topic, intents=q.intents)
        verified = self.verifier.verify(question, evidence, draft, q.japanese)
        if not verified.claims:
            return self.abstain(question, hits, "no_evidence", "")
        answer = self._answer(question, hits, draft, verified, caveat)
        if self.writer is not None:  # the model's draft had nothing supported (or no model answered)
            answer = Answer(question, f"{note}\n{answer.text}", False, answer.citations, answer.contexts,
                            writer=answer.writer, removed=removed, fallback=True)
        return answer

    @staticmethod
    def abstain(question: str, hits: list[Hit], code: str, detail: str) -> Answer:
        """The not-found answer, with its reason both shown and structured (``Answer.abstention``)."""
        text = NOT_FOUND_JA if is_japanese(question) else NOT_FOUND_EN
        if detail:
            text += f"（{detail}）"
        return Answer(question, text, True, (), tuple(hits), abstention=(code, detail))

    # ------------------------------------------------------------ internals

    def _draft(self, question: str, evidence: list, japanese: bool, on_draft: DraftSink | None) -> Draft:
        if on_draft is None:
            return self.writer.draft(question, evidence, japanese)
        shown = on_draft(self.writer.stream(question, evidence, japanese))
        reply = shown if isinstance(shown, str) else "".join(str(p) for p in shown or ())
        return self.writer.from_reply(reply, evidence)

    def _answer(self, question: str, hits: list[Hit], draft: Draft, verified, caveat: str = "") -> Answer:
        """``caveat``: a line said before everything else (``unseen_note``)."""
        text = compose(draft, verified.claims)
        return Answer(question, f"{caveat}\n{text}" if caveat else text, False, verified.citations, tuple(hits),
                      writer=draft.writer, removed=verified.removed)

    def _source_text(self, meeting_id: str) -> str | None:
        found = self.index.records.get(meeting_id)
        return found[1] if found else None

    def _embed(self, texts: list[str]) -> list[list[float]]:
        return self.index.embeddings.embed_documents(texts)


def compose(draft: Draft, claims: tuple[Claim, ...]) -> str:
    """Direct answer sentences first, then the lead line, then the cited excerpts (one per line);
    a written (LLM) answer is one paragraph of its verified sentences."""
    if draft.writer != "extractive":
        return "".join(c.text for c in claims) if any(is_japanese(c.text) for c in claims) else " ".join(c.text for c in claims)
    direct = [c.text for c in claims if not c.text.startswith("- ")]
    excerpts = [c.text for c in claims if c.text.startswith("- ")]
    return "\n".join([*direct, *([draft.lead] if draft.lead else []), *excerpts])
