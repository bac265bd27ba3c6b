"""Conversations and feedback in a real SQLite database, and feedback exported as eval lines
that the project's own eval loader reads."""
from __future__ import annotations

import json

import pytest

from conftest import SEED_NAME
from rag.conversation import Resolution
from rag.domain import Answer, Chunk, Citation, Filters, Hit
from rag.presentation import Exchange, conversation_markdown, source_view

DEFENCE = "防護システムの整備、サイバー攻撃対処手法の研究"
KNOWN = "防衛省は概算要求で何を求めましたか"


@pytest.fixture()
def db_url(tmp_path) -> str:
    """An empty conversations database (tests/test_history_postgres.py runs these tests on PostgreSQL)."""
    return f"sqlite:///{tmp_path / 'db' / 'conversations.sqlite'}"


@pytest.fixture()
def store(db_url):
    from rag.history import ConversationStore

    return ConversationStore.open(db_url)


def _exchange(seed_meeting, seed_text, question: str = "それについて防衛省は？", abstained: bool = False) -> Exchange:
    """A turn built from real spans of the seed minutes (offsets checked against its text)."""
    start = seed_text.index(DEFENCE)
    remark = next(r for r in seed_meeting.remarks if r.start <= start < r.end)
    chunk = Chunk("c30", seed_text[remark.start:remark.end], SEED_NAME, remark.start, remark.end, seed_meeting.meeting_id,
                  seed_meeting.label, seed_meeting.date, remark.section, "remark", remark_no=remark.number,
                  organisation=remark.organisation)
    if abstained:
        answer = Answer(question, "議事録には該当する記載が見つかりませんでした。（金額の記載はありません）", True,
                        contexts=(Hit(chunk, 0.03),), abstention=("answer_type_missing", "金額の記載はありません"))
        return Exchange(question, question, answer)
    citation = Citation(1, chunk, DEFENCE, start, start + len(DEFENCE))
    answer = Answer(question, f"会合の議事要旨には、次の記載があります。\n- 〔出席者意見開陳〕「{DEFENCE}」[1]", False,
                    (citation,), (Hit(chunk, 0.032),))
    resolution = Resolution(question, f"概算要求 {question}", ("概算要求",), "…")
    return Exchange.build(resolution, answer, [source_view(citation, seed_meeting, seed_text)],
                          Filters(organisations=("防衛省",)), "組織: 防衛省")


def test_exchange_round_trips_through_json(seed_meeting, seed_text):
    from rag.history import exchange_from_dict, exchange_to_dict

    for ex in (_exchange(seed_meeting, seed_text), _exchange(seed_meeting, seed_text, "金額は", abstained=True)):
        data = json.loads(json.dumps(exchange_to_dict(ex), ensure_ascii=False))
        assert data["question"] == ex.answer.question and data["answer"] == ex.answer.text  # the ask --json object
        back = exchange_from_dict(data)
        assert back == ex
        assert conversation_markdown([back]) == conversation_markdown([ex])
    cited = exchange_to_dict(_exchange(seed_meeting, seed_text))["citations"][0]
    assert seed_text[cited["start"]:cited["end"]] == cited["text"] == DEFENCE and cited["chunk"]["kind"] == "remark"


def test_conversations_crud(store, seed_meeting, seed_text):
    a = store.create()
    b = store.create("二つ目の会話")
    assert a.title == "新しい会話" and b.title == "二つ目の会話"
    assert {c.id for c in store.list()} == {a.id, b.id}

    first = store.append_turn(a.id, _exchange(seed_meeting, seed_text, KNOWN), "v1")
    second = store.append_turn(a.id, _exchange(seed_meeting, seed_text), "v1")
    assert (first.n, second.n) == (1, 2) and first.id != second.id
    listed = store.list()
    assert listed[0].id == a.id and listed[0].turns == 2  # most recently used first
    assert listed[0].title == KNOWN  # a 新しい会話 is named after its first question
    assert store.get(b.id).turns == 0

    turns = store.turns(a.id)
    assert [t.question for t in turns] == [KNOWN, "それについて防衛省は？"]
    assert turns[1].exchange == _exchange(seed_meeting, seed_text) and turns[1].index_version == "v1"
    assert turns[1].exchange.query == "概算要求 それについて防衛省は？"

    assert store.rename(a.id, "  防衛省の 予算\n") and store.get(a.id).title == "防衛省の 予算"
    with pytest.raises(ValueError):
        store.rename(a.id, "   ")
    assert not store.rename("no-such-id", "x")

    store.set_feedback(first.id, 1, "根拠が正確")
    assert store.delete(a.id)
    assert store.get(a.id) is None and store.turns(a.id) == [] and store.feedback_rows() == []
    assert [c.id for c in store.list()] == [b.id]
    with pytest.raises(LookupError):
        store.append_turn(a.id, _exchange(seed_meeting, seed_text))


def test_feedback_is_set_changed_and_taken_back(store, seed_meeting, seed_text):
    conv = store.create()
    turn = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "meetings=1;digest=abc;model=m")
    store.set_feedback(turn.id, -1, " 出典が違う ")
    (row,) = store.feedback_rows()
    assert (row.score, row.comment, row.index_version) == (-1, "出典が違う", "meetings=1;digest=abc;model=m")
    assert row.question == KNOWN and row.query == f"概算要求 {KNOWN}" and row.answer["citations"][0]["text"] == DEFENCE
    store.set_feedback(turn.id, 1, "")
    assert [(r.score, r.comment) for r in store.feedback_rows()] == [(1, "")]
    assert store.turns(conv.id)[0].feedback.score == 1
    store.set_feedback(turn.id, None)
    assert store.feedback_rows() == [] and store.turns(conv.id)[0].feedback is None
    with pytest.raises(ValueError):
        store.set_feedback(turn.id, 0)


def test_the_store_survives_a_new_process_view(db_url, seed_meeting, seed_text):
    """A second store object on the same file (another process, after a restart) sees everything."""
    from rag import history

    url = db_url
    conv = history.ConversationStore.open(url).create()
    history.ConversationStore.open(url).append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN))
    history._engines.pop(url).dispose()  # as if the process had restarted
    assert [t.question for t in history.ConversationStore.open(url).turns(conv.id)] == [KNOWN]


def test_a_bad_database_url_is_one_clear_error(tmp_path):
    from rag.history import ConversationStore, HistoryUnavailableError

    with pytest.raises(HistoryUnavailableError, match="not a database URL"):
        ConversationStore.open("no url at all")
    with pytest.raises(HistoryUnavailableError, match="nosuchdriver"):
        ConversationStore.open("postgresql+nosuchdriver://u:secret@127.0.0.1/x")


def test_index_version_names_meetings_and_model(fresh_settings):
    from rag.index import MinutesIndex
    from rag.history import index_version
    from conftest import SEED

    index = MinutesIndex(fresh_settings.with_(embedding_backend="hash", embedding_model="hash-384"))
    empty = index_version(index)
    index.ingest([SEED])
    built = index_version(index)
    assert empty.startswith("meetings=0;") and built.startswith("meetings=1;digest=") and built.endswith("model=" + index.embeddings.model_id)
    assert built == index_version(index) != empty


def test_feedback_export_loads_with_the_eval_loader(store, tmp_path, seed_meeting, seed_text):
    from rag.errors import DatasetError
    from rag.evals import read_dataset
    from rag.feedback import export

    conv = store.create()
    up = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "v1")
    down = store.append_turn(conv.id, _exchange(seed_meeting, seed_text), "v1")
    agreed = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, "防衛省の概算要求額は何億円ですか", abstained=True), "v1")
    store.append_turn(conv.id, _exchange(seed_meeting, seed_text, "未評価の質問"), "v1")  # not marked: not exported
    store.set_feedback(up.id, 1, "正確")
    store.set_feedback(down.id, -1, "警察の発言が欲しかった")
    store.set_feedback(agreed.id, 1)

    out = tmp_path / "out" / "feedback.jsonl"
    summary = export(store.feedback_rows(), out)
    assert (summary.ready, summary.review) == (2, 1) and summary.review_path == tmp_path / "out" / "feedback.review.jsonl"

    dataset = read_dataset(out, corpus=[seed_text])  # the project's own loader, evidence checked against the minutes
    by_id = {item.id: item for item in dataset.items}
    good = by_id[f"fb-{up.id}"]
    assert good.answerable and good.evidence == (DEFENCE,) and good.kind == "feedback" and good.source == SEED_NAME
    assert good.question == f"概算要求 {KNOWN}"  # what was searched: it stands alone
    none = by_id[f"fb-{agreed.id}"]
    assert not none.answerable and none.evidence == () and none.key_facts == ()
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["feedback"]["comment"] == "正確" and line["feedback"]["index_version"] == "v1"

    (review,) = [json.loads(x) for x in summary.review_path.read_text(encoding="utf-8").splitlines()]
    assert review["answerable"] is None and "answerable" in review["review"]
    assert review["feedback"]["comment"] == "警察の発言が欲しかった" and review["feedback"]["asked"] == "それについて防衛省は？"
    assert review["cited"][0]["text"] == DEFENCE
    with pytest.raises(DatasetError, match="awaiting review"):  # an unreviewed line never slips into a run
        read_dataset(summary.review_path)

    # a person decides; the line then loads like any other
    review.update(answerable=True, evidence=[DEFENCE])
    summary.review_path.write_text(json.dumps(review, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_dataset(summary.review_path, corpus=[seed_text]).items[0].answerable

    # a later export with no 👎 left removes the stale review file
    store.set_feedback(down.id, None)
    assert export(store.feedback_rows(), out).review == 0 and not summary.review_path.exists()


def test_feedback_export_command(db_url, tmp_path, seed_meeting, seed_text, monkeypatch, capsys):
    from rag.cli import main
    from rag.history import ConversationStore

    url = db_url
    store = ConversationStore.open(url)
    turn = store.append_turn(store.create().id, _exchange(seed_meeting, seed_text, KNOWN))
    store.set_feedback(turn.id, 1)
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_DATABASE_URL", url)
    out = tmp_path / "fb.jsonl"
    assert main(["feedback", "export", str(out)]) == 0
    assert "wrote 1 eval line(s)" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["evidence"] == [DEFENCE]

    monkeypatch.setenv("RAG_DATABASE_URL", "not a url")
    assert main(["feedback", "export", str(out)]) == 2
    assert "not a database URL" in capsys.readouterr().err


@pytest.mark.slow
def test_a_real_answer_is_restored_as_it_was_shown(assistant, store):
    from rag.conversation import answer_turn
    from rag.history import index_version

    first = answer_turn(assistant, KNOWN)
    follow = answer_turn(assistant, "それについて警察は？", [first.query])
    conv = store.create()
    for ex in (first, follow):
        store.append_turn(conv.id, ex, index_version(assistant.index))
    restored = [t.exchange for t in store.turns(conv.id)]
    assert [r.question for r in restored] == [KNOWN, "それについて警察は？"]
    assert restored[1].note == follow.note and restored[1].query != restored[1].question
    assert [s.context_html for s in restored[0].sources] == [s.context_html for s in first.sources]
    assert conversation_markdown(restored) == conversation_markdown([first, follow])
    assert restored[0].answer.citations == first.answer.citations
