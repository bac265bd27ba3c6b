"""Evidence (rag.answer.evidence.gather): record chunks the question asks for, and the retriever's order."""
from __future__ import annotations

from invented_minutes import BRIEFING, HEADER, TARGET

from rag.answer.analysis import Question
from rag.answer.evidence import gather
from rag.domain import Hit


class _Index:
    @staticmethod
    def chunks_of(meeting_id: str, kind: str):
        return [HEADER] if kind == "header" else []


def _question(intents: tuple[str, ...]) -> Question:
    return Question("q", "q", True, (), {}, intents)


def test_a_record_chunk_the_retriever_did_not_return_comes_first():
    ev = gather(_Index(), _question(("date",)), [Hit(TARGET, 0.9), Hit(BRIEFING, 0.5)])
    assert [e.chunk for e in ev] == [HEADER, TARGET, BRIEFING]
    assert [e.n for e in ev] == [1, 2, 3] and ev[0].hit is None and ev[1].hit.chunk is TARGET


def test_a_record_chunk_the_retriever_returned_keeps_its_rank():
    """「…の報告によると、次の交渉はいつ」: the reranker put the remark first, the header second."""
    ev = gather(_Index(), _question(("date",)), [Hit(TARGET, 0.9), Hit(HEADER, 0.6)])
    assert [e.chunk for e in ev] == [TARGET, HEADER]


def test_no_intent_no_routing():
    ev = gather(_Index(), _question(()), [Hit(TARGET, 0.9)])
    assert [e.chunk for e in ev] == [TARGET]



def test_a_paragraph_that_refers_back_brings_the_one_before_it_after_the_hits():
    from dataclasses import replace

    from rag.answer.evidence import with_neighbours

    cut = TARGET.text.index("そのため")
    first = replace(TARGET, chunk_id="t1", text=TARGET.text[:cut], end=TARGET.start + cut)
    then = replace(TARGET, chunk_id="t2", text=TARGET.text[cut:], start=TARGET.start + cut)

    class Remarks:
        @staticmethod
        def chunks_of(meeting_id: str, kind: str):
            return [first, then, BRIEFING] if kind == "remark" else []

    ev = with_neighbours(Remarks(), gather(Remarks(), _question(()), [Hit(then, 0.9), Hit(BRIEFING, 0.5)]))
    assert [e.chunk for e in ev] == [then, BRIEFING, first]  # after the hits: ranks and the gate's view unchanged
    assert [e.n for e in ev] == [1, 2, 3] and ev[2].hit is None
    # a paragraph that opens otherwise brings nothing
    assert [e.chunk for e in with_neighbours(Remarks(), gather(Remarks(), _question(()), [Hit(first, 0.9)]))] == [first]
    assert [e.chunk for e in with_neighbours(Remarks(), gather(Remarks(), _question(()), [Hit(BRIEFING, 0.9)]))] == [BRIEFING]


def test_a_paragraph_that_announces_what_follows_brings_the_one_after_it():
    from dataclasses import replace

    from rag.answer.evidence import with_neighbours

    cut = TARGET.text.index("そのため")
    # the first paragraph made to end announcing the next (「…次のとおりです。」), for this test
    first = replace(TARGET, chunk_id="t1", text="重点は次のとおりです。", end=TARGET.start + cut)
    then = replace(TARGET, chunk_id="t2", text=TARGET.text[cut:], start=TARGET.start + cut)

    class Remarks:
        @staticmethod
        def chunks_of(meeting_id: str, kind: str):
            return [first, then, BRIEFING] if kind == "remark" else []

    ev = with_neighbours(Remarks(), gather(Remarks(), _question(()), [Hit(first, 0.9)]))
    assert [e.chunk for e in ev] == [first, then] and ev[1].hit is None


def test_the_pause_asked_about_is_the_clock_line_after_the_business_the_question_names():
    """「消防本部の審査を終えて休憩に入ったのは何時」: of the sitting's three 「（午後…休憩）」 lines, the one
    after the remark closing that business leads, with that remark; the header's opening time does
    not (the intent is the pause, not the meeting's date)."""
    from rag.answer.analysis import detect_intents
    from rag.domain import Chunk

    text = ("では、これで消防本部の審査を終了します。休憩いたします。\n（午後　１時０２分　休憩）\n"
            "では、政策部の審査を終了します。休憩いたします。\n（午後　１時１０分　休憩）\n"
            "財務部の審査を終了します。休憩いたします。\n（午後　１時１８分　休憩）\n")
    lines, at = [], 0
    for n, line in enumerate(text.splitlines()):
        kind = "note" if line.startswith("（") else "remark"
        lines.append(Chunk(chunk_id=f"c{n}", text=line, source="m.txt", start=at, end=at + len(line), meeting_id="m",
                           meeting="架空市議会 総務委員会", date="2023-05-22", section="時刻" if kind == "note" else "発言",
                           kind=kind))
        at += len(line) + 1

    class Sitting:
        @staticmethod
        def chunks_of(meeting_id: str, kind: str):
            return [c for c in lines if c.kind == kind]

    question = "総務委員会で、消防本部の議案の審査を終えて休憩に入ったのは何時ですか"
    intents = tuple(detect_intents(question))
    assert "recess" in intents and "date" not in intents
    q = Question(question, question, True, (), {"消防": 3.0, "本部": 3.0, "審査": 1.0, "休憩": 1.0}, intents)
    ev = gather(Sitting(), q, [Hit(lines[5], 0.4)])
    assert [e.chunk.text for e in ev[:2]] == ["（午後　１時０２分　休憩）", "では、これで消防本部の審査を終了します。休憩いたします。"]
    assert "recess" not in detect_intents("休憩中にどんな話がありましたか")  # not asked by the clock


def test_a_question_naming_an_item_puts_the_chunks_about_other_items_after_the_rest():
    """「議案第171号は委員会に付託されましたか」: the committee report on 議案第132号 to 第145号 that the
    retriever ranked first shares 付託 and 委員会, but is about other bills; the chair's remark on 171 and
    the remark that names no item keep their order ahead of it."""
    from rag.domain import Chunk

    def chunk(n: int, text: str) -> Chunk:
        return Chunk(chunk_id=f"c{n}", text=text, source="m.txt", start=100 * n, end=100 * n + len(text),
                     meeting_id="m", meeting="架空市議会", date=None, section="発言", kind="remark")

    report = chunk(1, "議案第132号から議案第145号までについて、付託されました委員会の審査の結果を報告します。")
    other = chunk(2, "本給付金に係る予算については、追加提案として計上しております。")
    ruling = chunk(3, "議案第171号については委員会の付託を省略したいと思います。")
    question = "議案第171号は、委員会に付託されましたか"
    q = Question(question, question, True, (), {"付託": 3.0, "委員会": 1.0}, ())
    ev = gather(_Index(), q, [Hit(report, 0.9), Hit(other, 0.8), Hit(ruling, 0.7)])
    assert [e.chunk for e in ev] == [other, ruling, report]
    assert [e.hit.score for e in ev] == [0.8, 0.7, 0.9]  # the retriever's scores go with their chunks
    q = Question("委員会で何が報告されましたか", "q", True, (), {"委員会": 1.0}, ())
    assert [e.chunk for e in gather(_Index(), q, [Hit(report, 0.9), Hit(other, 0.8)])] == [report, other]


def _sitting(lines: list[tuple[str, str]]):
    """Chunks of one invented sitting, one per (kind, text), and an index over them."""
    from rag.domain import Chunk

    chunks, at = [], 0
    for n, (kind, text) in enumerate(lines):
        chunks.append(Chunk(chunk_id=f"c{n}", text=text, source="m.txt", start=at, end=at + len(text), meeting_id="m",
                            meeting="架空市議会", date="2024-12-25", section="時刻" if kind == "note" else "発言", kind=kind))
        at += len(text) + 1

    class Sitting:
        @staticmethod
        def chunks_of(meeting_id: str, kind: str):
            return [c for c in chunks if c.kind == kind]

    return chunks, Sitting()


def test_the_pause_after_a_question_the_chair_answers_with_a_bare_recess():
    """「横田委員が…委託しているのかと尋ねた直後、何時に休憩に入りましたか」: the chair's 「休憩いたします。」 stands
    between the question and the clock line; the remark before it is read too."""
    from rag.answer.analysis import detect_intents

    chunks, sitting = _sitting([
        ("remark", "消防本部の審査を終了します。休憩いたします。"), ("note", "（午後　１時０２分　休憩）"),
        ("remark", "介護医療については、別のところに委託しているのですか。"), ("remark", "休憩いたします。"),
        ("note", "（午後　１時１０分　休憩）"),
    ])
    question = "横田委員が介護医療について別のところに委託しているのかと尋ねた直後、委員会は何時に休憩に入りましたか"
    q = Question(question, question, True, (), {"介護": 3.0, "医療": 2.0, "委託": 2.0, "休憩": 1.0}, tuple(detect_intents(question)))
    ev = gather(sitting, q, [Hit(chunks[0], 0.4)])
    assert [e.chunk.text for e in ev[:2]] == ["（午後　１時１０分　休憩）", "介護医療については、別のところに委託しているのですか。"]


def test_who_objected_is_the_objectors_own_short_remark_about_the_item_asked():
    """「議案第146号に異議を唱えたのは誰」: of the members' 「…に異議があります。」 answers to the chair, the one
    naming 146 leads; not the chair's 「御異議ありませんか」 (which shares 異議 and the item)."""
    from rag.answer.analysis import detect_intents

    chunks, sitting = _sitting([
        ("remark", "議案第146号については、委員長報告のとおり決することに御異議ありませんか。"),
        ("remark", "９番赤平勇人議員、何号に御異議がありますか。"),
        ("remark", "議案第146号に異議があります。"),
        ("remark", "請願第6号を採択することに異議があります。"),
    ])
    question = "議案第146号に異議を唱えたのは誰ですか"
    q = Question(question, question, True, (), {"議案": 1.0, "146": 3.0, "異議": 2.0}, tuple(detect_intents(question)))
    ev = gather(sitting, q, [Hit(chunks[0], 0.9)])
    assert ev[0].chunk.text == "議案第146号に異議があります。" and ev[0].hit is None
    assert "請願第6号を採択することに異議があります。" not in [e.chunk.text for e in ev]
    question = "議案第150号に異議を唱えたのは誰ですか"  # no objection names it: nothing is routed
    q = Question(question, question, True, (), {"議案": 1.0, "150": 3.0, "異議": 2.0}, tuple(detect_intents(question)))
    assert [e.chunk for e in gather(sitting, q, [Hit(chunks[0], 0.9)])] == [chunks[0]]
