"""The gate: may the minutes answer this question? Decided before any excerpt is chosen.

Two parts. Named guards look for something the question needs and the minutes lack (a ministry
never mentioned, a role nobody in the meeting has, a named person's words in minutes that name no
speakers, an amount or date no sentence about the topic holds). Then one relevance score — a
logistic function of the retrievers' signals (``Signals``) fitted on the dev question sets by
``python -m rag calibrate`` (gate.json) — decides whether the evidence is about the question at
all. The verdict is structured: ``(code, detail in plain Japanese)`` or None.
"""
from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..chunking import units
from ..domain import Chunk, Hit, fold, holds
from ..errors import ConfigError
from ..index import section_prefix, speaker_prefix
from ..layouts import PLACE_WORDS
from ..layouts.japanese import kanji_number
from ..layouts.speakers import ROLE_WORDS
from ..lexical import normalize, proper_name_runs, token_spans, tokenize
from ..meetings import name_terms, parse_reference, placing_terms, sitting_terms, speakers_mentioned, without_meeting_dates
from .analysis import (
    GENERIC_ATTENDANCE,
    GENERIC_ORGS,
    ORG_IN_QUESTION,
    PER_UNIT_QUESTION,
    PER_UNIT_TEXT,
    PRESIDING_QUESTION,
    STATEMENT_QUESTION,
    WHO_QUESTION,
    Question,
    about_meeting,
    as_quoted,
    asked_values,
    dates_something_else,
    detect_intents,
    event_tokens,
    framing_tokens,
    quoted,
    sentences,
    term_coverage,
)
from .evidence import chairs_remark

# words that name where a meeting sat (a line holding one may answer 「どこで開かれましたか」 where the record's
# header has no place field): the parser's, and the chamber and online rooms a remark names
VENUE_TEXT = re.compile(PLACE_WORDS.pattern + r"|議場|zoom|teams|ウェブ会議|リモート", re.IGNORECASE)
# words that name a person in a remark's text: a name with its honorific, or an office (not 委員会, 議員提出)
PERSON_TEXT = re.compile(r"[一-龥ァ-ヶー]{1,6}(?:君|氏|さん)(?![一-龥])|(?:" + "|".join(w for w in ROLE_WORDS if len(w) >= 2)
                         + r")(?![会室提])")
_TITLES = "|".join(map(re.escape, ROLE_WORDS + ("君", "氏", "さん")))  # after a name: 「米窪国務大臣」「栗山良夫君」
SEAT_ROLE = re.compile(r"第?\s*[0-9〇一二三四五六七八九十百]+\s*番")
# Words that only say "a decision / an agenda item of this meeting" (「今回の会合で決定されたのは」), not what about
RECORD_WORDS = frozenset({
    "決定", "決まる", "決議", "了承", "可決", "否決", "承認", "採決", "議題", "案件", "議事", "次第", "事項",
    "今回", "本日", "今日", "当日", "本", "何", "会合", "会議", "回", "第",
})


@dataclass(frozen=True)
class Thresholds:
    """Thresholds for what the fitted score does not decide: a briefing's per-hit rule (``strong``) and
    lexical-only retrieval (hand-set on evals/dev.jsonl), and the typed-answer guard's topic coverage."""

    min_dense: float = 0.85  # e5 cosine of the best hit that is enough on its own (Japanese question)
    min_coverage: float = 0.5  # IDF-weighted share of the question's terms found in the best chunk
    weak_dense: float = 0.78  # below this, even good lexical overlap is not trusted
    # topic coverage around a sentence holding the asked-for amount/count/date. Chosen on the dev split
    # (192 questions, a false abstention costing two wrong answers): 0.2 / 0.3 / 0.35 / 0.4 / 0.5 give
    # 24 / 21 / 21 / 26 / 31; the seed set is the same at each
    min_typed_coverage: float = 0.35
    min_dense_crosslingual: float = 0.78  # English question over Japanese minutes: cosines run lower


@dataclass(frozen=True)
class Signals:
    """The retrieval signals the relevance score reads (each in [0, 1])."""

    dense: float  # best cosine of a dense hit
    coverage: float  # best IDF-weighted share of the question's topic terms in the first 3 evidence chunks
    agreement: float  # 1 when the dense retriever's first hit is also in BM25's top 3
    routed: float  # 1 when a record line (date, attendees, agenda…) leads the evidence
    crosslingual: float  # 1 for a question not in Japanese (no lexical overlap is possible)
    unseen: float = 0.0  # IDF-weighted share of the question's names (katakana, Latin, numbers) in no indexed minutes
    has_dense: bool = True

    def features(self) -> list[float]:
        # the cosine and coverage interact with language: an English question has no coverage
        return [self.dense, self.coverage * (1 - self.crosslingual), self.agreement, self.routed,
                self.crosslingual, self.dense * self.crosslingual, self.unseen]


FEATURES = ("dense", "coverage_ja", "agreement", "routed", "crosslingual", "dense_x_crosslingual", "unseen")
MODEL_PATH = Path(__file__).with_name("gate.json")


@dataclass(frozen=True)
class RelevanceModel:
    """Logistic score over ``Signals.features()``; weights and threshold fitted on the dev sets."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def score(self, signals: Signals) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, signals.features()))
        return 1.0 / (1.0 + math.exp(-z))


@functools.lru_cache(maxsize=1)
def relevance_model() -> RelevanceModel:
    """The shipped fit (rag/answer/gate.json); see ``rag.devtools.calibrate``."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ConfigError(f"{MODEL_PATH}: fitted on features {data['features']}, the code reads {list(FEATURES)}; "
                          "run `python -m rag calibrate`")
    return RelevanceModel(tuple(data["weights"]), data["bias"], data["threshold"])


def _script(surface: str) -> str | None:
    if re.fullmatch(r"[一-龥]+", surface):
        return "kanji"
    if re.fullmatch(r"[ァ-ヶー]+", surface):
        return "katakana"
    return None


def abbreviations(question: str) -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    """The words a question writes as an abbreviation's pieces: two or more short tokens of one
    script run together (「科博」 cut 科|博, 「クラファン」 クラ|ファン), as (pieces, their tokens, the run)."""
    norm = normalize(question)
    runs: list[list[tuple[str, int, int]]] = []
    for tok, start, end in token_spans(norm):
        surface = norm[start:end]
        script = _script(surface) if len(surface) <= 3 else None
        last = runs[-1][-1] if runs else None
        if script and last and last[2] == start and _script(norm[last[1]:last[2]]) == script:
            runs[-1].append((tok, start, end))
        elif script:
            runs.append([(tok, start, end)])
    return [(tuple(norm[s:e] for _, s, e in run), tuple(t for t, _, _ in run), norm[run[0][1]:run[-1][2]])
            for run in runs if len(run) >= 2]


def abbreviated_coverage(text: str, weights: dict[str, float], abbreviated) -> float:
    """``term_coverage`` that also reads an abbreviation of ``abbreviations`` as the words it keeps the
    heads of, in order (科博 in 国立科学博物館, クラファン in クラウドファンディング): the question's
    pieces count as found when ``text`` does not write the run itself but has adjacent words that
    start with each piece in turn. For the typed guard's "is a sentence with an amount about this?"."""
    total = sum(weights.values())
    if not total:
        return 0.0
    norm = normalize(text)
    spans = token_spans(norm)
    found = {t for t, _, _ in spans}
    surfaces = [norm[s:e] for _, s, e in spans]
    for pieces, tokens, run in abbreviated:
        if run in norm or all(t in found for t in tokens):
            continue
        j = -1
        for piece in pieces:
            nxt = next((i for i in (range(j + 1, min(len(surfaces), j + 2)) if j >= 0 else range(len(surfaces)))
                        if surfaces[i].startswith(piece)), None)
            if nxt is None:
                break
            j = nxt
        else:
            found |= set(tokens)
    return sum(w for t, w in weights.items() if t in found) / total


def _names_a_thing(term: str) -> bool:
    """Numbers, Latin-script words and katakana loanwords: names of things, whose absence from
    every indexed minutes says more than a missing verb or common word (「起きる」「見解」) does."""
    if re.fullmatch(r"[0-9]+", term) or re.fullmatch(r"[a-z][a-z0-9\-]*", term):
        return True
    return len(term) >= 3 and all("\u30a0" <= ch <= "\u30ff" for ch in term)


_SAME_SCRIPT = (re.compile(r"[\u30a0-\u30ffー]"), re.compile(r"[A-Za-z0-9\-]"))


def as_written(question: str, token: str) -> str:
    """A question's token as the question wrote it: its case (「AI」, not 「ai」) and the whole word
    of its script it is part of (「ブロックチェーン」, which the tokenizer splits); a lemma that is a
    reading (鈴木 → スズキ) by the span the tokenizer gave it."""
    text = unicodedata.normalize("NFKC", question)
    found = re.search(re.escape(token), text, re.IGNORECASE)
    if found is None:
        norm = normalize(question)
        return next((norm[start:end] for tok, start, end in token_spans(norm) if tok == token), token)
    start, end = found.span()
    script = next((s for s in _SAME_SCRIPT if s.fullmatch(text[start])), None)
    if script is not None:
        while start > 0 and script.fullmatch(text[start - 1]):
            start -= 1
        while end < len(text) and script.fullmatch(text[end]):
            end += 1
    return text[start:end]


def unseen_note(words: list[str], japanese: bool) -> str:
    """What an answer says first when the question names something no minutes contain, although
    the evidence cleared the gate (「USB」 may be 外部記録媒体 in the minutes): that the word itself is
    not in the minutes, so what follows is the nearest the minutes say, not a mention of it."""
    if not words:
        return ""
    named = "、".join(f"「{w}」" for w in words)
    return (f"（{named}という語は議事録に出てきません。近い内容の記載を示します。）" if japanese
            else f"(The minutes never use {', '.join(words)}; the closest passages are shown.)")


def line_contexts(chunk: Chunk) -> list[tuple[str, str]]:
    """Each sentence (line) of ``chunk`` with its context, as the guards read it: its neighbours,
    who says it (「角倉次長は…いつ頃…と説明しましたか」: the name and role are the record's, not the
    remark's words) and the heading it stands under (「資産: 1500万円」 under 「2023年の予算の方向性について」;
    a committee chair's report under 「日程第四　大麻取締法…法律案」). The amount, date, attendee and
    decision guards all ask whether some such context is about the question."""
    parts = units(chunk)
    head = section_prefix(chunk) + speaker_prefix(chunk)
    return [(u.text, head + " ".join(p.text for p in parts[max(0, i - 1) : i + 2])) for i, u in enumerate(parts)]


_VALUE_NUMBER = re.compile(r"[0-9〇一二三四五六七八九十百千]+(?:,[0-9]{3})*")


def _value_key(value: str) -> tuple[int | None, str] | None:
    """(the number, the character after it) of a matched value: 「九十五億圓」 and 「95億円」 alike."""
    m = _VALUE_NUMBER.search(value)
    if not m:
        return None
    return kanji_number(m.group().replace(",", "")), value[m.end() : m.end() + 1]


def stated_values(has, question: str) -> set:
    """The values of the type ``has`` matches that the question itself states (「本年度の公共事業費95億円の
    うち、失業救済に回る額はいくら」 states 95億円): they are what it asks about, not its answer."""
    return {_value_key(m.group()) for m in has.finditer(question)} - {None}


def holds_new_value(has, line: str, stated: set) -> bool:
    """``line`` holds a value of the type asked for other than those the question states."""
    return any(_value_key(m.group()) not in stated for m in has.finditer(line))


def sentences_of(q: Question) -> list[Question]:
    """Each sentence of a question of several (「…会期は、いつまでの何日間ですか。また、…議案は何件ですか。」)
    as a question of its own words; [] for a question of one sentence. The evidence may answer one
    part well and the whole question's words only thinly."""
    parts = sentences(q.text)
    if len(parts) < 2:
        return []
    out = []
    for part in parts:
        own = set(tokenize(part))
        out.append(replace(q, text=part, terms=tuple((t, df) for t, df in q.terms if t in own),
                           weights={t: w for t, w in q.weights.items() if t in own}))
    return out


def quotes_lead(q: Question, candidates: list[Chunk]) -> bool:
    """The first evidence says, word for word, a phrase the question quotes (「『…』と述べたのは誰」):
    the minutes answer, whatever the retrieval scores."""
    phrases = quoted(q.text)
    return bool(phrases and candidates) and any(p in as_quoted(candidates[0].text) for p in phrases)


class Gate:
    """Guards and the relevance rule over one index (the catalog and BM25 are read, never written)."""

    def __init__(self, index, thresholds: Thresholds | None = None) -> None:
        self.index = index
        self.thresholds = thresholds or Thresholds()
        self._name_terms: dict[str, frozenset[str]] = {}  # meeting id (a content hash) -> its name's tokens
        self._last_date_terms: tuple[tuple, frozenset[str]] | None = None  # the gate and the writer ask in turn

    def check(self, q: Question, hits: list[Hit], candidates: list[Chunk]) -> tuple[str, str] | None:
        """Why the minutes cannot answer, as (code, detail), or None when they may."""
        if not hits:
            return "no_evidence", ""
        why = self._unanswerable(q.text, q.japanese, list(q.terms), hits, candidates, q.weights)
        if why is not None:
            return why
        if "place" in q.intents and self._place_unrecorded(candidates):
            return "answer_type_missing", "開催場所の記載はありません"
        if self.answered_by_record(q, candidates) or quotes_lead(q, candidates):
            return None
        signals = self.signals(q, hits, candidates)  # coverage is of the topic words (``topic_weights``)
        if not self._relevant(signals) and not any(self._relevant(self.signals(part, hits, candidates))
                                                   for part in sentences_of(q)):
            unseen = self.unseen_terms(q)
            if unseen:
                return "unknown_term", f"「{as_written(q.text, unseen[0])}」はどの議事録にも出てきません"
            return "weak_evidence", ""
        return None

    def record_question(self, q: Question, hits: list[Hit]) -> Question:
        """``q`` with the record parts the router should bring: a date or place only when the question
        asks about the meeting itself (「参議院本会議で趣旨説明された法律案によると、東京科学大学はいつ発足
        する予定と説明されましたか」 asks a date a remark must state; the header date line led its answer)."""
        if not {"date", "place", "closing", "number"} & set(q.intents):
            return q
        if about_meeting(q.text, q.weights, self.meeting_terms([h.chunk for h in hits])):
            return q
        return replace(q, intents=tuple(i for i in q.intents if i not in ("date", "place", "closing", "number")))

    def _place_unrecorded(self, candidates: list[Chunk]) -> bool:
        """「…本会議はどの建物・議場で開かれましたか」 about a meeting whose record states no place, and no
        evidence line names a venue either (a remark's 「本日はオンラインで開催」 would): the record
        cannot say, and the nearest remark about 会議 is no answer. (``q.intents`` keeps "place" only
        for a question about the meeting itself: ``record_question``.)"""
        meetings = self._meetings(candidates[:1])
        if not meetings or meetings[0].place_span is not None:
            return False
        return not any(VENUE_TEXT.search(normalize(line)) for c in candidates[:5] for line, _ in line_contexts(c))

    def answered_by_record(self, q: Question, candidates: list[Chunk]) -> bool:
        """「第14回会合はいつ開催されましたか」: the meeting's own date, time, place or number (「会議録は何号
        ですか」: the title's), stated by its record,
        whose header the router put first. The relevance score weighs topical evidence and does not
        apply (such a question has no topic words for coverage to find)."""
        if "presiding" in q.intents and candidates and chairs_remark(self.index, candidates[0], q.text):
            return True  # 「議事進行を務めたのは誰」: the chair's own remark, by the role the minutes give
        if "recess" in q.intents and candidates and candidates[0].kind == "note":
            # 「…と尋ねた直後、委員会は何時に休憩に入りましたか」: the router put the clock line of that pause
            # first (``evidence.recess_chunks``); the remark's words beside it need not repeat the question's
            return True
        asked = [i for i in q.intents if i in ("date", "place", "closing", "number")]
        if not asked or not candidates:
            return False
        meeting = self._meeting_by_id(candidates[0].meeting_id)
        if meeting is None or not about_meeting(q.text, q.weights, self.meeting_terms(candidates)):
            return False
        spans = {"date": meeting.date_span, "place": meeting.place_span, "closing": meeting.closing_span,
                 "number": meeting.title_span if meeting.number is not None else None}
        if not all(spans[i] is not None for i in asked):
            return False
        # the router put the record's line first: the header, or the chunk holding the closing line
        return candidates[0].kind == "header" or holds(candidates[0], meeting.closing_span)

    def strong(self, hit: Hit, coverage: float, best_coverage: float, best_dense: float, japanese: bool) -> bool:
        """One hit on its own is evidence for a topic (briefings keep only these)."""
        th = self.thresholds
        dense = hit.dense_score if hit.dense_score is not None else 0.0
        if not japanese:  # no lexical overlap with Japanese minutes: the best cosines only
            return dense >= max(th.min_dense_crosslingual, best_dense - 0.02)
        # the coverage bar is relaxed to 80 % of the best chunk's when no chunk holds most of the
        # topic's terms (「人材育成」: 人材 and 育成 rarely co-occur)
        min_cover = min(th.min_coverage, 0.8 * best_coverage)
        return dense >= th.min_dense or (dense >= th.weak_dense and coverage >= min_cover > 0)

    def _unanswerable(
        self, question: str, japanese: bool, terms: list[tuple[str, int]], hits: list[Hit],
        candidates: list[Chunk], weights: dict[str, float],
    ) -> tuple[str, str] | None:
        """Why the minutes cannot answer, as (code, short Japanese reason), or None if they may.

        Each rule looks for something the question needs and the minutes lack:
        a term never indexed, a named ministry that never appears, a named
        person's statements when remarks are not attributed to names, or an
        answer of a type (amount, vote count, date) that no excerpt contains.
        """
        q = unicodedata.normalize("NFKC", question).lower()
        # (a word no minutes contain is not a veto: 「USB」 may be 外部記録媒体 in the minutes; it is
        # the ``unseen`` signal of the relevance score, and named in the abstention when it decides)
        # (a meeting the question names by number, date or name is resolved against the
        # catalog before retrieval: rag.meetings.resolve)
        texts = [normalize(c.text) for c in candidates]
        for org in ORG_IN_QUESTION.findall(q):
            org = re.sub(r"^[他各両同全諸]+", "", org)
            if org in GENERIC_ORGS or len(org) < 2:
                continue
            if not any(org in t for t in texts) and not self._in_index(org):
                return "organisation_missing", f"「{org}」の記載はありません"
        if STATEMENT_QUESTION.search(q) and not any(c.speaker for c in candidates):
            # summary minutes without speakers: a named attendee's words cannot be told apart
            for name in self._attendee_names(candidates):
                if name in re.sub(r"\s+", "", q) and not any(name in t for t, c in zip(texts, candidates) if c.kind == "remark"):
                    return "speaker_not_named", f"議事要旨では発言者の氏名が記されていないため、{name}氏の発言は特定できません"
        about = about_meeting(q, weights, self.meeting_terms(candidates))
        missing = self._typed_answer_missing(q, weights, candidates, about, japanese)
        if missing:
            return "answer_type_missing", missing
        role = self._absent_role(q, candidates)
        if role:
            return "speaker_not_found", f"{role}の発言は記録にありません"
        speaking = self._speaking_subject(q, candidates)  # read once for the two guards below
        silent = self._silent_attendee(q, speaking)
        if silent:
            return "speaker_not_found", f"{silent}氏は出席者に名前がありますが、発言は記録にありません"
        unrecorded = self._unrecorded_speaker(q, speaking)
        if unrecorded:
            return "speaker_not_found", f"{unrecorded}氏の発言は記録にありません"
        chaired = bool(PRESIDING_QUESTION.search(q) and candidates and chairs_remark(self.index, candidates[0], question))
        if japanese and WHO_QUESTION.search(q) and not STATEMENT_QUESTION.search(q) and not chaired:
            # 「…を務めたのは誰」: some line of the evidence (an attendee line, an agenda line, or a
            # remark such as the chair's 「…議員から欠席の届出があります」) must be about what the
            # question asks beyond "who attended" and the meeting's own name
            # the person asked for is not one the question names already (「米窪国務大臣が触れた大会に、日本から
            # 誰がオブザーバーとして出席しましたか」: the roster line naming 米窪 is no answer, nor are his words
            # unless they name someone)
            named = self._people_named(question, candidates)
            naming = {t for words in named.values() for t in tokenize(words)}
            specific = {t: w for t, w in self._specific(weights, candidates, GENERIC_ATTENDANCE).items() if t not in naming}
            typed = self.thresholds.min_typed_coverage

            def about(chunk: Chunk, line: str, context: str) -> bool:
                # a roster line names its person and title and little else: one shared term is
                # enough; other lines must be about the question as a typed answer's context is, and a
                # remark name someone: its speaker (one the question does not name), or in the sentence
                # about the question
                if chunk.kind in ("attendees", "agenda"):
                    return term_coverage(line, specific) > 0
                if chunk.kind != "remark" or (chunk.speaker and fold(chunk.speaker) not in named):
                    return term_coverage(context, specific) >= typed
                return term_coverage(line, specific) >= typed and bool(PERSON_TEXT.search(normalize(line)))

            if specific and not any(about(c, line, context) for c in candidates for line, context in line_contexts(c)):
                return "answer_type_missing", "該当する出席者の記載はありません"
        record = [i for i in detect_intents(question) if i in ("decision", "agenda")]
        if japanese and record and not chaired:  # 「議題は何で、司会を務めたのは誰」: the chair's part is answered
            # 「…について何が決まりましたか」: the record's decision/agenda lines answer what was decided,
            # not whether anything was decided *about that*; some evidence line must be about it,
            # as an amount's context must be (the attendee guard above is the same mechanism)
            specific = self._specific(weights, candidates, RECORD_WORDS)
            if specific and not any(term_coverage(context, specific) >= self.thresholds.min_typed_coverage
                                    for c in candidates for _, context in line_contexts(c)):
                what = "決定事項" if "decision" in record else "議題"
                return "answer_type_missing", f"該当する{what}の記載はありません"
        return None

    def _typed_answer_missing(self, q: str, weights: dict[str, float], candidates: list[Chunk], about_meeting: bool,
                              japanese: bool = True) -> str | None:
        """For a question asking for an amount, a vote count, a number of people or a date: the
        reason no candidate sentence holds one about the question's topic, else None.

        The topic is the question's terms less the words that only name the type (「いくら」)
        and the meeting (「墨田区議会の12月緊急議会」): a minutes file full of amounts does not
        answer 「…の維持管理費はいくら」 unless a sentence with an amount is about 維持管理費.
        """
        # a question of several sentences (「…会期は、いつまでの何日間ですか。また、…議案は何件ですか。」):
        # each asks its own value about its own words
        clauses = sentences(q)
        if len(clauses) > 1:
            for clause in clauses:
                own = set(tokenize(clause))
                missing = self._typed_answer_missing(clause, {t: w for t, w in weights.items() if t in own},
                                                     candidates, about_meeting, japanese)
                if missing:
                    return missing
            return None
        # values and dates (times and bare years are the reranker's, not a reason to abstain); the
        # meeting's own date line (the header) dates nothing else, and answers a date about the meeting
        asked = [(a.has, a.what, a.words, a.kind) for a in asked_values(q)
                 if a.kind in ("value", "name") or (a.kind == "date" and not about_meeting)]
        if not asked:
            return None
        short = abbreviations(q)  # 「科博のクラファン、いくら集まった」
        for has, what, words, kind in asked:
            header_ok = kind in ("value", "name")
            topic = self._specific(weights, candidates, words)
            # an amount or count the question states is what it asks a part of (「95億円のうち、失業救済に回る額
            # は」); a date it states most often names the sitting, and a clock time may answer 「いつ」 of an
            # event within it (「…の採決はいつ行われましたか」 lost its answer when the dates stated were left out)
            stated = stated_values(has, q) if kind == "value" else set()
            windows = [context for c in candidates for line, context in line_contexts(c)
                       if holds_new_value(has, normalize(line), stated)
                       and (c.kind != "header" or header_ok or self._dates_other(c, line))]
            if header_ok and PER_UNIT_QUESTION.search(q):  # 「1世帯当たりいくら」: a total does not answer
                windows = [w for w in windows if PER_UNIT_TEXT.search(normalize(w))]
            if not windows or (japanese and topic and max(abbreviated_coverage(w, topic, short) for w in windows) < self.thresholds.min_typed_coverage):
                return f"{what}の記載はありません"
            # an English question shares no words with Japanese minutes: the type is checked, and when
            # the dictionary translates phrases of it into words the minutes use (rag.crosslingual:
            # "information security" 情報セキュリティ), one of them must be in a line with the value. English set
            # (42 questions written after the bridge): 2 more unanswerables abstained, none falsely;
            # no dev-set answer changed. Single words are not required: "present" is 現在 or 贈る to
            # the dictionary, 出席 to the minutes (9 false abstentions when they were)
            if not japanese:
                phrases = self._english_phrases(q, candidates)
                if phrases and not any(set(tokenize(w)) >= p for w in windows for p in phrases):
                    return f"{what}の記載はありません"
        return None

    def _dates_other(self, chunk: Chunk, line: str) -> bool:
        """``line`` of ``chunk``'s header dates something other than its meeting (``dates_something_else``)."""
        meeting = self._meeting_by_id(chunk.meeting_id)
        return dates_something_else(line, meeting.date if meeting else None)

    def _english_phrases(self, question: str, candidates: list[Chunk]) -> list[frozenset[str]]:
        """The tokens of each Japanese word the dictionary gives for an English phrase of two or more
        words in ``question`` that does not name the meeting (a single word has too many senses)."""
        from ..crosslingual import shared_bridge

        settings = getattr(self.index, "settings", None)
        if settings is not None and not settings.crosslingual:  # RAG_CROSSLINGUAL=0: the type only, as before
            return []
        drop = self.meeting_terms(candidates)
        out = []
        for t in shared_bridge().translate(question, self.index.lexical.phrase_frequency):
            if " " not in t.english:
                continue
            alternatives = [frozenset(tokenize(j)) for j in t.japanese]
            if any(a <= drop for a in alternatives):
                continue
            out.extend(a for a in alternatives if a)
        return out

    def _specific(self, weights: dict[str, float], candidates: list[Chunk], generic) -> dict[str, float]:
        """The question's terms that say what it is about, less the ``generic`` words of what it asks
        for (「いくら」, 「出席」, 「決定」), the meeting's name and bare numbers: the terms a line
        holding the answer must be about (the amount, attendee and decision guards share it)."""
        meeting_terms = self.meeting_terms(candidates)
        # also the words that say which sitting and how it was said (「12月17日の本会議の冒頭で…と報告され」)
        framing = framing_tokens() | event_tokens()
        return {t: w for t, w in weights.items()
                if t not in generic and t not in meeting_terms and t not in framing and not t.isdigit()}

    def topic_weights(self, q: Question, candidates: list[Chunk]) -> dict[str, float]:
        """The question's weighted terms less the words that only name the meeting
        (「中央環境審議会第31回総会の報告によると」): every chunk of that meeting lacks them alike, so
        they say nothing about relevance or about which excerpt answers; nor do the names of the
        speakers it asks about."""
        drop = (self.meeting_terms(candidates) | sitting_terms(q.text) | placing_terms(q.text) | self._date_terms(q.text, candidates)
                | self._speaker_terms(q.text, candidates))
        return {t: w for t, w in q.weights.items() if t not in drop} or q.weights

    def _speaker_terms(self, question: str, candidates: list[Chunk]) -> set[str]:
        """Tokens of the speakers the question names (「石渡委員は自己紹介で…」): they say whose words are
        asked for, which the remark's label, not its text, states (retrieval keeps to their remarks)."""
        entries = self._entries({c.meeting_id for c in candidates})
        named = speakers_mentioned(question, entries)
        texts = [fold(c.text) for c in candidates[:3]]
        roles = {n: r for e in entries for n, r, _ in e.speakers}
        q = fold(question)
        terms: set[str] = set()
        for name in named:
            if any(fold(name) in text for text in texts):
                continue  # a summary's 「…(ian」 keeps the name in the words: there it still counts
            # the name as the record writes it, the surname as the question does (「米窪国務大臣」: a
            # surname read apart from its given name may tokenise otherwise) and the title it names
            # them by (国務大臣 of 「米窪国務大臣は」), which the remark's own words need not repeat
            terms |= set(tokenize(name))
            terms |= {t for cut in (3, 2) if len(fold(name)) > cut and fold(name)[:cut] in q for t in tokenize(fold(name)[:cut])}
            role = roles.get(name)
            if role and fold(role) in q:
                terms |= set(tokenize(role))
        return terms

    def _date_terms(self, question: str, candidates: list[Chunk]) -> set[str]:
        """Tokens only the candidate meetings' own date gives the question (「令和5年12月1日の本会議で」)."""
        ids = {c.meeting_id for c in candidates}
        key = (question, frozenset(ids))
        last = self._last_date_terms
        if last is not None and last[0] == key:
            return set(last[1])
        entries = [e for e in self.index.catalog() if e.meeting_id in ids]
        stripped = without_meeting_dates(question, entries)
        found = (frozenset() if normalize(stripped) == normalize(question)
                 else frozenset(tokenize(question)) - frozenset(tokenize(stripped)))
        self._last_date_terms = (key, found)  # one tuple, replaced whole: safe between threads
        return set(found)

    def meeting_terms(self, candidates: list[Chunk]) -> set[str]:
        """Tokens of the candidate meetings' names and bodies (tokenised once per meeting: the
        guards, the signals and the writer all ask for them on every question)."""
        terms: set[str] = set()
        for chunk in {c.meeting_id: c for c in candidates}.values():
            if chunk.meeting_id not in self._name_terms:
                self._name_terms[chunk.meeting_id] = frozenset(name_terms([f"{chunk.meeting} {self._body(chunk.meeting_id)}"]))
            terms |= self._name_terms[chunk.meeting_id]
        return terms

    def _body(self, meeting_id: str) -> str:
        m = self._meeting_by_id(meeting_id)
        return m.body if m else ""

    def _absent_role(self, q: str, candidates: list[Chunk]) -> str | None:
        """「教育長は…と答弁しましたか」 when no speaker of the meetings searched has that role."""
        if not STATEMENT_QUESTION.search(q) or WHO_QUESTION.search(q):
            # 「総括質疑をする議員は…と申し上げたのは誰ですか」 asks who spoke: a role it names is what
            # was spoken about, not the speaker
            return None
        meetings = self._meetings(candidates)
        speakers = [r for m in meetings for _, r, _ in m.speakers()]
        if not speakers or None in speakers:
            # summary minutes name no speakers; a speaker whose role the minutes do not give (a Diet
            # member reporting as 委員長) may hold any role: unknown is not absent
            return None
        roles = [fold(r) for r in speakers]
        if any(SEAT_ROLE.fullmatch(unicodedata.normalize("NFKC", r)) for r in speakers):
            roles.append("議員")  # 「○２２番（山田花子議員）」: an assembly member speaks by seat number
        if self._names_a_speaker(q, meetings):
            return None  # 「中条きよし議員は」: a speaker of the meeting by name; the minutes may record no role
        qf = fold(q)
        for word in ROLE_WORDS:
            if len(word) >= 2 and re.search(rf"(?<![一-龥]){word}(?:は|が|から)", qf) and not any(word in r for r in roles):
                return word
        return None

    def _speaking_subject(self, q: str, candidates: list[Chunk]) -> tuple[list, list[str]] | None:
        """(meetings, folded speaker names) when ``q`` asks what someone said in minutes that name
        their speakers, and names neither a speaker nor a speaker's role as who spoke — the case in
        which a person it names may be someone the minutes never record speaking."""
        if not STATEMENT_QUESTION.search(q):
            return None
        meetings = self._meetings(candidates)
        speakers = [fold(n) for m in meetings for n, _, _ in m.speakers() if len(fold(n)) >= 2]
        if not speakers and not any(m.attendees for m in meetings):
            return None  # no speakers and no roster: nothing to check a name against
        # (summary minutes name no speakers, but their roster says who was there: 「鈴木委員は」 of a
        # meeting whose roster has no 鈴木 asks for remarks the minutes cannot hold)
        # 「山田議員が提出した意見書について、市長は何と答弁しましたか」 asks what a speaker said
        if self._names_a_speaker(q, meetings):
            return None
        qf = fold(q)
        roles = {fold(r) for m in meetings for _, r, _ in m.speakers() if r and len(fold(r)) >= 2}
        if any(re.search(rf"(?<![一-龥]){re.escape(r)}(?:は|が)", qf) for r in roles):
            return None
        return meetings, speakers

    def _silent_attendee(self, q: str, speaking: tuple[list, list[str]] | None) -> str | None:
        """「玉野有彦教育長は…と答弁しましたか」 when the minutes list 玉野有彦 as present and record no
        remark of theirs (a speaker named by surname only, 「玉野」, counts as them). ``speaking``:
        ``_speaking_subject``'s reading of the question."""
        if speaking is None or not speaking[1]:
            return None  # summary minutes: an attendee's words are not told apart (``speaker_not_named``)
        meetings, speakers = speaking
        qf = fold(q)
        for m in meetings:
            for attendee in m.attendees:
                name = fold(attendee.name)
                # the attendee is who the question says spoke: 「玉野有彦教育長は」「玉野有彦氏が」
                if (len(name) >= 3 and re.search(rf"{re.escape(name)}[一-龥ァ-ヶー]{{0,8}}?(?:は|が|から)", qf)
                        and not any(s in name or name in s for s in speakers)):
                    return re.sub(r"\s+", "", attendee.name)
        return None

    def _unrecorded_speaker(self, q: str, speaking: tuple[list, list[str]] | None) -> str | None:
        """「鈴木俊一財務大臣は…と答弁しましたか」 of a sitting where no 鈴木 speaks and no roster lists
        him: a person (as the tokenizer's dictionary recognises names) said to have spoken whom the
        minutes never record (not even by surname). ``speaking``: ``_speaking_subject``'s reading."""
        if speaking is None:
            return None
        meetings, speakers = speaking
        known = speakers + [fold(a.name) for m in meetings for a in m.attendees if len(fold(a.name)) >= 2]
        text = normalize(q)
        runs = proper_name_runs(text)
        people = {(start, end): name for name, start, end, person in runs if person}
        # a surname the dictionary reads only as a place (「神田委員は」), when a role the meeting's
        # speakers hold follows it: that person too
        # (not before an office of a place, 「墨田区長」「渋谷区長」, nor the meeting's own place)
        roles = sorted({fold(r) for m in meetings for _, r, _ in m.speakers()
                        if r and len(fold(r)) >= 2 and not re.match(r"[区市町村県都府道国州]", fold(r))}, key=len, reverse=True)
        own = " ".join(f"{m.body} {m.name}" for m in meetings)
        for place, start, end, _ in runs:
            # (a given name may stand between: 「井田良委員は」; not an administrative unit: 「東京都知事は」)
            if ((start, end) not in people and roles and place not in own
                    and re.match(rf"(?:[一-龥ぁ-ん](?<![都道府県市区町村郡]))?(?:[一-龥ぁ-ん](?<![都道府県市区町村郡]))?"
                                 rf"(?:{'|'.join(map(re.escape, roles))})(?:は|が|から)", text[end:])):
                people[(start, end)] = place
        for (_, end), person in sorted(people.items()):
            # the person is who spoke: the name, at most a title (財務大臣, 議員, 氏), then は/が/から
            if not re.match(r"[一-龥ァ-ヶー]{0,8}?(?:は|が|から)", text[end:]):
                continue
            name = fold(person)
            if any(name in k or k in name or k.startswith(name[:2]) for k in known):
                continue  # spoke (or is listed: the silent-attendee guard speaks of them)
            return person
        return None

    def _people_named(self, question: str, candidates: list[Chunk]) -> dict[str, str]:
        """The speakers and attendees of the evidence's meetings the question names by name, folded,
        with the words that name them (the full name, or a surname of two or three characters with
        the title or honorific after it: 「米窪国務大臣」)."""
        q = fold(question)
        meetings = self._meetings(candidates)
        people = {fold(n) for m in meetings for n, _, _ in m.speakers()} | {fold(a.name) for m in meetings for a in m.attendees}
        named: dict[str, str] = {}
        for p in people:
            if len(p) < 2:
                continue
            if p in q:
                named[p] = re.search(rf"{re.escape(p)}(?:{_TITLES})?", q).group()
                continue
            for cut in (3, 2):
                m = re.search(rf"{re.escape(p[:cut])}(?:{_TITLES})", q) if len(p) > cut else None
                if m:
                    named[p] = m.group()
                    break
        return named

    def _known_year(self, term: str) -> bool:
        """A Western year (FY2008) the minutes may write in 和暦 (平成20年度)."""
        if not (term.isdigit() and len(term) == 4):
            return False
        year = int(term)
        for era_start in (2018, 1988, 1925):  # 令和, 平成, 昭和
            if year > era_start:
                return any(df > 0 for _, df in self.index.lexical.term_stats(str(year - era_start)))
        return False

    def _in_index(self, phrase: str) -> bool:
        return self.index.lexical.phrase_frequency(phrase, 5) > 0

    def _attendee_names(self, candidates: list[Chunk]) -> list[str]:
        return [re.sub(r"\s+", "", a.name) for m in self._meetings(candidates) for a in m.attendees]

    def _meetings(self, candidates: list[Chunk]) -> list:
        """The records of the meetings the evidence comes from, in evidence order."""
        return [m for m in map(self._meeting_by_id, dict.fromkeys(c.meeting_id for c in candidates)) if m]

    def _names_a_speaker(self, q: str, meetings: list) -> bool:
        """「中条きよし議員は」: the question names a speaker of these meetings."""
        return bool(speakers_mentioned(q, self._entries({m.meeting_id for m in meetings})))

    def _entries(self, meeting_ids: set[str]) -> list:
        """The catalog rows of these meetings (the catalog is cached by the record store)."""
        return [e for e in self.index.catalog() if e.meeting_id in meeting_ids]

    def signals(self, q: Question, hits: list[Hit], candidates: list[Chunk]) -> Signals:
        """What the relevance score reads, from the hits and the evidence chunks."""
        topic = self.topic_weights(q, candidates)
        dense = [h.dense_score for h in hits if h.dense_score is not None]
        # the first evidence, and the retriever's own first three: record lines the router put first
        # (「全員異議なく、原案了承と決します。」 three times, one per bill) must not hide the remarks
        # that name what the question is about
        first = list({c.chunk_id: c for c in [*candidates[:3], *(h.chunk for h in hits[:3])]}.values())
        said = self._asks_what_was_said(q)
        coverage = max((term_coverage(c.text, topic) for c in first if not (said and c.kind in ("attendees", "header"))),
                       default=0.0)
        first_dense = min((h for h in hits if h.dense_rank is not None), key=lambda h: h.dense_rank, default=None)
        agreement = 1.0 if first_dense is not None and first_dense.lexical_rank is not None and first_dense.lexical_rank <= 3 else 0.0
        routed = 1.0 if q.intents and candidates and candidates[0].kind != "remark" else 0.0
        unseen = self.unseen_terms(q)
        total = sum(q.weights.values()) or 1.0
        unseen_share = sum(q.weights[t] for t in unseen) / total
        return Signals(max(dense, default=0.0), coverage, agreement, routed, 0.0 if q.japanese else 1.0, unseen_share,
                       bool(dense))

    @staticmethod
    def _asks_what_was_said(q: Question) -> bool:
        """A question about what was said or explained (「…の見通しについてどのような説明がありましたか」),
        not about the record: remarks answer it, not a roster line whose title shares its topic word
        (「競輪事業部長」 for 函館競輪) or the header."""
        return bool(STATEMENT_QUESTION.search(unicodedata.normalize("NFKC", q.text).lower())) and not (
            set(q.intents) & {"attendees", "date", "place", "closing", "number", "presiding"})

    def unseen_terms(self, q: Question) -> list[str]:
        """The question's words that no indexed minutes contain (numbers that name the meeting,
        and Western years the minutes may write in 和暦, excepted). English words are never
        "unseen" in Japanese minutes: they are another language, not an absence."""
        referenced = {str(n) for n, _ in parse_reference(q.text).numbers}  # 「第212回国会」: resolved before retrieval
        # the words that say a person is asked for (「フルネーム」) name nothing the minutes should contain
        referenced |= set(tokenize(" ".join(m.group() for m in WHO_QUESTION.finditer(normalize(q.text)))))
        unseen = [t for t, df in q.terms
                  if df == 0 and _names_a_thing(t) and (q.japanese or t.isdigit()) and not self._known_year(t)
                  and t not in referenced]
        if unseen:
            spelled = self._spelled_out_acronyms(q.text)
            unseen = [t for t in unseen if t not in spelled]
        return unseen

    def _spelled_out_acronyms(self, question: str) -> set[str]:
        """The words of a Latin name the question spells out whose initials the minutes write
        (「Python Software Foundation」 where they say PSF): those words are not unseen."""
        found: set[str] = set()
        for run in re.finditer(r"[A-Za-z][A-Za-z0-9\-]*(?:[ \u3000]+[A-Za-z][A-Za-z0-9\-]*)+", unicodedata.normalize("NFKC", question)):
            words = run.group().lower().split()
            initials = "".join(w[0] for w in words)
            if any(df > 0 for t, df in self.index.lexical.term_stats(initials) if t == initials):
                found.update(words)
        return found

    def _relevant(self, signals: Signals) -> bool:
        """The fitted relevance score (rag/answer/gate.json, ``python -m rag calibrate``) clears its
        threshold. Lexical-only retrieval (no cosine at all) falls back to term coverage alone."""
        if not signals.has_dense:
            return signals.coverage >= self.thresholds.min_coverage
        model = relevance_model()
        return model.score(signals) >= model.threshold

    def _meeting_by_id(self, meeting_id: str):
        found = self.index.records.get(meeting_id)
        return found[0] if found else None

