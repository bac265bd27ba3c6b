"""The 検索 page driven through Streamlit's AppTest inside the real navigation (app.py): a phrase with a
speaker filter, highlighted hits, the next page, the jump to the meeting's record, and inert minutes."""
from __future__ import annotations

import re

import pytest

from pages_index import assert_inert, build, open_app, set_env

pytestmark = pytest.mark.slow
PAGE = "pages/1b_検索.py"
MARK = re.compile(r"<mark [^>]*>(.*?)</mark>")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data, corpus = build(tmp_path_factory)
    with pytest.MonkeyPatch.context() as mp:
        set_env(mp, data, corpus)
        yield


def hits(app) -> list[tuple[str, str]]:
    """(heading, snippet HTML) of each hit shown."""
    values = [m.value for m in app.markdown]
    return [(values[i], values[i + 1]) for i, v in enumerate(values[:-1])
            if re.match(r"\*\*\d+\.\*\* ", v) and values[i + 1].startswith('<div class="kwic"')]


def search(app, query: str):
    app.text_input(key="kw-q").set_value(query).run()
    assert not app.exception, app.exception
    return app


def test_the_page_sits_between_the_meetings_list_and_the_briefing(env):
    from conftest import ROOT

    # app.py adds pages/ in file-name order, 「1b_」 dropped from the title and the URL
    assert [p.name for p in sorted((ROOT / "pages").glob("*.py"))][:3] == ["1_会議一覧.py", "1b_検索.py", "2_ブリーフィング.py"]
    app = open_app(PAGE)
    assert [t.value for t in app.title] == ["キーワード検索"]
    assert not hits(app) and any("検索語を入力してください" in c.value for c in app.caption)


def test_a_phrase_with_a_speaker_filter_shows_highlighted_hits_and_a_second_page(env):
    app = open_app(PAGE)
    app.multiselect(key="kw-speakers").set_value(["盛山正仁"]).run()
    search(app, "「国立大学法人」")
    assert any(m.value == "**24件**（1–20件目）" for m in app.markdown)
    shown = hits(app)
    assert len(shown) == 20
    for heading, snippet in shown:
        assert "参議院 本会議 第8号" in heading and "盛山正仁（文部科学大臣）" in heading
        assert "2023年12月1日（令和五年十二月一日（金曜日））" in heading
        assert MARK.findall(snippet) and set(MARK.findall(snippet)) == {"国立大学法人"}
    assert any(m.value == "1 / 2 ページ" for m in app.markdown)
    assert app.button(key="kw-prev").disabled and not app.button(key="kw-next").disabled

    app.button(key="kw-next").click().run()
    assert not app.exception, app.exception
    assert any(m.value == "**24件**（21–24件目）" for m in app.markdown)
    assert [h[0].split("**")[1] for h in hits(app)] == ["21.", "22.", "23.", "24."]
    assert app.button(key="kw-next").disabled

    search(app, "「国立大学法人」 運営方針会議")  # a new query starts again at page 1
    assert any(re.fullmatch(r"\*\*\d+件\*\*（1–\d+件目）", m.value) for m in app.markdown)


def test_words_are_highlighted_in_their_written_forms_and_the_context_is_one_click_away(env):
    app = search(open_app(PAGE), "求めました")
    marked = {m for _, snippet in hits(app) for m in MARK.findall(snippet)}
    assert marked and marked <= {"求め", "求める", "求めて"}, marked
    context = next(m.value for m in app.markdown if 'class="minutes-context"' in m.value)
    assert "<mark" in context

    app.button(key="kw-open-1").click().run()  # the hit's remark in the meeting's record
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["会議一覧"] and app.query_params.get("m")
    assert any(m.value.startswith("**検索から開いた発言**") for m in app.markdown)


def test_no_hits_and_particles_only_are_told(env):
    app = search(open_app(PAGE), "ブロックチェーン")
    assert any("見つかりませんでした" in str(i.value) for i in app.info)
    search(app, "について")
    assert any("検索できる語がありません" in str(i.value) for i in app.info)


def test_hostile_minutes_render_inert(env):
    app = search(open_app(PAGE), "example")
    shown = hits(app)
    assert shown and all("危険市議会" in heading for heading, _ in shown)
    snippets = " ".join(s for _, s in shown)
    assert "&#91;link&#93;&#40;https&#58;//<mark" in snippets  # the text is shown, as characters
    assert "&#60;img src&#61;x" in snippets and "&#60;a href&#61;" in snippets
    assert assert_inert(app) >= 2
