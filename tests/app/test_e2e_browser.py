"""End to end in a real browser: `streamlit run app.py` on a loopback port, driven by Playwright.

Uses Debian's Chromium (`apt-get install chromium`); a Playwright browser
download cannot work on these machines. Set RAG_UPDATE_SCREENSHOT=1 to copy
the screenshot to docs/screenshot.png (the README's picture).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPUS_DIR, ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
QUESTION = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
STARTUP_TIMEOUT = 90  # seconds until /_stcore/health answers
ANSWER_TIMEOUT_MS = 180_000  # first question: model load + index build on a fresh data dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not become healthy in {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own process group: started with start_new_session
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the browser test")
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ, "RAG_DATA_DIR": str(tmp / "data"), "RAG_CORPUS_DIR": str(CORPUS_DIR),
        "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1",
    }
    env.pop("CHROMA_HOST", None)
    log = tmp / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_healthy(url, proc, log)
        yield url, log
    finally:
        _stop(proc)


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
