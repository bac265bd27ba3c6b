"""The upload handler behind the sidebar's 「議事要旨を追加」 (called directly, outside Streamlit)."""
from __future__ import annotations

import pytest

from rag.app.ui import UPLOADS, add_minutes_file, safe_upload_name


@pytest.fixture(scope="module")
def fresh_assistant(tmp_path_factory):
    """An assistant over its own index of the corpus: these tests write to it."""
    from rag.service import Assistant

    from conftest import make_settings

    assistant = Assistant.open(make_settings(tmp_path_factory.mktemp("ui-data")))
    assistant.ensure_built()
    return assistant


def _counts(assistant) -> tuple[int, int]:
    s = assistant.index.status()
    return s.meetings, s.chunks


def test_safe_upload_name():
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("C:\\Users\\me\\第15回.txt") == "第15回.txt"
    assert safe_upload_name(".hidden.txt") == "hidden.txt"
    assert safe_upload_name("") == "minutes.txt"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "ファイルが空です"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "バイナリファイル"),
        ("memo.txt", "Shopping list\nmilk\neggs\n".encode(), "日本語の文章が含まれていない"),
    ],
)
def test_a_bad_file_is_rejected_and_nothing_changes(fresh_assistant, name, data, problem):
    before = _counts(fresh_assistant)
    outcome = add_minutes_file(fresh_assistant, name, data)
    assert outcome.status == "error" and not outcome.ok
    assert name in outcome.message and problem in outcome.message
    assert outcome.detail.startswith(f"{name}: ")  # the InputError, naming the file and the problem
    assert _counts(fresh_assistant) == before
    assert not (fresh_assistant.settings.data_dir / UPLOADS / name).exists()


@pytest.mark.slow
def test_add_update_duplicate_and_a_bad_replacement(fresh_assistant, seed_text):
    meetings, chunks = _counts(fresh_assistant)
    other = seed_text.replace("第14回会合", "第99回会合").replace("平成19年10月3日", "平成20年2月4日")
    steps: list[str] = []
    outcome = add_minutes_file(fresh_assistant, "kaigi-99.txt", other.encode(), lambda d, t, m: steps.append(m))
    assert outcome.status == "added", outcome
    assert "第99回会合" in outcome.message and "2008年2月4日" in outcome.message
    assert steps and outcome.chunks > 0
    assert _counts(fresh_assistant) == (meetings + 1, chunks + outcome.chunks)
    saved = fresh_assistant.settings.data_dir / UPLOADS / "kaigi-99.txt"
    assert saved.read_text(encoding="utf-8") == other

    assert add_minutes_file(fresh_assistant, "kaigi-99.txt", other.encode()).status == "unchanged"
    dup = add_minutes_file(fresh_assistant, "copy.txt", seed_text.encode("utf-8"))
    assert dup.status == "duplicate" and "joho-security-seisaku-kaigi-14-2007-10-03.txt" in dup.message
    assert not (saved.parent / "copy.txt").exists()

    # a broken file under the same name is refused; the earlier upload stays on disk and in the index
    bad = add_minutes_file(fresh_assistant, "kaigi-99.txt", b"")
    assert bad.status == "error"
    assert saved.read_text(encoding="utf-8") == other
    assert _counts(fresh_assistant) == (meetings + 1, chunks + outcome.chunks)

    answer = fresh_assistant.ask("第99回会合の開催場所はどこでしたか")
    assert not answer.abstained and answer.citations[0].chunk.source == str(saved)


def test_an_upload_never_replaces_another_file_of_the_same_name(fresh_assistant):
    from pathlib import Path

    from conftest import SEED

    text = SEED.read_text(encoding="utf-8")  # the corpus holds the seed itself: upload variants of it
    first = add_minutes_file(fresh_assistant, "minutes.txt", text.replace("防護システムの整備", "防護システムの強化").encode("utf-8"))
    changed = text.replace("防護システムの整備", "防護システムの刷新").encode("utf-8")
    second = add_minutes_file(fresh_assistant, "minutes.txt", changed)
    assert first.status == "added" and second.status == "added"
    assert second.name == "minutes (2).txt" and "minutes (2).txt" in second.message
    sources = sorted(Path(e.source).name for e in fresh_assistant.index.catalog())
    assert "minutes.txt" in sources and "minutes (2).txt" in sources  # both meetings kept
    again = add_minutes_file(fresh_assistant, "minutes.txt", changed)  # the same bytes again
    assert again.status == "unchanged" and again.name == "minutes (2).txt"
