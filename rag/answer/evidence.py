"""Evidence: the retrieved hits, with the record lines the question asks for routed first.

A question about the meeting itself (date, place, attendees, agenda, decisions) gets the
resolved meeting's record chunks for it (its decisions and agenda lines, those sharing the
question's words first). A record chunk the retriever returned keeps the rank it was given (the
reranker reads the same intent, and 「…総会の報告によると、次の交渉はいつ」 asks for another event's
date, which a remark answers); one it did not return comes first — except a decision once the
retriever returned one of the meeting's (of forty decisions, the one about 会期 was the one
retrieved: the others do not lead it). Everything else is the retriever's hits in rank order,
except that a question naming an item of business (「議案第171号」) has the chunks that name only other
items of that kind (a report on 議案第132号 to 第145号) put after the rest (rag.answer.items).
Numbered from 1.

After the gate, a remark paragraph that opens by referring back (「といいますのは、…」「それは…」)
brings the paragraph before it in the same remark, and one that ends announcing what follows
(「…委員の交代がございましたので、ご報告させていただきます。」) the paragraph after it, at the end of the
evidence: the words it points to, which a reader of the excerpt needs and the retriever may
have ranked lower.
"""
from __future__ import annotations

import re

from ..domain import Chunk, Evidence, Hit, holds
from ..index import section_prefix
from ..layouts.speakers import chair_title, presides
from ..lexical import normalize
from .analysis import INTENT_KIND, OBJECTION_TEXT, RECESS_WORDS, TIME_TEXT, Question, as_quoted, quoted, term_coverage
from .items import item_numbers, names_asked_items, names_other_items

# openers that explain, conclude from or point back to the paragraph before
BACK_REFERENCE = re.compile(
    r"^[\s　]*(?:といいますのは|と言いますのは|というのは|と申しますのは|なぜなら|なぜかと(?:いうと|申しますと)|その理由は|"
    r"それは|これは|つまり|すなわち|ですから|だから|したがって|従って|従いまして|したがいまして|そのため|それで|そこで|その上で)")

# endings that announce the paragraph after: 「…ご報告させていただきます。」「…次のとおりです。」
FORWARD_REFERENCE = re.compile(
    r"(?:(?:次|以下)の?(?:とおり|通り)(?:です|であります|でございます)?|"
    r"(?:ご|御)?(?:報告|説明|紹介)(?:させていただきます|させていただきたいと思います|いたします|申し上げます))[。：:]?[\s　]*$")


def gather(index, question: Question, hits: list[Hit]) -> list[Evidence]:
    """Hit chunks in rank order, after the intent's record chunks (e.g. the date line) they lack;
    first, the remarks that say a phrase the question quotes, and the chunk holding the closing
    line when the question asks when the sitting ended."""
    routed: list[Chunk] = []
    record_lead: list[Chunk] = []  # the chair's first remark, the closing line: they lead whatever their rank
    if question.intents and hits:
        meeting_id = hits[0].chunk.meeting_id
        # a remark's words are no guide to where the sitting ended or who chaired it, and the
        # question asked about the meeting itself
        if "presiding" in question.intents:
            record_lead += presiding_chunks(index, meeting_id, question.text)
        if "closing" in question.intents:
            record_lead += closing_chunks(index, meeting_id)
        if "recess" in question.intents:
            record_lead += recess_chunks(index, meeting_id, question)
        if "objection" in question.intents:
            record_lead += objection_chunks(index, meeting_id, question)
        retrieved = {(h.chunk.meeting_id, h.chunk.kind) for h in hits}
        for intent in question.intents:
            kind = INTENT_KIND.get(intent)
            if kind is None or (kind == "decision" and (meeting_id, kind) in retrieved):
                continue  # the retriever chose among the meeting's decisions already
            lines = index.chunks_of(meeting_id, kind)
            if kind in ("decision", "agenda"):  # lines about different matters: those about the question's first
                # (a decision is about the item it is filed under: 「よって、本件は承認することに決しました」
                # under 「日程第一　…協定への…連合王国の加入に関する議定書」)
                lines = sorted(lines, key=lambda c: -term_coverage(section_prefix(c) + c.text, question.weights))
            for chunk in lines:
                if chunk.chunk_id not in {c.chunk_id for c in routed}:
                    routed.append(chunk)
    # a phrase the question quotes verbatim (「…と述べたのは誰」): the remarks that say it lead
    quoting = quoting_chunks(index, question.text, hits)
    leading = quoting + [c for c in record_lead if c.chunk_id not in {q.chunk_id for q in quoting}]
    by_id = {h.chunk.chunk_id: h for h in hits}
    first = {c.chunk_id for c in leading}
    missing = [c for c in routed if c.chunk_id not in by_id and c.chunk_id not in first]
    rest = missing + [h.chunk for h in hits if h.chunk.chunk_id not in first]
    asked_items = item_numbers(question.text)
    if asked_items:  # 「議案第171号は委員会に付託されましたか」: a report on 議案第132号…第145号 is about others
        other = {c.chunk_id for c in rest if names_other_items(asked_items, section_prefix(c) + c.text)}
        rest = [c for c in rest if c.chunk_id not in other] + [c for c in rest if c.chunk_id in other]
    ordered = leading + rest
    return [Evidence(n, chunk, by_id.get(chunk.chunk_id)) for n, chunk in enumerate(ordered, start=1)]


MAX_QUOTING = 3  # a quote said in more remarks than this names a topic, not a remark


def quoting_chunks(index, question: str, hits: list[Hit]) -> list[Chunk]:
    """Remark chunks of the searched meetings that contain a phrase the question quotes, when the
    phrase is that specific (at most MAX_QUOTING chunks say it)."""
    phrases = quoted(question)
    if not phrases or not hits:
        return []
    found: list[Chunk] = []
    for meeting_id in list(dict.fromkeys(h.chunk.meeting_id for h in hits))[:3]:
        for chunk in index.chunks_of(meeting_id, "remark"):
            text = as_quoted(chunk.text)
            if any(p in text for p in phrases):
                found.append(chunk)
    return found if len(found) <= MAX_QUOTING else []


def recess_chunks(index, meeting_id: str, question: Question) -> list[Chunk]:
    """The clock line of the pause or resumption asked about (「（午後　１時０２分　休憩）」, a note between
    remarks), and the remark before it: of the meeting's lines recording that event, the one after
    the remark most like the question (「…消防本部の審査を終了します。休憩いたします。」 says which
    pause it was, and is cited with it)."""
    events = [w for w in RECESS_WORDS if w in question.text] or list(RECESS_WORDS)
    notes = [c for c in index.chunks_of(meeting_id, "note")
             if any(w in c.text for w in events) and TIME_TEXT.search(normalize(c.text))]
    if not notes:
        return []
    remarks = index.chunks_of(meeting_id, "remark")
    # (coverage of the remark before it, its position, the note, that remark): of the two remarks before
    # the note, the one more like the question (the chair's bare 「休憩いたします。」 may follow the question
    # that was asked: 「横田委員が…委託しているのかと尋ねた直後、…何時に休憩に入りましたか」)
    read = []
    for note in notes:
        before = [r for r in remarks if r.end <= note.start][-2:]
        scored = [(term_coverage(r.text, question.weights), r.start, r) for r in before]
        coverage, _, remark = max(scored, key=lambda x: x[:2]) if scored else (0.0, 0, None)
        read.append((coverage, -note.start, note, remark))
    coverage, _, note, remark = max(read, key=lambda x: x[:2])
    return [note] + ([remark] if remark is not None and coverage > 0 else [])


MAX_OBJECTION_CHARS = 120  # an objector's remark says which item, and little else
MAX_OBJECTIONS = 3


def objection_chunks(index, meeting_id: str, question: Question) -> list[Chunk]:
    """The remarks that state an objection (「議案第146号に異議があります。」), short answers to the chair's
    「何号に御異議がありますか」: those naming the item the question names (none if it names one that no
    objection names), else the ones most like the question."""
    remarks = [c for c in index.chunks_of(meeting_id, "remark")
               if len(c.text) <= MAX_OBJECTION_CHARS and OBJECTION_TEXT.search(normalize(c.text))]
    asked = item_numbers(question.text)
    if asked:
        return [c for c in remarks if names_asked_items(asked, c.text)][:MAX_OBJECTIONS]
    ranked = sorted(remarks, key=lambda c: -term_coverage(c.text, question.weights))
    return [c for c in ranked if term_coverage(c.text, question.weights) > 0][:MAX_OBJECTIONS]


def meeting_chair(index, meeting_id: str, question: str = "") -> tuple[str, str] | None:
    """(name, role) of the meeting's chair: the speaker with a chair's role (議長, 委員長, 会長…, as
    parsed; the one the question names, when it names one) who speaks most, and often enough to be
    running the sitting (a member who chairs some other 部会 and speaks once is not); None if none."""
    found = index.records.get(meeting_id)
    if not found:
        return None
    speakers = found[0].speakers()
    total = sum(n for _, _, n in speakers) or 1
    named = chair_title(question)
    chairs = [(n, name, role) for name, role, n in speakers
              if presides(role) and (named is None or chair_title(role) == named) and n >= max(2, 0.1 * total)]
    if not chairs:
        return None
    _, name, role = max(chairs)
    return name, role


def presiding_chunks(index, meeting_id: str, question: str = "") -> list[Chunk]:
    """The first remark of the meeting's chair (``meeting_chair``)."""
    chair = meeting_chair(index, meeting_id, question)
    if chair is None:
        return []
    return next(([c] for c in index.chunks_of(meeting_id, "remark") if (c.speaker, c.role) == chair), [])


def chairs_remark(index, chunk: Chunk, question: str) -> bool:
    """``chunk`` is a remark of its meeting's chair (as ``meeting_chair`` reads the record)."""
    return chunk.kind == "remark" and chunk.speaker is not None and meeting_chair(index, chunk.meeting_id, question) == (chunk.speaker, chunk.role)


def closing_chunks(index, meeting_id: str) -> list[Chunk]:
    """The chunk holding the line where the sitting ended (the chair's last remark or a trailer note)."""
    found = index.records.get(meeting_id)
    closing = found[0].closing_span if found else None
    if closing is None:
        return []
    return [c for kind in ("note", "remark") for c in index.chunks_of(meeting_id, kind) if holds(c, closing)][:1]


def with_neighbours(index, evidence: list[Evidence], first: int = 5) -> list[Evidence]:
    """``evidence`` and, after it, the paragraph each of the first remark chunks points to: the
    one before it when it opens by referring back, the one after it when it ends announcing it
    (same remark)."""
    out = list(evidence)
    have = {e.chunk.chunk_id for e in evidence}
    remarks: dict[str, list[Chunk]] = {}  # meeting id -> its remark chunks, read once per call
    for e in evidence[:first]:
        if e.chunk.kind != "remark":
            continue
        for wanted, pick in ((BACK_REFERENCE.match(e.chunk.text), last_before), (FORWARD_REFERENCE.search(e.chunk.text), first_after)):
            if not wanted:
                continue
            if e.chunk.meeting_id not in remarks:
                remarks[e.chunk.meeting_id] = index.chunks_of(e.chunk.meeting_id, "remark")
            neighbour = pick(e.chunk, remarks[e.chunk.meeting_id])
            if neighbour is not None and neighbour.chunk_id not in have:
                out.append(Evidence(len(out) + 1, neighbour, None))
                have.add(neighbour.chunk_id)
    return out


def last_before(chunk: Chunk, chunks: list[Chunk]) -> Chunk | None:
    """Of ``chunks``, the one that ends last before ``chunk`` starts within the same remark."""
    if chunk.remark_no is None:
        return None
    same = [c for c in chunks if c.meeting_id == chunk.meeting_id and c.kind == "remark"
            and c.remark_no == chunk.remark_no and c.end <= chunk.start]
    return max(same, key=lambda c: c.end) if same else None


def first_after(chunk: Chunk, chunks: list[Chunk]) -> Chunk | None:
    """Of ``chunks``, the one that starts first after ``chunk`` ends within the same remark."""
    if chunk.remark_no is None:
        return None
    same = [c for c in chunks if c.meeting_id == chunk.meeting_id and c.kind == "remark"
            and c.remark_no == chunk.remark_no and c.start >= chunk.end]
    return min(same, key=lambda c: c.start) if same else None
