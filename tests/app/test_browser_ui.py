"""The app as a Japanese user sees it in a real browser (`streamlit run app.py`, Debian's Chromium).

- every page, reached through the sidebar, shows none of Streamlit's own English texts (uploader,
  drop-downs, the status widget while a script runs, input hints), scanning the text actually
  visible; the eval page's dataset errors are Japanese and wrap instead of being cut off;
- on a phone (390×844) the view lands at the start of the answer, not at the bottom of its cards;
- the briefing page makes a memo under a step list and its Word and PDF downloads read back;
- a first start (empty data dir) shows its progress at once, before the model is loaded.

Screenshots of every page (1280 wide) are written to docs/screenshots/ with RAG_UPDATE_SCREENSHOTS=1.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import time

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, app_env, require_chromium, streamlit_app
from conftest import CORPUS_DIR, ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ANSWER_TIMEOUT_MS = 240_000  # 2 shared cores; the first question loads the model
STEP_TIMEOUT_MS = 120_000
QUESTION = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
MEMO_TITLE = "ブリーフィング・メモ：情報セキュリティ政策会議 第14回会合"
PAGES = ("質問する", "会議一覧", "検索", "ブリーフィング", "評価")
SHOTS = ROOT / "docs" / "screenshots"

# Streamlit's own English UI texts (1.6x): uploader, select drop-downs, status widget, input hints…
ENGLISH = (
    "Drag and drop", "Browse files", "Limit", "per file", "Upload", "Choose an option", "Choose options",
    "Select all", "matches", "No results", "Running", "Stop", "Press Enter", "to apply", "Deploy",
    "warming up", "Rerun", "Add:",
)
# Visible text nodes only: not in a closed expander, not clipped to nothing, not a Material icon's
# ligature name (「upload」 is drawn as an icon, not read), not a text replaced by rag.app.chrome
# (font-size 0; its Japanese replacement is CSS content, checked separately).
VISIBLE_ENGLISH_JS = """(needles) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!el || !text || el.closest('[data-testid="stIconMaterial"], script, style, noscript')) continue;
    if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    for (const needle of needles) if (text.includes(needle)) found.push(`${needle} :: ${text.slice(0, 120)}`);
  }
  return found;
}"""
AFTER_JS = "(e) => getComputedStyle(e, '::after').content"
LAST_ANSWER_TOP_JS = """() => {
  const mine = [...document.querySelectorAll('[data-testid="stChatMessage"]')]
    .filter(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]'));
  const header = document.querySelector('[data-testid="stHeader"]');
  return {top: mine[mine.length - 1].getBoundingClientRect().top,
          header: header ? header.getBoundingClientRect().bottom : 0, height: window.innerHeight};
}"""


@pytest.fixture(scope="module")
def app(built_settings, tmp_path_factory):
    """The app over the session index, with a conversations database of its own."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser-ui")
    env = app_env(built_settings.data_dir, CORPUS_DIR)
    env["RAG_DATABASE_URL"] = f"sqlite:///{tmp / 'conversations.sqlite'}"
    log = tmp / "streamlit.log"
    with streamlit_app(env, log) as url:
        yield url
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, url: str, width: int = 1280, height: int = 1000):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height}, locale="ja-JP")
    page.goto(url)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    _idle(page)
    return page


def _idle(page) -> None:
    """Until the script run the last action started has finished."""
    page.wait_for_timeout(400)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=STEP_TIMEOUT_MS)
    page.wait_for_timeout(300)


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()
    page.wait_for_timeout(300)
    _idle(page)


def _english(page) -> list[str]:
    return page.evaluate(VISIBLE_ENGLISH_JS, list(ENGLISH))


def _ask(page, question: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    expect(page.locator("blockquote.source-snippet", has_text=EXCERPT).first).to_be_attached(timeout=ANSWER_TIMEOUT_MS)
    _idle(page)


def _shoot(page, name: str, tmp_path) -> None:
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("RAG_UPDATE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SHOTS / f"{name}.png")


def test_no_english_streamlit_text_on_any_page(app, browser):
    from playwright.sync_api import expect

    page = _open(browser, app)
    seen: dict[str, list[str]] = {}
    for name in PAGES:
        _go(page, name)
        seen[name] = _english(page)

    # the chat sidebar: the uploader, and a multiselect's drop-down (bulk action, filtered, empty)
    _go(page, "質問する")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("議事要旨を追加").click()
    dropzone = sidebar.get_by_test_id("stFileUploaderDropzone")
    dropzone.wait_for()
    assert dropzone.locator("button").evaluate(AFTER_JS) == '"ファイルを選択"'
    expect(sidebar.get_by_text(re.compile(r"「ファイルを選択」で選びます（.*1ファイル20MBまで）"))).to_be_visible()
    seen["uploader"] = _english(page)
    # the overlay Streamlit draws while a file is dragged over (its DOM as Streamlit 1.6x draws it)
    overlay = dropzone.evaluate("""zone => {
      const box = document.createElement('div'), text = document.createElement('span');
      text.textContent = 'Drag and drop files here';
      box.appendChild(text); zone.appendChild(box);
      const seen = [getComputedStyle(text).fontSize, getComputedStyle(text, '::after').content];
      box.remove();
      return seen;
    }""")
    assert overlay == ["0px", '"ここにドロップ"'], overlay
    sections = sidebar.get_by_test_id("stMultiSelect").nth(1).get_by_role("combobox")  # 議事の区分
    sections.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # a drop-down closes when its container scrolls: scroll first, then open
    sections.click()
    option = page.locator('[role="option"][data-key="__select_all__"] > div')
    assert option.evaluate(AFTER_JS) == '"すべて選択"'
    seen["drop-down"] = _english(page)
    page.keyboard.type("者")
    assert page.locator('[role="option"][data-key="__select_matches__"] > div').evaluate(AFTER_JS) == \
        '"一致するものをすべて選択"'
    page.keyboard.type("zzz")
    assert page.locator('[role="option"][style*="contents"] > span').evaluate(AFTER_JS) == '"該当なし"'
    seen["drop-down, no match"] = _english(page)
    page.keyboard.press("Escape")

    # a text input's hint while typing (the conversation's rename box appears after an answer)
    _ask(page, QUESTION)
    page.get_by_test_id("stSidebar").get_by_text("名前を変更").click()
    rename = page.get_by_role("textbox", name="会話の名前")
    rename.fill("防衛省の予算")
    hint = page.get_by_test_id("InputInstructions").locator("span").first
    assert hint.evaluate(AFTER_JS) == '"Enterで確定"'
    seen["typing"] = _english(page)
    rename.press("Enter")
    _idle(page)
    assert not any(seen.values()), seen


def test_the_eval_page_is_japanese_while_running_and_on_bad_datasets(app, browser):
    from playwright.sync_api import expect

    page = _open(browser, app)
    _go(page, "評価")
    # a dataset whose evidence is not in this index: every problem listed in Japanese, wrapped
    _choose(page, "データセット", "evals/corpus_dev.jsonl")
    page.get_by_role("button", name="評価を実行").click()
    listing = page.get_by_test_id("stCode")
    expect(listing).to_contain_text("行目: evidence が索引の議事録に見つかりません", timeout=STEP_TIMEOUT_MS)
    _idle(page)
    code = listing.locator("pre")
    overflow = code.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"the problem list is cut off by {overflow}px"
    assert not _english(page)

    # a long run: its progress is Japanese, and nothing of Streamlit's (Running…, Stop) shows in English
    _choose(page, "データセット", "evals/dev.jsonl")
    page.get_by_role("button", name="評価を実行").click()
    progress = page.get_by_test_id("stProgress")
    expect(progress).to_contain_text(re.compile(r"評価中… \d+/76\u3000(準備中|ハイブリッド: q\d+)"), timeout=STEP_TIMEOUT_MS)
    assert not _english(page)
    expect(progress).to_contain_text(re.compile(r"ハイブリッド: q\d+"), timeout=STEP_TIMEOUT_MS)
    assert not _english(page)
    _go(page, "質問する")  # leaving the page stops the run


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    _idle(page)


def test_on_a_phone_the_view_lands_at_the_start_of_the_answer(app, browser, tmp_path):
    page = _open(browser, app, width=390, height=844)
    _ask(page, QUESTION)
    page.wait_for_timeout(1500)  # past the last of the script's tries, and Streamlit's own scrolling
    where = page.evaluate(LAST_ANSWER_TOP_JS)
    assert where["header"] - 1 <= where["top"] < where["height"] / 3, where
    first_line = page.get_by_test_id("stChatMessage").last.get_by_test_id("stMarkdownContainer").first
    box = first_line.bounding_box()
    assert box and where["header"] - 1 <= box["y"] < where["height"], box  # the answer's first line is in view
    assert first_line.inner_text().startswith("情報セキュリティ政策会議 第14回会合")
    # the source card shows the excerpt as one highlighted line, cut with …
    snippet = page.locator("blockquote.source-snippet").first
    assert snippet.evaluate("e => e.scrollWidth > e.clientWidth && e.getBoundingClientRect().height < 40")
    _shoot(page, "chat_phone", tmp_path)


def test_the_briefing_memo_is_made_step_by_step_and_downloads_as_docx_and_pdf(app, browser, tmp_path):
    from docx import Document
    from pdfminer.high_level import extract_text
    from playwright.sync_api import expect

    page = _open(browser, app, height=1400)
    _go(page, "ブリーフィング")
    page.get_by_role("button", name="メモを作成").click()
    expect(page.get_by_text("メモを作成しました")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    _idle(page)
    for fmt, label in (("docx", "Word（DOCX）"), ("pdf", "PDF")):
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").filter(has_text=label).click()
        path = tmp_path / f"memo.{fmt}"
        download.value.save_as(path)
        data = path.read_bytes()
        if fmt == "docx":
            text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        else:
            text = extract_text(io.BytesIO(data))
        assert MEMO_TITLE in re.sub(r"[ \t]*\n[ \t]*", "", text) or MEMO_TITLE in text, (fmt, text[:300])
        assert EXCERPT in text.replace("\n", "")
    assert not _english(page)


def test_screenshots_of_every_page(app, browser, tmp_path):
    """docs/screenshots/*.png (with RAG_UPDATE_SCREENSHOTS=1): each page as a user leaves it."""
    from playwright.sync_api import expect

    page = _open(browser, app, height=1500)
    _ask(page, QUESTION)
    page.get_by_text("議事録の該当箇所を前後の文脈とともに表示").first.click()
    expect(page.locator(".minutes-context mark").first).to_be_visible()
    page.get_by_test_id("stChatMessage").nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    _shoot(page, "chat", tmp_path)

    _go(page, "会議一覧")
    _choose(page, "表示する会議", next(o for o in _options(page, "表示する会議") if "第14回会合" in o))
    _shoot(page, "meetings", tmp_path)

    _go(page, "検索")
    box = page.get_by_label("検索語")
    box.fill("情報セキュリティ")
    box.press("Enter")
    _idle(page)
    expect(page.locator("mark").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    _shoot(page, "search", tmp_path)

    _go(page, "ブリーフィング")
    page.get_by_role("button", name="メモを作成").click()
    expect(page.get_by_text("メモを作成しました")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    _idle(page)
    _shoot(page, "briefing", tmp_path)

    _go(page, "評価")
    page.get_by_text("ファイルをアップロード").click()
    _idle(page)
    lines = (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[::10]  # several kinds
    small = tmp_path / "dev_sample.jsonl"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(small))
    _idle(page)
    page.get_by_role("button", name="評価を実行").click()
    chart = page.get_by_test_id("stImage").locator("img")
    expect(chart).to_be_visible(timeout=STEP_TIMEOUT_MS)
    _idle(page)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stImage] img')].every(i => i.complete)")
    page.get_by_role("heading", name="指標").evaluate("e => e.scrollIntoView({block: 'start'})")  # table and chart
    page.wait_for_timeout(300)
    _shoot(page, "eval", tmp_path)
    assert not _english(page)


def _options(page, label: str) -> list[str]:
    page.get_by_role("combobox", name=label).click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def test_a_first_start_shows_its_progress_at_once(browser, tmp_path):
    """Empty data dir: a status box is on the page while the stores and the model are opened and the
    index is built, long before the chat can be used."""
    from playwright.sync_api import expect

    require_chromium()
    env = app_env(tmp_path / "data", CORPUS_DIR)
    env["RAG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'conversations.sqlite'}"
    with streamlit_app(env, tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        started = time.monotonic()
        page.goto(url)
        status = page.get_by_test_id("stExpander").filter(has_text=re.compile("アシスタントを起動しています|初回起動"))
        expect(status.first).to_be_visible(timeout=30_000)
        shown_after = time.monotonic() - started
        expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=30_000)
        _shoot(page, "first_start", tmp_path)
        texts: set[str] = set()
        chat = page.get_by_test_id("stChatInputTextArea")
        while not chat.is_visible():
            assert time.monotonic() - started < ANSWER_TIMEOUT_MS / 1000, texts
            texts.update(t.strip() for t in page.get_by_test_id("stProgress").all_inner_texts())
            texts.update(page.get_by_test_id("stExpander").all_inner_texts())
            page.wait_for_timeout(100)
        built_after = time.monotonic() - started
    assert any("初回起動: 議事録の索引を作成しています" in t for t in texts), texts
    assert any(re.search(r"議事録を読み込んで解析しています…（\d+秒）|検索モデルを読み込み|索引を作成中", t) for t in texts), texts
    assert shown_after < built_after / 2, (shown_after, built_after)  # progress from the start, not at the end
    assert "Traceback" not in (tmp_path / "streamlit.log").read_text(errors="replace")
