"""The extractive writer (default, offline): verbatim excerpts of the evidence, and one direct
answer sentence where the record states the answer — nothing else.

Its only words that are not excerpts are a lead line naming the meeting and its date and
the speaker of a cited remark, all taken from the parsed record. Each claim cites the
evidence it quotes; the verifier numbers and checks the citations.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from ..chunking import units
from ..domain import Chunk, Citation, Claim, Draft, Evidence, Span, fold, holds
from ..index import section_prefix
from ..lexical import normalize, tokenize
from .analysis import (
    ANSWER_TYPES,
    DATE_QUESTION,
    GENERIC_ATTENDANCE,
    INTENT_KIND,
    STATEMENT_QUESTION,
    TIME_QUESTION,
    TIME_TEXT,
    WHO_QUESTION,
    as_quoted,
    asked_role,
    asked_values,
    dates_something_else,
    detect_intents,
    names_role,
    quoted,
    term_coverage,
)
from ..layouts.header import FIELD_KEYS
from ..layouts.speakers import ROLE_WORDS
from .evidence import BACK_REFERENCE, FORWARD_REFERENCE, chairs_remark, first_after, last_before
from .labels import location_label

# a cited excerpt of a long remark: its best sentence and neighbours up to this length. Word overlap
# is a weak guide to which sentence answers a paraphrased question; dev sets at 200 / 250 / 300:
# evidence cited 0.809 / 0.833 / 0.833 (paraphrase), 0.857 / 0.857 / 0.893 (staff), the others the
# same; answers about 11 % longer at 300 (mean 727 -> 806 characters on the dev split)
EXCERPT_CHARS = 300
LEAD_EXCERPT_CHARS = 400  # the first-ranked remark's excerpt (a whole chunk, MAX_CHUNK_CHARS)
CITE_SHARE = 0.5  # a later item is cited when the retriever ranked it at least this share as strongly as the first
# Excerpts an answer cites at most (besides the paragraphs they point to). On the four dev sets
# (416 questions), a fourth holds the evidence when the first three do not for 2–7% of the answerable
# questions (citation hit 0.871 → 0.891 dev split, 0.714 → 0.786 paraphrase, 0.857 → 0.881 record),
# at 0.6 more excerpts per answer (2.7 → 3.2); a fifth adds under 1 point more for another 0.4.
MAX_CITATIONS = 4



class ExtractiveWriter:
    """Chooses excerpts as a pure function of the question, its weights and the evidence."""

    name = "extractive"

    def __init__(self, index, max_citations: int = MAX_CITATIONS) -> None:
        self.index = index
        self.max_citations = max_citations

    def draft(self, question: str, evidence: Sequence[Evidence], japanese: bool,
              weights: dict[str, float] | None = None, intents: Sequence[str] | None = None) -> Draft:
        """``intents``: the record parts the question asks for, as the gate read them (a date asked
        about another event is not the meeting's: 「…東京科学大学はいつ発足する予定」); by default, as
        the question's words say."""
        if weights is None:
            from .analysis import read_question

            weights = read_question(question, self.index.lexical).weights
        intents = list(intents) if intents is not None else detect_intents(question)
        by_chunk = {e.chunk.chunk_id: e.n for e in evidence}
        citations = self._select(question, list(evidence), weights, intents, japanese)
        # Citation.n is the evidence number in a draft; the verifier renumbers
        citations = [Citation(by_chunk[c.chunk.chunk_id], c.chunk, c.text, c.start, c.end) for c in citations]
        if not citations:
            return Draft(self.name, ())
        meetings = {c.chunk.meeting_id for c in citations}
        claims = []
        lead = self._lead([c.chunk for c in citations], japanese)
        who = speaker_sentence(question, citations[0], japanese) or (
            chair_sentence(citations[0], japanese)
            if "presiding" in intents and chairs_remark(self.index, citations[0].chunk, question) else "")
        if who and f"[{citations[0].n}]" in who:
            claims.append(Claim(who, (citations[0],)))
        elif who:  # 「議事録は発言者の氏名を記していません。」: about the record, framing
            lead = f"{who}\n{lead}"
        for c in citations:
            excerpt = re.sub(r"\s*\n\s*", " ", c.text)
            claims.append(Claim(f"- 〔{location_label(c.chunk, with_meeting=len(meetings) > 1)}〕「{excerpt}」[{c.n}]", (c,)))
        return Draft(self.name, tuple(claims), lead=lead)

    def _lead(self, chunks: list[Chunk], japanese: bool) -> str:
        """「…（日付）の議事要旨には、次の記載があります。」: the meeting and date from the record."""
        meetings = {c.meeting_id: c for c in chunks}
        if len(meetings) == 1:
            chunk = chunks[0]
            meeting = self._meeting_by_id(chunk.meeting_id)
            kind = meeting.kind if meeting else "議事録"
            # 「令和5年6月12日（月）、2023-06-12」; once when the minutes wrote the date as ISO already
            when = "、".join(dict.fromkeys(x for x in ((meeting.date_original if meeting else None), chunk.date) if x))
            return (
                f"{chunk.meeting}" + (f"（{when}）" if when else "") + f"の{kind}には、次の記載があります。"
                if japanese
                else f"The minutes of {chunk.meeting}" + (f" ({chunk.date})" if chunk.date else "") + " say (verbatim excerpts, in Japanese):"
            )
        return (f"{len(meetings)}件の会議の記録に、次の記載があります。" if japanese
                else f"The minutes of {len(meetings)} meetings say (verbatim excerpts, in Japanese):")

    def _select(self, question: str, evidence: list[Evidence], weights: dict[str, float], intents: list[str],
                japanese: bool = True) -> list[Citation]:
        candidates = [e.chunk for e in evidence]
        folded = unicodedata.normalize("NFKC", question).lower()
        if STATEMENT_QUESTION.search(folded) and "attendees" not in intents and any(c.kind == "remark" for c in candidates):
            # 「国家公安委員会委員長は…と述べましたか」: the roster line naming him says he was there, not
            # what he said; the remarks answer
            candidates = [c for c in candidates if c.kind != "attendees"]
        # how strongly the retriever ranked each item (the reranker's probability in hybrid mode);
        # a routed record chunk the retriever did not return has none
        strength = {e.chunk.chunk_id: e.hit.score for e in evidence if e.hit is not None}
        reference = next((strength[c.chunk_id] for c in candidates if c.chunk_id in strength), 0.0)
        scored: list[tuple[float, int, Chunk, list[Span]]] = []
        for rank, chunk in enumerate(candidates[: self.max_citations + 2]):
            # the best-ranked remark is cited at up to a chunk's length: term overlap is a weak guide
            # to which of its sentences answers a paraphrased question
            picked, score = self._excerpt(chunk, weights, intents, LEAD_EXCERPT_CHARS if rank == 0 else EXCERPT_CHARS, question)
            if picked:
                scored.append((score - 0.05 * rank, rank, chunk, picked))
        if not scored:
            return []
        top = scored[0]  # the best-ranked chunk always leads: retrieval (or routing) put it first
        chosen = [top]
        # A question about 外務省 is not answered with what 総務省 said, however similar.
        q = normalize(question)
        named = {c.organisation for c in candidates if c.organisation and normalize(c.organisation) in q}
        for item in scored[1:]:  # in the retriever's order
            if len(chosen) >= self.max_citations:
                break
            if named and item[2].organisation and item[2].organisation not in named:
                continue
            if any(_overlaps(item, c) for c in chosen):
                continue  # the same words through another chunk (a header line that is also the agenda)
            if _words(item) in {_words(c) for c in chosen}:
                continue  # 「本件は、原案のとおり可決されました。」 said of three bills: one quote says it
            # cited when the retriever ranked it at least CITE_SHARE as strongly as its first item
            # (dev sets: the first three cited at CITE_SHARE 0.5 hold the evidence as often as at 0,
            # with 2.2 citations per answer instead of 3); a routed record line is always cited
            if item[2].chunk_id not in strength or strength[item[2].chunk_id] >= CITE_SHARE * reference:
                chosen.append(item)
        typed = _holding_asked_value(question, scored, chosen)
        if typed is not None:  # "How many members attended?": an answer must hold a number of people
            chosen = chosen[: self.max_citations - 1] + [typed]
        chosen.sort(key=lambda x: x[1])
        quoted: list[tuple[Chunk, list[Span]]] = []
        for _, _, chunk, spans in chosen:
            before, after = _pointed_to(chunk, spans, candidates)
            if before is not None and before.chunk_id not in {c.chunk_id for c, _ in quoted}:
                quoted.append((before, _tail(before)))  # 「といいますのは、…」 is read after what it explains
            quoted.append((chunk, spans))
            if after is not None and after.chunk_id not in {c.chunk_id for c, _ in quoted}:
                quoted.append((after, _head(after)))  # 「…ご報告させていただきます。」 is read with what it announces
        citations = []
        for n, (chunk, spans) in enumerate(quoted, start=1):
            start, end = spans[0].start, spans[-1].end
            source_text = self.index.source_text(chunk)
            text = source_text[start:end] if source_text is not None else chunk.text[start - chunk.start : end - chunk.start]
            citations.append(Citation(n, chunk, text, start, end))
        return citations

    def _excerpt(self, chunk: Chunk, weights: dict[str, float], intents: list[str],
                 max_chars: int = 200, question: str = "") -> tuple[list[Span], float]:
        """The contiguous units of ``chunk`` that best answer, and their score."""
        parts = units(chunk)
        if not parts:
            return [], 0.0
        scores = [term_coverage(p.text, weights) for p in parts]
        if "closing" in intents and chunk.kind != "header":
            meeting = self._meeting_by_id(chunk.meeting_id)
            if meeting and holds(chunk, meeting.closing_span):  # 「午後１時４８分散会」
                return [meeting.closing_span], 1.0  # the line alone, not the signatures after it
        if chunk.kind == "header":
            meeting = self._meeting_by_id(chunk.meeting_id)
            wanted = []
            if meeting and "date" in intents and meeting.date_span is not None:  # undated minutes exist
                wanted.append(meeting.date_span)
            if meeting and "place" in intents and meeting.place_span:
                wanted.append(meeting.place_span)
            if meeting and "number" in intents and meeting.number is not None:
                wanted.append(meeting.title_span)  # 「…第三分科会　第1号　令和7年2月27日」
            items = [i for i, p in enumerate(parts) if meeting and "agenda" in intents
                     and any(p.start <= a.span.start < p.end for a in meeting.agenda)]
            if items:  # 「本日の会議に付した事件／○小委員長の互選」: the items answer, as in an agenda chunk
                lo, hi = min(items), max(items)
                return _agenda_lines(parts[lo : hi + 1], scores[lo : hi + 1], True)
            own = [p for p in parts if any(p.start <= w.start and w.end <= p.end for w in wanted)]
            lines = list(own)
            # a header line holding what the question asks for: a time (「何時に開会」 →
            # 「開会（午前１０時００分）」), a count of people (「何人」 → 「出席議員（３２人）」), an amount
            q = unicodedata.normalize("NFKC", question).lower()
            asked = [has for asks, has, _, _ in ANSWER_TYPES if asks.search(q)]
            if TIME_QUESTION.search(q):
                asked.append(TIME_TEXT)
            typed = [i for i, p in enumerate(parts) if any(has.search(normalize(p.text)) for has in asked)]
            if not typed and DATE_QUESTION.search(q) and "date" not in intents:
                # a date the header gives for something other than the meeting (the gate's date guard
                # reads the same lines): 「小委員はいつ選定されていましたか」
                typed = [i for i, p in enumerate(parts) if dates_something_else(p.text, meeting.date if meeting else None)]
            if typed:
                best = max(typed, key=lambda i: (scores[i], -i))
            else:  # the line that best matches the question
                best = max(range(len(parts)), key=lambda i: (scores[i], -i))
            if (typed or scores[best] > 0) and parts[best] not in lines:
                lines = sorted(lines + [parts[best]], key=lambda p: p.start)
            if lines:
                lo = parts.index(lines[0])
                hi = parts.index(lines[-1])
                if hi - lo <= 4:
                    return parts[lo : hi + 1], 1.0
                # too far apart to quote as one excerpt: the record's own line asked for (the meeting's
                # date, not 「昭和二十二年十一月十三日」 above it that scores as well), else the first
                return (own or lines)[:1], 1.0
            return [], 0.0
        if chunk.kind == "attendees":
            # 「出席」「代理」 are on many lines; the name or title asked about decides
            specific = {t: w for t, w in weights.items() if t not in GENERIC_ATTENDANCE}
            if specific:
                scores = [term_coverage(p.text, specific) for p in parts]
            role = asked_role(question)
            holding = [i for i, p in enumerate(parts) if role and names_role(p.text, role)]
            if holding:
                # 「理事者側の消防長を務めていたのは誰」: the line giving that office names who held it, however
                # many other words of the question its heading or a neighbour shares
                top = max(holding, key=lambda i: (scores[i], -i))
                pair = [i for i in (top - 1, top + 1) if 0 <= i < len(parts) and "代理" in parts[max(i, top)].text]
                lo, hi = min([top] + pair), max([top] + pair)
                return parts[lo : hi + 1], max(max(scores), 0.5)
            best = max(scores)
            if best == 0:
                return (parts, 0.5) if "attendees" in intents else ([], 0.0)  # "who attended?": the list
            lines = {i for i, s in enumerate(scores) if s >= 0.8 * best}
            # a heading (「社員総会」「出席説明員」「【政府】」) answers nothing by itself: it cites the
            # list under it, up to the next heading
            meeting = self._meeting_by_id(chunk.meeting_id)
            names = [fold(a.name) for a in meeting.attendees] if meeting else []

            def heading(line: str) -> bool:
                return _is_heading(line) and not any(n and n in fold(line) for n in names)

            for i in [i for i in lines if heading(parts[i].text)]:
                j = i + 1
                while j < len(parts) and j - i <= 5 and not heading(parts[j].text):
                    if re.search(r"\w", parts[j].text):
                        lines.add(j)
                    j += 1
            # a member's line pulls in the 代理出席 line that follows it, and vice versa
            for i in list(lines):
                if i + 1 < len(parts) and "代理" in parts[i + 1].text:
                    lines.add(i + 1)
                if "代理" in parts[i].text and i > 0:
                    lines.add(i - 1)
            lo, hi = min(lines), max(lines)
            if hi - lo > 5:  # scattered matches: cite the best line (and its pair) only
                top = max(lines, key=lambda i: (scores[i], -i))
                lo, hi = (top - 1, top) if "代理" in parts[top].text and top > 0 else (top, top)
            return parts[lo : hi + 1], best
        if chunk.kind == "agenda":
            return _agenda_lines(parts, scores, any(INTENT_KIND.get(i) == chunk.kind for i in intents))
        if chunk.kind == "decision":
            best = max(scores)
            return parts, max(best, 0.5 if "decision" in intents else 0.0)
        # prose: a remark of ordinary length is cited whole; a long one by its best sentence,
        # widened to the better-matching neighbour while the excerpt stays short. When no sentence
        # shares a word with the question (an English question, a paraphrase), nothing says which
        # sentence answers: the chunk is cited whole, as the first-ranked one is.
        if not any(scores):
            max_chars = max(max_chars, LEAD_EXCERPT_CHARS)
        if len(chunk.text) <= max_chars:
            return parts, max(scores)
        said = _quoting_units(parts, quoted(question))
        if said:  # 「『…』と述べたのは誰」: the sentences that say it
            return said, max(scores)
        # within a remark, the words of the item it stands under (「議案第19号職員の給与に関する条例…」) say
        # which item, not which sentence: they do not choose the sentence when other words can
        framing = set(tokenize(section_prefix(chunk)))
        rest = {t: (w * 0.5 if t in framing else w) for t, w in weights.items()}
        choice = [term_coverage(p.text, rest) for p in parts] if framing and any(rest) else scores
        if not any(choice):
            choice = scores
        best = max(range(len(parts)), key=lambda i: (choice[i], -i))
        lo = hi = best
        while True:
            options = [i for i in (lo - 1, hi + 1) if 0 <= i < len(parts)
                       and max(parts[hi].end, parts[i].end) - min(parts[lo].start, parts[i].start) <= max_chars]
            if not options:
                break
            nxt = max(options, key=lambda i: (choice[i], -abs(i - best), i > best))
            lo, hi = min(lo, nxt), max(hi, nxt)
        return parts[lo : hi + 1], scores[best]

    def _meeting_by_id(self, meeting_id: str):
        found = self.index.records.get(meeting_id)
        return found[0] if found else None


def _quoting_units(parts: list[Span], phrases: list[str]) -> list[Span]:
    """The fewest consecutive units (at most three) that hold a quoted phrase, or []."""
    for width in (1, 2, 3):
        for i in range(len(parts) - width + 1):
            text = as_quoted("".join(p.text for p in parts[i : i + width]))
            if any(p in text for p in phrases):
                return parts[i : i + width]
    return []


def _pointed_to(chunk: Chunk, spans: list[Span], candidates: list[Chunk]) -> tuple[Chunk | None, Chunk | None]:
    """The evidence paragraphs an excerpt points to: the one before it in the same remark when the
    excerpt starts its chunk with 「といいますのは」「それは」…, the one after it when the excerpt ends
    its chunk announcing it (「…ご報告させていただきます。」), where those paragraphs are evidence too."""
    if chunk.kind != "remark":
        return None, None
    before = last_before(chunk, candidates) if spans[0].start == chunk.start and BACK_REFERENCE.match(chunk.text) else None
    after = first_after(chunk, candidates) if spans[-1].end == chunk.end and FORWARD_REFERENCE.search(chunk.text) else None
    return before, after


def _tail(chunk: Chunk) -> list[Span]:
    """The last sentences of ``chunk``, up to EXCERPT_CHARS (at least one)."""
    parts = units(chunk) or [Span(chunk.text, chunk.start, chunk.end)]
    lo = len(parts) - 1
    while lo > 0 and parts[-1].end - parts[lo - 1].start <= EXCERPT_CHARS:
        lo -= 1
    return parts[lo:]


def _head(chunk: Chunk) -> list[Span]:
    """The first sentences of ``chunk``, up to EXCERPT_CHARS (at least one)."""
    parts = units(chunk) or [Span(chunk.text, chunk.start, chunk.end)]
    hi = 0
    while hi + 1 < len(parts) and parts[hi + 1].end - parts[0].start <= EXCERPT_CHARS:
        hi += 1
    return parts[: hi + 1]


def _is_heading(line: str) -> bool:
    """A roster line that may name a group, not people (「社員総会」「出席説明員」「【政府】」): short, no
    list separators, no spaced name (「山田　太郎」), no number (「２２番」「（３２名）」); the caller
    also rules out the meeting's attendee names (「山田太郎」)."""
    text = unicodedata.normalize("NFKC", line).strip("*-・=#:： \t\n")
    # 「４　欠席議員（１名）」: a numbered field and the count it gives are no one's name
    text = re.sub(r"^\d+\s*[.．、]\s*|^\d+\s+|\s*[(（]\s*\d+\s*[名人][)）]$", "", text)
    return 0 < len(text) <= 12 and not re.search(r"[,、，・/\d]|\s", text)


def _agenda_lines(parts: list[Span], scores: list[float], asked: bool) -> tuple[list[Span], float]:
    """The lines of an agenda that answer (``asked``: the question asks for the agenda): the item(s)
    the question names, the items under a heading it names, else the whole list."""
    best = max(scores)
    lines = [i for i, s in enumerate(scores) if best > 0 and s >= 0.8 * best]
    if lines and all(_agenda_heading(parts[i].text) for i in lines):
        # 「議事日程第九号ではどんな案件が」 matches the heading 「○議事日程　第九号」, which lists
        # nothing itself: the items under it answer, up to the next heading
        under = [j for i in lines for j in range(i, len(parts))
                 if j == i or not any(_agenda_heading(p.text) for p in parts[i + 1 : j + 1])]
        return parts[min(under) : max(under) + 1], best
    if lines and len(lines) < len(parts) // 2:
        return parts[min(lines) : max(lines) + 1], best  # the agenda item(s) asked about
    return parts, max(best, 0.5 if asked else 0.0)


_AGENDA_KEYS = tuple(sorted((k for k, field in FIELD_KEYS.items() if field == "agenda"), key=len, reverse=True))


def _agenda_heading(line: str) -> bool:
    """An agenda's own heading (「○議事日程　第九号」「○本日の会議に付した案件」「議題：」), which names the
    list, not an item of it: the parser's agenda field words, then at most the list's number; the
    number alone (「第九号」: the value of the field 「議事日程」, where the chunk starts); or a bracketed
    group (「（政策部）」) over the items it brings."""
    text = unicodedata.normalize("NFKC", line).strip(" \t\u3000")
    if re.fullmatch(r"[(\[【〔<＜][^()\[\]【】〔〕\d]{1,15}[)\]】〕>＞]", text):
        return True  # 「（政策部）」: the group the items under it belong to
    text = text.strip("○◯●◎■□・-*#【】[]() \t\u3000")
    if re.fullmatch(r"第[0-9〇一二三四五六七八九十百]+号", text):
        return True
    key = next((k for k in _AGENDA_KEYS if text.startswith(k)), None)
    rest = text[len(key):].strip(":：】() \u3000") if key else None
    return rest is not None and (rest == "" or re.fullmatch(r"第?[0-9〇一二三四五六七八九十百]+号?", rest) is not None)


def _words(item: tuple) -> str:
    """The excerpt's text, normalised: two chunks that say the same thing cite it once."""
    chunk, spans = item[2], item[3]
    return normalize(chunk.text[spans[0].start - chunk.start : spans[-1].end - chunk.start])


def _holding_asked_value(question: str, scored: list, chosen: list):
    """When the question asks for a value (an amount, a number of people, a date…) and no chosen
    excerpt holds one, the other candidate whose excerpt does and matches the question best (the
    header line 「出席議員（３２人）」 ranked below the roster that names them), else None."""
    asked = [a.has for a in asked_values(unicodedata.normalize("NFKC", question).lower()) if a.kind in ("value", "name", "date")]
    if not asked:
        return None

    def holds_value(item) -> bool:
        return any(has.search(_words(item)) for has in asked)

    if any(holds_value(c) for c in chosen):
        return None
    holding = [item for item in scored if item not in chosen and holds_value(item)]
    return max(holding, key=lambda item: item[0]) if holding else None  # the excerpt that best answers


def _overlaps(a: tuple, b: tuple) -> bool:
    """Two scored excerpts (score, rank, chunk, spans) of one meeting whose spans overlap."""
    if a[2].meeting_id != b[2].meeting_id:
        return False
    return a[3][0].start < b[3][-1].end and b[3][0].start < a[3][-1].end


def chair_sentence(first: Citation, japanese: bool) -> str:
    """For 「議事進行を務めたのは誰」, when the first citation is the chair's remark (``chairs_remark``):
    the chair named by the role the minutes give its speaker. Built only from parsed fields."""
    chunk = first.chunk
    return (f"議事を進行したのは{chunk.role}の{chunk.speaker}です。[{first.n}]" if japanese
            else f"The sitting was chaired by {chunk.speaker} ({chunk.role}). [{first.n}]")


def speaker_sentence(question: str, first: Citation, japanese: bool) -> str:
    """For 「誰が…と述べましたか」: the speaker of the cited remark where the minutes name one;
    otherwise a plain statement that they do not. Built only from parsed fields."""
    q = unicodedata.normalize("NFKC", question).lower()
    if not (WHO_QUESTION.search(q) and STATEMENT_QUESTION.search(q)) or first.chunk.kind != "remark":
        return ""
    chunk = first.chunk
    phrases = quoted(question)
    if phrases and not any(p in as_quoted(first.text) for p in phrases):
        # the question quotes words the cited remark does not say: no speaker is asserted
        return ("議事録に、引用された言葉どおりの発言は見つかりませんでした。近い内容の記載は次のとおりです。" if japanese
                else "The minutes contain no remark with the quoted words; the closest passages are:")
    asked = asked_role(question, capacity=False)
    if chunk.speaker and chunk.role and asked and not fold(chunk.role).endswith(
            fold(next(w for w in ROLE_WORDS if asked.endswith(w)))):
        # 「答弁した政府参考人は誰」 cited with the questioner's remark: he is not who was asked for (a speaker
        # whose role the minutes do not give is not ruled out)
        return ""
    if chunk.speaker:
        name = f"{chunk.role}の{chunk.speaker}" if chunk.role else chunk.speaker
        return f"発言したのは{name}です。[{first.n}]" if japanese else f"The speaker is {chunk.speaker}" + (f" ({chunk.role})" if chunk.role else "") + f". [{first.n}]"
    if chunk.organisation:
        return (f"議事録は発言者の氏名を記していませんが、{chunk.organisation}の発言です。[{first.n}]" if japanese
                else f"The minutes do not name the speaker; the remark is by {chunk.organisation}. [{first.n}]")
    return ("議事録は発言者の氏名を記していません。該当する発言は次のとおりです。" if japanese
            else "The minutes do not name the speaker; the remark is:")
