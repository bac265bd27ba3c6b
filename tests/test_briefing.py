"""Briefings (rag/briefing.py): a meeting memo and topic memos of the shipped minutes, in md, docx and json.

Every test checks what a reader relies on: the facts in the header, that every
excerpt is a verbatim, cited span of the stored source text, that an absent
topic cites nothing, and that the limits limit.
"""
from __future__ import annotations

import io
import json
import re

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
    assert DECISION in _section(meeting_md, "決定事項")
    by_org = {o.organisation: o.points for o in meeting_brief.organisations}
    for org in ORGS:
        assert by_org.get(org), f"no point for {org}"
        assert f"### {org}" in _section(meeting_md, "各府省の発言")
    assert "デジタルフォレンジックの" in " ".join(p.text for p in by_org["警察"])  # the statement across a page break
    assert any(p.text.startswith("防衛省としては") for p in by_org["防衛省"])


def test_main_points_are_grouped_by_theme_and_not_repeated(meeting_brief, bf):
    themes = meeting_brief.themes
    points = [p for t in themes for p in t.points]
    assert 3 <= len(themes) and len(points) == bf.DEFAULT_MEETING_POINTS
    order = [name for name, _ in bf.THEMES] + [bf.OTHER_THEME]
    assert [order.index(t.name) for t in themes] == sorted(order.index(t.name) for t in themes)
    for t in themes:
        assert all(p.theme == t.name == bf.theme_of(p.text) for p in t.points)
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
    for heading in ("主な論点", "各府省の発言", "決定事項"):
        bullets = [line for line in _section(meeting_md, heading).splitlines() if line.startswith("- ")]
        assert bullets and all(re.search(r"」 \[\d+\]$", line) for line in bullets), heading
    cited = {int(n) for n in CITE.findall(body)}
    assert cited == {s.n for s in meeting_brief.sources}  # nothing uncited, no orphan source
    sources = _section(meeting_md, "出典").strip().splitlines()
    assert len(sources) == len(meeting_brief.sources)
    assert sources[-1].endswith(f"{SEED_NAME} [5080:5129]")  # the decision's offsets


def test_meeting_by_id_or_path_gives_the_same_memo(assistant, bf, meeting_brief, seed_meeting):
    from conftest import SEED

    by_id = bf.build_meeting_briefing(assistant.index, seed_meeting.meeting_id)
    by_path = bf.build_meeting_briefing(assistant.index, str(SEED))
    assert bf.render_json(by_id) == bf.render_json(meeting_brief) == bf.render_json(by_path)


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
    assert b.decisions and len(b.themes) >= 1  # decisions first, then organisations, then points
    _check_verbatim(b, {seed_meeting.meeting_id: stored_text})
    md = bf.render_markdown(b)  # compact layout: themes and organisations as labels, short sources
    assert "### " not in md and "〔警察〕「警察では" in md and "〔人材・人事〕「" in md
    assert f"出典はいずれも 情報セキュリティ政策会議 第14回会合（2007-10-03）議事要旨 {SEED_NAME}" in md
    assert "- [2] 出席者 [112:503]" in md and "増田 寛也（代理出席：岡本 芳郎）" in md
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
    assert "#### 情報セキュリティ政策会議 第14回会合（2007-10-03）" in md  # grouped by meeting under a theme
    assert {int(n) for n in CITE.findall(md.split("\n## 出典\n")[0])} == {s.n for s in b.sources}


def test_topic_briefing_within_the_period_and_outside_it(assistant, bf):
    inside = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", "2007-01-01", "2008-12-31")
    assert inside.found and inside.sources
    outside = bf.build_topic_briefing(assistant, "サイバー犯罪への対応", "2008-01-01", "2008-12-31")
    assert not outside.found and outside.sources == [] and outside.points() == []
    assert "2008-01-01から2008-12-31までの議事録には" in outside.notice


@pytest.mark.parametrize("topic", ["ブロックチェーン", "量子暗号"])
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
    for h in ("会議概要", "議題", "主な論点", "各府省の発言", "決定事項", "出典", *ORGS):
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
    assert bf.display_text("デジタルフォレンジックの\n\n活用") == "デジタルフォレンジックの活用"
    assert bf.display_text("Y2K\nproblem") == "Y2K problem"


def test_theme_taxonomy_and_mmr_are_deterministic(bf):
    import numpy as np

    assert bf.theme_of("重要インフラ対策について") == "重要インフラ"
    assert bf.theme_of("情報を集約する体制を拡充、重要インフラ") == "情報共有・連携体制"
    assert bf.theme_of("天気の話") == bf.OTHER_THEME
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
def test_briefing_page_previews_and_offers_three_downloads(cli_env):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    at = AppTest.from_file(str(ROOT / "pages" / "2_ブリーフィング.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    at.button(key="brief-make").click().run()
    assert not at.exception and not at.error
    shown = "\n".join(m.value for m in at.markdown)
    assert "総理大臣官邸大会議室" in shown and "#### 各府省の発言" in shown and "岡本 芳郎" in shown
    downloads = at.get("download_button")
    assert len(downloads) == 3

    at.radio(key="brief-kind").set_value("テーマ").run()
    at.text_input(key="brief-topic").set_value("ブロックチェーン").run()
    at.button(key="brief-make").click().run()
    assert not at.exception
    assert any("「ブロックチェーン」に関する記載が見つかりませんでした" in str(w.value) for w in at.warning)
