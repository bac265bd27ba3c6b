"""End to end in a real browser: `streamlit run app.py` on a loopback port, driven by Playwright.

Uses Debian's Chromium (`apt-get install chromium`); a Playwright browser
download cannot work on these machines. Set RAG_UPDATE_SCREENSHOT=1 to copy
the screenshot to docs/screenshot.png (the README's picture).
"""
from __future__ import annotations

import os
import shutil

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, app_env, require_chromium, streamlit_app
from conftest import CORPUS_DIR, ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTION = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
ANSWER_TIMEOUT_MS = 180_000  # first question: model load + index build on a fresh data dir


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e")
    log = tmp / "streamlit.log"
    with streamlit_app(app_env(tmp / "data", CORPUS_DIR), log) as url:
        yield url, log


def test_question_in_the_browser_shows_the_cited_excerpt(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, log = server
    shot = tmp_path / "screenshot.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1700}, locale="ja-JP")
            page.goto(url)
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=ANSWER_TIMEOUT_MS)  # after the first-start index build
            expect(page.get_by_role("heading", name="議事要旨アシスタント")).to_be_visible()
            box.fill(QUESTION)
            box.press("Enter")

            quote = page.locator("blockquote", has_text=EXCERPT)  # the cited excerpt under 出典
            expect(quote.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            expect(page.get_by_text("出典", exact=True)).to_be_visible()
            expect(page.get_by_text("2007年10月3日（平成19年10月3日(水)）", exact=False).first).to_be_visible()

            page.get_by_text("議事録の該当箇所を前後の文脈とともに表示").first.click()
            mark = page.locator(".minutes-context mark").first
            expect(mark).to_contain_text(EXCERPT)
            page.wait_for_timeout(500)  # let the expander finish opening
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get("RAG_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")
    assert "Traceback" not in log.read_text(errors="replace")
