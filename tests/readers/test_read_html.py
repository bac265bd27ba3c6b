"""HTML reader: visible text of markup, main-content choice, decoding, and the two DB-Search pages."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from rag.errors import InputError
from rag.readers.html import html_to_text, read_html

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
needs_corpus = pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason=f"{CORPUS_DEV} not present")


def _lines_starting(text: str, mark: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith(mark)]


# ---------------------------------------------------------------------------
# html_to_text on small markup


def test_invisible_and_interactive_elements_are_dropped():
    markup = """<html><head><title>サイト名</title><style>p { color: red }</style></head><body>
    <header><h1>市議会</h1></header>
    <nav><a href="/">トップ</a></nav>
    <div role="navigation">前の発言</div>
    <script>var x = "スクリプト";</script><noscript>JavaScriptを有効に</noscript>
    <template><p>テンプレート</p></template>
    <form><label>検索語</label><input value="入力"><select><option>選択肢</option></select><button>検索</button></form>
    <p hidden>隠し</p><p aria-hidden="true">読み上げない</p>
    <!-- コメント -->
    <p>本日の会議を開きます。</p>
    <aside>関連リンク</aside><footer>著作権</footer>
    </body></html>"""
    assert html_to_text(markup) == "本日の会議を開きます。"


def test_br_and_blocks_make_lines_and_blank_runs_collapse():
    assert html_to_text("<div>一行目<br>二行目<br/><br><br><br>五行目</div><p>段落</p>") == (
        "一行目\n二行目\n\n五行目\n段落"
    )
    assert html_to_text("<ul><li>甲</li><li>乙</li></ul><h2>見出し</h2><dl><dt>期日</dt><dd>令和６年</dd></dl>") == (
        "甲\n乙\n見出し\n期日\n令和６年"
    )


def test_pre_keeps_its_spaces_and_line_breaks():
    # the line break right after <pre> is not content (HTML rule); inner spaces and tabs are kept
    markup = "<p>前</p><pre>\n  一　二  三\n\t四\n\n五</pre><p>後</p>"
    assert html_to_text(markup) == "前\n  一　二  三\n\t四\n\n五\n後"


def test_inline_elements_join_without_spaces():
    assert html_to_text("<p>本日の<span>会議</span>を<b>開き</b><a href='#'>ます</a>。</p>") == "本日の会議を開きます。"
    # a source line break between Japanese characters is not a space; between Latin words it is
    assert html_to_text("<p>本日の\n    会議を開きます。</p><p>open\nthe meeting</p>") == "本日の会議を開きます。\nopen the meeting"


def test_leading_fullwidth_spaces_kept_trailing_whitespace_stripped():
    markup = "<p>◯議長（高瀬博文）<br />\n　報告します。   <br />\n　　　〔「なし」の声多数〕　<br /></p>"
    assert html_to_text(markup) == "◯議長（高瀬博文）\n　報告します。\n　　　〔「なし」の声多数〕"


def test_markdown_looking_text_stays_literal():
    assert html_to_text("<p># 見出し\n**太字** [リンク](http://x) &lt;b&gt;</p>") == "# 見出し **太字** [リンク](http://x) <b>"


def test_table_cells_ruby_and_entities():
    table = "<table><tr><th>１番</th><td>山田太郎</td></tr><tr><td>２番</td><td>佐藤&nbsp;花子</td></tr></table>"
    assert html_to_text(table) == "１番\t山田太郎\n２番\t佐藤\xa0花子"
    assert html_to_text("<p><ruby>議事録<rp>(</rp><rt>ぎじろく</rt><rp>)</rp></ruby>を確認</p>") == "議事録を確認"


def test_number_label_gets_its_own_line_but_not_inside_words():
    markup = "<div><p><span class='n'>12</span>\n  ◯議長（山田君）　開会します。<br/></p></div>"
    assert html_to_text(markup) == "12\n◯議長（山田君）　開会します。"
    assert html_to_text("<p><span>1</span>番議員</p>") == "1番議員"


def test_empty_and_whitespace_markup():
    assert html_to_text("") == ""
    assert html_to_text("   \n ") == ""
    assert html_to_text("<html><body><script>x()</script></body></html>") == ""


# ---------------------------------------------------------------------------
# decoding


def test_shift_jis_page_decodes_by_its_meta_including_windows_extensions():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
        "<title>t</title></head><body><p>①髙橋議員　ただいまから</p></body></html>"
    ).encode("cp932")  # ① and 髙 exist only in Windows-31J, which Shift_JIS pages really use
    doc = read_html(page, "sjis.html")
    assert doc.text == "①髙橋議員　ただいまから"
    assert doc.warnings == ()
    assert html_to_text(page) == "①髙橋議員　ただいまから"


def test_meta_charset_and_undeclared_encodings():
    euc = "<html><head><meta charset='euc-jp'></head><body><p>墨田区議会</p></body></html>".encode("euc_jp")
    assert read_html(euc, "euc.html").text == "墨田区議会"
    undeclared_sjis = "<p>函館市議会</p>".encode("cp932")
    assert read_html(undeclared_sjis, "nodecl.html").text == "函館市議会"
    assert read_html("<p>青森市議会</p>".encode("utf-8"), "u.html").text == "青森市議会"


def test_a_page_saved_again_as_utf8_under_its_shift_jis_meta_is_read_as_utf8():
    """A scraper's copy of a Shift_JIS page: the bytes were re-encoded as UTF-8, the <meta> still says
    Shift_JIS. Read by the declared charset it was all mojibake; the bytes are valid UTF-8, so they are
    read as such, and the warning says so. Bytes valid in neither stay replaced, as before."""
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>'
            "<body><p>○議長（山田太郎君）　ただいまから会議を開きます。</p></body></html>")
    doc = read_html(page.encode("utf-8"), "resaved.html")
    assert doc.text == "○議長（山田太郎君）　ただいまから会議を開きます。"
    assert any("valid UTF-8 throughout" in w for w in doc.warnings)
    broken = page.encode("utf-8").replace("会議".encode("utf-8"), b"\x81\xff\xfe")
    assert any("replaced with U+FFFD" in w for w in read_html(broken, "broken.html").warnings)


# ---------------------------------------------------------------------------
# main-content choice and titles (read_html)

CHROME_PAGE = """<html><head><title>会議録 | 市議会</title></head><body>
<div class="top"><div class="logo">市議会会議録検索システム</div><div class="size">文字サイズ 小 中 大</div></div>
<div class="wrap">
  <div class="side"><ul>%s</ul></div>
  <div class="minutes">%s</div>
</div>
<div class="bottom">〒000-0000 市役所本庁舎 議会事務局 電話 000-000-0000</div>
</body></html>"""


def _speeches(n: int, long_index: int | None = None) -> str:
    out = []
    for i in range(n):
        body = "　本日の議事を進めます。" * (60 if i == long_index else 3)
        out.append(f"<p class='speech'>○議長（山田太郎君）{body}</p>")
    return "".join(out)


def test_chrome_around_the_minutes_is_left_out():
    links = "".join(f"<li><a href='#v{i}'>○議長（山田太郎君）</a></li>" for i in range(40))
    page = CHROME_PAGE % (links, _speeches(12))
    doc = read_html(page.encode("utf-8"), "chrome.html")
    assert doc.file_type == "html"
    assert doc.text.startswith("○議長（山田太郎君）")
    assert len(_lines_starting(doc.text, "○")) == 12  # the 40 linked speaker names are gone
    for chrome in ("文字サイズ", "市議会会議録検索システム", "議会事務局 電話"):
        assert chrome not in doc.text
    assert doc.hints.title is None  # <title> is site chrome and is never a title hint
    assert doc.warnings == ()  # a little chrome left out is routine


def test_leaving_out_much_of_the_page_is_a_warning():
    extra = "<div class='notice'>" + "お知らせ本文です。" * 40 + "</div>"
    page = "<body>%s<main>%s</main></body>" % (extra, _speeches(12))  # <main> holds ~60% of the text
    doc = read_html(page.encode("utf-8"), "much.html")
    assert "お知らせ" not in doc.text
    assert len(doc.warnings) == 1 and "site chrome" in doc.warnings[0]


def test_one_long_speech_never_stands_for_the_whole_record():
    page = CHROME_PAGE % ("", _speeches(5, long_index=2))  # speech 3 holds ~85% of the text
    doc = read_html(page.encode("utf-8"), "long.html")
    assert len(_lines_starting(doc.text, "○")) == 5


def test_no_clear_main_content_keeps_the_whole_page():
    page = "<body><div class='a'>" + "甲" * 100 + "</div><div class='b'>" + "乙" * 100 + "</div></body>"
    assert read_html(page.encode(), "even.html").text == "甲" * 100 + "\n" + "乙" * 100


def test_main_element_is_preferred_and_its_heading_is_the_title_hint():
    page = """<html><head><title>閲覧 | 市議会</title></head><body>
    <div class="banner">ようこそ市議会へ</div>
    <main><h1>令和６年第１回定例会（第１号）</h1><p>○議長（山田君）　開会します。</p>
    <div class="pagetop"><a href="#top">ページの先頭へ</a></div></main>
    </body></html>"""
    doc = read_html(page.encode(), "main.html")
    assert doc.text == "令和６年第１回定例会（第１号）\n○議長（山田君）　開会します。"  # link-only block dropped
    assert doc.hints.title == "令和６年第１回定例会（第１号）"


def test_link_lists_inside_the_content_are_dropped_but_linked_table_cells_stay():
    toc = "<ul class='toc'>" + "".join(f"<li><a href='#v{i}'>○議長（山田太郎君）</a></li>" for i in range(12)) + "</ul>"
    roster = "<table><tr><td>１番</td><td><a href='/m/1'>山田太郎</a></td></tr></table>"
    page = "<body><div class='minutes'>%s%s%s</div></body>" % (toc, roster, _speeches(12))
    text = read_html(page.encode(), "toc.html").text
    assert len(_lines_starting(text, "○")) == 12
    assert text.startswith("１番\t山田太郎\n○議長（山田太郎君）")


def test_page_heading_outside_the_content_is_put_first_not_hinted():
    page = """<html><head><title>閲覧 | 町議会会議録検索</title></head><body>
    <header><h1><span>令和６年第４回定例会（第５号）</span> <span>2024-12-17</span></h1></header>
    <main><div class="menu">発言者一覧</div><div class="text">%s</div></main></body></html>""" % _speeches(6)
    doc = read_html(page.encode(), "heading.html")
    assert doc.text.startswith("令和６年第４回定例会（第５号） 2024-12-17\n\n○議長（山田太郎君）")
    assert "発言者一覧" not in doc.text
    assert doc.hints.title is None


def test_page_without_visible_text_raises_input_error_naming_the_file():
    with pytest.raises(InputError) as err:
        read_html(b"<html><head><title>t</title></head><body><script>x()</script></body></html>", "blank.html")
    assert err.value.source == "blank.html"
    assert "blank.html" in str(err.value)
    with pytest.raises(InputError):
        read_html(b"", "empty.html")


# ---------------------------------------------------------------------------
# the DB-Search pages in the development corpus

OTOFUKE_CHROME = (
    "ナビゲーションをスキップする",
    "検索結果一覧に戻る",
    "発言者の表示切替",
    "全ての発言・ヒット発言の表示切替",
    "↑発言者の先頭へ",
    "↓最初のヒットへ",
    "文字サイズ",
    "単文表示",
    "音更町議会会議録検索",
)


@pytest.fixture(scope="module")
def otofuke_raw() -> bytes:
    return (CORPUS_DEV / "dbsearch_otofuke_20241217.html").read_bytes()


@needs_corpus
def test_otofuke_keeps_the_minutes_and_drops_the_chrome(otofuke_raw):
    doc = read_html(otofuke_raw, "dbsearch_otofuke_20241217.html")
    assert doc.file_type == "html" and doc.turns is None and doc.warnings == ()
    text = doc.text
    lines = text.split("\n")
    # the meeting title (the page's h1, inside its dropped <header>) comes first
    assert lines[0].startswith("令和６年第４回定例会（第５号）")
    assert doc.hints.title is None  # the <title> is 「閲覧 | 音更町議会会議録検索」: chrome
    assert "◯議長（高瀬博文）\n　報告します。" in text
    assert "◯議会運営委員長（神長基子）〔登壇〕\n　おはようございます。" in text
    assert "　　　〔「なし」の声多数〕" in text  # stage note keeps its full-width indent
    assert "閉会（午後　３時２５分）" in text
    assert "　　地方自治法第１２３条第２項の規定によりここに署名する。" in text
    for chrome in OTOFUKE_CHROME:
        assert chrome in otofuke_raw.decode("utf-8")  # really on the page ...
        assert chrome not in text  # ... and not in the stored text
    # 198 speeches (README; the page's own count 「全 198 発言」). The speaker navigation list
    # repeats every label, so a leaked list would double this count.
    page = lxml.html.document_fromstring(otofuke_raw)
    stated = int(page.find_class("menu-count__all")[0].text_content())
    assert stated == 198
    assert len(_lines_starting(text, "◯")) == stated
    assert len(_lines_starting(text, "◯議長（高瀬博文）")) == sum(
        1 for li in page.find_class("voice-block") if li.get("data-voice-title") == "◯議長（高瀬博文）"
    )
    assert not text.endswith(("\n", " ", "\u3000"))


@needs_corpus
def test_otofuke_speech_numbers_are_lines_of_their_own(otofuke_raw):
    lines = read_html(otofuke_raw, "otofuke.html").text.split("\n")
    numbers = [line for line in lines if line.endswith(":") and line[:-1].isdigit()]
    assert numbers == [f"{n}:" for n in range(1, 199)]


# ---------------------------------------------------------------------------
# held-out check: the second DB-Search template (aomori), read by the same rules

AOMORI_CHROME = ("▼最初のヒットへ", "TOP▲", "All Rights Reserved", "青森市議会ホームページ", "閲覧 | 発言内容")


@needs_corpus
def test_aomori_heldout_page():
    raw = (CORPUS_DEV / "dbsearch_aomori_20241225.html").read_bytes()
    doc = read_html(raw, "dbsearch_aomori_20241225.html")
    text = doc.text
    lines = text.split("\n")
    assert lines[:3] == ["1", "　　午前10時開議", "◯議長（奈良岡隆君）　これより本日の会議を開きます。"]
    assert doc.hints.title is None  # the page itself has no title (README)
    for chrome in AOMORI_CHROME:
        assert chrome in raw.decode("utf-8")
        assert chrome not in text
    # 122 voice blocks, each starting with its number and then a ◯ speaker line
    assert len(_lines_starting(text, "◯")) == 122
    assert [line for line in lines if line.isdigit()] == [str(n) for n in range(1, 123)]
    assert "　　　　　　　　　　──────────────────────────" in lines
    assert lines[-2:] == ["◯議長（奈良岡隆君）　これにて令和６年第４回青森市議会定例会を閉会いたします。", "　　午前10時58分閉会"]
