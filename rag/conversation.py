"""Follow-up questions: turn 「それについて防衛省は？」 into a query that can be searched alone.

Retrieval sees one query at a time, so a question that leans on the previous
turn (an anaphor such as それ/その件, or an elliptical 「防衛省は？」) is
rewritten by putting the previous query's content phrases (noun phrases such
as 「平成20年度」「情報セキュリティ関連予算要求」) in front of it. Phrases the
new question replaces (another ministry, another 第N回) and phrases that set
the previous question's type (日時, 場所, 出席者 …) are not carried over.
The rewrite is plain text, shown to the user as "the query actually searched".
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from .answer.analysis import is_japanese

if TYPE_CHECKING:
    from .domain import Filters
    from .presentation import Exchange
    from .service import Assistant

SHORT_QUESTION = 25  # characters: an anaphor in a question this short points at the previous turn
# Words that point back at the previous turn (anywhere in a Japanese question).
_ANAPHORA_JA = re.compile(
    r"(?<![\u4e00-\u9fff])(それ(?!ぞれ)|その(?!他|ほか)|これ(?!まで|から)|この件|この点|あれ|あの件|そこ(?!で)|そちら|"
    r"同じ|同様|上記|前述|先ほど|さっき|当該|そう(?:いう|した)|前の質問)"
)
# Openers that continue the conversation: 「では」「じゃあ」「ほかには」…
_OPENER_JA = re.compile(r"^(では|じゃあ|じゃ|それでは|それなら|なら|で、|また、|あと、?|ほかに|他に)")
# An elliptical question: a short topic and nothing else (「防衛省は？」「警察の場合は？」「外務省はどうですか」).
_ELLIPTICAL_JA = re.compile(
    r"^(?P<topic>.{1,20}?)(?:の場合|について|に関して|では)?(?:は|も)"
    r"(?:どう(?:ですか|でしたか|だった|なの|か)?|いかが(?:ですか|でしたか)?)?[？?。]?$"
)
_OPENER_EN = re.compile(r"^\s*(what about|how about|and what about|and how about|and|what of|same for)\b", re.I)
_PRONOUN_EN = re.compile(r"\b(it|its|that|this|they|them|their|those|these|there|same)\b", re.I)

# Phrases that decide what kind of answer the previous question wanted; carrying
# them would make 「場所は？」 ask for the date as well.
_QUESTION_TYPE_WORDS = (
    "日時", "日付", "日程", "開催日", "時間", "曜日", "場所", "会場", "出席者", "参加者", "メンバー", "構成員",
    "名簿", "議題", "議事次第", "案件", "決定", "代理",
)
_GENERIC_PHRASES = frozenset({
    "こと", "もの", "点", "件", "場合", "方", "等", "他", "ほか", "内容", "意見", "発言", "今回", "何",
    "どれ", "どこ", "ところ", "よう", "様", "話", "質問", "回答", "具体",
})
_ORG_PHRASE = re.compile(
    r"((省|庁|府|省庁|警察|委員会|本部|センター|機構|事務局|大臣|長官)$)|"
    r"\b(ministry|ministries|agency|police|cabinet|secretariat|office|council|METI|MIC|MOFA|MOD|NPA|MEXT|NISC)\b",
    re.I,
)
_MEETING_NO = re.compile(r"第\s*[0-9０-９]+\s*回")
_EN_STOP = frozenset(
    """a an the of in on at to for from by with about and or but is are was were be been being do does did
    what which who whom whose when where why how that this these those it its they them their there here
    any some all each every other same more most such than then so as if not no yes can could would should
    will shall may might must have has had say said says tell told ask asked meeting minutes""".split()
)

_tagger_lock = threading.Lock()
_tagger: Any = None


@dataclass(frozen=True)
class Resolution:
    """How a question was turned into the query that was searched."""

    question: str  # as the user typed it
    query: str  # what retrieval and the answerer received
    carried: tuple[str, ...] = ()  # phrases taken from the previous query
    previous: str | None = None  # the previous query they came from

    @property
    def rewritten(self) -> bool:
        return self.query != self.question

    def note(self) -> str:
        """One Japanese line telling the user what was searched, or "" when nothing was changed."""
        if not self.rewritten:
            return ""
        carried = "・".join(f"「{p}」" for p in self.carried)
        return f"前の質問から {carried} を補って「{self.query}」で検索しました。"


def _tag(text: str) -> list[Any]:
    global _tagger
    with _tagger_lock:  # a MeCab tagger must not be shared between threads at once
        if _tagger is None:
            import fugashi

            _tagger = fugashi.Tagger()
        return [(w.surface, w.white_space, w.feature.pos1, w.feature.pos2) for w in _tagger(text)]


def content_phrases(text: str) -> list[str]:
    """Noun phrases (Japanese) or content words (English) of ``text``, in order, without duplicates."""
    text = unicodedata.normalize("NFKC", text).strip()
    phrases: list[str] = []
    if is_japanese(text):
        current = ""
        for surface, space, pos1, pos2 in _tag(text):
            nounish = pos1 in ("名詞", "接頭辞", "接尾辞") or (pos1 == "形状詞" and pos2 == "一般")
            joiner = pos1 == "補助記号" and surface in ("・", "-", "－") and current
            if (nounish or joiner) and not (space and current):  # a space ends a phrase (joined queries)
                current += surface
            elif nounish:
                phrases.append(current)
                current = surface
            else:
                phrases.append(current)
                current = ""
        phrases.append(current)
        phrases = [p.strip("・-－ ") for p in phrases]
    else:
        phrases = _english_phrases(text)
    out: list[str] = []
    for p in phrases:
        if p and p not in _GENERIC_PHRASES and not (len(p) == 1 and not p.isdigit()) and p not in out:
            out.append(p)
    return out


def _english_phrases(text: str) -> list[str]:
    """Runs of content words; 「of/and」 stay inside a capitalised name (Ministry of Defense)."""
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9\-']*", text)
    phrases: list[str] = []
    current: list[str] = []
    for i, w in enumerate(words):
        inner = w.lower() in ("of", "and") and current and current[-1][:1].isupper() and i + 1 < len(words) and words[i + 1][:1].isupper()
        if w.lower() not in _EN_STOP or inner:
            current.append(w)
        else:
            phrases.append(" ".join(current))
            current = []
    phrases.append(" ".join(current))
    return phrases


def is_follow_up(question: str) -> bool:
    """Whether ``question`` leans on the previous turn (anaphor, opener, or a bare 「Xは？」)."""
    q = unicodedata.normalize("NFKC", question).strip()
    if not q:
        return False
    if is_japanese(q):
        anaphor = _ANAPHORA_JA.search(q)
        # 「攻撃とその対応」 inside a long question refers within the question itself
        if (anaphor and (anaphor.start() <= 2 or len(q) <= SHORT_QUESTION)) or _OPENER_JA.match(q):
            return True
        m = _ELLIPTICAL_JA.match(q)
        if not m:
            return False
        phrases = content_phrases(m.group("topic"))
        own = [p for p in phrases if not any(t in p for t in _QUESTION_TYPE_WORDS)]
        if len(own) < len(phrases):  # it asks for a type (場所, 日程 …)
            return not own  # 「場所は？」 leans on the last turn; 「次回会合の日程は？」 is its own question
        return len(phrases) <= 1
    words = re.findall(r"[A-Za-z']+", q)
    return bool(_OPENER_EN.match(q)) or (len(words) <= 7 and bool(_PRONOUN_EN.search(q)))


def _carry(previous: str, question: str) -> list[str]:
    """Phrases of ``previous`` that ``question`` needs and does not already say."""
    new = content_phrases(question)
    q_norm = unicodedata.normalize("NFKC", question)
    new_has_org = any(_ORG_PHRASE.search(p) for p in new)
    new_has_meeting = bool(_MEETING_NO.search(q_norm))
    carried = []
    for p in content_phrases(previous):
        if p in q_norm or any(t in p for t in _QUESTION_TYPE_WORDS):
            continue
        if new_has_org and _ORG_PHRASE.search(p):
            continue  # 「防衛省は？」 after a question about 各省/警察: the subject changes
        if new_has_meeting and _MEETING_NO.search(p):
            continue
        carried.append(p)
    return carried


def resolve(question: str, previous_queries: Sequence[str]) -> Resolution:
    """The query to search for ``question`` given the earlier queries of the conversation (oldest first).

    Only the latest query is consulted: it already carries what it inherited.
    """
    question = question.strip()
    if not previous_queries or not is_follow_up(question):
        return Resolution(question, question)
    previous = previous_queries[-1]
    carried = _carry(previous, question)
    if not carried:
        return Resolution(question, question)
    return Resolution(question, " ".join(carried) + " " + question, tuple(carried), previous)


def answer_turn(
    assistant: "Assistant",
    question: str,
    previous_queries: Sequence[str] = (),
    filters: "Filters | None" = None,
    follow_ups: bool = True,
    filters_text: str = "",
    on_draft: "Callable[[Iterator[str]], object] | None" = None,
) -> "Exchange":
    """Resolve ``question`` against the conversation, ask the assistant, and package what the UI shows.

    With an LLM writer configured, ``on_draft`` (the chat's ``st.write_stream``) is handed the
    model's reply while it is written; the same reply is then verified into the answer returned,
    so the model is asked once and the turn is answered exactly as ``assistant.ask`` answers it.
    """
    from .presentation import Exchange, source_views

    resolution = resolve(question, previous_queries) if follow_ups else Resolution(question.strip(), question.strip())
    streaming = on_draft is not None and getattr(assistant.answerer, "writer", None) is not None
    answer = assistant.ask(resolution.query, filters=filters if filters and not filters.is_empty() else None,
                           on_draft=on_draft if streaming else None)
    sources = source_views(answer, assistant.index) if not answer.abstained else []
    return Exchange.build(resolution, answer, sources, filters, filters_text)
