"""The 会議一覧 page's content (rag.browse) and inert minutes text (rag.inert), without Streamlit."""
from __future__ import annotations

import dataclasses

import pytest

from conftest import SEED_NAME


def test_wareki_of_western_dates():
    from rag.browse import wareki

    assert wareki("2024-12-17") == "令和6年12月17日"
    assert wareki("2019-05-01") == "令和元年5月1日" and wareki("2019-04-30") == "平成31年4月30日"
    assert wareki("1989-01-07") == "昭和64年1月7日" and wareki("1947-07-28") == "昭和22年7月28日"
    assert wareki(None) is None and wareki("日付不明") is None and wareki("1800-01-01") is None


def test_dates_keep_the_minutes_wareki_and_convert_only_when_there_is_none():
    from rag.browse import date_line, dates_of

    assert date_line("2023-12-01", "令和五年十二月一日（金曜日）") == "2023年12月1日（令和五年十二月一日（金曜日））"
    d = dates_of("2024-12-17", "2024-12-17")
    assert (d.wareki, d.wareki_is_original, d.original) == ("令和6年12月17日", False, "2024-12-17")
    assert date_line(None, None) == "日付の記載なし"


def test_catalog_filter_by_body_dates_speakers_and_words(seed_meeting):
    from rag.browse import ListFilter, filter_catalog, table_rows
    from rag.domain import Remark
    from rag.records import CatalogEntry

    seed = CatalogEntry.of(seed_meeting)
    council = CatalogEntry.of(dataclasses.replace(
        seed_meeting, meeting_id="b", source="takasago.txt", body="高砂市議会", name="臨時会", display_name="高砂市議会 令和5年5月臨時会",
        date="2023-05-22", remarks=(Remark(1, "開会します", 0, 5, "発言", speaker="月嶹　真", role="議長"),)))
    undated = CatalogEntry.of(dataclasses.replace(seed_meeting, meeting_id="c", source="memo.txt", body="", date=None, display_name="メモ"))
    entries = [seed, council, undated]
    assert filter_catalog(entries, ListFilter()) == entries
    assert filter_catalog(entries, ListFilter(bodies=("高砂市議会",))) == [council]
    assert filter_catalog(entries, ListFilter(bodies=("（会議体の記載なし）",))) == [undated]
    assert filter_catalog(entries, ListFilter(date_from="2008-01-01")) == [council]  # undated left out
    assert filter_catalog(entries, ListFilter(date_to="2007-12-31")) == [seed]
    assert filter_catalog(entries, ListFilter(speakers=("月嶹真",))) == [council]  # spacing does not matter
    assert filter_catalog(entries, ListFilter(text="臨時会 高砂")) == [council]
    assert filter_catalog(entries, ListFilter(text=SEED_NAME)) == [seed]
    rows = table_rows(entries)
    assert [r["id"] for r in rows] == ["b", seed.meeting_id, "c"]  # newest first, undated last
    assert rows[0]["主な発言者"] == "月嶹　真" and rows[0]["発言数"] == 1 and rows[2]["開催日"] is None


def test_record_rows_and_full_text(seed_meeting, seed_text):
    from rag.browse import attendee_rows, full_text_html, remark_heading, speaker_rows

    rows = attendee_rows(seed_meeting)
    assert len(rows) == len(seed_meeting.attendees)
    assert any(r["代理"].endswith("の代理") for r in rows) and {r["区分"] for r in rows} >= {"構成員"}
    assert speaker_rows(seed_meeting) == []  # a 議事要旨 names no speakers
    html = full_text_html(seed_meeting, seed_text, focus=30)
    assert html.count('class="remark"') == len(seed_meeting.remarks)
    assert 'id="remark-30"' in html and "border-left:4px" in html.split('id="remark-30"')[1][:120]
    assert "\n" not in html  # one HTML line: Markdown never reads inside it
    assert remark_heading(12, "今竹大祐", "議長", None, "発言") == "発言12　今竹大祐（議長）"
    assert remark_heading(30, None, None, "防衛省", "出席者意見開陳") == "発言30　防衛省　〔出席者意見開陳〕"


@pytest.mark.parametrize("text", [
    "資料は[link](https://example.com)へ ![](https://example.com/x.png)",
    "<a href=\"https://example.com\">こちら</a> <img src=x onerror=alert(1)>",
    "www.example.com someone@example.com :red[赤] $x^2$ **太字** `code`",
])
def test_minutes_text_renders_without_links_or_images(text):
    from markdown_it import MarkdownIt

    from rag.inert import html_text, markdown

    md = MarkdownIt("commonmark", {"html": True})
    for rendered in (md.render(markdown(text)), md.render(f"<div>{html_text(text)}</div>")):
        assert "<a " not in rendered and "<img" not in rendered and "<strong>" not in rendered and "<code>" not in rendered
    assert "https://" not in markdown(text) and "www.example" not in markdown(text)  # no GFM autolinks either
    assert not any(c in html_text(text) for c in "[]()<>`$*:")  # all of it character references
