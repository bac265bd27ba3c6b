"""The 会議一覧 page driven through Streamlit's AppTest inside the real navigation (app.py): the list,
its filters, a meeting's record, the buttons that open the chat and the memo for it, inert minutes."""
from __future__ import annotations

import datetime as dt

import pytest

from pages_index import HOSTILE_NAME, assert_inert, build, open_app, set_env

pytestmark = pytest.mark.slow
PAGE = "pages/1_会議一覧.py"
PLENARY_8 = "参議院 本会議 第8号"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data, corpus = build(tmp_path_factory)
    with pytest.MonkeyPatch.context() as mp:
        set_env(mp, data, corpus)
        from rag.config import Settings
        from rag.index import MinutesIndex

        yield {e.label: e for e in MinutesIndex(Settings.from_env()).catalog()}


def table(app):
    return app.dataframe[0].value


def frame(app, first_column: str):
    """The record's table whose first column is ``first_column`` (発言者, 氏名)."""
    return next(d.value for d in app.dataframe if list(d.value.columns)[:1] == [first_column])


def meeting_id(env, label: str) -> str:
    return env[label].meeting_id


def test_the_list_shows_every_meeting_and_the_body_filter_narrows_it(env):
    app = open_app(PAGE)
    assert [t.value for t in app.title] == ["会議一覧"]
    rows = table(app)
    assert len(rows) == len(env) == 6
    assert set(rows["会議"]) == set(env)
    assert list(rows.columns) == ["id", "開催日", "会議", "会議体", "種別", "発言数", "発言者数", "主な発言者", "ファイル"]
    assert rows.iloc[0]["開催日"] >= rows.iloc[-1]["開催日"]  # newest first
    plenary = rows[rows["会議"] == PLENARY_8].iloc[0]
    assert plenary["会議体"] == "参議院" and plenary["発言数"] == env[PLENARY_8].remarks and "盛山正仁" in plenary["主な発言者"]

    app.multiselect(key="ml-bodies").set_value(["参議院"]).run()
    assert not app.exception, app.exception
    assert set(table(app)["会議"]) == {"参議院 本会議 第7号", PLENARY_8, "参議院 本会議 第9号"}
    assert any("3件を表示（索引にある会議 6件）" in c.value for c in app.caption)

    app.multiselect(key="ml-speakers").set_value(["盛山正仁"]).run()
    assert list(table(app)["会議"]) == [PLENARY_8]
    app.multiselect(key="ml-bodies").set_value([]).run()
    app.multiselect(key="ml-speakers").set_value([]).run()
    app.date_input(key="ml-dates").set_value((dt.date(2023, 1, 1), dt.date(2023, 11, 30))).run()
    assert set(table(app)["会議"]) == {"参議院 本会議 第7号", "危険市議会 令和5年6月定例会 第1号", "高砂市議会 令和5年5月臨時会 第1日"}


def test_a_meeting_shows_its_record_and_speakers_with_counts(env):
    app = open_app(PAGE, {"m": meeting_id(env, PLENARY_8)})
    assert [h.value for h in app.header] == [PLENARY_8]
    assert app.selectbox(key="ml-pick").value == meeting_id(env, PLENARY_8)
    facts = next(m.value for m in app.markdown if m.value.startswith("**開催日**"))
    assert "2023年12月1日（令和五年十二月一日（金曜日））" in facts and "午前十時一分開議" in facts and "**会議体**: 参議院" in facts
    speakers = frame(app, "発言者")
    assert list(speakers.columns) == ["発言者", "役職", "発言数"]
    counts = {r["発言者"]: (r["役職"], r["発言数"]) for _, r in speakers.iterrows()}
    assert counts["盛山正仁"] == ("文部科学大臣", 5) and counts["尾辻秀久"] == ("議長", 6)
    assert sum(c for _, c in counts.values()) == env[PLENARY_8].remarks
    agenda = next(m.value for m in app.markdown if m.value.startswith("1. "))
    assert "国立大学法人法の一部を改正する法律案" in agenda
    full = next(m.value for m in app.markdown if 'class="minutes-full"' in m.value)
    assert full.count('class="remark"') == env[PLENARY_8].remarks and 'id="remark-2"' in full
    assert "発言2　盛山正仁（文部科学大臣）" in full


def test_attendees_with_groups_and_a_converted_wareki(env):
    seed = next(e for e in env.values() if e.source.endswith("joho-security-seisaku-kaigi-14-2007-10-03.txt"))
    app = open_app(PAGE, {"m": seed.meeting_id})
    facts = next(m.value for m in app.markdown if m.value.startswith("**開催日**"))
    assert "2007年10月3日（平成19年10月3日(水)）" in facts and "総理大臣官邸大会議室" in facts
    attendees = frame(app, "氏名")
    assert list(attendees.columns) == ["氏名", "役職・所属", "区分", "代理"]
    assert (attendees["区分"] == "構成員").any() and (attendees["代理"].str.endswith("の代理")).any()
    decisions = next(m.value for m in app.markdown if m.value.startswith("- "))
    assert "政策会議決定された" in decisions


def test_ask_button_opens_the_chat_filtered_to_the_meeting(env):
    app = open_app(PAGE, {"m": meeting_id(env, PLENARY_8)})
    app.button(key="ml-ask").click().run()
    assert not app.exception, app.exception
    assert app.multiselect(key="f_meetings").value == [meeting_id(env, PLENARY_8)]
    assert any(f"絞り込み中: 会議: {PLENARY_8}" in str(i.value) for i in app.info)


def test_memo_button_opens_the_briefing_page_with_the_meeting_chosen(env):
    app = open_app(PAGE, {"m": meeting_id(env, PLENARY_8)})
    app.button(key="ml-brief").click().run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["ブリーフィング・メモ"]
    assert app.radio(key="brief-kind").value == "会議"
    assert app.selectbox(key="brief-meeting").value.meeting_id == meeting_id(env, PLENARY_8)
    assert not app.warning  # no "value set through Session State" complaint


def test_a_link_to_a_remark_shows_it_first_and_unknown_ids_are_told(env):
    app = open_app(PAGE, {"m": meeting_id(env, PLENARY_8), "r": "5"})
    first = next(m.value for m in app.markdown if 'class="remark"' in m.value)
    assert 'id="remark-5"' in first and "border-left:4px" in first
    app = open_app(PAGE, {"m": "000000000000"})
    assert any("リンクの会議は索引にありません" in str(w.value) for w in app.warning)


def test_hostile_minutes_render_inert(env):
    hostile = next(e for e in env.values() if e.source.endswith(HOSTILE_NAME))
    app = open_app(PAGE, {"m": hostile.meeting_id})
    assert [h.value for h in app.header] == ["危険市議会 令和5年6月定例会 第1号"]
    full = next(m.value for m in app.markdown if 'class="minutes-full"' in m.value)
    assert "&#91;link&#93;&#40;https&#58;//example&#46;com&#41;" in full  # shown, as characters
    assert "&#33;&#91;&#93;&#40;https" in full and "&#60;img src&#61;x" in full
    facts = next(m.value for m in app.markdown if m.value.startswith("**開催日**"))
    assert "**場所**: \\[議場](https:\u2060//example.com/hall) !\\[](https:\u2060//example.com/y.png) www\u2060.example.com" in facts
    agenda = next(m.value for m in app.markdown if m.value.startswith("1. "))
    assert agenda == "1. \\[会議録署名議員](https:\u2060//example.com/sign)の指名について"  # U+2060: no autolink
    assert assert_inert(app) >= 1
