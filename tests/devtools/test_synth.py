"""Synthetic minutes (rag.devtools.synth): deterministic, parseable, realistic enough, never in corpus/."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from conftest import CORPUS_DIR

from rag.chunking import chunk_meeting
from rag.errors import ConfigError
from rag.parsing import parse_minutes, read_minutes
from rag.devtools.synth import SYNTH_PREFIX, generate, load_pieces, write_synthetic


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_writes_identical_files(tmp_path):
    a, _ = write_synthetic(tmp_path / "a", meetings=25, seed=3, corpus_dir=CORPUS_DIR)
    b, _ = write_synthetic(tmp_path / "b", meetings=25, seed=3, corpus_dir=CORPUS_DIR)
    assert len(a) == len(b) == 25
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert all(p.name.startswith(SYNTH_PREFIX) for p in a)


def test_other_seed_differs_and_shorter_run_is_a_prefix(tmp_path):
    write_synthetic(tmp_path / "a", meetings=10, seed=3, corpus_dir=CORPUS_DIR)
    write_synthetic(tmp_path / "b", meetings=10, seed=4, corpus_dir=CORPUS_DIR)
    write_synthetic(tmp_path / "c", meetings=4, seed=3, corpus_dir=CORPUS_DIR)
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert set(a.values()).isdisjoint(b.values())
    assert c.items() <= a.items()  # meeting i depends only on (seed, i)


def test_parser_reads_every_generated_file_as_generated():
    meetings = list(generate(300, seed=11, corpus_dir=CORPUS_DIR))
    assert len({m.filename for m in meetings}) == 300
    eras, gannen, fullwidth, page_breaks, decisions, proxies, orgs = set(), 0, 0, 0, 0, 0, 0
    for m in meetings:
        parsed = parse_minutes(m.text, m.filename)  # raises InputError if it is not minutes
        assert parsed.date == m.date, m.filename
        assert parsed.number == m.number
        assert len(parsed.remarks) == m.remarks
        assert parsed.attendees and parsed.agenda and parsed.place
        eras.add(unicodedata.normalize("NFKC", parsed.date_original)[:2])
        gannen += "元年" in parsed.date_original
        fullwidth += parsed.date_original != unicodedata.normalize("NFKC", parsed.date_original)
        page_breaks += any("\n\n" in r.text for r in parsed.remarks)
        decisions += bool(parsed.decisions)
        proxies += any(a.group == "proxy" for a in parsed.attendees)
        orgs += any(r.organisation for r in parsed.remarks)
        chunks = chunk_meeting(parsed, m.text)
        assert all(m.text[c.start : c.end] == c.text for c in chunks)
        assert {"header", "attendees", "agenda", "remark"} <= {c.kind for c in chunks}
    assert eras == {"平成", "令和"}
    assert gannen and fullwidth and page_breaks and proxies and orgs
    assert 0 < decisions < 300


def test_pieces_come_from_the_real_corpus(seed_meeting):
    pieces = load_pieces(CORPUS_DIR)
    assert (seed_meeting.body, seed_meeting.name) == pieces.series[0]
    real_sentences = "".join(r.text for r in seed_meeting.remarks)
    assert all(s in real_sentences for s in pieces.remark_heads)
    assert {a.title for a in seed_meeting.attendees if a.group == "member"} >= {t for t, _ in pieces.members}
    text = next(generate(1, seed=0, corpus_dir=CORPUS_DIR)).text
    assert "議事要旨" in text and "出席者意見開陳" in text


def test_chunk_target_is_reached(tmp_path):
    files, chunks = write_synthetic(tmp_path / "s", chunks=500, seed=1, corpus_dir=CORPUS_DIR)
    counted = 0
    for p in files:
        text = read_minutes(p)
        counted += len(chunk_meeting(parse_minutes(text, p.name), text))
    assert counted == chunks >= 500
    assert counted - 500 < 80  # stops at the first meeting that reaches the target


def test_refuses_to_write_into_the_corpus(tmp_path):
    with pytest.raises(ConfigError, match="corpus"):
        write_synthetic(CORPUS_DIR / "synthetic", meetings=1, corpus_dir=CORPUS_DIR)
    assert not (CORPUS_DIR / "synthetic").exists()
    fake_corpus = tmp_path / "corpus"
    fake_corpus.mkdir()
    (fake_corpus / "seed.txt").write_bytes((CORPUS_DIR / next(p.name for p in CORPUS_DIR.glob("*.txt"))).read_bytes())
    with pytest.raises(ConfigError):
        write_synthetic(fake_corpus, meetings=1, corpus_dir=fake_corpus)
    assert [p.name for p in fake_corpus.iterdir()] == ["seed.txt"]


def test_cli_synth(tmp_path, monkeypatch, capsys):
    from rag.cli import main

    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS_DIR))
    assert main(["synth", str(tmp_path / "out"), "--meetings", "3", "--seed", "5"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 3 and all(re.match(r"synth-5-00000\d-\d{4}-\d\d-\d\d-\d{3}\.txt$", n) for n in names)
    assert "wrote 3 synthetic meeting(s)" in capsys.readouterr().err
    assert main(["synth", str(CORPUS_DIR / "x"), "--meetings", "1"]) == 2
    assert not (CORPUS_DIR / "x").exists()
