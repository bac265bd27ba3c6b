"""Meeting identity from a title line: body (会議体), name, number, kind.

「高度情報通信ネットワーク社会推進戦略本部 情報セキュリティ政策会議 第14回会合 議事要旨」,
「中央環境審議会第31回総会議事録」, 「令和６年度定例会１２月緊急議会　墨田区議会会議録」,
「令和 5年 5月臨時会（第 1日 5月22日）」 … Only what the title (or, for the body,
the minutes text) states is taken; a field the title does not show stays empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .japanese import nfkc

KIND_RE = re.compile(r"(議事要旨|議事録|議事概要|会議録|委員会記録|会議記録|会議要録|議事要録)")
# A 会議体 named in the text: 「墨田区議会」「高砂市議会」「参議院」, 「横浜市会」 (as 横浜, 名古屋, 京都 and 神戸
# call theirs; not the 「都市会」 of 「都市会議」)
# (not 「第１回臨時市議会」: a generic word, not a place, stands before 市議会 there);
# the number before 回/年 may be in kanji: 「令和五年第四回架空市議会定例会」
ASSEMBLY_RE = re.compile(
    r"(?:衆議院|参議院|(?:(?<![一-龥ぁ-んァ-ヶ])|(?<=[0-9０-９〇一二三四五六七八九十]回)|(?<=年度)|(?<=[0-9０-９〇一二三四五六七八九十]年))"
    r"(?!回|臨時|定例|緊急|本|全|各|同|第|年)(?:[一-龥ぁ-んァ-ヶ]{1,8}?[都道府県市区町村]議会|[一-龥]{1,4}市会(?!議(?!員|長))))")
MEETING_WORD_RE = re.compile(r"[一-龥ァ-ヶー]*(?:会議|委員会|部会|総会|審議会|分科会|懇談会|研究会|検討会|協議会|本会議|定例会|臨時会)$")


# a body's name, then the meeting of it: 「中央社会保険医療協議会」「総会」, 「社会保障審議会」「医療部会」
_BODY_MEETING_RE = re.compile(
    r"(\S+?(?:審議会|協議会|委員会|調査会|本部|懇談会|研究会|検討会))\s*"
    r"(総会|[一-龥ァ-ヶー]{0,12}(?:部会|分科会|小委員会|専門委員会|幹事会|ワーキンググループ))")


@dataclass(frozen=True)
class TitleParts:
    body: str
    name: str
    number: int | None
    number_unit: str
    kind: str | None


_YEAR_RE = re.compile(r"(?:(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})|\d{4})\s*年度?")  # a year names no body
_NUMBER_RE = re.compile(r"第\s*([0-9〇一二三四五六七八九十百千]+)\s*(回|号|日)")


def parse_title(title: str) -> TitleParts:
    """Body, name, number and kind of a title. Local assemblies number the day's record
    (「令和６年第４回定例会（第５号）」: the 第4回 belongs to the session's name, 第5号 is the
    record); councils number the meeting (「第31回総会」)."""
    t = nfkc(title)
    crumbs = [p for p in re.split(r"\s*[>»]\s*", t) if p.strip()]
    if len(re.findall(r"[>»]", t)) >= 2 and len(crumbs) >= 2:
        # a site's breadcrumb before the page's own title (「ホーム> 政策について> 審議会・研究会等> …> 第21回
        # 社会保障審議会議事録」, 「栃木県議会 > 2018-03-20 >」): the last step that is not a date names it
        named = [p for p in crumbs if not re.fullmatch(r"[\d\s./年月日-]+", p)]
        t = (named or crumbs)[-1]
    t = re.sub(r"\d{4}-\d{2}-\d{2}", " ", t)  # a date the publishing site appended
    # a leading date (「平成27年3月2日:議会運営委員会会議記録」)
    t = re.sub(r"^\s*(?:(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})|\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
               r"\s*(?:\([月火水木金土日](?:曜日?)?\))?\s*[:：]?\s*", "", t)
    t = re.sub(r"[(（]\s*\d{1,2}月\s*\d{1,2}日\s*[)）]", " ", t)  # 「総務常任委員会（ 5月22日）」
    # a trailing date (「…予算委員会第三分科会　第1号　令和7年2月27日」): the record's date, not its name
    t = re.sub(r"\s+(?:(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})|\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
               r"\s*(?:\([月火水木金土日](?:曜日?)?\))?\s*$", "", t)
    t = re.sub(r"(?<=令和|平成|昭和|大正|明治)\s+|(?<=[\d年月])\s+(?=\d)", "", t)  # 「令和 5年 5月」
    kind_m = KIND_RE.search(t)
    kind = kind_m.group(1) if kind_m else None
    while kind_m:  # 「…会議記録(議事録)」 names its kind twice
        # 「議会運営委員会記録」: the kind 委員会記録 ends the meeting's own name, which keeps 委員会
        keep = next((w for w in ("委員会", "会議") if kind_m.group(1) == w + "記録"
                     and not MEETING_WORD_RE.search(t[: kind_m.start()].rstrip())), "")
        t = t[: kind_m.start()] + keep + " " + t[kind_m.end():]
        t = re.sub(r"[(（]\s*[)）]", " ", t)  # 「…推進会議(会議録)」 leaves no empty brackets
        kind_m = KIND_RE.search(t)
    t = re.sub(r"\s*(本文|目次|全文)\s*", " ", t).strip()
    matches = list(_NUMBER_RE.finditer(t))
    issue = [m for m in matches if m.group(2) in ("号", "日")]
    chosen = issue[-1] if issue else (matches[0] if matches else None)
    number, unit = None, "回"
    head, tail = t, ""
    if chosen is not None:
        from .japanese import kanji_number

        number, unit = kanji_number(chosen.group(1)), chosen.group(2)
        s, e = chosen.span()
        paren = re.search(r"[(（][^()（）]*$", t[:s])
        close = re.match(r"^[^()（）]*[)）]", t[e:])
        if paren and close:  # 「（第 1日 5月22日）」: the whole bracket is numbering
            s, e = paren.start(), e + close.end()
        head, tail = t[:s].strip(), re.sub(r"^(会合|会議)(?=\s|$)", "", t[e:].strip()).strip()
        tail = tail.strip(" -‐－―—:：・")  # 「(第24回)-議事録」: the dash that joined the kind
    else:
        hash_num = re.search(r"#\s*(\d+)", t)
        if hash_num:
            number = int(hash_num.group(1))
            head, tail = t[: hash_num.start()].strip(), t[hash_num.end():].strip()
    assembly = ASSEMBLY_RE.search(t)
    if assembly:
        body = assembly.group(0)
        rest = re.sub(r"\s+", " ", (head + " " + tail).replace(body, "")).strip()
        return TitleParts(body, rest, number, unit, kind)
    if tail and head and _YEAR_RE.fullmatch(head):
        return TitleParts("", tail, number, unit, kind)  # 「令和3年度第1回…推進会議」: a year is no body
    if tail and head:  # 「中央環境審議会」「第31回」「総会」
        return TitleParts(head, tail, number, unit, kind)
    split = _BODY_MEETING_RE.fullmatch(tail) if tail and not head else None
    if split:  # 「第169回中央社会保険医療協議会総会」: the number first, then the body and its meeting
        return TitleParts(split.group(1), split.group(2), number, unit, kind)
    word = MEETING_WORD_RE.search(head)
    if word and word.start() > 0 and (head[word.start() - 1].isspace() or head[word.start() - 1].isascii() and head[word.start() - 1].isalpha()):  # 「一般社団法人… 運営会議」
        body = head[: word.start()].strip()
        return TitleParts("" if _YEAR_RE.fullmatch(body) else body, word.group(0), number, unit, kind)
    parts = head.split()
    if len(parts) >= 2 and _YEAR_RE.fullmatch(parts[0]):
        parts = parts[1:]  # 「平成29年度 総務委員会」: a year is no body
    if len(parts) >= 2:  # 「…本部 情報セキュリティ政策会議 第14回」
        return TitleParts(" ".join(parts[:-1]), parts[-1], number, unit, kind)
    if len(parts) == 1 and parts[0] != head:
        return TitleParts("", parts[0], number, unit, kind)
    return TitleParts("", head or tail, number, unit, kind)


def assembly_in(text: str) -> str | None:
    """The first assembly the minutes name (e.g. in a signature block: 「高砂市議会議長」)."""
    m = ASSEMBLY_RE.search(nfkc(text))
    return m.group(0) if m else None


def assembly_named_most(text: str) -> str | None:
    """The local assembly a whole text names most, for minutes whose header names none: a Diet house
    quoted in a speech (「衆議院予算委員会において…」) is not the body."""
    from collections import Counter

    counts = Counter(m.group(0) for m in ASSEMBLY_RE.finditer(nfkc(text)) if m.group(0) not in ("衆議院", "参議院"))
    if not counts:
        return None
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1] == 1:
        # two assemblies named once each (「先週、熊本県議会において…」 and 「福岡県議会をめぐる…」 in a
        # 福岡県議会 record): a speech's mention, not the body; the text's own municipality decides
        return None
    return ranked[0][0]  # ties: the first named (a signature's 「高砂市議会議長」)


_NOT_A_PLACE = frozenset({"本", "当", "他", "各", "同", "全", "両", "隣", "近隣", "都道府", "市町", "市区町"})


def assembly_from_parts(text: str) -> str | None:
    """「市議会議長」「第１回臨時市議会」 with one city named throughout (「高砂市」×40) → 「高砂市議会」.

    Only for minutes that say which kind of assembly they record without its
    full name; the municipality must be the one the text names most, by far.
    """
    norm = nfkc(text)
    kind = re.search(r"(市|町|村|区|県|都|道|府)議会", norm)
    if not kind:
        return None
    unit = kind.group(1)
    counts: dict[str, int] = {}
    for m in re.finditer(rf"(?<![一-龥ぁ-んァ-ヶ])([一-龥]{{1,4}}){unit}(?!議会|長|民|議|役所|庁|警|内|外|町村|立|政|税|場|街)", norm):
        if m.group(1) in _NOT_A_PLACE:
            continue  # 「本県」「他市」「各区」「都道府県」: this one, another, each: no name
        counts[m.group(1) + unit] = counts.get(m.group(1) + unit, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    top, n = ranked[0]
    if n >= 5 and (len(ranked) == 1 or n >= 3 * ranked[1][1]):
        return top + "議会"
    return None


def display_name(body: str, name: str, number: int | None, unit: str) -> str:
    parts = [p for p in (body, name) if p]
    if len(parts) == 2 and (parts[0] in parts[1] or parts[1] in parts[0]):
        parts = [max(parts, key=len)]
    label = " ".join(parts)
    if number is not None and f"第{number}{unit}" not in nfkc(label):
        label = f"{label} 第{number}{unit}".strip()
    return label
