"""The step list of long work (rag.app.steps) and where it is used: the briefing page's memo."""
from __future__ import annotations

import pytest

from conftest import CORPUS_DIR, ROOT


def _steps_script():
    import streamlit as st

    from rag.app.steps import Steps

    steps = Steps("作業中…", ["索引を開く", "根拠を検索", "抜粋を選択", "文書を作成"])
    st.session_state["before"] = steps.lines()
    steps.start("根拠を検索")
    st.session_state["during"] = steps.lines()
    steps.start("索引を開く")  # reported late: nothing goes back
    st.session_state["late"] = steps.lines()
    steps.finish("できました")


def test_steps_are_listed_from_the_start_and_ticked_in_order():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_steps_script)
    at.run()
    assert not at.exception, at.exception
    todo, doing, done = ":material/radio_button_unchecked:", ":material/progress_activity:", ":material/check_circle:"
    assert at.session_state["before"] == [f"{todo} 索引を開く", f"{todo} 根拠を検索", f"{todo} 抜粋を選択", f"{todo} 文書を作成"]
    assert [line.split()[0] for line in at.session_state["during"]] == [done, doing, todo, todo]
    assert at.session_state["late"] == at.session_state["during"]
    (status,) = at.status
    assert status.label.startswith("できました（") and status.proto.expanded is False
    assert status.markdown[0].value.count(done) == 4


@pytest.mark.slow
def test_the_memo_is_made_under_a_step_list(built_settings, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rag.app.briefing_page import FILES, RESULT

    monkeypatch.setenv("RAG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    for var in ("CHROMA_HOST", "RAG_EMBEDDING_BACKEND", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K", "RAG_LLM"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(str(ROOT / "pages" / "2_ブリーフィング.py"), default_timeout=180)
    at.run()
    at.button(key="brief-make").click().run()
    assert not at.exception and not at.error, at.exception
    (status,) = at.status
    assert status.label.startswith("メモを作成しました（")
    lines = status.markdown[0].value.split("  \n")
    assert lines == [f":material/check_circle: {s}" for s in ("索引を開く", "根拠を検索", "抜粋を選択", "文書を作成")]
    (_, memo), (made_for, files) = at.session_state[RESULT], at.session_state[FILES]
    assert made_for is memo and set(files) == {"md", "docx", "pdf", "json"}
    assert files["pdf"][:5] == b"%PDF-" and files["docx"][:2] == b"PK"  # made once, with the memo

    at.run()  # a later run draws the same files and no step list
    assert not at.status and len(at.get("download_button")) == 4
