"""Extractive, grounded answers: verbatim excerpts of the minutes with [n] markers.

No LLM is involved by default, so nothing in an answer can state a fact the
minutes do not: the only words that are not excerpts are a template lead line
naming the meeting and its date (both taken from the parsed record), and
section/organisation labels the parser found in the minutes themselves.

Abstention is decided before any excerpt is chosen: a question abstains when
it names something the index has never seen (a number, a Latin or katakana
term), or when neither retriever found convincing evidence (low cosine and
little lexical overlap with the best chunk).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from .chunking import units
from .domain import Answer, Chunk, Citation, Hit, Span, fold
from .layouts.speakers import ROLE_WORDS
from .meetings import name_terms, parse_reference
from .lexical import normalize, tokenize

NOT_FOUND_JA = "議事録には該当する記載が見つかりませんでした。"
NOT_FOUND_EN = "The minutes contain nothing that answers this question. (議事録には該当する記載が見つかりませんでした。)"

# Metadata intents route a question to the record's own header/attendee/agenda/decision chunk.
_INTENTS: dict[str, tuple[str, ...]] = {
    "date": ("いつ", "日時", "日付", "開催日", "何日", "何月", "何時", "時間", "曜日", "when", "date", "time", "what day"),
    "place": ("どこ", "場所", "会場", "where", "venue", "place", "location"),
    "attendees": ("誰", "だれ", "出席した", "出席して", "出席者の名前", "出席者名", "代理", "代わり", "参加者", "メンバー",
                  "構成員", "名簿", "who ", "who attended", "in attendance", "proxy", "on behalf", "members", "present at"),
    "agenda": ("議題", "議事次第", "案件", "agenda", "topics", "items"),
    "decision": ("決定され", "決定事項", "決定した", "決定しま", "何が決定", "決まった", "決まりま", "決議", "了承",
                 "decid", "decision", "adopted", "resolved"),
}
_INTENT_KIND = {"date": "header", "place": "header", "attendees": "attendees", "agenda": "agenda", "decision": "decision"}
# Date/place intents are about the meeting itself only when the question says so;
# 「情報セキュリティの日は何月何日」 asks for another date, which a remark must state.
_ABOUT_MEETING = ("会合", "会議", "開催", "開会", "開議", "閉会", "散会", "議会", "定例会", "臨時会", "委員会", "本会議",
                  "総会", "meeting", "held", "convened", "session", "sitting")

# Answer types: a question asking for one of these can only be answered by an
# excerpt that contains one. (pattern in the question, pattern in the excerpt, what is missing)
_KNUM = r"[0-9〇一二三四五六七八九十百千万億,.]"
# Answer types: a question asking for one of these is answered only by an excerpt that holds
# one AND is about what was asked (see ``_typed_answer_missing``).
# (pattern in the question, pattern in an excerpt, what is missing, words that only say "which type")
_ANSWER_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str], str, frozenset[str]], ...] = (
    (re.compile(r"何円|何億|何万|いくら|金額|総額|予算額|要求額|how much|yen|amount"),
     re.compile(rf"{_KNUM}+\s*(?:円|億|万円|千円)"), "金額",
     frozenset({"円", "億", "万", "千", "いくら", "金額", "総額", "額", "予算額", "要求額", "何", "幾ら"})),
    (re.compile(r"何票|票数|賛成.*反対|vote"), re.compile(rf"{_KNUM}+\s*票"), "票数",
     frozenset({"票", "票数", "賛成", "反対", "何", "数", "投票", "総数"})),
    (re.compile(r"何人|何名|人数|how many (?:people|persons|attendees|members)"), re.compile(rf"{_KNUM}+\s*(?:人|名)"), "人数",
     frozenset({"人", "名", "何", "人数", "数"})),
)
_TIME_QUESTION = re.compile(r"何時|時刻|開会|開議|閉会|散会|what time|\bstart|\bfinish|\bend(?:ed)?\b")
_TIME_TEXT = re.compile(rf"(?:午前|午後)?\s*{_KNUM}+\s*時|\d{{1,2}}:\d{{2}}")
_DATE_QUESTION = re.compile(r"いつ|何月|何日|日付|when|what date")
_DATE_TEXT = re.compile(r"\d+\s*月\s*\d+\s*日")
_DATE_WORDS = {"日", "月", "年", "年度", "何", "日付", "設定", "いつ"}
_WHO_QUESTION = re.compile(r"誰|だれ|who\b|whom")
_STATEMENT_QUESTION = re.compile(r"意見|発言|述べ|言っ|主張|指摘|見解|評価|考え|答弁|質問|説明し|報告し|say|said|state|remark|view|opinion|argue|ask|answer|explain")
_ORG_IN_QUESTION = re.compile(r"[一-龥ァ-ヶー]{2,12}?(?:省|庁)")
_GENERIC_ORGS = {"府省", "省庁", "府省庁", "関係省", "関係省庁"}
# Attendance words that do not identify anyone: a "who" question needs more than these.
_GENERIC_ATTENDANCE = {"出席", "者", "会合", "会議", "第", "回", "参加", "人", "誰", "方", "代理", "代わり"}


EXCERPT_CHARS = 200  # a cited excerpt of a long remark: its best sentence and neighbours up to this length
LEAD_EXCERPT_CHARS = 400  # the first-ranked remark's excerpt (a whole chunk, MAX_CHUNK_CHARS)


class Answerer(Protocol):
    def answer(self, question: str, hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class Thresholds:
    """Abstention thresholds, calibrated on evals/dev.jsonl (see README: evaluation)."""

    min_dense: float = 0.85  # e5 cosine of the best hit that is enough on its own (Japanese question)
    min_coverage: float = 0.5  # IDF-weighted share of the question's terms found in the best chunk
    weak_dense: float = 0.78  # below this, even good lexical overlap is not trusted
    min_typed_coverage: float = 0.4  # topic coverage around a sentence holding the asked-for amount/count/date
    min_dense_crosslingual: float = 0.78  # English question over Japanese minutes: cosines run lower


def is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def detect_intents(question: str) -> list[str]:
    """Which parts of a meeting record the question asks about (date, place, attendees, …)."""
    q = unicodedata.normalize("NFKC", question).lower() + " "
    found = [name for name, keys in _INTENTS.items() if any(k in q for k in keys)]
    if "date" in found and not any(k in q for k in _ABOUT_MEETING):
        found.remove("date")
    # 「出席者は…どう評価」 asks what attendees said, not who they were
    if "attendees" in found and _STATEMENT_QUESTION.search(q):
        found.remove("attendees")  # 「誰が…と述べましたか」 asks for a speaker, not the attendee list
    return found


def _specific(term: str) -> bool:
    """Terms whose absence from the whole index means the minutes cannot answer:
    numbers, Latin-script words and katakana loanwords (names of things)."""
    if re.fullmatch(r"[0-9]+", term):
        return True
    if re.fullmatch(r"[a-z][a-z0-9\-]*", term):
        return True
    return len(term) >= 3 and all("\u30a0" <= ch <= "\u30ff" for ch in term)


class ExtractiveAnswerer:
    def __init__(self, index, max_citations: int = 3, thresholds: Thresholds | None = None) -> None:
        self.index = index
        self.max_citations = max_citations
        self.thresholds = thresholds or Thresholds()

    # ------------------------------------------------------------ public

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        japanese = is_japanese(question)
        if not hits or not question.strip():
            return self.abstain(question, hits, "no_evidence", "")
        terms = self.index.lexical.term_stats(question)
        n_docs = max(len(self.index.lexical), 1)
        weights = {t: math.log(1 + n_docs / (df + 1)) for t, df in terms}
        intents = detect_intents(question)
        candidates = self._candidates(hits, intents)

        why = self._unanswerable(question, japanese, terms, hits, candidates, weights)
        # the words that name the meeting (「参議院本会議第8号で」) say which meeting, not what was
        # said: every chunk of it lacks them in its text, so they do not count against relevance
        topic = {t: w for t, w in weights.items() if t not in self._meeting_terms(candidates)} or weights
        if why is None and not self._relevant(hits, candidates, topic, intents, japanese):
            why = ("weak_evidence", "")
        if why is not None:
            return self.abstain(question, hits, *why)

        citations = self._select(question, candidates, weights, intents)
        if not citations:
            return self.abstain(question, hits, "no_evidence", "")
        text = self._compose(citations, japanese, question)
        return Answer(question, text, False, tuple(citations), tuple(hits))

    @staticmethod
    def abstain(question: str, hits: list[Hit], code: str, detail: str) -> Answer:
        """The not-found answer, with its reason both shown and structured (``Answer.abstention``)."""
        text = NOT_FOUND_JA if is_japanese(question) else NOT_FOUND_EN
        if detail:
            text += f"（{detail}）"
        return Answer(question, text, True, (), tuple(hits), abstention=(code, detail))

    # ------------------------------------------------------------ abstention

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
        referenced = {str(n) for n, _ in parse_reference(question).numbers}  # 「第212回国会」: resolved before retrieval
        for term, df in terms:
            if df == 0 and _specific(term) and (japanese or term.isdigit()) and not self._known_year(term) and term not in referenced:
                return "unknown_term", f"「{term}」はどの議事録にも出てきません"
        # (a meeting the question names by number, date or name is resolved against the
        # catalog before retrieval: rag.meetings.resolve)
        texts = [normalize(c.text) for c in candidates]
        for org in _ORG_IN_QUESTION.findall(q):
            org = re.sub(r"^[他各両同全諸]+", "", org)
            if org in _GENERIC_ORGS or len(org) < 2:
                continue
            if not any(org in t for t in texts) and not self._in_index(org):
                return "organisation_missing", f"「{org}」の記載はありません"
        if _STATEMENT_QUESTION.search(q) and not any(c.speaker for c in candidates):
            # summary minutes without speakers: a named attendee's words cannot be told apart
            for name in self._attendee_names(candidates):
                if name in re.sub(r"\s+", "", q) and not any(name in t for t, c in zip(texts, candidates) if c.kind == "remark"):
                    return "speaker_not_named", f"議事要旨では発言者の氏名が記されていないため、{name}氏の発言は特定できません"
        about_meeting = any(k in q for k in _ABOUT_MEETING)
        missing = self._typed_answer_missing(q, weights, candidates, about_meeting)
        if missing:
            return "answer_type_missing", missing
        role = self._absent_role(q, candidates)
        if role:
            return "speaker_not_found", f"{role}の発言は記録にありません"
        if _WHO_QUESTION.search(q) and not _STATEMENT_QUESTION.search(q):
            specific = {t: w for t, w in weights.items() if t not in _GENERIC_ATTENDANCE and not t.isdigit()}
            people = [c for c in candidates if c.kind in ("attendees", "agenda")]  # 出席者, 事務局より説明
            if specific and not any(term_coverage(line.text, specific) > 0 for c in people for line in units(c)):
                return "answer_type_missing", "該当する出席者の記載はありません"
        return None

    def _typed_answer_missing(self, q: str, weights: dict[str, float], candidates: list[Chunk], about_meeting: bool) -> str | None:
        """For a question asking for an amount, a vote count, a number of people or a date: the
        reason no candidate sentence holds one about the question's topic, else None.

        The topic is the question's terms less the words that only name the type (「いくら」)
        and the meeting (「墨田区議会の12月緊急議会」): a minutes file full of amounts does not
        answer 「…の維持管理費はいくら」 unless a sentence with an amount is about 維持管理費.
        """
        asked = [(has, what, words, True) for asks, has, what, words in _ANSWER_TYPES if asks.search(q)]
        if _DATE_QUESTION.search(q) and not about_meeting:
            # the meeting's own date line (the header) dates nothing else
            asked.append((_DATE_TEXT, "該当する日付", frozenset(_DATE_WORDS), False))
        if not asked:
            return None
        meeting_terms = self._meeting_terms(candidates)
        for has, what, words, header_ok in asked:
            topic = {t: w for t, w in weights.items() if t not in words and t not in meeting_terms and not t.isdigit()}
            windows = []  # each sentence holding the type, with its neighbours (the amount's context)
            for c in candidates:
                if c.kind == "header" and not header_ok:
                    continue
                parts = units(c)
                for i, u in enumerate(parts):
                    if has.search(normalize(u.text)):
                        windows.append(" ".join(p.text for p in parts[max(0, i - 1) : i + 2]))
            if not windows or (topic and max(term_coverage(w, topic) for w in windows) < self.thresholds.min_typed_coverage):
                return f"{what}の記載はありません"
        return None

    def _meeting_terms(self, candidates: list[Chunk]) -> set[str]:
        """Tokens of the candidate meetings' names and bodies."""
        return name_terms([f"{c.meeting} {self._body(c.meeting_id)}" for c in candidates])

    def _body(self, meeting_id: str) -> str:
        m = self._meeting_by_id(meeting_id)
        return m.body if m else ""

    def _absent_role(self, q: str, candidates: list[Chunk]) -> str | None:
        """「教育長は…と答弁しましたか」 when no speaker of the meetings searched has that role."""
        if not _STATEMENT_QUESTION.search(q):
            return None
        meetings = [m for m in map(self._meeting_by_id, dict.fromkeys(c.meeting_id for c in candidates)) if m]
        roles = [fold(r or "") for m in meetings for _, r, _ in m.speakers()]
        if not roles:  # summary minutes name no speakers: nothing to check
            return None
        qf = fold(q)
        for word in ROLE_WORDS:
            if len(word) >= 2 and re.search(rf"(?<![一-龥]){word}(?:は|が|から)", qf) and not any(word in r for r in roles):
                return word
        return None

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
        return any(phrase in normalize(self.index.chunk(cid).text) for cid, _ in self.index.lexical.search(phrase, 5))

    def _attendee_names(self, candidates: list[Chunk]) -> list[str]:
        names: list[str] = []
        for meeting_id in dict.fromkeys(c.meeting_id for c in candidates):
            meeting = self._meeting_by_id(meeting_id)
            if meeting:
                names += [re.sub(r"\s+", "", a.name) for a in meeting.attendees]
        return names

    def _relevant(
        self, hits: list[Hit], candidates: list[Chunk], weights: dict[str, float], intents: list[str], japanese: bool
    ) -> bool:
        th = self.thresholds
        best_dense = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
        coverage = max((term_coverage(c.text, weights) for c in candidates[:3]), default=0.0)
        if intents and candidates and candidates[0].kind != "remark":
            return best_dense >= th.weak_dense or coverage >= th.min_coverage
        if not any(h.dense_score is not None for h in hits):  # lexical-only retrieval (bm25 mode)
            return coverage >= th.min_coverage
        if not japanese:  # no lexical overlap is possible with Japanese minutes: the cosine decides
            return best_dense >= th.min_dense_crosslingual
        if best_dense >= th.min_dense:
            return True
        return best_dense >= th.weak_dense and coverage >= th.min_coverage

    # ------------------------------------------------------------ selection

    def _candidates(self, hits: list[Hit], intents: list[str]) -> list[Chunk]:
        """Hit chunks in rank order, with the intent's record chunk (e.g. the date line) first."""
        chunks = [h.chunk for h in hits]
        routed: list[Chunk] = []
        if intents and hits:
            meeting_id = hits[0].chunk.meeting_id
            for intent in intents:
                for chunk in self.index.chunks_of(meeting_id, _INTENT_KIND[intent]):
                    if chunk.chunk_id not in {c.chunk_id for c in routed}:
                        routed.append(chunk)
        seen = {c.chunk_id for c in routed}
        return routed + [c for c in chunks if c.chunk_id not in seen]

    def _select(self, question: str, candidates: list[Chunk], weights: dict[str, float], intents: list[str]) -> list[Citation]:
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
        for item in sorted(scored[1:], key=lambda x: -x[0]):
            if len(chosen) >= self.max_citations:
                break
            if named and item[2].organisation and item[2].organisation not in named:
                continue
            # the retriever's top three are cited when they match at least 30 % as well as the
            # first (dev split: same citation hit as "any shared term", fewer stray citations);
            # lower ones only when they match about as well as the first
            if any(_overlaps(item, c) for c in chosen):
                continue  # the same words through another chunk (a header line that is also the agenda)
            if item[0] > 0 and item[0] >= (0.3 if item[1] < 3 else 0.6) * max(top[0], 1e-9):
                chosen.append(item)
        chosen.sort(key=lambda x: x[1])
        citations = []
        for n, (_, _, chunk, spans) in enumerate(chosen, start=1):
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
        if chunk.kind == "header":
            meeting = self._meeting_by_id(chunk.meeting_id)
            wanted = []
            if meeting and "date" in intents and meeting.date_span is not None:  # undated minutes exist
                wanted.append(meeting.date_span)
            if meeting and "place" in intents and meeting.place_span:
                wanted.append(meeting.place_span)
            lines = [p for p in parts if any(p.start <= w.start and w.end <= p.end for w in wanted)]
            # a header line holding what the question asks for: a time (「何時に開会」 →
            # 「開会（午前１０時００分）」), a count of people (「何人」 → 「出席議員（３２人）」), an amount
            q = unicodedata.normalize("NFKC", question).lower()
            asked = [has for asks, has, _, _ in _ANSWER_TYPES if asks.search(q)]
            if _TIME_QUESTION.search(q):
                asked.append(_TIME_TEXT)
            typed = [i for i, p in enumerate(parts) if any(has.search(normalize(p.text)) for has in asked)]
            if typed:
                best = max(typed, key=lambda i: (scores[i], -i))
            else:  # the line that best matches the question
                best = max(range(len(parts)), key=lambda i: (scores[i], -i))
            if (typed or scores[best] > 0) and parts[best] not in lines:
                lines = sorted(lines + [parts[best]], key=lambda p: p.start)
            if lines:
                lo = parts.index(lines[0])
                hi = parts.index(lines[-1])
                return parts[lo : hi + 1] if hi - lo <= 4 else lines[:1], 1.0
            return [], 0.0
        if chunk.kind == "attendees":
            # 「出席」「代理」 are on many lines; the name or title asked about decides
            specific = {t: w for t, w in weights.items() if t not in _GENERIC_ATTENDANCE}
            if specific:
                scores = [term_coverage(p.text, specific) for p in parts]
            best = max(scores)
            if best == 0:
                return (parts, 0.5) if "attendees" in intents else ([], 0.0)  # "who attended?": the list
            lines = {i for i, s in enumerate(scores) if s >= 0.8 * best}
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
        if chunk.kind in ("agenda", "decision"):
            intent_match = any(_INTENT_KIND[i] == chunk.kind for i in intents)
            best = max(scores)
            lines = [i for i, s in enumerate(scores) if best > 0 and s >= 0.8 * best]
            if chunk.kind == "agenda" and lines and len(lines) < len(parts) // 2:
                return parts[min(lines) : max(lines) + 1], best  # the agenda item(s) asked about
            return parts, max(best, 0.5 if intent_match else 0.0)
        # prose: a remark of ordinary length is cited whole; a long one by its best sentence,
        # widened to the better-matching neighbour while the excerpt stays short
        if len(chunk.text) <= max_chars:
            return parts, max(scores)
        best = max(range(len(parts)), key=lambda i: (scores[i], -i))
        lo = hi = best
        while True:
            options = [i for i in (lo - 1, hi + 1) if 0 <= i < len(parts)
                       and max(parts[hi].end, parts[i].end) - min(parts[lo].start, parts[i].start) <= max_chars]
            if not options:
                break
            nxt = max(options, key=lambda i: (scores[i], -abs(i - best), i > best))
            lo, hi = min(lo, nxt), max(hi, nxt)
        return parts[lo : hi + 1], scores[best]

    def _meeting_by_id(self, meeting_id: str):
        found = self.index.records.get(meeting_id)
        return found[0] if found else None

    # ------------------------------------------------------------ composing

    def _compose(self, citations: list[Citation], japanese: bool, question: str = "") -> str:
        meetings = {c.chunk.meeting_id: c.chunk for c in citations}
        if len(meetings) == 1:
            chunk = citations[0].chunk
            meeting = self._meeting_by_id(chunk.meeting_id)
            kind = meeting.kind if meeting else "議事録"
            when = "、".join(x for x in ((meeting.date_original if meeting else None), chunk.date) if x)
            lead = (
                f"{chunk.meeting}" + (f"（{when}）" if when else "") + f"の{kind}には、次の記載があります。"
                if japanese
                else f"The minutes of {chunk.meeting}" + (f" ({chunk.date})" if chunk.date else "") + " say (verbatim excerpts, in Japanese):"
            )
        else:
            lead = (
                f"{len(meetings)}件の会議の記録に、次の記載があります。"
                if japanese
                else f"The minutes of {len(meetings)} meetings say (verbatim excerpts, in Japanese):"
            )
        lines = [lead]
        who = speaker_sentence(question, citations[0], japanese)
        if who:
            lines.insert(0, who)
        for c in citations:
            excerpt = re.sub(r"\s*\n\s*", " ", c.text)
            lines.append(f"- 〔{location_label(c.chunk, with_meeting=len(meetings) > 1)}〕「{excerpt}」[{c.n}]")
        return "\n".join(lines)


def _overlaps(a: tuple, b: tuple) -> bool:
    """Two scored excerpts (score, rank, chunk, spans) of one meeting whose spans overlap."""
    if a[2].meeting_id != b[2].meeting_id:
        return False
    return a[3][0].start < b[3][-1].end and b[3][0].start < a[3][-1].end


def speaker_label(chunk: Chunk) -> str:
    """「今竹大祐（議長）」, 「北村経夫」, or "" when the minutes name no speaker."""
    if not chunk.speaker:
        return chunk.role or ""
    return f"{chunk.speaker}（{chunk.role}）" if chunk.role else chunk.speaker


def location_label(chunk: Chunk, with_meeting: bool = False) -> str:
    """Where an excerpt stands: meeting (optional), section, speaker or organisation, remark number."""
    parts = []
    if with_meeting:
        parts.append(f"{chunk.meeting}（{chunk.date}）" if chunk.date else chunk.meeting)
    if chunk.section and not (chunk.speaker and chunk.section == "発言"):
        parts.append(chunk.section)
    who = speaker_label(chunk) or chunk.organisation
    if who:
        parts.append(who)
    if chunk.remark_no is not None:
        parts.append(f"発言{chunk.remark_no}")
    return "・".join(parts)


def speaker_sentence(question: str, first: Citation, japanese: bool) -> str:
    """For 「誰が…と述べましたか」: the speaker of the cited remark where the minutes name one;
    otherwise a plain statement that they do not. Built only from parsed fields."""
    q = unicodedata.normalize("NFKC", question).lower()
    if not (_WHO_QUESTION.search(q) and _STATEMENT_QUESTION.search(q)) or first.chunk.kind != "remark":
        return ""
    chunk = first.chunk
    if chunk.speaker:
        name = f"{chunk.role}の{chunk.speaker}" if chunk.role else chunk.speaker
        return f"発言したのは{name}です。[{first.n}]" if japanese else f"The speaker is {chunk.speaker}" + (f" ({chunk.role})" if chunk.role else "") + f". [{first.n}]"
    if chunk.organisation:
        return (f"議事録は発言者の氏名を記していませんが、{chunk.organisation}の発言です。[{first.n}]" if japanese
                else f"The minutes do not name the speaker; the remark is by {chunk.organisation}. [{first.n}]")
    return ("議事録は発言者の氏名を記していません。該当する発言は次のとおりです。" if japanese
            else "The minutes do not name the speaker; the remark is:")


def term_coverage(text: str, weights: dict[str, float]) -> float:
    """IDF-weighted share of the question's terms among ``text``'s tokens (same tokenizer as BM25)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    tokens = set(tokenize(text))
    return sum(w for t, w in weights.items() if t in tokens) / total
