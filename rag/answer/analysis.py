"""Reading a question: language, terms with their IDF weights, and what it asks about.

The tables name what a question asks for (a date, a place, who attended, an amount);
the gate and the writers read them from here, so a question is read one way everywhere.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from ..domain import fold
from ..layouts.japanese import KYUJITAI, dates_in
from ..layouts.speakers import ROLE_WORDS
from ..lexical import normalize, tokenize

# Metadata intents route a question to the record's own header/attendee/agenda/decision chunk.
INTENTS: dict[str, tuple[str, ...]] = {
    "date": ("いつ", "日時", "日付", "開催日", "何日", "何月", "何時", "時間", "曜日", "when", "date", "time", "what day"),
    "place": ("どこ", "場所", "会場", "議場", "建物", "どの部屋", "where", "venue", "place", "location", "which room",
              "which building"),
    "attendees": ("誰", "だれ", "氏名", "フルネーム", "出席した", "出席して", "出席者の名前", "出席者名", "代理", "代わり", "参加者", "メンバー",
                  "構成員", "名簿", "who ", "who attended", "in attendance", "proxy", "on behalf", "members", "present at",
                  "took part", "take part", "attended", "participated", "participants"),
    # and the headings the minutes list the agenda under (「本日の会議に付した事件」「協議事項」); not
    # 「議事日程」, which names the sitting as often (「議事日程第九号の会議は何時に開議」)
    "agenda": ("議題", "議事次第", "案件", "付した事件", "付議事件", "協議事項", "審議事項", "会議事項", "agenda", "topics",
               "items"),
    # the record's own number (「会議録は何号ですか」「第何回の会合」): the title states it
    "number": ("何号", "第何回", "何回目", "第何号"),
    "decision": ("決定され", "決定事項", "決定した", "決定しま", "何が決定", "決まった", "決まりま", "決議", "了承",
                 "decid", "decision", "adopt", "resolved", "resolution", "passed", "approv", "reject"),
}
INTENT_KIND = {"date": "header", "place": "header", "number": "header", "attendees": "attendees", "agenda": "agenda", "decision": "decision"}
# When the sitting ended (「何時に散会しましたか」「最終的に何時に終わりましたか」): the record's closing line
# (``Meeting.closing_span``), which a remark or a trailer holds, not the header.
CLOSING_QUESTION = re.compile(r"閉会|散会|延会|閉議|終わ|終了|閉じ|\b(?:end|ended|close|closed|adjourn\w*|finish\w*)\b")
CLOCK_QUESTION = re.compile(r"何時|時刻|what time")
# When the sitting paused or resumed (「消防本部の審査を終えて休憩に入ったのは何時」): a clock line between
# remarks (「（午後　１時０２分　休憩）」) answers, the one after the business the question names
RECESS_QUESTION = re.compile(r"休憩|再開|中断|\brecess|\bresum")
RECESS_WORDS = ("休憩", "再開", "中断")
# Who objected (「議案第146号に異議を唱えたのは誰」): in an assembly the objectors answer the chair's 「何号に御異議が
# ありますか」 with a remark of their own (「議案第146号に異議があります。」), which ``evidence.objection_chunks``
# routes; not the chair's 「御異議ありませんか」 nor a stage note's 「異議あり」
OBJECTION_QUESTION = re.compile(r"異議を(?:唱え|述べ|申し立て|申し出|表明)|異議(?:が|の)?あると|異議ありと|\bobject(?:ed|ion)")
OBJECTION_TEXT = re.compile(r"(?<![御ご])異議(?:があります|があり|あり)(?![ませ])")
# Who presided (「議事進行（司会）を務めたのは誰」「議長として議事を進めたのは誰」): the chair's own remark
# answers, by the role the minutes give its speaker (``presides``), not the attendee list
PRESIDING_QUESTION = re.compile(r"司会|議事(?:の)?進行|議事を進め|進行役|(?:議長|会長|座長|委員長|部会長)(?:を務め|として)"
                                r"|presid|\bchair(?:ed|ing)?\b|\bmoderat")
DAY_ASKED = re.compile(r"いつ|何日|何月|日付|日時|曜日|\bwhen\b|\bdate\b|what day")
# Date/place intents are about the meeting itself only when the question says so;
# 「情報セキュリティの日は何月何日」 asks for another date, which a remark must state.
ABOUT_MEETING = ("会合", "会議", "開催", "開会", "開議", "閉会", "散会", "議会", "定例会", "臨時会", "委員会", "本会議",
                  "総会", "meeting", "held", "convened", "session", "sitting")

# 「子ども１人当たり２万円」: a number of people (or of anything counted) before 当たり is the unit of a
# rate, not a count: it answers no 「何人」 (「８件につきましては」 is "as for the eight", a count)
_NOT_PER_UNIT = r"(?!\s*(?:当たり|あたり|ごと|毎|につき(?!ま|て)))"

# Answer types: a question asking for one of these can only be answered by an
# excerpt that contains one. (pattern in the question, pattern in the excerpt, what is missing)
_KNUM = r"[0-9〇一二三四五六七八九十百千万億兆,.]"
# Answer types: a question asking for one of these is answered only by an excerpt that holds
# one AND is about what was asked (see ``_typed_answer_missing``).
# (pattern in the question, pattern in an excerpt, what is missing, words that only say "which type")
_MONEY_WORDS = r".*\b(?:money|cost|costs|spend|spent|budget\w*|fund\w*|paid|pay|price|fees?|subsid\w*|grants?|donat\w*|yen)\b"
ANSWER_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str], str, frozenset[str]], ...] = (
    # English "how much" asks money only beside a money word ("how much did the city spend"); "how much
    # of the inhabited land" asks a share: the quantity type below
    (re.compile(rf"何円|何億|何万|いくら|金額|総額|予算額|要求額|\byen\b|\bamount|how much\b(?={_MONEY_WORDS})"),
     # 「３０万以下は…」: spoken amounts drop 円 after 万 (not 「３万人」「３万件」, which count)
     # (nor 「約１万８００世帯」: the count's counter may follow the digits after 万)
     re.compile(rf"{_KNUM}+\s*(?:円|億|千円|万円?)(?!{_KNUM}*\s*(?:人|名|件|世帯|台|戸|回|票|か所|箇所|ヶ所|カ所))"), "金額",
     frozenset({"円", "億", "万", "千", "いくら", "金額", "総額", "額", "予算額", "要求額", "何", "幾ら"})),
    (re.compile(r"何票|票数|賛成.*反対|how many votes|number of votes|vote count|votes (?:for|against|in favou?r)"
                r"|how many (?:[a-z]+ ){0,2}?voted"), re.compile(rf"{_KNUM}+\s*票"), "票数",
     frozenset({"票", "票数", "賛成", "反対", "何", "数", "投票", "総数"})),
    # "how many members", "how many of the 30 members", "how many council members"
    (re.compile(r"何人|何名|人数|how many (?:of (?:the|these|those|its|their) )?(?:[0-9,]+ )?(?:[a-z-]+ )?(?:people|persons|attendees|members|visitors|participants|residents"
                r"|children|students|users|applicants|staff|employees)\b(?! voted)"), re.compile(rf"{_KNUM}+\s*(?:人|名){_NOT_PER_UNIT}"), "人数",
     frozenset({"人", "名", "何", "人数", "数"})),
    (re.compile(r"何%|何パーセント|何割|(?:率|割合)は(?:どれ|いくら|何)|what percentage|what share|what rate"),
     re.compile(rf"{_KNUM}+\s*(?:%|パーセント|割|ポイント)"), "割合",
     frozenset({"率", "割合", "何", "パーセント", "%", "割", "どれ", "位", "いくら"})),
    # a party or group (「どの政党（会派）に所属」「所属会派は」): the answer names one, or says 無所属; an assembly's
    # group may be called 「…会」 or 「…クラブ」, and is given as 「…を代表して」 as often as by name
    (re.compile(r"(?:どの|何|いずれの)(?:政党|会派|党派|党)|(?:所属|属する|属している)(?:政党|会派|党派)|(?:政党|会派|党派)(?:は|名)"
                r"|\b(?:what|which) (?:political )?(?:party|parliamentary group)|party affiliation"),
     re.compile(r"党|会派|クラブ|倶楽部|無所属|議員団|を代表して|所属"), "所属政党・会派",
     frozenset({"政党", "会派", "党派", "党", "所属", "属する", "何", "どの", "名"})),
    # any other English "how much": a quantity of some kind (money, a share, tonnes, time): a number
    (re.compile(rf"how much\b(?!{_MONEY_WORDS})"), re.compile(rf"[0-9]|{_KNUM}+\s*(?:円|億|万|千|%|パーセント|割|倍|トン|人|名|件|時間|日|年|か月)"),
     "数量", frozenset()),
)
# 「何世帯」「何か所」「何件」「何倍」: a count with its own counter word; the answer holds a number with that
# counter (「約２，４００世帯」「３か所」; bidders are counted 「５者」 in procurement). People, yen, votes, percentages and clock/calendar words have
# their own types above (or are dates); 「何者」 and 「何年」 are left out (who/which year as often as how many).
_COUNTERS = {
    "世帯": "世帯", "か所": "か所|箇所|ヶ所|カ所|ケ所", "箇所": "か所|箇所|ヶ所|カ所|ケ所", "ヶ所": "か所|箇所|ヶ所|カ所|ケ所",
    "カ所": "か所|箇所|ヶ所|カ所|ケ所", "件": "件", "台": "台", "戸": "戸", "棟": "棟", "校": "校", "園": "園", "社": "社|者",
    "団体": "団体", "回": "回", "倍": "倍", "歳": "歳", "年間": "年間|年", "か月": "か月|ヶ月|カ月|箇月", "ヶ月": "か月|ヶ月|カ月|箇月",
    "カ月": "か月|ヶ月|カ月|箇月", "日間": "日間|日", "週間": "週間", "時間": "時間", "種類": "種類", "項目": "項目",
    "本": "本", "点": "点", "機関": "機関", "施設": "施設", "地区": "地区", "市町村": "市町村", "国": "か国|カ国|ヶ国|国",
    "か国": "か国|カ国|ヶ国|国", "カ国": "か国|カ国|ヶ国|国",
}
_COUNTER_QUESTION = re.compile("(?<!第)何(" + "|".join(sorted(map(re.escape, _COUNTERS), key=len, reverse=True)) + ")")

# 「何」 before a kanji that is a counter none of the types above reads: not the clock, calendar, people,
# money, votes, ordinals or shares they read (「何時」「何年」「何人」「何円」「何票」「何号」「何割」), nor a word
# that asks what or which (「何故」「何者」「何色」「何語」「何度」「何分」…)
_OTHER_COUNTER = re.compile(r"(?<!第)何(?!(?:[時年月日週人名円億万千票号番割者故事処等度色語分曜]))([一-龥])")

# English counts by the thing counted ("how many households", "how many members voted"): the counter
# the Japanese minutes write it with
_EN_COUNTERS = {"households": "世帯", "comments": "件", "cases": "件", "applications": "件", "petitions": "件",
                "requests": "件", "opinions": "件", "times": "回", "schools": "校", "facilities": "施設",
                "vehicles": "台", "countries": "か国", "units": "戸"}
_EN_COUNT_QUESTION = re.compile(r"how many (?:[a-z-]+ ){0,2}?(" + "|".join(_EN_COUNTERS) + r")\b")


def counted(question: str) -> list[tuple[re.Pattern[str], str, frozenset[str]]]:
    """The counts with a counter word a question asks for (「およそ何世帯に支給」, "how many
    households"), as (pattern an excerpt must hold, what is missing, words that only say "a count of")."""
    from ..lexical import tokenize

    found = []
    table = list(_COUNTER_QUESTION.finditer(question))
    asked = [m.group(1) for m in table]
    asked += [_EN_COUNTERS[m.group(1)] for m in _EN_COUNT_QUESTION.finditer(question.lower())]
    # any other counter is written as asked (「何床」→「１９床」, 「何基」→「３０基」)
    read = {m.start() for m in table}
    asked += [m.group(1) for m in _OTHER_COUNTER.finditer(question) if m.start() not in read]
    for counter in dict.fromkeys(asked):
        forms = _COUNTERS.get(counter, re.escape(counter))
        found.append((re.compile(rf"{_KNUM}+\s*(?:{forms}){_NOT_PER_UNIT}"), f"「何{counter}」にあたる数",
                      frozenset({"何", "数", *tokenize(counter), *(t for f in forms.split("|") for t in tokenize(f))})))
    return found


@dataclass(frozen=True)
class AskedValue:
    """A typed value a question asks for, as the gate's guards and the reranker read it."""

    has: re.Pattern[str] | NamedOrganisation  # what a line holding one matches (over ``lexical.normalize``d text)
    what: str  # what is missing, in an abstention (「金額」「該当する日付」)
    words: frozenset[str]  # the question's words that only name the type (「いくら」「何」)
    kind: str  # "value" (amount, votes, people, percentage, a count, a party), "name" (an organisation), "date", "year" (「何年度」) or "time"


def dates_something_else(line: str, meeting_date: str | None) -> bool:
    """A line of a meeting's header that dates something other than the meeting (「昭和二十二年十一月十三日
    … 労働委員長において、左の通り小委員を選定した」 above the sitting of the 14th): a full date that is not
    the meeting's own. The meeting's date, and a year or month alone, date the sitting and nothing else."""
    found = dates_in(normalize(line))
    return bool(found) and meeting_date not in found


# 「どの団体」「どこの会社」「どの事業者に委託」 (not 「中小企業などの事業者」): the answer names an organisation —
# one the question does not name already (「…事務組合から抜けることになったのはどの団体」 is not answered by the
# 組合). Japanese only: "which company" moved the English questions' ranking through the reranker's
# typed feature and lost one on the English dev set.
ORG_QUESTION = re.compile(
    r"(?<![なほ])どの(?:団体|事業者|業者|会社|法人|企業|組織|事業所)|(?:業者|事業者|会社|団体|企業|法人|委託先|運営者|受注者)は(?:どこ|誰|何という)"
    r"|どこ(?:に|へ|と)(?:委託|運営|任せ|発注|契約)|どこの(?:会社|団体|企業|業者|法人)")
_ORG_NAME = re.compile(
    r"(?:株式会社|有限会社|合同会社|\(株\)|㈱)[一-龥ァ-ヶーA-Za-z0-9・&]{1,20}"
    r"|[一-龥ァ-ヶーA-Za-z0-9・&]{1,30}?(?:株式会社|有限会社|合同会社|\(株\)|㈱|法人|財団|協会|協議会|組合|公社|事業団|センター|工務店"
    r"|商事|商会|興業|連合会|商工会|銀行|信用金庫|機構|研究所|振興会|事務所|共同企業体|支店|(?i:jv))")


@dataclass(frozen=True)
class NamedOrganisation:
    """Matches an organisation's name in a line, unless the question names that organisation itself
    (``search`` and ``finditer`` as a ``re.Pattern``'s, for ``AskedValue.has``)."""

    folded_question: str  # as ``asked_values`` reads it (NFKC, lower-case)

    def finditer(self, text: str):
        return (m for m in _ORG_NAME.finditer(text) if m.group() not in self.folded_question)

    def search(self, text: str):
        return next(self.finditer(text), None)


def asked_values(folded_question: str) -> list[AskedValue]:
    """The typed values a question asks for: an amount, votes, people, a percentage, a count with
    its counter, a date, a year, a clock time. Empty for a question that asks for none."""
    q = folded_question
    found = [AskedValue(has, what, words, "value") for asks, has, what, words in ANSWER_TYPES if asks.search(q)]
    found += [AskedValue(has, what, words, "value") for has, what, words in counted(q)]
    if ORG_QUESTION.search(q):
        found.append(AskedValue(NamedOrganisation(q), "団体・事業者の名称",
                                frozenset({"団体", "事業者", "業者", "会社", "法人", "企業", "組織", "事業所", "どこ", "どの", "何"}), "name"))
    if re.search(r"何時|時刻|what time", q):
        found.append(AskedValue(TIME_TEXT, "時刻", frozenset(), "time"))
    if DATE_QUESTION.search(q):
        found.append(AskedValue(DAY_TEXT if DAY_QUESTION.search(q) else DATE_TEXT, "該当する日付", frozenset(DATE_WORDS), "date"))
    elif re.search(r"何年(?!間)", q):  # 「何年度までに」 asks a year
        found.append(AskedValue(DATE_TEXT, "該当する年", frozenset(DATE_WORDS), "year"))
    return found


# An amount or count per unit (「1世帯当たりいくら」「児童1人あたり」, "per household"): the total the minutes
# give is not it; the sentence must say per what (「１人当たり５万円」「１世帯３万円」).
_UNITS = r"(?:世帯|人|件|名|戸|台|回|日|か月|ヶ月|カ月|月|年|校|園|か所|箇所|平方メートル|㎡|トン)"
PER_UNIT_QUESTION = re.compile(rf"{_UNITS}\s*(?:当たり|あたり|につき)|\bper (?:household|person|head|capita|child|student|"
                               r"month|year|day|unit|case)\b|\beach (?:household|person|child)\b")
PER_UNIT_TEXT = re.compile(rf"(?:当たり|あたり|につき|ごと|毎)|(?:1|一){_UNITS}\s*(?:に|で|、)?\s*[0-9〇一二三四五六七八九十百千万]")
# Any question asking for a quantity (「何人」「何グラム」「いくら」「どれだけ増える」): its answer holds a number.
# 「何」 before a counter (kanji or katakana), not 「何故」「何事」「何者」.
QUANTITY_QUESTION = re.compile(r"何(?![故事処者等])[一-龥ァ-ヶー%]|いくら|どれ(?:だけ|くらい|ぐらい|ほど)|どの(?:くらい|ぐらい|程度)"
                               r"|およそ|いくつ|how many|how much|how long|number of")
NUMBER_TEXT = re.compile(r"[0-9〇一二三四五六七八九十百千万億]+")
TIME_QUESTION = re.compile(r"何時|時刻|開会|開議|閉会|散会|what time|\bstart|\bfinish|\bend(?:ed)?\b")
TIME_TEXT = re.compile(rf"(?:午前|午後)?\s*{_KNUM}+\s*時|\d{{1,2}}:\d{{2}}")
# English "when" asks a date as the question's own word ("When did…", "…, when was…"), not as a
# conjunction ("how many members were present when the meeting opened" asks a count)
DATE_QUESTION = re.compile(r"いつ|何月|何日|日付|what date|(?i:^\W*when\b|\bwhen (?:is|was|were|will|would|did|does|do|has|have"
                           r"|had|are|exactly|approximately|roughly)\b)")
DAY_QUESTION = re.compile(r"何日|日付|what date|which day")  # a day is asked for: a month alone does not answer
DAY_TEXT = re.compile(r"[0-9〇一二三四五六七八九十]+\s*月\s*[0-9〇一二三四五六七八九十]+\s*日")  # 「十二月六日」: Diet records write kanji
# when something other than the meeting happens: a date, a month or year (「来年4月頃」「令和6年度中」), or
# a period word (「年内」「下旬」「来春」)
# (「令和６年第４回定例会」: a year before 第N回 names a session, and dates nothing)
DATE_TEXT = re.compile(rf"{_KNUM}+\s*(?:年(?!\s*第\s*{_KNUM})|月|日)|来年|今年|本年|年内|年度内|年度末|年明け|上旬|中旬|下旬|来月|今月|来週|今週"
                       r"|[来今](?:春|夏|秋|冬)")
DATE_WORDS = {"日", "月", "年", "年度", "何", "日付", "付け", "付", "設定", "いつ"}  # 「何月何日付け」: 付け asks the date too
REASON_QUESTION = re.compile(r"原因|理由|なぜ|何故|どうして|背景|\bwhy\b|\breason")
# 「誰か…ましたか」 asks whether anyone did, not who: not a who-question; 「…課長の氏名（フルネーム）は」 asks who
WHO_QUESTION = re.compile(r"(?:誰|だれ)(?!か)|who\b|whom|氏名|フルネーム|full name")
FULL_NAME_QUESTION = re.compile(r"氏名|フルネーム|full name")
# (not a document's name: 「…を求める意見書」 was submitted, not said; 「話題」 is a topic, 「話した」 was said)
STATEMENT_QUESTION = re.compile(r"意見(?!書)|発言|挨拶|あいさつ|述べ|言っ|主張|指摘|見解|評価|考え|答弁(?!書)|質問(?!書)|説明し|報告し|(?:説明|報告)が(?:あ|され|行われ)|話[しさす]|語[っらりる]|訴え"
                                r"|say|said|state|remark|view|opinion|argue|ask|answer|explain|mention|talk")
ORG_IN_QUESTION = re.compile(r"[一-龥ァ-ヶー]{2,12}?(?:省|庁)")
GENERIC_ORGS = {"府省", "省庁", "府省庁", "関係省", "関係省庁"}
# How and when something was said, not what about (「…の冒頭で、…は何名と報告されましたか」): a line holding
# the answer need not repeat them. Tokenised once (``framing_tokens``).
FRAMING_WORDS = ("報告", "説明", "答弁", "述べる", "発言", "質問", "質疑", "言う", "話す", "示す", "挙げる", "触れる",
                 "冒頭", "最初", "最後", "途中", "際", "中", "時点", "場合", "教える", "ください",
                 # 「会期はいつまでの何日間と決まりましたか」: that it was decided, not what about
                 "決まる", "決める", "決定")
# Attendance words that do not identify anyone: a "who" question needs more than these.
GENERIC_ATTENDANCE = {"出席", "者", "会合", "会議", "第", "回", "参加", "人", "誰", "方", "代理", "代わり"}



@dataclass(frozen=True)
class Question:
    """A question as every stage reads it."""

    text: str
    folded: str  # NFKC, lower case
    japanese: bool
    terms: tuple[tuple[str, int], ...]  # (BM25 token, document frequency in the index)
    weights: dict[str, float] = field(hash=False)  # token -> IDF weight
    intents: tuple[str, ...] = ()


def read_question(question: str, lexical) -> Question:
    """Tokens with their IDF in ``lexical`` (the BM25 index), intents and language."""
    terms = tuple(lexical.term_stats(question))
    n_docs = max(len(lexical), 1)
    weights = {t: math.log(1 + n_docs / (df + 1)) for t, df in terms}
    return Question(question, unicodedata.normalize("NFKC", question).lower(), is_japanese(question), terms,
                    weights, tuple(detect_intents(question)))


def is_japanese(text: str) -> bool:
    """Written in Japanese: any kana/kanji, unless Latin letters outnumber them more than three to
    one (「…why was the ordinance (音更町立保育園条例) abolished?」 is an English question)."""
    japanese = sum("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return japanese > 0 and japanese * 3 >= latin


# 「審議された議案は何」「趣旨説明が行われた法律案は何ですか」"which bills were debated": the matters put to
# the meeting, which its agenda lists (not 「議案第70号の補正額はいくら」, which asks about one of them)
AGENDA_QUESTION = re.compile(r"(?:議案|法律案|法案|条例案|予算案|案件|請願|陳情)(?:は|が)(?:何|なに|どれ|どの(?!よう))"
                             r"|\b(?:which|what) (?:bills?|items?|matters?|motions?)\b")


# What became of a matter put to the meeting, asked as the question's predicate: 「…議定書はどう扱われた」
# 「…法律案はどのように議決されましたか」「全会一致で可決された法律案はどれ」「陳情は採択されましたか」 (not
# 「可決された給与条例の改正で、手当は今後どうなりますか」, where the vote only names the matter)
DECISION_QUESTION = re.compile(
    r"(?:可決|否決|議決|採決|承認|採択)(?:され|し)(?:ましたか|たか|たの(?:は|です)|た(?:もの|法律案|法案|議案|案件|事項|条例|件|陳情|請願)"
    r"(?:は|を)?(?:何|なに|どれ|どの))"
    r"|どう(?:扱われ|処理され|なりましたか|なったか|なったのですか)|どのように(?:議決|採決|決|処理|扱|処分)|(?:採決|議決)の結果")


def detect_intents(question: str) -> list[str]:
    """Which parts of a meeting record the question asks about (date, place, attendees, …)."""
    q = unicodedata.normalize("NFKC", question).lower() + " "
    found = [name for name, keys in INTENTS.items() if any(k in q for k in keys)]
    if "agenda" not in found and AGENDA_QUESTION.search(q):
        found.append("agenda")
    if "decision" in found and not any(k in q.replace("決議案", "") for k in INTENTS["decision"]):
        found.remove("decision")  # 「決議案は誰が発議」: a resolution bill is a document, not what was decided
    if "decision" not in found and DECISION_QUESTION.search(q):
        found.append("decision")
    if "attendees" in found and not WHO_QUESTION.search(q) and not any(k in q for k in INTENTS["attendees"][2:]):
        found.remove("attendees")  # 「誰か触れましたか」: whether anyone did
    for about in ("date", "number"):
        if about in found and not any(k in q for k in ABOUT_MEETING):
            found.remove(about)
    # 「参加者が少なかった原因は」 asks why, not who took part
    if "attendees" in found and not WHO_QUESTION.search(q) and REASON_QUESTION.search(q):
        found.remove("attendees")
    # 「出席者は…どう評価」 asks what attendees said, not who they were
    if "attendees" in found and STATEMENT_QUESTION.search(q) and not FULL_NAME_QUESTION.search(q):
        # 「誰が…と述べましたか」 asks for a speaker, not the attendee list; 「…を説明した課長の氏名（フルネーム）」
        # asks the name the roster gives (a speaker's label may give the surname only)
        found.remove("attendees")
    if WHO_QUESTION.search(q) and PRESIDING_QUESTION.search(q):
        found = [i for i in found if i != "attendees"] + ["presiding"]
    if OBJECTION_QUESTION.search(q):
        found.append("objection")
    if CLOCK_QUESTION.search(q) and RECESS_QUESTION.search(q) and not DAY_ASKED.search(q):
        found = [i for i in found if i != "date"] + ["recess"]  # the clock line answers, not the header's date
    if "date" in found and CLOSING_QUESTION.search(q):
        found.append("closing")
        if CLOCK_QUESTION.search(q) and not DAY_ASKED.search(q):
            found.remove("date")  # 「何時に散会」: the clock line answers, not the header's date
    return found


# What is left of a question about the meeting itself once its name, the event words
# (開催, 開会, 会議…) and the date/place words are taken away: 「第14回会合はいつ開催されましたか」
# leaves nothing, 「…本会議で、…屋内遊戯場はいつ開業する予定と説明されましたか」 most of its weight.
# Dev sets: questions answered by the meeting's header leave ≤ 0.27 of their IDF weight, the
# others ≥ 0.41.
MAX_REST_ABOUT_MEETING = 0.35
# Dev sets: questions answered by the header keep at most two such words (「党首討論」「議事日程」), the
# others three or more (a count, not a weight: IDF grows with the index)
MAX_OWN_WORDS_ABOUT_MEETING = 2
NEXT_MEETING = re.compile(r"次回|次の(?:会合|会議|会|委員会|総会|部会)|(?:next|following|upcoming)\b(?:\s+[\w#-]+){0,4}?\s+(?:meeting|session|sitting)")


# the verb's subject is the meeting, in the same clause ("…the Council held", "the meeting opened", "will it
# take place"), not something the meeting heard of ("…, where did the minister say the WFTU had held its
# congress")
ENGLISH_ABOUT_MEETING = re.compile(
    r"\b(?:meeting|session|sitting|council|committee|assembly|plenary|house|it|they)\b[^,?]{0,40}?"
    r"\b(?:held|hold|convened?|took place|take place|taking place|meet|met|opened|open|started|start|began|begin|"
    r"ended|end|finished|finish|closed|close|adjourned|adjourn)\b"
    r"|\b(?:date|time|day|venue|place|location)\s+of\s+(?:the|this|that)\b[^,?]*?\b(?:meeting|session|sitting)\b"
    r"|\b(?:when|where)\s+(?:was|is|were|will)\s+(?:the|this|that)\b[^,?]*?\b(?:meeting|session|sitting)\s*(?:\?|$)")


@functools.lru_cache(maxsize=1)
def event_tokens() -> frozenset[str]:
    """Tokens of the words that say a meeting took place, when and where (tokenised once)."""
    words = (ABOUT_MEETING + INTENTS["date"] + INTENTS["place"] + tuple(DATE_WORDS)
             + ("開く", "行う", "行われる"))
    return frozenset(t for w in words for t in tokenize(w))


@functools.lru_cache(maxsize=1)
def course_tokens() -> frozenset[str]:
    """How a sitting ran its course (「最終的に何時に終わりましたか」), the loose dates that name it
    (「年末の緊急議会」) and the era of its date: about the meeting itself when a question asks its date
    or time."""
    words = ("始まる", "開始", "終わる", "終了", "終える", "閉じる", "最初", "最後", "最終",
             "年末", "年始", "年度末", "月末", "上旬", "中旬", "下旬", "令和", "平成", "昭和", "大正", "明治")
    return frozenset(t for w in words for t in tokenize(w))


def _numeral(token: str) -> bool:
    """「9」「九」「第」「号」: a number (in digits or kanji) or the words that make it an ordinal."""
    return token.isdigit() or token in ("第", "号", "回") or all(ch in "〇一二三四五六七八九十百千" for ch in token)


# 「Xの開催日」「Xの会場」: X's date or venue; the meeting's own when X is a meeting (or 本日, 今回 …)
_OWNED_WHEN_WHERE = re.compile(r"([^\s、。,?？]{1,30}?)の(?:開催日時?|開催場所|開催地|会場|日時|場所)")
_MEETING_NOUNS = ABOUT_MEETING + ("会合", "会", "部会", "審議会", "協議会", "分科会", "小委員会", "本日", "今回", "当日",
                                  "同日", "この", "その", "meeting", "回", "号", "日",  # 「第14回の」「第九号の」「6日の」
                                  "どこ", "どの", "何")  # 「どこの会場で開かれましたか」 asks the venue


def about_meeting(question: str, weights: dict[str, float], meeting_terms: set[str] | frozenset[str]) -> bool:
    """Does a date/place question ask about the meeting itself (its header answers), rather than
    about something the meeting discussed? ``meeting_terms``: tokens of the meeting's name and body."""
    q = unicodedata.normalize("NFKC", question).lower()
    if not any(k in q for k in ABOUT_MEETING) or NEXT_MEETING.search(q):
        return False  # 「次回の会合はいつ」 asks about another meeting, which the minutes may announce
    for owner in _OWNED_WHEN_WHERE.finditer(re.sub(r"[(（][^()（）]*[)）]", "", q)):
        # 「PyCon APAC 2023の開催日と会場」: the date and venue of the thing named, which the meeting's own
        # name may share words with (PyCon), not the meeting's own (「第58回会議の開催日」「本日の会場」)
        if not owner.group(1).endswith(_MEETING_NOUNS):
            return False
    if not is_japanese(question):
        # its words are not the index's, so no share of weight tells: the meeting must be what was
        # held, opened or closed, or whose date or venue is asked ("On what date did the House pass
        # the bill … explained at its plenary sitting" asks another event's date)
        return bool(ENGLISH_ABOUT_MEETING.search(q))
    total = sum(weights.values())
    if not total:
        return True
    events = event_tokens() | course_tokens()
    # numbers name the sitting (「議事日程第九号の会議」), which the catalog resolved
    rest = {t: w for t, w in weights.items() if t not in meeting_terms and t not in events and not _numeral(t)}
    # and few words of its own, however long the meeting's name: 「法制審議会商法（船荷証券等関係）部会の第１６回
    # 会議（令和６年８月２１日）で、要綱案に基づく法案を国会に提出する具体的な日付は」 asks another date
    return sum(rest.values()) / total <= MAX_REST_ABOUT_MEETING and len(rest) <= MAX_OWN_WORDS_ABOUT_MEETING


@functools.lru_cache(maxsize=1)
def framing_tokens() -> frozenset[str]:
    return frozenset(t for w in FRAMING_WORDS for t in tokenize(w))


# A phrase the question quotes from the minutes: 「…ご健康には十分留意の上」と述べたのは誰
_QUOTE_RE = re.compile(r"[「『]([^「」『』]{6,120})[」』]")
_QUOTE_PUNCT = re.compile(r"[、。，．,.・\s　!?！？…]")


def quoted(question: str) -> list[str]:
    """The phrases a question quotes (six characters or more), in the form ``as_quoted`` compares."""
    return [q for q in (as_quoted(m.group(1)) for m in _QUOTE_RE.finditer(question)) if len(q) >= 6]


def as_quoted(text: str) -> str:
    """Normalised with punctuation and spaces dropped: a quote matches the minutes however it is punctuated."""
    return _QUOTE_PUNCT.sub("", normalize(text))


def sentences(question: str) -> list[str]:
    """A question's sentences (「…何日間ですか。また、…何件ですか。」 → two)."""
    return [p for p in re.split(r"(?<=[。？?])\s*", question) if p.strip()]


# 「答弁した政府参考人は誰」「理事者側の消防長を務めていたのは誰」「決算委員長として出席していたのは誰」: the
# office the person asked for holds, as the words before 「は誰」「として」「を務め」 name it
_ASKED_ROLE = re.compile(r"([一-龥ァ-ヶー]{2,12})(?:として|を務め|をつとめ|の職に|(?:は|が)(?:誰|だれ)|の(?:氏名|フルネーム))")


def asked_role(question: str, capacity: bool = True) -> str | None:
    """The office a who-question asks about (「消防長」「決算委員長」「政府参考人」): a compound ending in a
    role word the speaker labels use, or None. ``capacity``: also an office the person acted in
    (「決算委員長として出席」「消防長を務めていた」), which a roster line gives but a speaker's label need
    not (「文教経済常任委員長として報告したのは誰」 is labelled 「27番」)."""
    q = unicodedata.normalize("NFKC", question)
    if not WHO_QUESTION.search(q.lower()):
        return None
    roles = [m for m in _ASKED_ROLE.finditer(q) if m.group(1).endswith(ROLE_WORDS)]
    # 「説明員として出席した企画部長は誰」: the office before 「は誰」 is asked for; 「として」 gives the capacity
    asked = [m for m in roles if re.match(r"[はが](?:誰|だれ)|の(?:氏名|フルネーム)", q[m.end(1):])] or (roles if capacity else [])
    return asked[0].group(1) if asked else None


def names_role(line: str, role: str) -> bool:
    """A roster line giving the office ``role`` itself, not one that only ends in it (「副委員長」 is
    no 「委員長」; 「勞働委員長」 no 「決算委員長」); old and new kanji alike."""
    # spaces kept: they part a roster's columns (「前田　育司　　財務部長」)
    text, wanted = unicodedata.normalize("NFKC", line).translate(KYUJITAI), fold(role)
    return any(i == 0 or not re.match(r"[一-龥ァ-ヶー]", text[i - 1])
               for i in (m.start() for m in re.finditer(re.escape(wanted), text)))


def asks_for_speaker(question: str) -> bool:
    """「誰が…と述べましたか」: asks who said something."""
    q = unicodedata.normalize("NFKC", question).lower()
    return bool(WHO_QUESTION.search(q) and STATEMENT_QUESTION.search(q))


def term_coverage(text: str, weights: dict[str, float]) -> float:
    """IDF-weighted share of the question's terms among ``text``'s tokens (same tokenizer as BM25)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    tokens = set(tokenize(text))
    return sum(w for t, w in weights.items() if t in tokens) / total
