"""Speaker labels of verbatim minutes: where a turn starts, and who speaks in what role.

Labels as the minutes print them (matched on NFKC text):

- ``○議長（山田太郎君）``, ``○２２番（山田花子議員）``, ``◯議長（高瀬博文）``: role, then name in brackets
- ``○（山田議長）``: name and role in brackets
- ``○加藤委員長``, ``○山田太郎市長``, ``○米窪國務大臣``: name, then role
- marks ``○ ◯ ◎ ◆ ◇ ●`` and ``〇`` (U+3007, some systems), ``【山田委員】``, ``山田委員：``

The label ends at a full-width space, two spaces or the end of the line; the
speech follows. A name and a role are split only where the label shows where
(brackets, a known role word, a proper-noun surname from the dictionary); a
label that cannot be split is kept whole as the speaker, never guessed apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lines import Line, nfkc, nospace

MARKS = "○◯◎◆◇●〇"
# who presides over a sitting: the chair's title in each kind of body
PRESIDING_ROLES = ("議長", "委員長", "会長", "座長", "部会長")


def chair_title(text: str | None) -> str | None:
    """The chair's title a role or a question names, longest first (「部会長」, not its 「会長」); None if none."""
    found = [t for t in sorted(PRESIDING_ROLES, key=len, reverse=True) if t in (text or "")]
    return found[0] if found else None


def presides(role: str | None) -> bool:
    """「議長」「委員長」「部会長」 (not a 副議長 standing in, whose remarks are rarer and said as such)."""
    return bool(role) and any(p in role for p in PRESIDING_ROLES) and not role.startswith("副")


# Role words, longest first so 「副委員長」 wins over 「委員長」.
ROLE_WORDS = tuple(sorted({
    "委員長", "副委員長", "委員", "分科員", "関係官", "議長", "副議長", "仮議長", "臨時議長", "仮委員長", "議員",
    "内閣総理大臣", "国務大臣", "國務大臣", "大臣", "副大臣", "大臣政務官", "政務官", "政府委員", "政府参考人",
    "参考人", "公述人", "証人", "説明員", "総理", "長官", "次官", "審議官", "統括官", "事務総長", "総裁", "副総裁",
    "知事", "副知事", "市長", "副市長", "町長", "副町長", "村長", "副村長", "区長", "副区長", "教育長", "管理者",
    "局長", "部長", "次長", "課長", "室長", "所長", "参事", "主幹", "主査", "理事", "監事", "幹事", "会長", "副会長",
    "部会長", "分科会長", "座長", "副座長", "事務局長", "事務局", "事務局次長", "監査委員", "代表監査委員", "構成員",
    "専門委員", "臨時委員", "特別委員", "顧問", "議員", "会計管理者", "消防長", "病院長", "院長", "署長", "事務官", "書記", "課長補佐", "室長補佐", "係長", "主事", "主任",
    "委員長代理", "会長代理", "部会長代理", "教授", "准教授", "参事官", "政策統括官", "理事長",
    "管理官", "企画官", "調整官", "専門官", "補佐官", "政策監", "技監", "局長心得", "課長心得", "部長心得", "次長補佐", "局長補佐", "部長補佐",
}, key=len, reverse=True))
HONORIFICS = ("君", "議員", "さん", "氏", "委員")  # after a name in brackets: 「（山田太郎君）」
# Headings that look like labels but open a header block or agenda: 「〇出席議員（１９名）」
HEADER_WORDS = ("議事日程", "日程", "出席", "欠席", "説明", "事務局職員", "会議に付した", "本日の会議", "付議事件",
                "会議録署名", "署名", "開会", "閉会", "散会", "開議", "議題", "案件", "名簿", "職氏名", "列席")

# the kind of a turn some prefectures' records print before the speaker: 「質疑」「答弁」「要望・質疑」
_TURN_KIND_RE = re.compile(r"(?:(?:質疑|答弁|要望|意見|質問|再質問|再質疑|関連質疑|討論|答)[・]?)+(?=[(（]|[^\s・(（]{2})")
_BRACKET_LABEL = re.compile(r"^(?P<role>[^()\s]{1,20}?)\s*\((?P<name>[^()]{1,20})\)$")
_NAME_ROLE_IN_BRACKETS = re.compile(r"^\((?P<inner>[^()]{2,20})\)$")


@dataclass(frozen=True)
class Label:
    start: int  # the mark (or bracket) at the start of the line
    end: int  # end of the label text
    speech_start: int  # where the words spoken begin (same line after the gap, or the next line)
    text: str  # the label as printed, with its mark: 「○議長（今竹大祐君）」
    speaker: str | None
    role: str | None


def parse_label_line(line: Line) -> Label | None:
    """The speaker label that starts ``line``, if it starts with one."""
    raw = line.text
    norm = line.norm
    if len(norm) != len(raw):  # NFKC changed lengths (rare ligatures): offsets would drift
        return None
    if raw[0] in MARKS:
        found = _label_end(raw, 1)
        label = _label_at(line, 1, found, found, found)
        if label is None and " " in raw[1:found]:
            # a text that went through NFKC (a copy, a scraper) has one ASCII space where the
            # minutes printed a full-width one: 「○野村委員長 ただいまから…」
            end = _label_end(raw, 1, ascii_space=True)
            label = _label_at(line, 1, end, end, end)
        if label is None:
            # 「○塩田　委員長　　改めまして…」 (a vendor's page): the name, one full-width space, the role, then
            # the gap before the words spoken
            spaced = re.match(r"[^\s()（）]{1,8}\u3000(?P<role>[^\s()（）]{1,12})(?=[\u3000\t]|  |$)", raw[1:])
            if spaced and nfkc(spaced.group("role")).endswith(ROLE_WORDS):
                end = 1 + spaced.end()
                label = _label_at(line, 1, end, end, end)
        return label
    if raw[0] in "(（":
        # 「(委員)男女共同参画推進会議設置規程によりますと、…」「（事務局）令和3年4月1日に…」: a bracketed
        # role (or name and role) opening a line that goes on with the words spoken
        close = re.match(r"[(（]([^()（）\s]{2,12})[)）]", raw)
        if not close or close.end() >= len(raw) or raw[close.end()] in " \u3000" or nfkc(close.group(1)).isdigit():
            return None
        if _roster_line(raw[close.end():]) or not re.search(r"[。？?！!]", raw[close.end():]):
            return None  # 「(委員)野路國夫委員長、樫谷隆夫委員長代理、…」「(事務局等)栗原管理官他」: no words spoken
        return _label_at(line, 1, close.end() - 1, close.end(), close.end())
    if raw[0] == "【":
        close = raw.find("】")
        return _label_at(line, 1, close, close + 1, close + 1) if close >= 2 else None
    bare = re.match(r"([^\s:：、。「」()（）]{1,12}[（(][^()（）]{1,12}君[)）])(?=[ \u3000])", raw)
    if bare:  # 「議長(細川運一君) おはようございます。」: no mark, but the bracketed 君 says who speaks
        rest = raw[bare.end():]
        if re.search(r"[。？?]", rest) and not re.search(r"君[)）]", rest):
            return _label_at(line, 0, bare.end(1), bare.end(1), bare.end(1))
        return None
    closed = re.match(r"([^\s:：、。「」()（）]{2,20})[)）](?=\S)", raw)
    if closed:  # 「山本委員長)ただ今から,…」「財務部長)計画通りに…」: the label closed by a bracket alone
        rest = raw[closed.end():]
        if re.search(r"[。？?！!]", rest) and not _roster_line(rest):
            return _label_at(line, 0, closed.end(1), closed.end(), closed.end())
        return None
    if raw[0] in "・•*-":
        return None  # 「・委員長：代表者会議で協議の結果…」: a summary's item that names who said it (rag.layouts.generic)
    m = re.match(r"([^\s:：、。「」()（）]{2,16})[:：]", raw)
    if not m:
        return None
    if _roster_line(raw[m.end():]):
        return None  # 「委員:奥村隆一、関谷昇、…(14名)」 is a roster line, not a turn
    return _label_at(line, 0, m.end(1), m.end(1), m.end(1) + 1)


def _roster_line(rest: str) -> bool:
    """What follows a label is a list of names, not words spoken: no sentence end, three or more
    items between commas."""
    return "。" not in rest and len(re.split(r"[、，,]", rest)) >= 3


def _label_at(line: Line, body_start: int, label_end: int, close: int, speech_from: int) -> Label | None:
    """The label whose text is ``line.text[body_start:label_end]`` (printed up to ``close``, the
    words spoken from ``speech_from`` on, after any spaces or colon), if it names a speaker."""
    raw = line.text
    inner = raw[body_start:label_end].strip()
    note = re.search(r"[〔\[［][^〕\]］]{1,12}[〕\]］]$|(?<=[)）])\s*(?:登壇|降壇)$", inner)  # 「◯町長（小野信次）〔登壇〕」「◯市長（高島宗一郎）登壇」
    if note:
        inner = inner[: note.start()].strip()
    if not inner or len(inner) > 24 or re.search(r"[、。「」，]", inner):
        return None
    who = split_label(inner)
    if who is None:
        return None
    speech_start = speech_from
    while speech_start < len(raw) and raw[speech_start] in " \u3000\t:：":
        speech_start += 1
    return Label(line.start, line.start + close, line.start + speech_start, raw[:close], *who)


def _label_end(raw: str, pos: int, ascii_space: bool = False) -> int:
    """End of a mark label: the first full-width space, tab or double space outside brackets
    (「○保健福祉部長（堀田　昇）　…」 keeps the name's own space), or the line's end; with
    ``ascii_space``, also a single ASCII space."""
    depth = 0
    for i in range(pos, len(raw)):
        ch = raw[i]
        if ch in "（(〔[":
            depth += 1
        elif ch in "）)〕]":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in "\u3000\t" or raw.startswith("  ", i) or (ascii_space and ch == " ")):
            return i
    return len(raw)


_SAME_SURNAME = re.compile(r"(?P<who>(?P<surname>[一-龥々ヶ]{1,4})[(（](?P<initial>[一-龥々ぁ-んァ-ヶ]{1,3})[)）])(?P<role>[一-龥]{1,8})?$")


def shared_surname(name: str) -> tuple[str, str] | None:
    """(surname, the given name's first character) of the Diet's 「福田（昭）」, else None."""
    m = _SAME_SURNAME.fullmatch(nfkc(name).strip())
    return (m.group("surname"), m.group("initial")) if m and not m.group("role") else None


def split_label(inner: str) -> tuple[str | None, str | None] | None:
    """(speaker, role) of a label's text without its mark, or None if it is not a speaker label.

    Matching runs on the NFKC form; the returned strings are slices of ``inner``
    as printed (full-width digits and spaces kept: 「１０番」「月嶹　真」).
    """
    raw = inner.strip()
    norm = nfkc(raw)
    if len(norm) != len(raw):
        return None
    kind = _TURN_KIND_RE.match(norm)
    if kind and kind.end() < len(norm):
        # 「◯質疑佐藤委員」「◯答弁(水道課長)」「◯要望・質疑(宮委員)」: the kind of turn, then who speaks
        raw, norm = raw[kind.end():], norm[kind.end():]
    if any(w in norm for w in HEADER_WORDS):
        role = next((r for r in ROLE_WORDS + ("君",) if norm.endswith(r)), None)
        if role is None or norm[: -len(role)].strip() in HEADER_WORDS:
            return None  # 「○ 会議録署名議員」 over the names that sign: a header field, no one speaking
    if re.search(r"\d+\s*(?:名|人)\)?$", norm):  # 「出席議員（１９名）」
        return None
    m = _SAME_SURNAME.match(norm)
    if m and m.group("role") and m.group("role") in ROLE_WORDS:
        # 「○福田（昭）分科員」「○佐藤（英）委員」: the Diet's way of telling members of one surname apart
        return raw[: m.end("who")], raw[m.start("role"):]
    m = _BRACKET_LABEL.match(norm)
    if m and re.search(r"(?:担当|関係)$", m.group("name")):
        # 「伊奈川参事官（社会保障担当）」: the bracket is the title's remit, not a name
        who = _split_name_role(raw[: m.start("name") - 1].strip())
        if who is None or who[1] is None:
            return None
        return who[0], who[1] + raw[m.start("name") - 1 :].strip()
    if m:  # 議長（山田太郎君） / 22番（山田花子議員）
        name = _strip_honorific(raw[m.start("name"):m.end("name")].strip())
        if not name:
            return None
        return name, raw[m.start("role"):m.end("role")].strip()
    m = _NAME_ROLE_IN_BRACKETS.match(norm)
    if m and m.group("inner").endswith("君") and len(m.group("inner")) >= 3:
        # 「◆（白井正子君）」: a member named in brackets, no role printed
        name = _strip_honorific(raw[m.start("inner"):m.end("inner")].strip())
        return (name, None) if name and not name.endswith(ROLE_WORDS) else _split_name_role(raw[m.start("inner"):m.end("inner")])
    if m:  # （山田議長）
        return _split_name_role(raw[m.start("inner"):m.end("inner")])
    if "(" in norm or ")" in norm:
        return None
    if norm.endswith("君") and len(norm) > 1:
        return raw[:-1].strip(), None
    return _split_name_role(raw) or _surname_and_office(raw)


# how an office's title ends when no list here names it (「関係官」「主任調査員」「危機管理監」「会計管理者」)
OFFICE_SUFFIXES = ("官", "長", "員", "監", "役", "士", "者")


def _surname_and_office(label: str) -> tuple[str, str] | None:
    """A title no list here knows, after a surname the dictionary knows (「松井関係官」「坂本主任調査員」):
    the surname, then an office of common nouns ending as offices do (官, 長, 員…); else None."""
    compact = nospace(label)
    surname = leading_proper_noun(compact)
    if not surname or len(surname) > 4:
        return None
    office = compact[len(surname):]
    if 2 <= len(office) <= 10 and office.endswith(OFFICE_SUFFIXES) and remit_only(office):
        return surname, office
    return None


def _strip_honorific(name: str) -> str:
    for h in ("君", "議員", "さん", "氏", "くん"):
        if name.endswith(h) and len(name) > len(h):
            return name[: -len(h)].strip()
    return name


def _split_name_role(label: str) -> tuple[str | None, str | None] | None:
    """「加藤委員長」→(加藤, 委員長); 「福島総務課長」→(福島, 総務課長); 「委員長」→(None, 委員長).

    A label with no role word at its end is not taken as a speaker label: a bare
    「○山田」 is too often a bullet or heading to be trusted as a turn.
    """
    compact = nospace(label)
    norm = nfkc(compact)
    role_word = next((w for w in ROLE_WORDS if norm.endswith(w)), None)
    if role_word is None:
        return None
    if norm == role_word:
        return None, compact
    cut = len(compact) - len(role_word)
    if role_word.endswith(OFFICE_ENDINGS) and not role_word.endswith(MEMBER_ROLES) and remit_only(compact[:cut]):
        # 「水道課長」「道路企画課長」「都市技術審議官」: the words before an office's title name the office
        # (Sino-Japanese common nouns throughout, as no surname the dictionary knows is)
        return None, compact
    end = name_end(compact[:cut])
    if end == cut and role_word.endswith(OFFICE_ENDINGS) and not role_word.endswith(MEMBER_ROLES):
        # a surname the dictionary does not know before an office's remit of common nouns
        # (「末松生活安全部長」 → 末松 / 生活安全部長; a member's 「高橋伸子委員」 is not split so)
        end = next((n for n in (2, 3) if cut - n >= 2 and remit_only(compact[n:cut])), end)
    return compact[:end], compact[end:]


# titles of an office, which the office's remit precedes (「水道課長」); members' titles are not
OFFICE_ENDINGS = ("課長", "部長", "局長", "室長", "次長", "所長", "署長", "審議官", "参事官", "統括官", "管理官", "企画官",
                  "調整官", "専門官", "課長補佐", "室長補佐", "係長", "主幹", "主査", "参事", "政策監", "技監")
MEMBER_ROLES = ("委員長", "議長", "会長", "部会長", "座長", "理事長")


def name_end(before_title: str) -> int:
    """Where the name ends in the words before a title word (「福島総務」 → 2: 福島 / 総務課長), by the
    dictionary's surname; a single character left between surname and title ends the name
    (「伊奈川参事官」「塚谷重市委員」: no title starts with 川 or 市), and with no surname known the
    name is all of it."""
    surname = leading_proper_noun(before_title)
    if not surname:
        return len(before_title)
    if len(before_title) - len(surname) == 1 and before_title[len(surname)] not in "副次総主代元前新":
        return len(before_title)
    return len(surname)


@lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(surface, unidic features) of each token of ``text``, by the BM25 index's MeCab tagger."""
    from ..lexical import _tagger, _tagger_lock  # the tagger is loaded once per process

    tagger = _tagger()  # takes the lock itself on first use: call it outside
    with _tagger_lock:
        return tuple((w.surface, tuple(w.feature)) for w in tagger(text))


@lru_cache(maxsize=4096)
def leading_proper_noun(text: str) -> str | None:
    """The leading run of proper-noun tokens (人名/地名: surnames are often place names)."""
    out = ""
    for surface, feature in _tagged(text):  # unidic features: pos1, pos2, pos3, …
        if len(feature) > 2 and feature[1] == "固有名詞" and feature[2] in ("人名", "地名"):
            out += surface
        else:
            break
    return out if out and out != text else None


@lru_cache(maxsize=4096)
def remit_only(text: str) -> bool:
    """``text`` is made only of Sino-Japanese (or loan) common nouns, as an office's remit is
    (医療, 保険医療企画調査, デジタル推進): no part of it can be a surname, which the dictionary
    tags as a proper noun or reads in native Japanese (林, 関, 外口)."""
    if len(text) < 2:
        return False
    words = [feature for _, feature in _tagged(text)]
    return bool(words) and all(
        len(f) > 12 and (f[0] == "名詞" and f[1] == "普通名詞" or f[0] in ("接尾辞", "接頭辞")) and f[12] in ("漢", "外")
        for f in words)


def find_labels(lines: list[Line | None]) -> list[Label]:
    """Every speaker label at a line start, in order. Minutes with no marked labels may print each
    speaker unmarked, on a line of their own over the speech (「橘田部会長」, 「• 小野分科会長」: read
    when two or more, most naming a person — titles alone such as 「委員」「事務局」 head a summary's
    sections) or before it after a space (「石田委員長 それでは…」: read when three or more)."""
    found = [label for line in lines if line is not None and (label := parse_label_line(line)) is not None]
    if len(found) >= 2:
        return found
    fallbacks = ((own_line_labels, lambda bare: len(bare) >= 2 and 2 * sum(1 for b in bare if b.speaker) >= len(bare)),
                 (unmarked_inline_labels, lambda bare: len(bare) >= 3))
    for read, enough in fallbacks:
        bare = read(lines)
        if enough(bare):
            return sorted(found + [b for b in bare if all(b.start != f.start for f in found)], key=lambda b: b.start)
    return found


def unmarked_inline_labels(lines: list[Line | None]) -> list[Label]:
    """Unmarked labels before the speech on the same line, a space between (「石田委員長 それでは本日の…」,
    as copies of minutes that lost their marks print them): a surname and a title, then words with a
    sentence end. Read only in documents with no marked labels and three or more of these."""
    labels = []
    for line in lines:
        if line is None:
            continue
        m = re.match(r"([一-龥々ぁ-んァ-ヶー][^\s、。「」,，:：()（）【】]{1,11})[ \u3000]+(?=\S)", line.text)  # no bullet or mark
        if not m or len(nfkc(m.group(1))) != len(m.group(1)) or not re.search(r"[。？?！!]", line.text[m.end():]):
            continue
        who = split_label(m.group(1))
        if who is None or who[0] is None or who[1] is None:
            continue  # a person with a title: 「事務局 説明した。」 heads nothing
        labels.append(Label(line.start, line.start + m.end(1), line.start + m.end(), m.group(1), *who))
    return labels


_BULLET_RE = re.compile(r"^[•・\-*]\s*")
# a title, then the name in brackets with its honorific, alone on a line: the label of the speech below it
_OWN_LINE_BRACKETED = re.compile(r"[^\s()（）、。]{1,15}\s*[(（][^()（）、。]{1,15}?\s*(?:君|議員|さん|氏)\s*[)）]")


def own_line_labels(lines: list[Line | None]) -> list[Label]:
    """Unmarked labels alone on their line: a name with a title (or a title alone) and nothing else,
    or a title with the name in brackets (「町長（河田 誠一 君）」, its letter spaces dropped), whose
    turn (up to the next such line) holds a sentence — a roster printed one person a line does not,
    nor does a heading."""
    spots = []
    for i, line in enumerate(lines):
        if line is None or len(line.norm) != len(line.text):
            continue
        bullet = _BULLET_RE.match(line.text)
        inner = line.text[bullet.end() if bullet else 0:]
        if _OWN_LINE_BRACKETED.fullmatch(inner.strip()):  # 「議長(千葉 久 君)」「町民課長（鈴木 充 君）」 (豊富町議会)
            who = split_label(inner.strip())
            if who is not None and who[0] is not None:
                spots.append((i, line, ("".join(who[0].split()), who[1])))
            continue
        if not 2 <= len(inner) <= 20 or re.search(r"[、。「」,，:：()（）【】]", inner):
            continue
        spaced = re.search(r"\s+", inner)
        if spaced and (re.search(r"\s", inner[spaced.end():]) or not nfkc(inner[spaced.end():]).endswith(ROLE_WORDS)):
            continue  # one space only, before the title: 「柴田智恵美 委員」
        who = split_label(inner)
        if who is None or who[1] is None:
            continue
        spots.append((i, line, who))
    labels = []
    for n, (i, line, who) in enumerate(spots):
        upto = spots[n + 1][0] if n + 1 < len(spots) else min(len(lines), i + 200)
        speech = [ln.norm for ln in lines[i + 1 : upto] if ln is not None]
        if not speech or not re.search(r"[。？?！!]", " ".join(speech)):
            continue
        labels.append(Label(line.start, line.end, line.end, line.text, *who))
    return labels
