"""The extractive writer's choice of excerpts (rag.answer.extractive)."""
from __future__ import annotations

from invented_minutes import BRIEFING, CLOSING, HEADER, OPENING, TARGET
from test_writer_contract import QUESTION, WEIGHTS, _Index

from rag.answer.extractive import CITE_SHARE, MAX_CITATIONS, ExtractiveWriter
from rag.domain import Evidence, Hit


def _cited(*scored, most: int = MAX_CITATIONS) -> list:
    ev = [Evidence(n, chunk, Hit(chunk, score)) for n, (chunk, score) in enumerate(scored, start=1)]
    draft = ExtractiveWriter(_Index(), max_citations=most).draft(QUESTION, ev, True, WEIGHTS)
    return list(dict.fromkeys(c.chunk for claim in draft.claims for c in claim.citations))


def test_later_items_are_cited_when_ranked_nearly_as_strongly_as_the_first():
    strong, weak = CITE_SHARE + 0.1, CITE_SHARE - 0.1
    assert _cited((TARGET, 1.0), (BRIEFING, weak), (CLOSING, strong)) == [TARGET, CLOSING]
    four = ((TARGET, 1.0), (BRIEFING, strong), (CLOSING, strong), (OPENING, strong))
    assert _cited(*four) == [TARGET, BRIEFING, CLOSING, OPENING]  # MAX_CITATIONS is 4
    assert _cited(*four, most=3) == [TARGET, BRIEFING, CLOSING]  # never more than the writer's limit


def test_the_first_item_is_cited_however_weakly_ranked():
    assert _cited((BRIEFING, 0.01), (TARGET, 0.001)) == [BRIEFING]


def test_a_long_chunk_sharing_no_word_with_the_question_is_cited_whole(monkeypatch):
    """Term overlap picks a long remark's best sentences; with no overlap at all (an English
    question) nothing says which sentence answers, so the chunk is cited whole, not its first 200
    characters (the evidence of three dev questions was cut off)."""
    from dataclasses import replace

    from rag.answer import extractive

    # the invented minutes are shorter than the shipped excerpt (EXCERPT_CHARS): the rule is read at 200
    monkeypatch.setattr(extractive, "EXCERPT_CHARS", 200)

    from invented_minutes import TEXT

    start = TEXT.index("ただいまから")
    end = TEXT.index("作成してください。") + len("作成してください。")
    long = replace(TARGET, chunk_id="long", text=TEXT[start:end], start=start, end=end)
    assert len(long.text) > 200
    ev = [Evidence(1, HEADER, Hit(HEADER, 1.0)), Evidence(2, long, Hit(long, 0.9))]  # the header has nothing to cite
    draft = ExtractiveWriter(_Index()).draft("What is the target of the plan?", ev, False, {})
    texts = {c.chunk.chunk_id: c.text for claim in draft.claims for c in claim.citations}
    assert texts["long"] == long.text
    # with a word in common, the excerpt is the matching part of it
    draft = ExtractiveWriter(_Index()).draft(QUESTION, ev, True, WEIGHTS)
    texts = {c.chunk.chunk_id: c.text for claim in draft.claims for c in claim.citations}
    assert "long" in texts and len(texts["long"]) <= 200 < len(long.text)


def test_the_lead_line_names_a_date_once_when_the_minutes_wrote_it_as_iso():
    from invented_minutes import MEETING_ID, TEXT, source_text

    class _Meeting:
        kind = "会議録"
        date_original = "2023-06-12"  # as an HTML export writes it; the chunk's date is the same

    class _IsoIndex:
        class records:  # noqa: N801 - stands in for the index's record store
            @staticmethod
            def get(meeting_id):
                return (_Meeting(), TEXT) if meeting_id == MEETING_ID else None

        lexical = None

        @staticmethod
        def source_text(chunk):
            return source_text(chunk.meeting_id)

    ev = [Evidence(1, TARGET, Hit(TARGET, 1.0))]
    draft = ExtractiveWriter(_IsoIndex()).draft(QUESTION, ev, True, WEIGHTS)
    assert "（2023-06-12）" in draft.lead and "2023-06-12、2023-06-12" not in draft.lead


def _record(**fields):
    """A meeting record as the writer reads it: what a test states, and nothing else stated."""
    from types import SimpleNamespace

    empty = dict(kind="会議録", date=None, date_original=None, date_span=None, place_span=None, number=None,
                 agenda=(), attendees=(), closing_span=None)
    return SimpleNamespace(**{**empty, **fields})


def _cited_text(chunk, text: str, question: str, weights: dict, meeting=None) -> str:
    """The one excerpt the writer cites from ``chunk`` (the whole of ``text``, whose record is
    ``meeting``), checked to slice back exactly."""
    (cited,) = _cited_texts([chunk], text, question, weights, meeting)
    return cited


def _cited_texts(chunks: list, text: str, question: str, weights: dict, meeting=None) -> list[str]:
    """The excerpts the writer cites from ``chunks`` (evidence in that order, ranked alike; cut from
    ``text``, whose record is ``meeting``), each checked to slice back exactly."""

    class _OneChunkIndex:
        class records:  # noqa: N801 - stands in for the index's record store
            @staticmethod
            def get(meeting_id):
                return (meeting, text) if meeting is not None else None

        lexical = None

        @staticmethod
        def source_text(chunk):
            return text

    evidence = [Evidence(n, c, Hit(c, 1.0)) for n, c in enumerate(chunks, start=1)]
    draft = ExtractiveWriter(_OneChunkIndex()).draft(question, evidence, True, weights)
    citations = list(dict.fromkeys(c for claim in draft.claims for c in claim.citations))
    assert all(text[c.start:c.end] == c.text for c in citations)
    return [c.text for c in citations]


def test_a_statement_question_cites_what_was_said_not_the_roster_line():
    """「国家公安委員会委員長は…と述べましたか」 matches the roster line that names him as strongly as his
    remark: the roster says he was there, not what he said, so the remark is cited alone; asked who
    attended, the roster line answers."""
    from rag.domain import Chunk

    text = "出席者\n泉 信也 国家公安委員会委員長\n\n今後とも、サイバー空間の安全確保を進めるよう、警察庁を督励してまいりたい。\n"
    split = text.index("\n\n")
    roster = Chunk(chunk_id="roster", text=text[:split], source="s.txt", start=0, end=split, meeting_id="m",
                   meeting="政策会議 第14回", date="2007-10-03", section="出席者", kind="attendees")
    start = split + 2
    remark = Chunk(chunk_id="remark", text=text[start:].rstrip("\n"), source="s.txt", start=start,
                   end=len(text) - 1, meeting_id="m", meeting="政策会議 第14回", date="2007-10-03",
                   section="出席者意見開陳", kind="remark", organisation="警察")
    weights = {"国家": 1.0, "公安": 2.0, "委員": 1.0, "委員長": 1.5, "警察": 2.0, "今後": 1.0}
    said = _cited_texts([roster, remark], text, "国家公安委員会委員長は警察庁に対して今後どうすると述べましたか", weights)
    assert said == [remark.text]
    present = _cited_texts([roster, remark], text, "国家公安委員会委員長は出席していましたか", weights)
    assert "泉 信也 国家公安委員会委員長" in present[0]


def test_a_roster_heading_cites_the_list_under_it_not_itself():
    """「社員総会に参加したのは誰ですか」 matches the heading 「社員総会」; the heading alone answers
    nothing, so the names under it are cited with it (up to the next heading). A line that is an
    attendee's own name is not a heading, so it does not pull in the names after it."""
    from rag.domain import Attendee, Chunk, Span

    text = ("出席者\n理事会\n* 理事: terada, yoshida\n社員総会\n* 社員: terada, iqbal, masuda\n"
            "事務局\n山田太郎\n鈴木　花子\n")
    roster = Chunk(chunk_id="roster", text=text, source="r.txt", start=0, end=len(text), meeting_id="m",
                   meeting="運営会議 第1回", date="2023-02-24", section="出席者", kind="attendees")
    name = text.index("山田太郎")

    meeting = _record(kind="議事要旨", attendees=(Attendee("山田太郎", "", Span("山田太郎", name, name + 4)),))

    def cited(question: str, weights: dict) -> str:
        return _cited_text(roster, text, question, weights, meeting)

    assert cited("社員総会に参加したのは誰ですか", {"社員": 1.0, "総会": 2.0}) == "社員総会\n* 社員: terada, iqbal, masuda"
    assert cited("山田太郎は出席しましたか", {"ヤマダ": 2.0, "タロウ": 2.0}) == "山田太郎"  # BM25 terms of a name


def test_an_agenda_heading_cites_the_items_under_it_not_itself():
    """「議事日程第九号ではどんな案件が」 matches the heading (the chunk opens with the field's value
    「第九号」), which lists nothing: the items under it are cited, up to the next heading; a
    question about one item still cites that item alone."""
    from rag.domain import Chunk

    text = ("第九号\n　令和五年十二月六日\n第一　官報の発行に関する法律案\n第二　大麻取締法の一部を改正する法律案\n"
            "第三　地方自治法の一部を改正する法律案\n第四　郵便法の一部を改正する法律案\n第五　道路法の一部を改正する法律案\n"
            "第六　河川法の一部を改正する法律案\n○本日の会議に付した案件\n一、日程第一から第六まで\n")
    agenda = Chunk(chunk_id="agenda", text=text, source="a.xml", start=0, end=len(text), meeting_id="m",
                   meeting="参議院 本会議 第9号", date="2023-12-06", section="議事概要", kind="agenda")

    def cited(question: str, weights: dict) -> str:
        return _cited_text(agenda, text, question, weights)

    listed = cited("議事日程第九号ではどんな案件が日程に載っていましたか", {"第": 0.5, "九": 2.0, "号": 0.5, "載る": 1.0})
    assert listed.startswith("第九号") and "第六　河川法" in listed and "本日の会議に付した案件" not in listed
    assert cited("大麻取締法の改正案は議題になりましたか", {"大麻": 3.0, "取締": 2.0}) == "第二　大麻取締法の一部を改正する法律案"


def test_a_who_question_for_an_office_cites_the_roster_line_giving_it():
    """「理事者側の消防長を務めていたのは誰」 shares more words with the heading 「理事者側出席者」 than with
    the line 「消防長　模擬　六郎」 far below it: the line giving the office asked for names who held it.
    「委員長は誰」 is not answered with the 副委員長."""
    from rag.domain import Chunk

    text = ("委員長　　架空　一郎　　委員　　見本　二郎\n副委員長　試験　三郎　　委員　　仮例　七郎\n理事者側出席者\n"
            "政策部長　　仮名　四郎\n財務部長　　例示　五郎\n企画室長　　試作　八郎\n税務課長　　模範　九郎\n"
            "総務課長　　見本　十郎\n消防長　　　模擬　六郎\n")
    roster = Chunk(chunk_id="roster", text=text, source="r.txt", start=0, end=len(text), meeting_id="m",
                   meeting="架空市議会 総務委員会", date="2023-05-22", section="出席者", kind="attendees")
    weights = {"理事者": 2.0, "側": 1.0, "消防長": 2.5, "務める": 0.5}
    assert _cited_text(roster, text, "理事者側の消防長を務めていたのは誰ですか", weights) == "消防長　　　模擬　六郎"
    assert _cited_text(roster, text, "委員長は誰ですか", {"委員長": 1.0}).startswith("委員長　　架空　一郎")


def test_a_group_heading_in_an_agenda_cites_the_items_under_it():
    """「政策部の協議事項として報告されたのは何」 matches the group heading 「（政策部）」 best, which
    lists nothing itself: the items under it are cited, up to the next group."""
    from rag.domain import Chunk

    text = ("（消防本部）\n１、議案第２２号　契約を締結することについて\n（政策部）\n１、補正予算について\n"
            "２、検討委員会の設置について\n（財務部）\n１、市税条例の一部を改正する条例について\n")
    agenda = Chunk(chunk_id="agenda", text=text, source="a.txt", start=0, end=len(text), meeting_id="m",
                   meeting="架空市議会 総務委員会", date="2023-05-22", section="議事概要", kind="agenda")
    weights = {"政策": 2.0, "部": 0.5, "協議": 1.0, "事項": 1.0, "報告": 0.5}
    assert _cited_text(agenda, text, "政策部の協議事項として報告されたのは何ですか", weights) == (
        "（政策部）\n１、補正予算について\n２、検討委員会の設置について")


def test_the_agenda_asked_for_in_a_header_cites_its_items_not_the_heading():
    """A Diet record's header lists 「本日の会議に付した事件」 over its item: asked what was put to the
    meeting, the item the record reads is cited, not the heading that matches the question's words."""
    from rag.domain import AgendaItem, Chunk, Span

    text = ("昭和二十二年十一月十四日（金曜日）\n午前十一時二十分開会\n—————————————\n本日の会議に付した事件\n"
            "○小委員長の互選\n—————————————\n")
    header = Chunk(chunk_id="header", text=text, source="h.xml", start=0, end=len(text), meeting_id="m",
                   meeting="参議院 架空小委員会 第1号", date="1947-11-14", section="日時・場所", kind="header")
    item = text.index("○小委員長の互選")

    meeting = _record(date="1947-11-14", date_span=Span("昭和二十二年十一月十四日（金曜日）", 0, 17),
                      agenda=(AgendaItem("", "小委員長の互選", Span("○小委員長の互選", item, item + 8)),))
    weights = {"会議": 1.0, "付す": 1.0, "事件": 2.0}
    assert _cited_text(header, text, "小委員会で、会議に付した事件は何でしたか", weights, meeting) == "○小委員長の互選"


def test_the_meetings_own_date_line_is_cited_when_a_better_scoring_line_is_far_from_it():
    """A header that records something done on another day above the sitting (the NDL's 1947
    subcommittee): asked when the meeting sat, the record's date line is cited, not the line far above
    it that shares more of the question's words."""
    from rag.domain import Chunk, Span

    names = "".join(f"　　　　　架空　{n}郎君\n" for n in "一二三四五六七")
    text = ("昭和二十二年十一月十三日（木曜日）\n労働委員長において、左の通り小委員\nを選定した。\n" + names
            + "昭和二十二年十一月十四日（金曜日）\n午前十一時二十分開会\n")
    header = Chunk(chunk_id="header", text=text, source="h.xml", start=0, end=len(text), meeting_id="m",
                   meeting="参議院 架空小委員会 第1号", date="1947-11-14", section="日時・場所", kind="header")
    day = text.index("昭和二十二年十一月十四日")

    meeting = _record(date="1947-11-14", date_span=Span("昭和二十二年十一月十四日（金曜日）", day, day + 17))
    weights = {"労働": 2.0, "委員長": 1.0, "会議": 0.5}
    cited = _cited_text(header, text, "労働委員長が選んだ小委員の会議はいつ開かれましたか", weights, meeting)
    assert cited == "昭和二十二年十一月十四日（金曜日）"


def _split_target():
    """TARGET cut into its two paragraphs, the second opening 「そのため、」 (it refers back)."""
    from dataclasses import replace

    cut = TARGET.text.index("そのため")
    first = replace(TARGET, chunk_id="t1", text=TARGET.text[:cut], end=TARGET.start + cut)
    then = replace(TARGET, chunk_id="t2", text=TARGET.text[cut:], start=TARGET.start + cut)
    return first, then


def test_an_excerpt_that_refers_back_is_cited_after_the_paragraph_it_refers_to():
    first, then = _split_target()
    question, weights = "生ごみの水切りはどう進めますか", {"生ごみ": 2.0, "水切り": 2.5}

    def cited(ev):
        draft = ExtractiveWriter(_Index()).draft(question, ev, True, weights)
        return [c.chunk.chunk_id for claim in draft.claims for c in claim.citations]

    # the paragraph before, in the evidence (the pipeline's lead-in, after the retriever's hits): read first
    with_before = [Evidence(1, then, Hit(then, 0.9)), Evidence(2, OPENING, Hit(OPENING, 0.1)), Evidence(3, first, None)]
    assert cited(with_before)[:2] == ["t1", "t2"]
    # not in the evidence: the excerpt alone (a writer cites only what it was given)
    assert cited(with_before[:2])[0] == "t2" and "t1" not in cited(with_before[:2])
    # a paragraph that does not refer back brings nothing before it
    assert cited([Evidence(1, first, Hit(first, 0.9)), Evidence(2, then, None)])[0] == "t1"


def test_an_excerpt_that_announces_what_follows_is_cited_with_the_paragraph_after_it():
    """「…委員の交代がございましたので、ご報告させていただきます。」 ends its paragraph; the change itself
    is the next paragraph of the same remark."""
    from dataclasses import replace

    text = ("○甲野総務課長　最初に、前回から今回までの間に委員の交代がございましたので、ご報告させていただきます。\n"
            "11月2日付で、乙野委員に代わりまして、丙野委員が任命されております。\n"
            "○丁野会長　ありがとうございました。\n")

    class OwnText(_Index):
        @staticmethod
        def source_text(chunk):
            return text

    def remark(body: str, no: int, cid: str):
        s = text.index(body)
        return replace(TARGET, chunk_id=cid, text=body, start=s, end=s + len(body), remark_no=no)

    announce = remark("最初に、前回から今回までの間に委員の交代がございましたので、ご報告させていただきます。", 1, "a")
    change = remark("11月2日付で、乙野委員に代わりまして、丙野委員が任命されております。", 1, "b")
    thanks = remark("ありがとうございました。", 2, "c")
    question, weights = "委員の交代は誰から誰へでしたか", {"委員": 1.0, "交代": 2.5}

    def cited(ev):
        draft = ExtractiveWriter(OwnText()).draft(question, ev, True, weights)
        return [(c.chunk.chunk_id, c.text) for claim in draft.claims for c in claim.citations]

    got = cited([Evidence(1, announce, Hit(announce, 0.9)), Evidence(2, thanks, Hit(thanks, 0.1)), Evidence(3, change, None)])
    assert [cid for cid, _ in got][:2] == ["a", "b"] and got[1][1] == change.text
    # another remark after it is no continuation of it
    assert [cid for cid, _ in cited([Evidence(1, announce, Hit(announce, 0.9)), Evidence(2, thanks, Hit(thanks, 0.01))])] == ["a"]


def test_a_place_asked_about_another_event_does_not_cite_the_meetings_own_venue():
    """The pipeline passes the record parts asked for as the gate read them: 「次の説明会はいつどこで」
    asks where the 説明会 will be, not where the meeting was held (the words alone say "place")."""
    from invented_minutes import TEXT

    from rag.domain import Span

    class Placed(_Index):
        class records:
            @staticmethod
            def get(meeting_id):
                class Meeting:
                    kind, date, date_original, date_span = "会議録", "2023-06-12", "令和5年6月12日（月）", None
                    s, e = TEXT.index("みどり市役所"), TEXT.index("第2会議室") + len("第2会議室")
                    place_span = Span(TEXT[s:e], s, e)
                return Meeting(), TEXT

    ev = [Evidence(1, BRIEFING, Hit(BRIEFING, 0.9)), Evidence(2, HEADER, Hit(HEADER, 0.8))]
    question, weights = "ごみ減量の次の説明会はいつどこで開かれますか", {"ごみ": 2.0, "減量": 2.5, "説明会": 2.0}

    def cited(intents):
        draft = ExtractiveWriter(Placed()).draft(question, ev, True, weights, intents=intents)
        return [c.text for claim in draft.claims for c in claim.citations]

    assert any("みどり市役所" in t for t in cited(None))  # the question's words alone: the venue line too
    assert cited(())[0] == BRIEFING.text and not any("みどり市役所" in t for t in cited(()))


def test_the_words_of_the_item_a_remark_stands_under_do_not_choose_its_sentence():
    """A long remark under 「議案第19号 職員の給与に関する条例…」: a sentence that merely says 給与条例
    again is not what 「給与条例の改正で、配偶者の手当はどうなりますか」 asks; the item's words count
    half when choosing the sentence (dev otofuke-q31 cited 「次に、通勤手当…給与条例第１８条…」)."""
    from rag.domain import Chunk
    from rag.lexical import tokenize

    text = ("通勤手当の改定でありますが、関係条項は給与条例第１８条の２であります。"
            "月額の上限を現行５万円から１５万円に引き上げるものであります。"
            "次に、配偶者に係る手当は、令和７年度は経過措置として３千円に、令和８年度以降は廃止するものであります。"
            "子に係る手当は、１人当たり１万円を１万３千円に改定するものであります。")
    chunk = Chunk(chunk_id="pay", text=text, source="x.txt", start=0, end=len(text), meeting_id="m", meeting="架空町議会",
                  date="2024-12-17", section="議案第19号職員の給与に関する条例の一部を改正する条例案", kind="remark",
                  speaker="吉田浩人", role="総務部長", remark_no=1)
    question = "給与条例の改正で、配偶者の手当はどうなりますか"
    weights = {t: 1.0 for t in tokenize(question)}
    spans, _ = ExtractiveWriter(_Index())._excerpt(chunk, weights, [], 80, question)
    assert spans[0].text.startswith("次に、配偶者に係る手当は") and "通勤手当" not in "".join(s.text for s in spans)
    # without the item, 給与条例 is the question's own topic: the first sentence naming it ties and leads
    bare = Chunk(**{**chunk.__dict__, "section": "発言"})
    spans, _ = ExtractiveWriter(_Index())._excerpt(bare, weights, [], 80, question)
    assert "給与条例" in "".join(s.text for s in spans)


def test_a_roster_heading_with_its_number_and_count_is_a_heading():
    from rag.answer.extractive import _is_heading

    assert _is_heading("４　欠席議員（１名）") and _is_heading("出席説明員") and _is_heading("【政府】")
    assert not _is_heading("２２番　山田花子") and not _is_heading("22番山田花子議員（３名）")
    assert not _is_heading("山田　太郎")


def test_a_who_question_asking_for_a_role_names_no_speaker_of_another_role():
    """「…について答弁した環境部長は誰」 cited with a member's remark: the member is not the 部長 asked
    for, so no 「発言したのは…」 is asserted; cited with the 部長's own remark, he is named."""
    from rag.answer.extractive import speaker_sentence
    from rag.domain import Citation

    from invented_minutes import BRIEFING, TARGET

    member = Citation(1, BRIEFING, BRIEFING.text, BRIEFING.start, BRIEFING.end)
    official = Citation(1, TARGET, TARGET.text, TARGET.start, TARGET.end)
    question = "ごみ減量について答弁した環境部長は誰ですか"
    assert speaker_sentence(question, member, True) == ""
    assert speaker_sentence(question, official, True) == "発言したのは環境部長の鈴木です。[1]"
    assert speaker_sentence("ごみ減量について発言したのは誰ですか", member, True) == "発言したのは委員の佐藤です。[1]"
    from dataclasses import replace

    unknown = replace(BRIEFING, role=None)  # a TEI utterance: the minutes give no role
    cited = Citation(1, unknown, unknown.text, unknown.start, unknown.end)
    assert speaker_sentence(question, cited, True) == "発言したのは佐藤です。[1]"


def test_a_value_asked_for_is_cited_from_the_excerpt_that_holds_one():
    """「いつまでに」 asks for a date: when the strongly ranked excerpts hold none, the one that does
    (「令和10年度までに」) is cited, however weakly the retriever ranked it."""
    question = "ごみ減量計画の目標はいつまでに達成するとされていますか"
    ev = [Evidence(n, chunk, Hit(chunk, score)) for n, (chunk, score)
          in enumerate(((BRIEFING, 1.0), (CLOSING, 0.9), (TARGET, CITE_SHARE / 2)), start=1)]
    draft = ExtractiveWriter(_Index()).draft(question, ev, True, WEIGHTS)
    cited = [c.chunk for claim in draft.claims for c in claim.citations]
    assert TARGET in cited and BRIEFING in cited
    # asked for nothing typed: the weak item stays out
    draft = ExtractiveWriter(_Index()).draft("ごみ減量計画の目標について何と説明されましたか", ev, True, WEIGHTS)
    assert TARGET not in [c.chunk for claim in draft.claims for c in claim.citations]
