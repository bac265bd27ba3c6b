"""Saved conversations on the chat page (AppTest over the session index, a real SQLite database):
restored by a new session from ?c=, exported with the newest turn, 👍/👎 stored and exported;
and in a real browser, a reload keeps the conversation."""
from __future__ import annotations

import io
import json
import re

import pytest

from conftest import CORPUS_DIR, ROOT
from test_app import ask

pytestmark = pytest.mark.slow

APP = str(ROOT / "app.py")
TIMEOUT = 180
KNOWN = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
FOLLOW_UP = "それについて警察は？"


@pytest.fixture(scope="module")
def app_env(built_settings, tmp_path_factory):
    """The session index (already built) and a conversations database of this module."""
    db = tmp_path_factory.mktemp("conversations") / "conversations.sqlite"
    url = f"sqlite:///{db}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
        mp.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
        mp.setenv("RAG_DATABASE_URL", url)
        for var in ("CHROMA_HOST", "RAG_EMBEDDING_BACKEND", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K"):
            mp.delenv(var, raising=False)
        yield url


@pytest.fixture()
def store(app_env):
    from rag.history import ConversationStore

    return ConversationStore.open(app_env)


def new_app(conversation_id: str | None = None):
    """A fresh browser session: a new AppTest, optionally opened at ?c=<id>."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if conversation_id:
        app.query_params["c"] = conversation_id
    app.run()
    assert not app.exception, app.exception
    return app


def shown_questions(app) -> list[str]:
    return [m.markdown[0].value for m in app.chat_message if m.name == "user"]


def answers(app) -> list[str]:
    return [m.markdown[0].value if m.markdown else str(m.warning[0].value) for m in app.chat_message if m.name == "assistant"]


@pytest.fixture()
def downloads(monkeypatch):
    """What each download button would hand the browser: file name -> bytes (Markdown now, DOCX on click)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes | object] = {}
    load, defer = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def record(self, path_or_data, mimetype, kind, filename=None):
        files[filename] = path_or_data
        return load(self, path_or_data, mimetype, kind, filename)

    def record_deferred(self, data, mimetype, coordinates, file_name=None, **kw):
        files[file_name] = data  # the callable a click would run
        return defer(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def _conversation_file(files: dict, suffix: str) -> bytes:
    names = [n for n in files if n and n.startswith("会話記録_") and n.endswith(suffix)]
    assert names, files.keys()
    data = files[names[-1]]
    return data() if callable(data) else data


def test_two_turns_are_restored_by_a_new_session(app_env, store):
    at = ask(ask(new_app(), KNOWN), FOLLOW_UP)
    conversation_id = at.query_params["c"]
    assert re.fullmatch(r"[0-9a-f]{32}", conversation_id)
    assert [t.question for t in store.turns(conversation_id)] == [KNOWN, FOLLOW_UP]  # written as answered
    live = answers(at)

    again = new_app(conversation_id)  # a reload: another session, same database, same ?c=
    assert shown_questions(again) == [KNOWN, FOLLOW_UP]
    assert answers(again) == live and EXCERPT in answers(again)[0]
    last = again.chat_message[-1]
    assert any("前の質問から" in c.value for c in last.caption)  # how the follow-up was read, as shown live
    assert any(EXCERPT in m.value for m in again.chat_message[1].markdown if 'class="source-snippet"' in m.value)
    assert again.selectbox(key="conversation-select").value == conversation_id
    assert store.get(conversation_id).title == KNOWN

    # the restored conversation goes on: the next follow-up leans on the restored query
    ask(again, "外務省は？")
    assert [t.question for t in store.turns(conversation_id)] == [KNOWN, FOLLOW_UP, "外務省は？"]
    assert any("前の質問から" in c.value for c in again.chat_message[-1].caption)


def test_conversation_export_holds_the_turn_just_answered(app_env, downloads):
    from docx import Document

    at = ask(new_app(), KNOWN)
    markdown = _conversation_file(downloads, ".md").decode("utf-8")
    assert f"## 1. {KNOWN}" in markdown and EXCERPT in markdown
    downloads.clear()
    ask(at, "GSOCの新設について、出席者からはどのような評価がありましたか")
    markdown = _conversation_file(downloads, ".md").decode("utf-8")  # drawn in the same run as the answer
    assert "## 2. GSOCの新設について" in markdown
    assert at.sidebar.code[0].value == markdown.rstrip("\n")  # 「会話をコピー」 holds the same text
    docx = Document(io.BytesIO(_conversation_file(downloads, ".docx")))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert f"1. {KNOWN}" in text and "2. GSOCの新設について" in text and EXCERPT in text
    assert docx.core_properties.author == "議事要旨アシスタント"


def test_feedback_is_stored_restored_and_exported(app_env, store, tmp_path, built_settings):
    from rag.evals import read_dataset
    from rag.feedback import export
    from rag.index import MinutesIndex
    from rag.history import index_version

    at = ask(new_app(), KNOWN)
    conversation_id = at.query_params["c"]
    (turn,) = store.turns(conversation_id)
    at.feedback(key=f"fb-{turn.id}").set_value(1).run()
    at.text_input(key=f"fbc-{turn.id}").set_value("根拠が正確").run()
    ask(at, "防衛省の概算要求額は何億円ですか")
    down = store.turns(conversation_id)[1]
    at.feedback(key=f"fb-{down.id}").set_value(0).run()
    assert not at.exception

    fb = {r.turn_id: r for r in store.feedback_rows() if r.conversation_id == conversation_id}
    assert (fb[turn.id].score, fb[turn.id].comment) == (1, "根拠が正確")
    assert fb[down.id].score == -1
    assert fb[turn.id].index_version == index_version(MinutesIndex(built_settings))

    again = new_app(conversation_id)  # the thumbs and comment come back with the conversation
    assert again.feedback(key=f"fb-{turn.id}").value == 1
    assert again.text_input(key=f"fbc-{turn.id}").value == "根拠が正確"
    assert again.feedback(key=f"fb-{down.id}").value == 0

    out = tmp_path / "feedback.jsonl"
    rows = [r for r in store.feedback_rows() if r.conversation_id == conversation_id]
    summary = export(rows, out)
    assert (summary.ready, summary.review) == (1, 1)
    corpus = [p.read_text(encoding="utf-8") for p in CORPUS_DIR.glob("*.txt")]
    (item,) = read_dataset(out, corpus=corpus).items
    assert item.question == KNOWN and item.answerable and any(EXCERPT in e for e in item.evidence)
    review = json.loads(summary.review_path.read_text(encoding="utf-8"))
    assert review["answerable"] is None and review["question"] == "防衛省の概算要求額は何億円ですか"


def test_new_rename_select_and_delete(app_env, store):
    at = ask(new_app(), KNOWN)
    first = at.query_params["c"]
    at.text_input(key="conversation-title").set_value("防衛省の予算").run()
    assert store.get(first).title == "防衛省の予算"

    at.button(key="new-conversation").click().run()
    assert "c" not in at.query_params and not shown_questions(at)
    ask(at, "第14回会合の開催場所はどこでしたか")
    second = at.query_params["c"]
    assert second != first

    at.selectbox(key="conversation-select").set_value(first).run()
    assert at.query_params["c"] == first and shown_questions(at) == [KNOWN]
    assert "防衛省の予算" in at.selectbox(key="conversation-select").format_func(first)

    at.button(key="delete-conversation").click().run()
    assert store.get(first) is None and store.get(second) is not None
    assert "c" not in at.query_params and not shown_questions(at)

    gone = new_app(first)  # a link to a deleted conversation: said so, and an empty chat
    assert any("見つかりませんでした" in str(w.value) for w in gone.sidebar.warning)
    assert not shown_questions(gone) and "c" not in gone.query_params


def test_without_a_database_the_chat_still_answers(app_env, monkeypatch):
    monkeypatch.setenv("RAG_DATABASE_URL", "postgresql+nosuchdriver://u:secret@127.0.0.1/x")
    at = ask(new_app(), KNOWN)
    assert EXCERPT in answers(at)[0] and not at.feedback and "c" not in at.query_params
    warning = " ".join(str(w.value) for w in at.sidebar.warning)
    assert "会話を保存できません" in warning and "secret" not in warning
    ask(at, FOLLOW_UP)  # the session keeps the conversation as before
    assert shown_questions(at) == [KNOWN, FOLLOW_UP]


# ------------------------------------------------------------------ in a real browser


@pytest.fixture()
def browser_server(app_env, built_settings, tmp_path):
    from browser_support import app_env as browser_env, require_chromium, streamlit_app

    require_chromium()
    env = browser_env(built_settings.data_dir, CORPUS_DIR, RAG_DATABASE_URL=f"sqlite:///{tmp_path / 'browser.sqlite'}")
    log = tmp_path / "streamlit.log"
    with streamlit_app(env, log) as url:
        yield url, log


@pytest.mark.integration
def test_reload_in_the_browser_keeps_the_conversation(browser_server):
    from playwright.sync_api import expect, sync_playwright

    from browser_support import CHROMIUM, CHROMIUM_ARGS
    from test_e2e_browser import ANSWER_TIMEOUT_MS

    url, log = browser_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="ja-JP")
            page.goto(url)
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            box.fill(KNOWN)
            box.press("Enter")
            expect(page.locator("blockquote", has_text=EXCERPT).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            expect(page).to_have_url(re.compile(r"[?&]c=[0-9a-f]{32}"))
            saved_url = page.url

            page.reload()
            messages = page.get_by_test_id("stChatMessage")
            expect(messages.first).to_contain_text(KNOWN, timeout=ANSWER_TIMEOUT_MS)
            expect(page.locator("blockquote", has_text=EXCERPT).first).to_be_visible()
            expect(messages).to_have_count(2)  # the question and its answer, nothing asked again
            assert page.url == saved_url
        finally:
            browser.close()
    assert "Traceback" not in log.read_text(errors="replace")
