"""What the chat UI shows: source cards, highlighted context, filters, error texts, Markdown export."""
from __future__ import annotations

import datetime as dt

import pytest

from rag.conversation import Resolution
from rag.domain import Answer, Chunk, Citation, Filters
from rag.errors import InputError
from rag.presentation import (
    Exchange,
    FilterChoices,
    answer_markdown_body,
    context_html,
    conversation_markdown,
    exchange_markdown,
    explain_input_error,
    filter_choices,
    filters_summary,
    make_filters,
    md_escape,
    seireki,
    source_view,
    source_views,
)

DEFENCE = "防護システムの整備"


def _citation(text: str, start: int, n: int = 1, **chunk_fields) -> Citation:
    fields = dict(
        chunk_id="c1", text=text, source="minutes.txt", start=start, end=start + len(text), meeting_id="m1",
        meeting="情報セキュリティ政策会議 第14回会合", date="2007-10-03", section="出席者意見開陳", kind="remark",
        remark_no=30, organisation="防衛省",
    )
    fields.update(chunk_fields)
    return Citation(n, Chunk(**fields), text, start, start + len(text))


def test_md_escape_keeps_minutes_literal():
    assert md_escape("*強調* と $5 と <b>") == r"\*強調\* と \$5 と \<b\>"
    assert md_escape("1. 見出し\n# 題\n- 点") == "1\\. 見出し\n\\# 題\n\\- 点"
    assert md_escape("（平成19年10月3日(水)）[1]") == "（平成19年10月3日(水)）[1]"  # nothing to escape


def test_answer_body_keeps_bullets_and_the_lead_line():
    text = "会合の議事要旨には、次の記載があります。\n- 〔議事概要〕「- (3) 予算要求について」[1]\n- 〔決定〕「*a*」[2]"
    body = answer_markdown_body(text)
    lines = body.split("\n")
    assert lines[0].startswith("会合の議事要旨には") and lines[1] == ""
    assert lines[2] == "- 〔議事概要〕「- (3) 予算要求について」[1]"
    assert lines[3] == r"- 〔決定〕「\*a\*」[2]"


def test_seireki():
    assert seireki("2007-10-03") == "2007年10月3日"
    assert seireki("not a date") == "not a date"


def test_context_html_marks_the_span_escapes_and_stays_one_line():
    text = "前の行\n<script>x</script> & 続き\n" + DEFENCE + "を行う。\n次の行\n"
    start = text.index(DEFENCE)
    out = context_html(text, start, start + len(DEFENCE), window=5)
    assert "<mark" in out and f">{DEFENCE}</mark>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert "\n" not in out  # one HTML line: Markdown never re-reads it
    # the window is widened to whole lines, with … where text was left out
    assert "&lt;script&gt;x&lt;/script&gt; &amp; 続き<br>" in out and "を行う。" in out
    whole = context_html(text, start, start + len(DEFENCE), window=None)
    assert "前の行" in whole and "…" not in whole.replace("</div>", "")


def test_source_view_dates_and_labels(seed_meeting, seed_text):
    start = seed_text.index(DEFENCE)
    view = source_view(_citation(DEFENCE, start), seed_meeting, seed_text)
    assert view.date_label == "2007年10月3日（平成19年10月3日(水)）"
    assert view.where() == "出席者意見開陳・防衛省・発言30"
    assert view.heading().startswith("[1] 情報セキュリティ政策会議 第14回会合 ／ 2007年10月3日")
    assert f">{DEFENCE}</mark>" in view.context_html
    # source text that no longer matches the citation gives no (wrong) highlight
    assert source_view(_citation(DEFENCE, start + 1), seed_meeting, seed_text).context_html == ""
    assert source_view(_citation(DEFENCE, start), None, None).date_label == "2007年10月3日"


def test_source_views_of_a_real_answer(assistant):
    answer = assistant.ask("防衛省は概算要求で何を求めましたか")
    views = source_views(answer, assistant.index)
    assert views and DEFENCE in views[0].excerpt
    assert views[0].date_wareki == "平成19年10月3日(水)" and views[0].organisation == "防衛省"
    text = assistant.index.records.text(views[0].meeting_id)
    assert text[views[0].start : views[0].end] == views[0].excerpt
    assert source_views(assistant.ask("第15回会合はいつ開催されましたか"), assistant.index) == []


def test_filter_choices_come_from_the_index(assistant):
    choices = filter_choices(assistant.index)
    assert [m.number for m in choices.meetings] == [14]
    assert choices.date_min == choices.date_max == "2007-10-03"
    assert {"出席者意見開陳", "議事概要", "政策会議決定"} <= set(choices.sections)
    assert choices.sections[0] == "日時・場所"  # document order
    assert {"防衛省", "警察", "外務省", "総務省", "経済産業省"} <= set(choices.organisations)


def test_make_filters_ignores_a_date_range_covering_everything():
    choices = FilterChoices(date_min="2007-01-01", date_max="2008-12-31")
    full = make_filters(choices, dates=(dt.date(2007, 1, 1), dt.date(2008, 12, 31)))
    assert full.is_empty()
    narrowed = make_filters(choices, ["m1"], (dt.date(2007, 6, 1),), ["出席者意見開陳"], ["防衛省"])
    assert narrowed == Filters(meeting_ids=("m1",), date_from="2007-06-01", sections=("出席者意見開陳",), organisations=("防衛省",))


def test_filters_summary(seed_meeting):
    assert filters_summary(None) == filters_summary(Filters()) == ""
    f = Filters(meeting_ids=(seed_meeting.meeting_id,), date_from="2007-01-01", organisations=("防衛省", "警察"))
    assert filters_summary(f, [seed_meeting]) == (
        "会議: 情報セキュリティ政策会議 第14回会合 ／ 期間: 2007年1月1日〜 ／ 組織: 防衛省、警察"
    )


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("the file is empty", "ファイルが空です"),
        ("this is a binary file (it contains NUL bytes), not a text minutes file", "バイナリファイル"),
        ("contains no Japanese text, so it is not Japanese meeting minutes", "日本語の文章が含まれていない"),
        ("cannot be read as a PDF: broken", "PDFとして読み込めません"),
        ("something new", "something new"),
    ],
)
def test_input_errors_are_explained_in_japanese(problem, expected):
    assert expected in explain_input_error(InputError("x.txt", problem))


def _exchange(seed_meeting, seed_text, abstained: bool = False) -> Exchange:
    if abstained:
        answer = Answer("第15回会合はいつ", "議事要旨には該当する記載が見つかりませんでした。", True)
        return Exchange.build(Resolution("第15回会合はいつ", "第15回会合はいつ"), answer, [])
    start = seed_text.index(DEFENCE)
    citation = _citation(DEFENCE, start)
    answer = Answer("それについて防衛省は？", f"会合の議事要旨には、次の記載があります。\n- 〔出席者意見開陳〕「{DEFENCE}」[1]", False, (citation,))
    resolution = Resolution("それについて防衛省は？", "概算要求 それについて防衛省は？", ("概算要求",), "…")
    return Exchange.build(resolution, answer, [source_view(citation, seed_meeting, seed_text)],
                          Filters(organisations=("防衛省",)), "組織: 防衛省")


def test_exchange_markdown_has_question_answer_and_numbered_sources(seed_meeting, seed_text):
    md = exchange_markdown(_exchange(seed_meeting, seed_text))
    assert md.startswith("## 質問\n\nそれについて防衛省は？\n")
    assert "*検索した質問:* 概算要求 それについて防衛省は？" in md
    assert "*絞り込み:* 組織: 防衛省" in md
    assert "## 回答" in md and f"「{DEFENCE}」[1]" in md
    assert "## 出典" in md
    assert "1. 情報セキュリティ政策会議 第14回会合 ／ 2007年10月3日（平成19年10月3日(水)） ／ 出席者意見開陳・防衛省・発言30" in md
    assert f"   > {DEFENCE}" in md


def test_abstention_markdown_has_no_sources(seed_meeting, seed_text):
    md = exchange_markdown(_exchange(seed_meeting, seed_text, abstained=True))
    assert "見つかりませんでした" in md and "## 出典" not in md and "出典: なし" in md


def test_conversation_markdown_numbers_the_turns(seed_meeting, seed_text):
    md = conversation_markdown([_exchange(seed_meeting, seed_text), _exchange(seed_meeting, seed_text, True)])
    assert md.startswith("# 議事要旨アシスタント 会話記録")
    assert "## 1. それについて防衛省は？" in md and "## 2. 第15回会合はいつ" in md
    assert "### 出典" in md


def test_links_and_images_in_minutes_stay_text():
    from rag.presentation import md_escape

    out = md_escape("[公式資料](https://example.com/a) ![](https://example.com/i.png)")
    assert "\\[公式資料](https://example.com/a)" in out and "!\\[](https://example.com/i.png)" in out
    assert md_escape("[1](https://example.com)") == "\\[1](https://example.com)" and md_escape("記載[1]") == "記載[1]"
