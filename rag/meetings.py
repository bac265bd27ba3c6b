"""The meetings catalog in use: listing, the full record as JSON, and resolving the meeting
a question names (「第25回」「文部科学委員会」「2月14日の本会議」「墨田区議会」).

Resolution runs before retrieval, on the catalog alone, so it works among
thousands of meetings: a question that names a meeting is answered from that
meeting only, and a question naming a meeting that is not indexed is told so
instead of being answered from another one.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .domain import Meeting, fold
from .layouts.japanese import DATE_RE, NUM, WAREKI, date_from_match, kanji_number
from .layouts.meta import ASSEMBLY_RE
from .layouts.speakers import shared_surname
from .records import CatalogEntry


def meeting_json(m: Meeting) -> dict:
    """`python -m rag show --json`: the whole record (null where the minutes do not say)."""
    return {
        "id": m.meeting_id,
        "source": m.source,
        "title": m.title,
        "body": m.body or None,
        "name": m.name or None,
        "number": m.number,
        "number_label": f"第{m.number}{m.number_unit}" if m.number is not None else None,
        "date": m.date,
        "date_original": m.date_original,
        "time": m.time,
        "place": m.place,
        "layout": m.layout,
        "file_type": m.file_type,
        "kind": m.kind,
        "url": m.url,
        "attendees": [{"name": a.name, "role": a.title or None, "group": a.group, "proxy_for": a.proxy_for} for a in m.attendees],
        "agenda": [a.title for a in m.agenda],
        "decisions": [d.text for d in m.decisions],
        "speakers": [{"name": n, "role": r, "remarks": c} for n, r, c in m.speakers()],
        "remarks": [
            {"n": r.number, "speaker": r.speaker, "role": r.role, "organisation": r.organisation, "section": r.section,
             "text": r.text, "start": r.start, "end": r.end, "page": r.page}
            for r in m.remarks
        ],
        "warnings": list(m.warnings),
    }


# ------------------------------------------------------------------ resolving references

_NUMBER_RE = re.compile(rf"第\s*({NUM})\s*(回|号|日)|(?<![0-9])([0-9]+)(?:st|nd|rd|th)\s+(?:[a-z]+\s+){{0,2}}(?:meeting|session|sitting)|#\s*([0-9]+)",
                        re.IGNORECASE)
# 「令和5年9月定例会」「2023年5月の臨時会」「3月の本会議」: a month that names a session
_MONTH_SESSION_RE = re.compile(
    rf"(?:(明治|大正|昭和|平成|令和)\s*({NUM}|元)|((?:19|20)[0-9]{{2}}))?\s*年?\s*(?<![0-9])({NUM})\s*月\s*(?:の|に開かれた|に開催された)?\s*"
    r"(?:定例会|臨時会|緊急議会|本会議|会議|会合|委員会|総会)")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_MONTH_EN_RE = re.compile(
    rf"(?:(?:session|meeting|sitting|council|assembly|committee)\s+(?:held\s+)?(?:in|of|on)\s+({'|'.join(_MONTHS_EN)})\s+((?:19|20)[0-9]{{2}}))"
    rf"|(?:({'|'.join(_MONTHS_EN)})\s+((?:19|20)[0-9]{{2}})\s+(?:session|meeting|sitting))", re.IGNORECASE)
_DATE_EN_RE = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}})\s+({'|'.join(_MONTHS_EN)})\s+((?:19|20)[0-9]{{2}})"
    rf"|({'|'.join(_MONTHS_EN)})\s+([0-9]{{1,2}}),?\s+((?:19|20)[0-9]{{2}})", re.IGNORECASE)
# last character of the words numbering documents, not meetings: 議案 陳情 請願 報告 諮問 認定 承認 同意 (会議案)
_DOCUMENT_ENDINGS = set("案情願告問認定意算例則書令")  # 議案 陳情 請願 報告 … 予算 条例 規則 意見書 政令
# a bill numbered by the assembly's own short prefix: 「（高議第22号）」「高予第17号」「報第3号」 (city initial +
# 議/予/報/認/諮), not 「本会議第8号」
_BILL_PREFIX_RE = re.compile(r"(?:^|[^一-龥])[一-龥]{0,2}[議予報認諮]$(?<!会議)")
_MONTH_DAY_RE = re.compile(rf"(?<![年0-9])({NUM})\s*月\s*({NUM})\s*日")
_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年(?!度)")
# A phrase naming a meeting body: 「文部科学委員会」「墨田区議会」「本会議」「中央環境審議会」
_BODY_PHRASE_RE = re.compile(
    r"[一-龥ァ-ヶー]{2,16}?(?:委員会|審議会|部会|分科会|議会|協議会|懇談会|検討会)|[一-龥ァ-ヶー]{0,16}?(?:本会議|総会|定例会|臨時会)")
# What follows a body phrase when it names the meeting, not an organisation in a remark
# (a bracketed date or number may stand between: 「総務常任委員会（令和5年5月22日）で」)
_MEETING_CONTEXT = re.compile(r"^(?:\([^()]{1,24}\))?(?:の(?:会議|会合|会議録|議事録|議事要旨|審議|質疑|本会議|定例会|臨時会|委員会|第|\d|[0-9]+月)"
                              r"|で|において|では|に出席|における)")
# 「第何回定例会」「何の委員会」: a phrase that asks which meeting does not name one
_ASKS_WHICH = re.compile(r"何|幾")


@dataclass(frozen=True)
class MeetingRef:
    """What a question says about which meeting it means; empty when it names none."""

    numbers: tuple[tuple[int, str | None], ...] = ()  # (n, unit) — unit None when said in English
    dates: tuple[str, ...] = ()  # ISO dates, or "--MM-DD" when the year is not given
    years: tuple[str, ...] = ()
    months: tuple[str, ...] = ()  # "YYYY-MM", or "--MM" when the year is not given: a session's month
    phrases: tuple[str, ...] = ()  # body/name phrases used as meeting names


@dataclass(frozen=True)
class Resolution:
    ref: MeetingRef
    meeting_ids: tuple[str, ...]  # the meetings the question names (empty: it names none, or none match)
    missing: str | None = None  # a plain-Japanese reason when the question names a meeting not indexed


def parse_reference(question: str) -> MeetingRef:
    q = unicodedata.normalize("NFKC", question)
    numbers = []
    for m in _NUMBER_RE.finditer(q):
        if m.group(1):
            before = q[: m.start()].rstrip(" (")
            if m.group(2) == "号" and before and (before[-1] in _DOCUMENT_ENDINGS or _BILL_PREFIX_RE.search(before)):
                continue  # 「議案第70号」「陳情第3号」「補正予算(第6号)」「(高議第22号)」: a document's number, not the meeting's
            n = kanji_number(m.group(1))
            if n is not None:
                numbers.append((n, m.group(2)))
        else:
            numbers.append((int(m.group(3) or m.group(4)), None))
    dates = [iso for iso, _ in _stated_dates(q)]
    months = [] if dates else _session_months(q)
    years = [] if dates or months else [m.group(1) for m in _YEAR_RE.finditer(q)]
    phrases = []
    for m in _BODY_PHRASE_RE.finditer(q):
        phrase = re.sub(r"^[年月日度回号]+", "", m.group(0))  # 「5月臨時会」 → 「臨時会」
        assembly = ASSEMBLY_RE.fullmatch(phrase) is not None  # 「墨田区議会」「参議院」 always name a body
        if len(phrase) >= 3 and not _ASKS_WHICH.search(phrase) and (assembly or _MEETING_CONTEXT.match(q[m.end():])):
            phrases.append(phrase)
    for m in _MONTH_SESSION_RE.finditer(q):  # 「5月臨時会の冒頭で」: the session word after a month names it
        word = re.search(r"(?:定例会|臨時会|緊急議会|本会議|委員会|総会)$", m.group(0))
        if word and word.group(0) not in phrases and not any(word.group(0) in p for p in phrases):
            phrases.append(word.group(0))
    return MeetingRef(tuple(numbers), tuple(dates), tuple(years), tuple(months), tuple(phrases))


def _stated_dates(q: str) -> list[tuple[str, int]]:
    """The dates an NFKC question states, with where each ends: calendar dates (「令和5年5月22日」, "on
    17 December 2024") as ISO, else a month and day alone as "--MM-DD"."""
    found = [(iso, m.end()) for m in DATE_RE.finditer(q) if (iso := date_from_match(m))]
    found += [(iso, m.end()) for m in _DATE_EN_RE.finditer(q) if (iso := _english_date(m))]  # "on December 17, 2024"
    if not found:
        for m in _MONTH_DAY_RE.finditer(q):
            mo, d = kanji_number(m.group(1)), kanji_number(m.group(2))
            if mo and d and 1 <= mo <= 12 and 1 <= d <= 31:
                found.append((f"--{mo:02d}-{d:02d}", m.end()))
    return found


def _english_date(m: re.Match) -> str | None:
    """ISO date of a ``_DATE_EN_RE`` match ("17 December 2024", "December 17, 2024"), None for day 0 or > 31."""
    day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
    if not 1 <= int(day) <= 31:
        return None
    return f"{int(year):04d}-{_MONTHS_EN.index(month.lower()) + 1:02d}-{int(day):02d}"


def _session_months(q: str) -> list[str]:
    """The months a question names as a session's (「令和5年9月定例会」, "the session in May 2023")."""
    months = []
    for m in _MONTH_SESSION_RE.finditer(q):
        month = kanji_number(m.group(4))
        if not month or not 1 <= month <= 12:
            continue
        year = None
        if m.group(1):
            n = 1 if m.group(2) == "元" else kanji_number(m.group(2))
            year = WAREKI[m.group(1)] + n if n else None
        elif m.group(3):
            year = int(m.group(3))
        months.append(f"{year:04d}-{month:02d}" if year else f"--{month:02d}")
    for m in _MONTH_EN_RE.finditer(q):
        name, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        months.append(f"{int(year):04d}-{_MONTHS_EN.index(name.lower()) + 1:02d}")
    return list(dict.fromkeys(months))


# A date followed by 「に」「まで」「から」 and no word of sitting (「11月13日に労働委員長が選定した」): when
# something happened, which the meeting's record may state, not necessarily the day it sat
# (「11月14日に開かれた小委員会」 is the sitting's day)
_EVENT_DATE_AFTER = re.compile(r"\s*(?:に|には|まで|から|頃|ごろ)(?!.{0,10}?(?:開か|開催|開会|開議|行われ|招集|会議|委員会|本会議|定例会|臨時会))")


def event_dates(question: str) -> set[str]:
    """The dates a question gives as when something happened (``_EVENT_DATE_AFTER``), as
    ``parse_reference`` writes them (ISO, or "--MM-DD" without a year)."""
    q = unicodedata.normalize("NFKC", question)
    return {iso for iso, end in _stated_dates(q) if _EVENT_DATE_AFTER.match(q, end)}


# Records read to find one that states a date (each is read from disk): a body with more meetings
# than this keeps the date as its sitting's, as before
MAX_RECORDS_FOR_A_DATE = 30


def _states_dates(recorded: set[str], dates: tuple[str, ...]) -> bool:
    return all(d in recorded or (d.startswith("--") and any(r.endswith(d[1:]) for r in recorded)) for d in dates)


def resolve(question: str, catalog: list[CatalogEntry], phrase_known=None, dates_recorded=None) -> Resolution:
    """The catalog meetings a question names.

    Each stated property (number, date, year, body/name phrase) narrows the
    candidates; a property no meeting has makes the reference ``missing``.
    ``phrase_known(phrase)`` tells whether a phrase occurs anywhere in the
    indexed text (an organisation named in remarks is not a meeting reference).

    A body named anywhere may be another meeting's that the question only mentions
    (「2018年5月30日の合同審査会で…引用した、総理の昨年二月十七日の衆議院予算委員会での答弁」): when the
    properties together match no meeting of that body, they are tried without it, and the
    reference is missing only if they match no meeting at all.

    A date the question gives as when something happened (``event_dates``) that no meeting of the
    body it names sat on is no reference when the record of one of them states that date
    (``dates_recorded(meeting_id)``: the ISO dates its text gives; read for at most
    MAX_RECORDS_FOR_A_DATE meetings): 「参議院…小委員会の小委員として、昭和22年11月13日に労働委員長が選定した
    のは誰」 asks about the sitting of the 14th, whose header records the choice of the 13th.
    """
    question = full_house_names(question)
    ref = parse_reference(question)
    if not catalog:
        return Resolution(ref, ())
    found = _resolve(question, ref, catalog, phrase_known, with_body=True)
    if found.missing and ref.dates and dates_recorded is not None and set(ref.dates) <= event_dates(question):
        undated = _resolve(question, replace(ref, dates=()), catalog, phrase_known, with_body=True)
        if not undated.missing and len(undated.meeting_ids) <= MAX_RECORDS_FOR_A_DATE:
            recording = tuple(i for i in undated.meeting_ids if _states_dates(dates_recorded(i), ref.dates))
            if recording:
                return Resolution(ref, recording)
    if found.missing and _named_body(question, catalog) and (ref.dates or ref.numbers):
        without = _resolve(question, ref, catalog, phrase_known, with_body=False)
        by_id = {e.meeting_id: e for e in catalog}
        # only meetings the question also names by their own name's words (「…の合同審査会で」): a date
        # alone does not make 「2018年5月30日の衆議院本会議」 the joint committee of that day
        if without.meeting_ids and all(_own_words_named(by_id[i], question) for i in without.meeting_ids):
            return without
    return found


# 「参院本会議」「衆院予算委員会」: the houses' short names, which minutes never print for their own house
_SHORT_HOUSE_RE = re.compile(r"(参|衆)院(?!議)")


def full_house_names(question: str) -> str:
    """The question with 参院/衆院 written as 参議院/衆議院, the names the records carry."""
    return _SHORT_HOUSE_RE.sub(lambda m: m.group(1) + "議院", question)


_GENERIC_NAME_WORDS = frozenset({"委員", "委員会", "会", "会議", "本", "議会", "定例", "臨時", "第", "回", "号", "日",
                                  "年", "月", "令和", "平成", "昭和", "総会", "部会", "審議", "協議", "国会"})


def _own_words_named(entry: CatalogEntry, question: str) -> bool:
    """The question uses a distinctive word of the meeting's own name (「合同」「審査」 of 国家基本政策委員会合同審査会)."""
    from .lexical import tokenize

    own = {t for t in tokenize(entry.name or "") if len(t) >= 2 and t not in _GENERIC_NAME_WORDS and not t.isdigit()}
    return bool(own & set(tokenize(question)))


def _named_body(question: str, catalog: list[CatalogEntry]) -> bool:
    q = fold(question)
    return any(_body_named(e, q) for e in catalog)


def _resolve(question: str, ref: MeetingRef, catalog: list[CatalogEntry], phrase_known, with_body: bool) -> Resolution:
    candidates = list(catalog)
    said: list[str] = []
    # a body the catalog knows, named anywhere in the question: 「墨田区議会の12月緊急議会」「参議院本会議」
    q = fold(question)
    bodies = sorted({e.body for e in catalog if _body_named(e, q)}, key=len, reverse=True) if with_body else []
    if not bodies and with_body:
        # "the Takasago City Assembly": a body named by its place in Latin letters, also in an
        # English question that quotes a Japanese name (「… the Sumida ward assembly … (企画総務委員会)」)
        words = set(re.findall(r"[a-z]+", question.lower()))
        bodies = sorted({e.body for e in catalog if e.body and words & english_names(e.body)}, key=len, reverse=True)
    if bodies:
        candidates = [e for e in candidates if e.body in bodies]
        said.append(bodies[0])
    for phrase in ref.phrases:
        matching = [e for e in candidates if _names(e, phrase)]
        if matching:
            candidates = matching
            said.append(phrase)
        elif not (phrase_known and phrase_known(phrase)):
            return Resolution(ref, (), f"「{phrase}」の会議録は索引にありません")
    # A property the minutes do not state (a page with no title or date) is unknown, not
    # different: such a meeting stays a candidate, and never makes the reference "missing".
    # (only when the question also named the body: a bare 「第20回」 needs a meeting numbered so).
    unknown_ok = bool(said)
    if ref.numbers:
        agree = {e.meeting_id: _numbers_agree(e, ref.numbers) for e in candidates}
        matching = _exact_first([e for e in candidates if agree[e.meeting_id] or (agree[e.meeting_id] is None and unknown_ok)],
                                lambda e: agree[e.meeting_id] is True)
        label = "・".join(f"第{n}{u or '回'}" for n, u in ref.numbers)
        if not matching:
            where = f"{said[0]}の" if said else ""
            return Resolution(ref, (), f"{where}{label}の会議録は索引にありません")
        candidates = matching
        said.append(label)
    if ref.dates:
        matching = _exact_first([e for e in candidates if (not e.date and unknown_ok)
                                 or any(e.date == d or (d.startswith("--") and bool(e.date) and e.date.endswith(d[1:])) for d in ref.dates)],
                                lambda e: bool(e.date))
        if not matching:
            shown = "・".join(_date_label(d) for d in ref.dates)
            return Resolution(ref, (), f"{shown}の会議の記録は索引にありません")
        candidates = matching
        said.append("date")
    if ref.months:
        matching = _exact_first([e for e in candidates if (not e.date and unknown_ok)
                                 or any(e.date and (e.date[:7] == mo or (mo.startswith("--") and e.date[4:7] == mo[1:]))
                                        for mo in ref.months)],
                                lambda e: bool(e.date))
        if not matching:
            shown = "・".join(f"{int(mo[:4])}年{int(mo[5:])}月" if not mo.startswith("--") else f"{int(mo[2:])}月" for mo in ref.months)
            where = f"{said[0]}の" if said else ""
            return Resolution(ref, (), f"{where}{shown}の会議の記録は索引にありません")
        candidates = matching
        said.append("month")
    if ref.years:
        matching = [e for e in candidates if e.date and e.date[:4] in ref.years]
        if matching:
            candidates = matching
            said.append("year")
        # a year alone is often about something else (「2010年までに」): never a reason to refuse
    if not said:
        return Resolution(ref, ())
    return Resolution(ref, tuple(e.meeting_id for e in candidates))


def _numbers_agree(entry: CatalogEntry, numbers: tuple[tuple[int, str | None], ...]) -> bool | None:
    """True when every number the question states agrees with the meeting's, where the meeting
    states one in that unit, and at least one is the meeting's; False when one disagrees; None
    when the meeting states none in the question's units (unknown, not different).
    「令和6年第4回定例会の初日（第1号）」 is not 「第4回定例会 第5号」, though its 第4回 is; 「令和7年第1回定例会」
    names the session of the record numbered 「第1日」; 「第212回国会の…本会議第9号」 names a sitting whose
    record does not state the Diet session; 「第1回臨時市議会」 may be 「5月臨時会 第1日」."""
    known = set(_name_numbers(entry.name))
    if entry.number is not None:
        known.add((entry.number, entry.number_unit))
    agreed = False
    for n, unit in numbers:
        if unit is None:  # an English ordinal: "the 31st general meeting"
            if not known:
                continue  # the meeting states no number at all: unknown
            ok = any(k == n for k, _ in known)
        elif any(u == unit for _, u in known):
            ok = (n, unit) in known
        else:
            continue  # the meeting states no number in this unit: unknown, not different
        if not ok:
            return False
        agreed = True
    return True if agreed else None


def _name_numbers(name: str) -> set[tuple[int, str]]:
    """The 第N回/号/日 a meeting's name states (「令和7年第1回定例会」 → {(1, "回")})."""
    found = set()
    for m in re.finditer(rf"第\s*({NUM})\s*(回|号|日)", unicodedata.normalize("NFKC", name or "")):
        n = kanji_number(m.group(1))
        if n is not None:
            found.add((n, m.group(2)))
    return found


# English names of the Diet's houses (their bodies' names in the NDL API are Japanese)
_HOUSES_EN = {"参議院": ("councillors", "sangiin"), "衆議院": ("representatives", "shugiin")}


@functools.lru_cache(maxsize=1)
def _romaniser():
    """One cutlet romaniser per process (it loads a MeCab tagger)."""
    import cutlet

    return cutlet.Cutlet()


@functools.lru_cache(maxsize=4096)
def english_names(body: str) -> frozenset[str]:
    """Latin-letter words that name ``body`` in an English question: its place name romanised
    (「高砂市議会」→ takasago, 「墨田区議会」→ sumida) and the Diet's houses."""
    names: set[str] = set()
    for house, words in _HOUSES_EN.items():
        if house in body:
            names.update(words)
    head = re.sub(r"[市区町村都道府県]$", "", phrase_head(body))
    if head and head != body and len(head) >= 2:
        romaji = _romaniser().romaji(head).lower()
        for word in re.findall(r"[a-z]+", romaji):
            short = re.sub(r"(?<=[o])u|(?<=[ou])o|(?<=u)u", "", word)  # chuuou -> chuo (Hepburn without macrons)
            names.update(w for w in (word, short) if len(w) >= 4)
    return frozenset(names)


def _exact_first(matching: list[CatalogEntry], states_it) -> list[CatalogEntry]:
    """Meetings that state the asked property and match it, when there are any; meetings that do
    not state it stay candidates only when none does (unknown is not different, but less sure)."""
    exact = [e for e in matching if states_it(e)]
    return exact or matching


def _body_named(entry: CatalogEntry, folded_question: str) -> bool:
    """The body's name is in the question, with or without its legal form (「一般社団法人」)."""
    return entry.body_named_in(folded_question)


def without_meeting_dates(question: str, meetings: list[CatalogEntry]) -> str:
    """The question (NFKC) less the dates that name one of ``meetings`` (「令和5年12月1日の参議院本会議」,
    「12月17日の本会議」, "on 17 December 2024"): like the meeting's name, they say which meeting, not
    what about, and BM25 would rank the header and every procedural line that repeats the date first.
    A date that is not the meeting's (「3月31日までに申請」) stays."""
    q = unicodedata.normalize("NFKC", question)
    dates = {e.date for e in meetings if e.date}
    if not dates:
        return q
    spans = []
    for m in DATE_RE.finditer(q):
        if date_from_match(m) in dates:
            spans.append(m.span())
    for m in _DATE_EN_RE.finditer(q):
        if _english_date(m) in dates:
            spans.append(m.span())
    month_days = {d[4:] for d in dates}  # "-12-17"
    for m in _MONTH_DAY_RE.finditer(q):
        mo, d = kanji_number(m.group(1)), kanji_number(m.group(2))
        if mo and d and f"-{mo:02d}-{d:02d}" in month_days and not any(s <= m.start() < e for s, e in spans):
            spans.append(m.span())
    for start, end in sorted(spans, reverse=True):
        q = q[:start] + " " + q[end:]
    return q


def meeting_words(question: str, meetings: list[CatalogEntry]) -> tuple[set[str], str]:
    """What only names ``meetings`` in a question, read once for BM25 and the dense query: the
    tokens of their names (``name_terms``) and the question less their dates
    (``without_meeting_dates``)."""
    sitting = sitting_terms(question) if meetings else frozenset()  # 「…の本会議で」 names them too
    return name_terms([f"{e.label} {e.body}" for e in meetings]) | sitting, without_meeting_dates(question, meetings)


# The generic words a question names its sitting by (「…の本会議で」「臨時会で」), which the meeting's own
# name need not contain (函館市議会 令和6年第1回定例会 第1号 is a 本会議)
_SITTING_WORDS = frozenset({"本会議", "定例会", "臨時会", "緊急議会", "委員会", "総会", "会議", "会合"})


@functools.lru_cache(maxsize=256)
def sitting_terms(question: str) -> frozenset[str]:
    """Tokens of the generic sitting words the question uses as the name of its meeting (a phrase
    ``parse_reference`` reads as one): they say which sitting, not what about, and every procedural
    remark that repeats them (「次の本会議は２月27日…」) would otherwise match the question."""
    from .lexical import tokenize

    return frozenset(t for p in parse_reference(full_house_names(question)).phrases if p in _SITTING_WORDS for t in tokenize(p))


# The phrase that places a question in a sitting (「青森市議会の令和6年第4回定例会最終日の本会議で、…」「昭和22年
# 7月の連合審査会で米窪大臣は…」): up to a sitting word (and a bracketed date) before 「で」/「において」, with no
# topic of its own before it (「令和5年度の予算について10月の会議で」: the fiscal year is what it asks about)
_PLACING_RE = re.compile(r"^((?:(?!について|に関し|に係る|をめぐ|[、。,]).){0,80}?(?:"
                         + "|".join(sorted(_SITTING_WORDS | {"審査会", "分科会", "部会", "議会"}, key=lambda w: (-len(w), w)))
                         + r")(?:\s*\([^()]{0,40}\))?)\s*(?:で|において|にて)")
_PLACING_WORDS = frozenset({"令和", "平成", "昭和", "大正", "明治", "元", "年", "年度", "月", "日", "目", "第", "回", "号",
                            "定例", "臨時", "緊急", "会", "会議", "本", "最終", "初日", "午前", "午後"})


@functools.lru_cache(maxsize=256)
def placing_terms(question: str) -> frozenset[str]:
    """The date, number and session words of the phrase that places the question in its sitting
    (令和 6 年 第 4 回 定例 会 最終 日 of 「令和6年第4回定例会最終日の本会議で」). Like the sitting word they say
    which sitting, whether or not the record states them (青森市's gives neither its session nor its
    date), and would otherwise make the chair's 「これにて令和６年第４回…定例会を閉会いたします」 the best match
    of any question about that sitting. The gate's topic words drop them; the retrievers' query keeps
    them (dropped there too, a dev unanswerable's lexical and dense first hits came to agree)."""
    from .lexical import tokenize

    q = unicodedata.normalize("NFKC", question)
    m = _PLACING_RE.match(q)
    if not m:
        return frozenset()
    rest = set(tokenize(q[m.end():]))  # 「…5月22日の本会議で、6月1日から何が…」: 月 and 日 of the date asked about stay
    return frozenset(t for t in tokenize(m.group(1))
                     if (t in _PLACING_WORDS or re.fullmatch(NUM, t) or t.endswith("曜")) and t not in rest)


def topic_text(question: str, drop: set[str], dated: str) -> str | None:
    """The question as text less what only names its meetings (``meeting_words``: the tokens
    ``drop`` of their names, and ``dated``, the question less their dates):
    「令和5年12月1日の参議院本会議(第8号)で趣旨説明が行われた法律案は何ですか」 →
    「の()で趣旨説明が行われた法律案は何ですか」. What the dense retriever reads beside the whole
    question. None when nothing names a meeting or nothing is left."""
    from .lexical import normalize, token_spans

    text = normalize(dated)
    if not drop and text == normalize(question):
        return None
    for token, start, end in sorted(token_spans(text), key=lambda t: -t[1]):
        if token in drop:
            text = text[:start] + text[end:]
    return text if re.search(r"\w", text) and text != normalize(question) else None


def name_terms(names: list[str]) -> set[str]:
    """BM25 tokens of meeting labels and bodies: the words that only say which meeting."""
    from .lexical import tokenize

    return set(tokenize(" ".join(dict.fromkeys(names))))


def phrase_head(phrase: str) -> str:
    """「高砂市議会」→「高砂市」, 「文部科学委員会」→「文部科学」: the part that names whose meeting."""
    m = re.match(r"^(.*?)(?:委員会|審議会|部会|分科会|議会|協議会|懇談会|検討会|本会議|総会|定例会|臨時会)$", phrase)
    return m.group(1) if m and len(m.group(1)) >= 2 else phrase


def _names(entry: CatalogEntry, phrase: str) -> bool:
    """The phrase is the meeting's body, name or label, or the body's place before its own name:
    「高砂市総務常任委員会」 for 総務常任委員会 of 高砂市議会, as people write a city's committee."""
    p = fold(phrase)
    if not p:
        return False
    if any(p in fold(x) for x in (entry.body, entry.name, entry.label)):
        return True
    place = fold(phrase_head(entry.body or ""))
    if not place or place == fold(entry.body or "") or not p.startswith(place):
        return False
    rest = p[len(place):]
    return len(rest) >= 3 and any(rest in fold(x) for x in (entry.name, entry.label))


def _date_label(d: str) -> str:
    if d.startswith("--"):
        return f"{int(d[2:4])}月{int(d[5:7])}日"
    return f"{int(d[:4])}年{int(d[5:7])}月{int(d[8:10])}日"


# ------------------------------------------------------------------ speakers named in a question

_STATEMENT = re.compile(r"述べ|発言|答弁|説明|質問|言っ|語っ|報告|主張|意見|提案|求め|表明|指摘|回答|答え|話し|挨拶|あいさつ")
_TITLE_AFTER_SURNAME = ("大臣", "副大臣", "政務官", "議長", "副議長", "委員長", "副委員長", "委員", "分科員", "主査", "議員", "市長", "区長", "町長",
                        "村長", "知事", "部長", "局長", "課長", "室長", "会長", "部会長", "座長", "教授", "理事", "参考人",
                        "君", "さん", "氏", "総理", "長官", "教育長")


def speakers_named(question: str, entries: list[CatalogEntry]) -> tuple[str, ...]:
    """Speakers of ``entries`` the question names as the one speaking: by full name
    (「盛山正仁は」), or by surname and title (「盛山大臣は」「島津委員長が」).

    Only for questions about what someone said; 「岸田総理の答弁について市長は…」 names
    two, and both are kept (the retriever then ranks within their remarks).
    """
    if not _STATEMENT.search(fold(question)):
        return ()
    return speakers_mentioned(question, entries)


def speakers_mentioned(question: str, entries: list[CatalogEntry]) -> tuple[str, ...]:
    """Speakers of ``entries`` the question mentions at all (full name, or surname and title)."""
    q = fold(question)
    found: dict[str, None] = {}
    for e in entries:
        for (name, role, _n), f in zip(e.speakers, e.folded_speakers):
            # titles after the surname: the common ones, and the speaker's own role (「米窪国務大臣」)
            titles = _TITLE_AFTER_SURNAME + ((fold(role),) if role and len(fold(role)) >= 2 else ())
            shared = shared_surname(f)
            if shared:  # 「福田(昭)」: 福田昭夫 is named by 「福田昭」…, and 「福田分科員」 by the surname
                surname, initial = shared
                if surname + initial in q or any(surname + t in q for t in titles):
                    found[name] = None
                continue
            if len(f) >= 2 and f in q:
                found[name] = None
                continue
            for cut in (3, 2):  # a surname: the first 2–3 characters of a full name
                if len(f) > cut and any(f[:cut] + t in q for t in titles):
                    found[name] = None
                    break
    for name in _speakers_by_role(q, entries):
        found.setdefault(name, None)
    return tuple(found)


# Ministers' titles as they are spoken (「文科大臣」「厚労省」): the records carry the full ones
_MINISTRY_SHORT = {"文科": "文部科学", "厚労": "厚生労働", "経産": "経済産業", "国交": "国土交通", "農水": "農林水産"}
_TITLE_ALIASES = {"総理": "内閣総理大臣", "首相": "内閣総理大臣", "総理大臣": "内閣総理大臣"}
_ROLE_SUBJECT = re.compile(r"([一-龥々ァ-ヶー]{2,16})(?:は|が|から)")
MAX_SPEAKERS_BY_ROLE = 3  # 「部長は」 among six 部長s says no one in particular
# a member of a body, not an office: 「ある委員は」「提案した委員は誰」 say one of many, whoever the
# record's roles happen to call so
_MEMBERSHIP = frozenset({"委員", "議員", "構成員", "専門委員", "臨時委員", "特別委員", "分科員", "理事", "幹事", "監事", "顧問",
                         "参考人", "政府参考人", "説明員", "公述人", "証人", "事務局", "教授", "准教授", "主査", "主事",
                         "主任", "書記", "事務官"})


def _speakers_by_role(q: str, entries: list[CatalogEntry]) -> list[str]:
    """Speakers the folded question names by their role alone, as the one speaking or asked:
    「文部科学大臣は」「情報システム課長が」, 「官房長官は」 for a 内閣官房長官 and 「大臣は」 for the one minister
    who speaks (the question's title is the end of the speaker's role); at most
    MAX_SPEAKERS_BY_ROLE speakers (「委員は」 in a committee names nobody)."""
    from .layouts.speakers import ROLE_WORDS

    found: list[str] = []
    for m in _ROLE_SUBJECT.finditer(q):
        title = m.group(1)
        for short, full in _MINISTRY_SHORT.items():
            title = title.replace(short, full)
        title = _TITLE_ALIASES.get(title, title)
        if not title.endswith(ROLE_WORDS) or title in _MEMBERSHIP:
            continue
        holders = list(dict.fromkeys(name for e in entries for name, role, _ in e.speakers
                                     if role and fold(role).endswith(title)))
        if 0 < len(holders) <= MAX_SPEAKERS_BY_ROLE:
            found += [n for n in holders if n not in found]
    return found



def organisations_named(question: str, organisations: Iterable[str]) -> tuple[str, ...]:
    """Organisations recorded for remarks (a 議事要旨's 「警察」「防衛省」) that the question names as
    the one speaking: 「警察は」「防衛省が」「総務省から」「警察として」 — not 「防衛省について」."""
    q = fold(question)
    return tuple(o for o in dict.fromkeys(organisations)
                 if o and len(fold(o)) >= 2 and re.search(re.escape(fold(o)) + r"(?:は|が|から|として|では)", q))
