"""Briefings (rag/briefing.py): a meeting memo and topic memos of the shipped minutes, in md, docx, pdf and json.

Every test checks what a reader relies on: the facts in the header, that every
excerpt is a verbatim, cited span of the stored source text, that an absent
topic cites nothing, that the limits limit, that the one-page memo is one A4
page, and that the files say who wrote them, when, and on which page one is.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conftest import SEED_NAME

AGENDA = (
    "情報セキュリティ政策の概要について",
    "「セキュア・ジャパン2007」の進捗状況(上半期)について",
    "平成20年度情報セキュリティ関連予算要求について",
    "情報セキュリティ政策・2007年度の評価等に向けた「作業方針」の策定について",
    "政府機関対策に関する2007年度下半期の主な取り組みについて",
    "平成19年度情報セキュリティの日について",
    "「我が国の情報セキュリティ分野における国際協調・貢献に向けた取り組み」について",
)
PROXIES = {  # member -> the proxy line the memo shows
    "増田 寛也": "増田 寛也 総務大臣（代理出席：岡本 芳郎 総務大臣政務官）",
    "甘利 明": "甘利 明 経済産業大臣（代理出席：新藤 義孝 経済産業副大臣）",
    "石破 茂": "石破 茂 防衛大臣（代理出席：寺田 稔 防衛大臣政務官）",
    "高村 正彦": "高村 正彦 外務大臣（代理出席：小池 正勝 外務大臣政務官）",
}
ORGS = ("警察", "経済産業省", "総務省", "外務省", "防衛省")
DECISION = "「我が国の情報セキュリティ分野における国際協調・貢献に向けた取組み」について、政策会議決定された。"
CITE = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def bf():
    from rag import briefing

    return briefing


@pytest.fixture(scope="module")
def meeting_brief(assistant, bf):
    return bf.build_meeting_briefing(assistant.index, SEED_NAME)


@pytest.fixture(scope="module")
def meeting_md(meeting_brief, bf):
    return bf.render_markdown(meeting_brief)


@pytest.fixture(scope="module")
def stored_text(assistant, seed_meeting):
    return assistant.index.records.text(seed_meeting.meeting_id)


def _section(md: str, heading: str) -> str:
    """The Markdown from ``## heading`` up to the next ``## ``."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert m, f"no section {heading!r}"
    return m.group(1)


def _check_verbatim(b, texts: dict[str, str]) -> None:
    """Every source slices back to its text, and every point is exactly its source's text."""
    assert [s.n for s in b.sources] == list(range(1, len(b.sources) + 1))
    for s in b.sources:
        assert texts[s.meeting_id][s.start : s.end] == s.text, s
    for p in b.points():
        src = b.sources[p.cite - 1]
        assert (src.start, src.end, src.text) == (p.start, p.end, p.text)
        assert texts[p.meeting_id][p.start : p.end] == p.text


# ------------------------------------------------------------------ meeting briefing


def test_meeting_header_date_place_and_proxies(meeting_brief, meeting_md):
    m = meeting_brief.meetings[0]
    assert (m.date, m.date_japanese, m.place, m.time) == ("2007-10-03", "平成19年10月3日(水)", "総理大臣官邸大会議室", "17:20~18:20")
    overview = _section(meeting_md, "会議概要")
    assert "2007-10-03（平成19年10月3日(水)）" in overview and "総理大臣官邸大会議室" in overview
    assert "情報セキュリティ政策会議 第14回会合" in meeting_md.splitlines()[0]
    for line in PROXIES.values():
        assert line in overview
    # a proxy is shown with the member they stand in for, never as a member of their own
    displays = [a.display for a in m.attendees]
    assert not any(d.startswith(("岡本 芳郎", "新藤 義孝", "寺田 稔", "小池 正勝")) for d in displays)
    assert len(displays) == 12 + 5 and "町村 信孝 内閣官房長官" in displays
    assert "（上記のほか出席）二橋 正弘 内閣官房副長官(事務)" in overview


def test_meeting_agenda_decision_and_organisations(meeting_brief, meeting_md):
    agenda = _section(meeting_md, "議題")
    for n, title in enumerate(AGENDA, start=1):
        assert f"({n}) {title}" in agenda
    assert [a.title for a in meeting_brief.meetings[0].agenda] == list(AGENDA)
    assert [d.text for d in meeting_brief.decisions] == [DECISION]
    assert DECISION in _section(meeting_md, "要旨") and "## 決定事項" not in meeting_md  # 決定事項 first, once
    by_org = {o.organisation: o.points for o in meeting_brief.organisations}
    for org in ORGS:
        assert by_org.get(org), f"no point for {org}"
        assert f"### {org}" in _section(meeting_md, "各府省の発言")
    assert "デジタルフォレンジックの" in " ".join(p.text for p in by_org["警察"])  # the statement across a page break
    assert any(p.text.startswith("防衛省としては") for p in by_org["防衛省"])


def test_main_points_are_grouped_by_theme_and_not_repeated(meeting_brief, bf, seed_meeting):
    themes = meeting_brief.themes
    points = [p for t in themes for p in t.points]
    assert 3 <= len(themes) and len(points) == bf.DEFAULT_MEETING_POINTS
    order = [name for name, _ in bf.THEMES] + [bf.OTHER_THEME]
    assert [order.index(t.name) for t in themes] == sorted(order.index(t.name) for t in themes)
    remarks = {r.number: r for r in seed_meeting.remarks}
    for t in themes:  # the theme of the whole remark, not of the excerpt shown
        assert all(p.theme == t.name == bf.theme_of(remarks[p.remark_no].text) for p in t.points)
    # organisation statements have their own section: main points are the other remarks, each once
    assert all(p.organisation is None for p in points)
    numbers = [p.remark_no for p in points]
    assert len(set(numbers)) == len(numbers)
    # the substantive proposals lead: 人材 (発言17) and 基本法 (発言11) are among the points
    assert {11, 17} <= set(numbers)


def test_every_point_is_cited_and_verbatim(meeting_brief, meeting_md, stored_text, seed_text, seed_meeting):
    texts = {seed_meeting.meeting_id: stored_text}
    _check_verbatim(meeting_brief, texts)
    assert stored_text == seed_text  # the stored text is the shipped file's text
    for s in meeting_brief.sources:
        assert seed_text[s.start : s.end] == s.text
    # trimmed excerpts are whole sentences of their remark
    remarks = {r.number: r for r in seed_meeting.remarks}
    for p in meeting_brief.points():
        if p.remark_no is not None:
            r = remarks[p.remark_no]
            assert r.start <= p.start < p.end <= r.end
            assert p.text.endswith(("。", "」")) or p.end == r.end
    # no uncited line: every excerpt bullet carries its [n], and [n] points at a listed source
    body = meeting_md.split("\n## 出典\n")[0]
    for heading in ("要旨", "主な論点", "各府省の発言"):
        bullets = [line for line in _section(meeting_md, heading).splitlines() if line.startswith("- ")]
        assert bullets and all(re.search(r"」 \[\d+\]$", line) for line in bullets), heading
    cited = {int(n) for n in CITE.findall(body)}
    assert cited == {s.n for s in meeting_brief.sources}  # nothing uncited, no orphan source
    sources = _section(meeting_md, "出典").strip().splitlines()
    assert len(sources) == len(meeting_brief.sources)
    assert sources[0].endswith(f"{SEED_NAME} [5080:5129]")  # the decision's offsets: 要旨 comes first


def test_meeting_by_id_or_path_gives_the_same_memo(assistant, bf, meeting_brief, seed_meeting):
    from conftest import SEED

    by_id = bf.build_meeting_briefing(assistant.index, seed_meeting.meeting_id)
    by_path = bf.build_meeting_briefing(assistant.index, str(SEED))

    def content(b) -> dict:
        return {k: v for k, v in json.loads(bf.render_json(b)).items() if k != "created"}

    assert content(by_id) == content(meeting_brief) == content(by_path)


def test_unknown_meeting_is_a_clear_error(assistant, bf):
    from rag.errors import InputError

    with pytest.raises(InputError, match="no such meeting"):
        bf.build_meeting_briefing(assistant.index, "no-such-minutes.txt")


# ------------------------------------------------------------------ length control


def test_max_points_limits_the_main_points(assistant, bf, stored_text, seed_meeting):
    b = bf.build_meeting_briefing(assistant.index, SEED_NAME, bf.BriefingOptions(max_points=2))
    assert sum(len(t.points) for t in b.themes) == 2
    assert b.omitted > 0 and "件の抜粋を省略した" in bf.render_markdown(b)
    assert {o.organisation for o in b.organisations} == set(ORGS)  # what each ministry said stays
    _check_verbatim(b, {seed_meeting.meeting_id: stored_text})


def test_character_budget_makes_a_one_page_memo(assistant, bf, meeting_brief, stored_text, seed_meeting):
    full = meeting_brief
    b = bf.build_meeting_briefing(assistant.index, SEED_NAME, bf.ONE_PAGE)
    used = sum(len(p.text) for p in b.points() if p is not b.meetings[0].secretariat)
    assert used <= bf.ONE_PAGE.max_chars
    assert len(b.points()) < len(full.points()) and len(bf.render_markdown(b)) < len(bf.render_markdown(full))
    # decisions and key points first, then organisations; the key points stand in for 主な論点
    assert b.decisions and len(b.summary) == bf.ONE_PAGE.max_points and b.themes == []
    _check_verbatim(b, {seed_meeting.meeting_id: stored_text})
    md = bf.render_markdown(b)  # compact layout: themes and organisations as labels, short sources
    assert "### " not in md and "## 主な論点" not in md and "〔警察〕「警察では" in md
    assert "〔人材・人事〕「" in _section(md, "要旨")
    assert f"出典はいずれも 情報セキュリティ政策会議 第14回会合（2007-10-03）議事要旨 {SEED_NAME}" in md
    assert re.search(r"^- \[\d+\] 出席者 \[112:503\]$", md, re.M) and "増田 寛也（代理出席：岡本 芳郎）" in md
    assert {int(n) for n in CITE.findall(md.split("\n## 出典\n")[0])} == {s.n for s in b.sources}
    short = bf.build_meeting_briefing(assistant.index, SEED_NAME, bf.BriefingOptions(excerpt_chars=60))
    assert any(p.trimmed for p in short.points())
    _check_verbatim(short, {seed_meeting.meeting_id: stored_text})


def test_options_reject_non_positive_limits(bf):
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="max-points"):
        bf.BriefingOptions(max_points=0)


# ------------------------------------------------------------------ topic briefing


def test_topic_briefing_cites_the_remarks_on_the_topic(assistant, bf, stored_text, seed_meeting):
    b = bf.build_topic_briefing(assistant, "サイバー犯罪への対応")
    assert b.found and b.notice is None
    cited = " ".join(p.text for p in b.points())
    assert "サイバー犯罪に適切に対処するための法整備がなされていない" in cited  # 発言2
    assert "警察として、サイバー犯罪の取締りの体制の強化" in cited  # 発言22 (警察)
    assert "イベントドリブン" not in cited and "人材" not in cited  # weak matches are left out
    _check_verbatim(b, {seed_meeting.meeting_id: stored_text})
    md = bf.render_markdown(b)
    assert "〔警察〕「警察として、サイバー犯罪の取締りの体制の強化" in md
    # one meeting: named once under 対象, not again under every theme
    body = md.split("\n## 出典\n")[0]
    assert "#### " not in md and body.count("情報セキュリティ政策会議 第14回会合") == 1
    assert re.findall(r"^### (.+)$", md, re.M) == [t.name for t in b.themes]
    assert {int(n) for n in CITE.findall(md.split("\n## 出典\n")[0])} == {s.n for s in b.sources}


def test_topic_briefing_within_the_period_and_outside_it(assistant, bf):
    inside = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", "2007-01-01", "2008-12-31")
    assert inside.found and inside.sources
    outside = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", "2008-01-01", "2008-12-31")
    assert not outside.found and outside.sources == [] and outside.points() == []
    assert "2008-01-01から2008-12-31までの議事録には" in outside.notice


@pytest.mark.parametrize("topic", ["ブロックチェーン", "量子コンピューター"])
def test_absent_topic_says_so_and_cites_nothing(assistant, bf, topic):
    b = bf.build_topic_briefing(assistant, topic)
    assert not b.found and b.sources == [] and b.points() == [] and b.themes == []
    assert f"議事録には「{topic}」に関する記載が見つかりませんでした。" in b.notice
    md = bf.render_markdown(b)
    assert b.notice in md and not CITE.search(md) and "## 出典" in md
    data = json.loads(bf.render_json(b))
    assert data["found"] is False and data["sources"] == [] and data["themes"] == []


@pytest.mark.slow
def test_topic_briefing_orders_meetings_by_date(fresh_settings, bf, seed_text, tmp_path):
    """Two meetings: grouped by meeting in date order; --to keeps only the earlier one."""
    from conftest import SEED
    from rag.index import MinutesIndex
    from rag.service import Assistant

    later = seed_text.replace("第14回会合", "第15回会合").replace("平成19年10月3日(水)", "平成20年2月4日(月)")
    path = tmp_path / "joho-security-seisaku-kaigi-15-2008-02-04.txt"
    path.write_text(later, encoding="utf-8")
    index = MinutesIndex(fresh_settings)
    assert index.ingest([SEED, path]).ok
    assistant = Assistant.open(fresh_settings, index)
    b = bf.build_topic_briefing(assistant, "サイバー犯罪への対応")
    assert [m.date for m in b.meetings] == ["2007-10-03", "2008-02-04"]
    for theme in b.themes:
        assert [g.date for g in theme.groups] == sorted(g.date for g in theme.groups)
    assert {g.meeting for t in b.themes for g in t.groups} == {"情報セキュリティ政策会議 第14回会合", "情報セキュリティ政策会議 第15回会合"}
    texts = {m.meeting_id: index.records.text(m.meeting_id) for m in index.meetings()}
    _check_verbatim(b, texts)
    early = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", date_to="2007-12-31")
    assert [m.date for m in early.meetings] == ["2007-10-03"]
    one = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", options=bf.BriefingOptions(max_points=1))
    assert len(one.points()) == 1 and one.omitted > 0


# ------------------------------------------------------------------ renderers


def test_docx_reopens_with_headings_and_numbered_sources(meeting_brief, bf, tmp_path):
    from docx import Document

    path = tmp_path / "memo.docx"
    path.write_bytes(bf.render_docx(meeting_brief))
    doc = Document(str(path))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    names = [t for _, t in headings]
    assert headings[0] == ("Title", meeting_brief.title)
    for h in ("要旨", "会議概要", "議題", "主な論点", "各府省の発言", "出典", *ORGS):
        assert h in names, h
    assert ("Heading 1", "出典") in headings and ("Heading 2", "警察") in headings
    texts = [p.text for p in doc.paragraphs]
    after = texts[texts.index("出典") + 1 :]
    numbered = [t for t in after if re.match(r"\[\d+\] ", t)]
    assert len(numbered) == len(meeting_brief.sources)
    assert [int(CITE.match(t).group(1)) for t in numbered] == [s.n for s in meeting_brief.sources]
    body = "\n".join(texts[: texts.index("出典")])
    assert {int(n) for n in CITE.findall(body)} == {s.n for s in meeting_brief.sources}
    assert "増田 寛也 総務大臣（代理出席：岡本 芳郎 総務大臣政務官）" in body and DECISION in body
    assert doc.core_properties.title == meeting_brief.title


def test_json_carries_the_same_structure(meeting_brief, bf, seed_text):
    data = json.loads(bf.render_json(meeting_brief))
    assert data["kind"] == "meeting" and data["schema_version"] == bf.SCHEMA_VERSION
    assert len(data["sources"]) == len(meeting_brief.sources)
    for s in data["sources"]:
        assert seed_text[s["start"] : s["end"]] == s["text"] and s["location"]
    m = data["meetings"][0]
    assert m["date"] == "2007-10-03" and m["place"] == "総理大臣官邸大会議室" and len(m["agenda"]) == 7
    assert PROXIES["増田 寛也"] in [a["display"] for a in m["attendees"]]
    assert [o["organisation"] for o in data["organisations"]] == list(ORGS)
    assert data["decisions"][0]["text"] == DECISION


def test_markdown_escapes_markup(bf):
    assert bf._md("a*b_c`d<e>$f") == r"a\*b\_c\`d\<e\>\$f"
    assert bf._md("17:20~18:20") == "17:20~18:20"
    # links, images and bare URLs in the minutes stay text; citation markers stay as they are
    assert bf._md("[資料](https://example.jp/x) ![](http://e.jp/i.png)") == r"\[資料](https\://example.jp/x) !\[](http\://e.jp/i.png)"
    assert bf._md("www.example.jp a@b.jp") == r"www\.example.jp a\@b.jp" and bf._md("「…」 [3]") == "「…」 [3]"
    assert bf.display_text("デジタルフォレンジックの\n\n活用") == "デジタルフォレンジックの活用"
    assert bf.display_text("Y2K\nproblem") == "Y2K problem"


def test_theme_taxonomy_and_mmr_are_deterministic(bf):
    import numpy as np

    assert bf.theme_of("重要インフラ対策について") == "重要インフラ"
    assert bf.theme_of("情報を集約する体制を拡充、重要インフラ") == "情報共有・連携体制"
    assert bf.theme_of("天気の話") == bf.OTHER_THEME
    assert bf.theme_of("人材の確保と法整備") == bf.OTHER_THEME  # a tie is not a guess
    assert bf.theme_of("要員育成と研究") == "人材・人事"  # 要員育成 is one mention; 研究 is generic (half)
    v = np.eye(3, dtype=np.float32)
    v[1] = v[0]  # 0 and 1 are the same: diversity puts 2 before 1
    assert bf.mmr_order([1.0, 0.6, 0.5], v) == [0, 2, 1]
    assert bf.mmr_order([1.0, 0.6, 0.5], np.eye(3, dtype=np.float32)) == [0, 1, 2]  # no redundancy: by relevance


# ------------------------------------------------------------------ CLI


@pytest.fixture()
def cli_env(monkeypatch, built_settings):
    monkeypatch.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(built_settings.corpus_dir))
    return built_settings


def test_cli_brief_markdown_and_json(cli_env, capsys, tmp_path):
    from rag.cli import main

    assert main(["brief", "--meeting", SEED_NAME, "--max-points", "3"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# ブリーフィング・メモ：情報セキュリティ政策会議 第14回会合")
    assert "2007-10-03" in md and "総理大臣官邸大会議室" in md and "## 出典" in md
    assert len(re.findall(r"^- 「", _section(md, "主な論点"), re.M)) == 3

    assert main(["brief", "--topic", "サイバー犯罪への対応", "--from", "2007-01-01", "--to", "2008-12-31", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "topic" and data["found"] and data["date_from"] == "2007-01-01"
    assert any("サイバー犯罪の取締り" in s["text"] for s in data["sources"])

    out = tmp_path / "memo.docx"
    assert main(["brief", "--meeting", SEED_NAME, "--out", str(out)]) == 0  # format from the suffix
    assert out.read_bytes()[:2] == b"PK" and "wrote" in capsys.readouterr().err


def test_cli_brief_errors(cli_env, capsys):
    from rag.cli import main

    assert main(["brief", "--meeting", "nope.txt"]) == 2
    assert "no such meeting" in capsys.readouterr().err
    assert main(["brief", "--meeting", SEED_NAME, "--from", "2007-01-01"]) == 2
    assert "--topic briefings only" in capsys.readouterr().err
    assert main(["brief", "--topic", "サイバー犯罪", "--from", "2007-13-01"]) == 2
    assert "--from" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["brief", "--meeting", SEED_NAME, "--max-points", "0"])


# ------------------------------------------------------------------ Streamlit page


@pytest.mark.slow
def test_briefing_page_previews_and_offers_four_downloads(cli_env, capsys):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT
    from rag import briefing as bf
    from rag.app.briefing_page import RESULT
    from rag.cli import main

    at = AppTest.from_file(str(ROOT / "pages" / "2_ブリーフィング.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    at.button(key="brief-make").click().run()
    assert not at.exception and not at.error
    shown = "\n".join(m.value for m in at.markdown)
    assert "総理大臣官邸大会議室" in shown and "#### 各府省の発言" in shown and "岡本 芳郎" in shown
    downloads = at.get("download_button")
    assert len(downloads) == 4  # Markdown, Word, PDF, JSON
    assert "###### 要旨" not in shown and "#### 要旨" in shown  # the memo's headings two levels down

    # 「1ページに収める」 makes exactly the memo `brief --one-page` makes
    at.toggle(key="brief-one-page").set_value(True).run()
    at.button(key="brief-make").click().run()
    assert not at.exception and not at.error
    (_, options), page_memo = at.session_state[RESULT]
    assert options == bf.ONE_PAGE and page_memo.options["compact"] is True
    assert main(["brief", "--meeting", SEED_NAME, "--one-page", "--format", "json"]) == 0
    cli_memo = json.loads(capsys.readouterr().out)
    page_json = json.loads(bf.render_json(page_memo))
    assert {k: v for k, v in page_json.items() if k != "created"} == {k: v for k, v in cli_memo.items() if k != "created"}
    shown = "\n".join(m.value for m in at.markdown)
    assert "#### 主な論点" not in shown and "〔警察〕「警察では" in shown

    at.radio(key="brief-kind").set_value("テーマ").run()
    at.text_input(key="brief-topic").set_value("ブロックチェーン").run()
    at.button(key="brief-make").click().run()
    assert not at.exception
    assert any("「ブロックチェーン」に関する記載が見つかりませんでした" in str(w.value) for w in at.warning)


# ------------------------------------------------------------------ 要旨, one page, themes of whole remarks


def test_meeting_memo_opens_with_decisions_then_short_key_points(meeting_brief, meeting_md, bf, seed_meeting, seed_text):
    """要旨 is the first section: the decision, then 3–5 key points, each one short cited sentence of a remark."""
    headings = re.findall(r"^## (.+)$", meeting_md, re.M)
    assert headings[:3] == ["要旨", "会議概要", "議題"]
    summary = [line for line in _section(meeting_md, "要旨").splitlines() if line.startswith("- ")]
    assert summary[0] == f"- 〔決定事項〕「{DECISION}」 [1]"
    key = meeting_brief.summary
    assert 3 <= len(key) <= bf.SUMMARY_POINTS and len(summary) == 1 + len(key)
    remarks = {r.number: r for r in seed_meeting.remarks}
    for p, line in zip(key, summary[1:]):
        assert seed_text[p.start : p.end] == p.text and len(bf.display_text(p.text)) <= bf.SUMMARY_CHARS
        r = remarks[p.remark_no]
        assert r.start <= p.start < p.end <= r.end and p.text.endswith("。")
        assert p.text.count("。") == 1  # one sentence, never cut
        assert bf.substance(p.text) > 0  # it raises something
        assert line == f"- 〔{p.organisation or p.theme}〕「{bf.display_text(p.text)}」 [{p.cite}]"
    assert len({p.remark_no for p in key}) == len(key)  # different remarks
    # the proposals on 人材 (発言17) and the 基本法 (発言11) are in the summary
    assert {11, 17} <= {p.remark_no for p in key}


def test_theme_is_the_whole_remarks_and_a_tie_is_other(assistant, bf, seed_meeting):
    """Every theme's keywords over the whole remark, best wins, ties → その他: the 防衛省 budget request
    (防護システム, 研究, 要員育成) is not filed under 人材・人事."""
    remarks = {r.number: r for r in seed_meeting.remarks}
    defence = remarks[30]
    assert defence.organisation == "防衛省" and "概算要求" in defence.text
    assert bf.theme_of(defence.text) == bf.OTHER_THEME
    assert bf.theme_of(remarks[5].text) == "人材・人事"  # 「…人材が必要である」, though 技術 occurs as often
    assert bf.theme_of(remarks[17].text) == "人材・人事"
    b = bf.build_topic_briefing(assistant, "防衛省の概算要求")
    points = [p for t in b.themes for p in t.points if p.organisation == "防衛省"]
    assert points and all(p.theme == bf.OTHER_THEME for p in points)
    assert all("防衛省" not in p.text for t in b.themes if t.name == "人材・人事" for p in t.points)


def test_one_page_memo_has_a_small_budget(assistant, bf):
    b = bf.build_meeting_briefing(assistant.index, SEED_NAME, bf.ONE_PAGE)
    md = bf.render_markdown(b)
    excerpts = sum(len(bf.display_text(p.text)) for p in b.points())
    assert excerpts <= bf.ONE_PAGE.max_chars
    # the measured page (below) holds about 2,900 characters of memo at 9 pt; keep well inside it
    assert len(md) < 2800 and md.count("\n- ") < 40, (len(md), md.count("\n- "))


@pytest.fixture(scope="module")
def one_page(assistant, bf):
    return bf.build_meeting_briefing(assistant.index, SEED_NAME, bf.ONE_PAGE)


@pytest.fixture(scope="module")
def jp_font():
    """A usable Japanese TrueType font, or skip (scripts/setup.sh installs Debian's IPAex Gothic as root)."""
    from rag.errors import ConfigError
    from rag.memo_fonts import japanese_font

    try:
        return japanese_font()
    except ConfigError as exc:
        pytest.skip(str(exc))


def _pdf_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return ["".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
            for page in extract_pages(io.BytesIO(data))]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_page_pdf_is_one_a4_page_and_the_full_memo_is_not(one_page, meeting_brief, bf, jp_font):
    from pdfminer.pdfpage import PDFPage

    data = bf.render_pdf(one_page)
    pages = list(PDFPage.get_pages(io.BytesIO(data)))
    assert len(pages) == 1
    assert [round(v) for v in pages[0].mediabox] == [0, 0, 595, 842]  # A4 in points
    assert len(_pdf_pages(bf.render_pdf(meeting_brief))) > 1  # the measure can tell


@pytest.mark.slow
def test_one_page_docx_is_one_page_in_libreoffice(one_page, bf, tmp_path):
    """The DOCX as Word would print it: converted to PDF by LibreOffice, then its pages counted."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    path = tmp_path / "memo.docx"
    path.write_bytes(bf.render_docx(one_page, bf.MemoMeta(handling="取扱注意")))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pages = _pdf_pages((tmp_path / "memo.pdf").read_bytes())
    assert len(pages) == 1
    assert "1 / 1" in pages[0] and "取扱注意" in pages[0]  # the footer's fields were filled in


# ------------------------------------------------------------------ DOCX metadata, header and footer


def test_docx_core_properties_header_and_page_number_footer(meeting_brief, bf, tmp_path):
    import datetime as dt

    from docx import Document
    from docx.oxml.ns import qn

    meta = bf.MemoMeta(author="内閣官房 情報セキュリティセンター", handling="取扱注意")
    path = tmp_path / "memo.docx"
    path.write_bytes(bf.render_docx(meeting_brief, meta))
    doc = Document(str(path))
    props = doc.core_properties
    assert props.title == meeting_brief.title
    assert props.author == props.last_modified_by == "内閣官房 情報セキュリティセンター"
    assert props.language == "ja-JP" and props.revision == 1
    assert "python-docx" not in (props.comments or "") + (props.author or "")
    created = dt.datetime.fromisoformat(meeting_brief.created)
    assert created.tzinfo is not None  # written with the local UTC offset
    assert props.created == props.modified == created  # stored as UTC, the same instant
    assert abs((dt.datetime.now(dt.UTC) - props.created).total_seconds()) < 600
    section = doc.sections[0]
    header = "\n".join(p.text for p in section.header.paragraphs)
    assert "情報セキュリティ政策会議 第14回会合（2007-10-03）" in header and "取扱注意" in header
    footer = section.footer._element
    codes = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    kinds = [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert "/" in "".join(t.text for t in footer.iter(qn("w:t")))
    body = [p.text for p in doc.paragraphs]
    assert body[1] == bf.written_line(meeting_brief) and body[1].startswith("作成日：")
    assert created.date().isoformat() in body[1]
    # no handling line set: no handling in the header, the default author
    plain = Document(io.BytesIO(bf.render_docx(meeting_brief)))
    assert "取扱注意" not in plain.sections[0].header.paragraphs[0].text
    assert plain.core_properties.author == "議事要旨アシスタント"


def test_memo_meta_comes_from_the_settings(bf, tmp_path):
    from conftest import make_settings

    settings = make_settings(tmp_path, RAG_MEMO_AUTHOR="総務課", RAG_MEMO_HANDLING="取扱注意")
    assert bf.MemoMeta.from_settings(settings) == bf.MemoMeta("総務課", "取扱注意", None)
    assert bf.MemoMeta.from_settings(make_settings(tmp_path)).author == "議事要旨アシスタント"


def test_written_date_in_japanese_era(bf):
    import datetime as dt

    assert bf._wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert bf._wareki(dt.date(2025, 4, 1)) == "令和7年4月1日"
    assert bf._wareki(dt.date(2007, 10, 3)) == "平成19年10月3日"


# ------------------------------------------------------------------ PDF


def test_pdf_has_the_memo_text_an_embedded_japanese_font_and_page_numbers(meeting_brief, bf, jp_font):
    data = bf.render_pdf(meeting_brief, bf.MemoMeta(handling="取扱注意"))
    assert data.startswith(b"%PDF")
    pages = _pdf_pages(data)
    text = _flat("".join(pages))
    assert _flat(meeting_brief.title) in text
    assert _flat(DECISION) in text  # a cited excerpt, verbatim
    defence = next(p for o in meeting_brief.organisations if o.organisation == "防衛省" for p in o.points)
    assert _flat(defence.text) in text and f"[{defence.cite}]" in text
    for n, page in enumerate(pages, start=1):  # header and footer on every page
        assert f"{n} / {len(pages)}" in page and "取扱注意" in page
        assert "情報セキュリティ政策会議 第14回会合（2007-10-03）" in page
    assert _flat(bf.written_line(meeting_brief)) in text
    # the font is a TrueType subset embedded in the file, not a standard/CID font the reader must have
    assert b"/FontFile2" in data and re.search(rb"/BaseFont /[A-Z]{6}\+", data)
    assert b"/Helvetica" not in data and b"HeiseiMin" not in data and b"UniJIS" not in data
    assert b"/Title (" in data or b"/Title <" in data


def test_pdf_text_is_inert(bf, jp_font):
    """reportlab's Paragraph reads markup: minutes text with <b>, & or <font> must come out as written."""
    b = bf.Briefing(kind="topic", title="ブリーフィング・メモ：<b>太字</b> & <font size=40>x</font>", lead="",
                    found=False, notice="n", topic="<b>", created="2025-04-01T09:00:00+09:00")
    text = _flat("".join(_pdf_pages(bf.render_pdf(b))))
    assert _flat("<b>太字</b> & <font size=40>x</font>") in text


def test_no_japanese_font_is_a_clear_error(bf, monkeypatch, tmp_path):
    from rag import memo_fonts
    from rag.errors import ConfigError

    monkeypatch.setattr(memo_fonts, "KNOWN_FONTS", ())
    monkeypatch.setattr(memo_fonts.shutil, "which", lambda name: None)
    memo_fonts.japanese_font.cache_clear()
    try:
        with pytest.raises(ConfigError, match="fonts-ipaexfont-gothic"):
            memo_fonts.japanese_font()
        with pytest.raises(ConfigError, match="RAG_MEMO_FONT"):
            memo_fonts.japanese_font(str(tmp_path / "missing.ttf"))
        latin = tmp_path / "latin.ttf"
        import reportlab

        vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
        latin.write_bytes(vera.read_bytes())
        with pytest.raises(ConfigError, match="no Japanese glyphs"):
            memo_fonts.japanese_font(str(latin))
    finally:
        memo_fonts.japanese_font.cache_clear()


def test_cli_brief_pdf(cli_env, capsys, tmp_path, monkeypatch, jp_font):
    from rag.cli import main

    out = tmp_path / "memo.pdf"
    assert main(["brief", "--meeting", SEED_NAME, "--one-page", "--out", str(out)]) == 0  # format from the suffix
    assert out.read_bytes().startswith(b"%PDF") and "wrote" in capsys.readouterr().err
    assert len(_pdf_pages(out.read_bytes())) == 1
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_MEMO_HANDLING", "取扱注意")
    assert main(["brief", "--meeting", SEED_NAME, "--format", "pdf"]) == 0  # a file, not stdout
    made = tmp_path / "briefing-joho-security-seisaku-kaigi-14-2007-10-03.pdf"
    assert "取扱注意" in _pdf_pages(made.read_bytes())[0]
