"""Japanese dates, times and numerals as minutes write them.

Dates come in 西暦 and 和暦, with ASCII, full-width or kanji numerals
(「令和五年十月二十日」「昭和二十二年七月二十八日」「令和 5年 5月22日」). Matching
runs on the NFKC form of a line; callers map the match back to the original
line only when NFKC kept its length (see ``LineSpan``).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

WAREKI = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"[0-9〇零一二三四五六七八九十百千]+"

_YEAR = rf"(?:(明治|大正|昭和|平成|令和)\s*(元|{NUM})|([0-9]{{4}}))\s*年"
_WEEKDAY = r"\s*[\(（]\s*[月火水木金土日](?:曜日?)?\s*[\)）]"  # 「（金曜日）」「(水)」
DATE_RE = re.compile(
    _YEAR
    # the other calendar's year in brackets: 「令和7年(2025年)1月24日」「2025年（令和7年）1月24日」
    + rf"(?:\s*[\(（]\s*(?:[0-9]{{4}}|(?:明治|大正|昭和|平成|令和)\s*(?:元|{NUM}))\s*年?\s*[\)）])?"
    + rf"\s*({NUM})\s*月\s*({NUM})\s*日"
    + rf"(?:{_WEEKDAY})?"
)
ISO_DATE_RE = re.compile(r"(?<![0-9])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])")
_CLOCK = rf"(?:(?:午前|午後)\s*)?{NUM}\s*(?:時|:)\s*(?:{NUM}\s*分?|半)?"
TIME_RANGE_RE = re.compile(rf"{_CLOCK}\s*(?:[~〜～\-–－]|から)\s*{_CLOCK}")
# 「自　午後１時３０分」 over 「至　午後２時３７分」 (a ministry 議事録's 日時): from and to, maybe on two lines
FROM_TO_RE = re.compile(rf"自\s*({_CLOCK})\s*至\s*({_CLOCK})")
# a start time alone after the date, as a 日時 field may give it: 「平成30年7月26日(木)10時00分」「…14:00から」
START_TIME_RE = re.compile(rf"\s*({_CLOCK})\s*(?:から|~|〜|～|開始)?\s*")
# where a sitting ends: 「午後１時４８分散会」「（午後４時３７分　閉会）」「散会（午後３時２５分）」「午後五時二十分延会」
CLOSING_RE = re.compile(rf"{_CLOCK}\s*(?:散会|閉会|延会|閉議)|(?:散会|閉会|延会)\s*[\(（]?\s*{_CLOCK}\s*[\)）]?")
TIME_EVENT_RE = re.compile(
    rf"(?:(?:午前|午後)\s*)?{NUM}\s*時\s*(?:{NUM}\s*分|半)?\s*(開会|開議|再開|散会|閉会|休憩|延会)"
    rf"|(?:開会|開議)\s*\(?\s*(?:(?:午前|午後)\s*)?{NUM}\s*時\s*(?:{NUM}\s*分)?\s*\)?")  # 「開会（午前１０時００分）」「開会 午前 9時37分」「開会 10時25分」


# 旧字体 → 新字体 for matching only (never in stored text): pre-1950 minutes write 勞働省,
# 國務大臣, 米窪滿亮; questions are typed in today's forms.
_OLD = "勞國滿會學實變當舊號體廣應歸氣經縣權顯驗證聽廳總鐵轉傳黨對團臺圖數與擧譯藝賣讀辯辨瓣豐萬兩亞惡壓圍爲醫營榮衞驛圓鹽價畫擴覺樂勸卷歡觀關陷顏龜僞戲犧據峽狹曉區驅勳徑惠溪繼莖螢輕鷄缺儉劍圈檢獻險嚴效恆鑛濟碎齋劑雜參慘棧蠶贊殘絲齒兒辭濕舍寫釋壽收從澁獸縱肅處緖敍將燒稱乘剩壤孃條淨疊讓釀觸寢愼眞盡粹醉隨髓樞聲靜齊攝竊專戰淺潛纖錢禪雙壯爭莊搜插巢裝騷增藏臟卽屬續墮帶滯瀧擇澤單擔膽彈斷癡遲晝蟲鑄徵敕鎭遞點盜燈鬭德獨屆繩貳腦霸廢拜麥發髮拔蠻祕濱甁拂佛竝邊舖穗寶襃沒飜默彌藥豫餘譽搖樣謠來亂覽龍獵綠壘淚勵禮隸靈齡戀爐樓錄灣"
_NEW = "労国満会学実変当旧号体広応帰気経県権顕験証聴庁総鉄転伝党対団台図数与挙訳芸売読弁弁弁豊万両亜悪圧囲為医営栄衛駅円塩価画拡覚楽勧巻歓観関陥顔亀偽戯犠拠峡狭暁区駆勲径恵渓継茎蛍軽鶏欠倹剣圏検献険厳効恒鉱済砕斎剤雑参惨桟蚕賛残糸歯児辞湿舎写釈寿収従渋獣縦粛処緒叙将焼称乗剰壌嬢条浄畳譲醸触寝慎真尽粋酔随髄枢声静斉摂窃専戦浅潜繊銭禅双壮争荘捜挿巣装騒増蔵臓即属続堕帯滞滝択沢単担胆弾断痴遅昼虫鋳徴勅鎮逓点盗灯闘徳独届縄弐脳覇廃拝麦発髪抜蛮秘浜瓶払仏並辺舗穂宝褒没翻黙弥薬予余誉揺様謡来乱覧竜猟緑塁涙励礼隷霊齢恋炉楼録湾"
KYUJITAI = str.maketrans(_OLD, _NEW)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def modern_forms(text: str) -> str:
    """Old kanji forms replaced by today's (勞働→労働), for matching."""
    return text.translate(KYUJITAI)


def kanji_number(token: str) -> int | None:
    """「二十二」→22, 「十」→10, 「一〇」→10, 「２２」→22 (after NFKC). None if not a number."""
    token = nfkc(token).strip()
    if token.isdigit():
        return int(token)
    if token == "元":
        return 1
    if not token or any(ch not in _KANJI_DIGITS and ch not in _KANJI_UNITS for ch in token):
        return None
    if not any(ch in _KANJI_UNITS for ch in token):  # positional: 「一〇」
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in token))
    total, current = 0, 0
    for ch in token:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return total + current


def date_from_match(m: re.Match[str]) -> str | None:
    """ISO date of a ``DATE_RE`` match, or None when it is not a calendar date."""
    era, era_year, year, month, day = m.groups()
    if era:
        n = kanji_number(era_year)
        if n is None:
            return None
        y = WAREKI[era] + n
    else:
        y = int(year)
    mo, d = kanji_number(month), kanji_number(day)
    if mo is None or d is None:
        return None
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def dates_in(text: str) -> set[str]:
    """Every calendar date ``text`` states (``DATE_RE`` over the text as given: callers pass it
    normalised, as ``lexical.normalize`` writes it), as ISO dates."""
    return {iso for m in DATE_RE.finditer(text) if (iso := date_from_match(m))}


def find_date(line: str) -> tuple[str, int, int] | None:
    """The first calendar date in ``line`` (NFKC-matched): (iso, start, end) in NFKC offsets."""
    norm = nfkc(line)
    for m in DATE_RE.finditer(norm):
        iso = date_from_match(m)
        if iso:
            return iso, m.start(), m.end()
    m = ISO_DATE_RE.search(norm)
    if m:
        try:
            iso = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            return iso, m.start(), m.end()
        except ValueError:
            return None
    return None


YEAR_RE = re.compile(_YEAR + r"(?!\s*度)")  # 「令和７年度」 is a fiscal year
MONTH_DAY_RE = re.compile(rf"(?<![0-9年])({NUM})\s*月\s*({NUM})\s*日(?:{_WEEKDAY})")  # the weekday required


def date_from_parts(year_line: str, day_line: str) -> tuple[str, int, int] | None:
    """A date printed in two parts: the year on one line (a title's 「令和８年第１回…会議録」, or
    「令 和 ８ 年」 alone) and the month and day with the weekday on another (「１月３０日（金曜日）」).
    (iso, start, end) of the month and day in ``day_line`` (NFKC offsets)."""
    year = YEAR_RE.search(unspaced(nfkc(year_line)))
    day = MONTH_DAY_RE.search(nfkc(day_line))
    if not year or not day:
        return None
    found = find_date(f"{year.group(0)}{day.group(1)}月{day.group(2)}日")
    return (found[0], day.start(), day.end()) if found else None


def unspaced(norm: str) -> str:
    """A letter-spaced line (「午　後　一　時　三　分　開　会」, as some assemblies print the clock lines)
    without its spaces; any other line as it is."""
    return re.sub(r"\s+", "", norm) if re.fullmatch(r"\s*(?:\S\s+){3,}\S\s*", norm) else norm


def find_time(line: str) -> str | None:
    """A time range (「17:20~18:20」「午後１時３０分～午後３時」) or an 開会/開議 time, as written
    (whitespace removed)."""
    norm = unspaced(nfkc(line))
    m = TIME_RANGE_RE.search(norm) or TIME_EVENT_RE.search(norm)
    return re.sub(r"\s+", "", m.group(0)) if m else None


def meeting_number(text: str) -> tuple[int, str] | None:
    """「第14回」→(14, "回"), 「第９号」→(9, "号"), 「第一日」→(1, "日")."""
    m = re.search(rf"第\s*({NUM})\s*(回|号|日)", nfkc(text))
    if not m:
        return None
    n = kanji_number(m.group(1))
    return (n, m.group(2)) if n is not None else None
