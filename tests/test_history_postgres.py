"""Conversations and feedback in a real PostgreSQL server (``RAG_DATABASE_URL=postgresql+psycopg://…``).

The module starts a throwaway server from Debian's binaries (``/usr/lib/postgresql/*/bin``,
scripts/test.sh installs them in CI) on a free loopback port, with its data dir and socket in a
temporary directory, and removes it afterwards. PostgreSQL refuses to run as root, so as root it
runs as the ``postgres`` user. Each test gets a new, empty database. The tests of
tests/test_history.py that touch the database run here unchanged (their ``db_url`` fixture is
overridden), plus what only a server can show: concurrent writers, a restart, the CLI in a
separate process.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, SEED_NAME
from rag.devtools.bench import free_port

# the behaviours checked on SQLite, run here against PostgreSQL (they take this module's ``db_url``/``store``)
from test_history import (  # noqa: F401  (collected by pytest in this module, with this module's fixtures)
    DEFENCE,
    KNOWN,
    _exchange,
    test_conversations_crud,
    test_feedback_export_command,
    test_feedback_export_loads_with_the_eval_loader,
    test_feedback_is_set_changed_and_taken_back,
    test_the_store_survives_a_new_process_view,
)

pytestmark = pytest.mark.integration

SERVER_TIMEZONE = "Asia/Tokyo"  # a Japanese team's server; the store must not care


class PostgresServer:
    """A PostgreSQL cluster in ``base`` (data dir, socket, log), run by ``user`` (None: this user)."""

    def __init__(self, bindir: Path, base: Path, user: str | None):
        self.bindir, self.base, self.user = bindir, base, user
        self.data, self.log = base / "data", base / "server.log"
        self.host, self.port = "127.0.0.1", 0

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self.user:
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", self.user, "--", *cmd]
            else:
                import shlex

                cmd = ["su", self.user, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.base, check=False)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        except OSError:
            return "(no server log)"

    def initdb(self) -> None:
        done = self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                        "--encoding=UTF8", "--no-locale", "--no-sync")
        if done.returncode:
            pytest.fail(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        for _ in range(3):  # the free port may be taken between asking and binding
            self.port = free_port()
            options = (f"-c listen_addresses={self.host} -p {self.port} -c unix_socket_directories={self.base} "
                       f"-c fsync=off -c full_page_writes=off -c timezone={SERVER_TIMEZONE}")
            done = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
            if done.returncode == 0:
                return
        pytest.fail(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{self.log_tail()}")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def restart(self) -> None:
        # with its log file: else the new server inherits (and holds open) the pipes run() reads
        done = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{self.log_tail()}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)


def _bindir() -> Path | None:
    """The newest Debian PostgreSQL with both initdb and pg_ctl."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").is_file()]

    def version(d: Path) -> tuple:
        return tuple(int(x) if x.isdigit() else 0 for x in d.parent.name.split("."))

    return max(found, key=version) if found else None


@pytest.fixture(scope="module")
def postgres():
    """A running throwaway PostgreSQL server, stopped and deleted after the module."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the psycopg driver is not installed (pip install 'psycopg[binary]>=3.1', the postgres/test extras)")
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl): "
                    "apt-get install postgresql")
    user = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        if not shutil.which("runuser") and not shutil.which("su"):
            pytest.skip("running as root with neither runuser nor su to run the server as 'postgres'")
        user = "postgres"
    # not under pytest's tmp dir: its root is private to this user, and the server runs as another
    base = Path(tempfile.mkdtemp(prefix="rag-postgres-"))
    try:
        if user:
            os.chown(base, pw.pw_uid, pw.pw_gid)
        server = PostgresServer(bindir, base, user)
        server.initdb()
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def store(db_url):
    from rag.history import ConversationStore

    return ConversationStore.open(db_url)


@pytest.fixture()
def db_url(postgres):
    """A new, empty database on the server for each test (dropped afterwards, with the engine)."""
    from rag import history

    name = f"rag_test_{uuid.uuid4().hex[:12]}"
    postgres.admin(f'CREATE DATABASE "{name}"')
    url = postgres.url(name)
    try:
        yield url
    finally:
        engine = history._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        postgres.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ what only a server shows


def test_it_is_really_postgresql_and_stores_japanese_as_text(db_url, store, seed_meeting, seed_text):
    import sqlalchemy as sa

    from rag.history import _engine

    conv = store.create("防衛省の概算要求について")
    store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "v1")
    engine = _engine(db_url)
    assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
    with engine.connect() as db:
        assert db.execute(sa.text("SHOW server_encoding")).scalar() == "UTF8"
        # the server sees characters, not bytes: 12 of them, and can search them
        assert db.execute(sa.text("SELECT char_length(title) FROM conversations")).scalar() == len("防衛省の概算要求について")
        found = db.execute(sa.text("SELECT question FROM turns WHERE answer_json LIKE :q"), {"q": f"%{DEFENCE}%"})
        assert found.scalars().all() == [KNOWN]
    (turn,) = store.turns(conv.id)
    assert turn.exchange == _exchange(seed_meeting, seed_text, KNOWN)


def test_timestamps_are_utc_whatever_the_server_time_zone(store, seed_meeting, seed_text):
    import datetime as dt

    from rag.history import now

    before = now()
    conv = store.create()
    turn = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "v1")
    store.set_feedback(turn.id, 1, "正確")
    after = now()
    listed = store.get(conv.id)
    (stored,) = store.turns(conv.id)
    (row,) = store.feedback_rows()
    for stamp in (listed.created, listed.updated, stored.created, stored.feedback.created, row.created):
        assert before <= stamp <= after
        assert stamp.utcoffset() == dt.timedelta(0)  # as on SQLite (the server runs in Asia/Tokyo)


def test_two_tabs_appending_at_once_get_distinct_turn_numbers(store, seed_meeting, seed_text):
    """On a server, writers really run at once (SQLite takes one at a time)."""
    conv = store.create()
    n_threads, per_thread = 4, 5
    errors: list[BaseException] = []
    start = threading.Barrier(n_threads)

    def tab(i: int) -> None:
        try:
            start.wait()
            for j in range(per_thread):
                store.append_turn(conv.id, _exchange(seed_meeting, seed_text, f"質問{i}-{j}：防衛省は？"), "v1")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = store.turns(conv.id)
    assert [t.n for t in stored] == list(range(1, n_threads * per_thread + 1))
    assert sorted(t.question for t in stored) == sorted(f"質問{i}-{j}：防衛省は？"
                                                        for i in range(n_threads) for j in range(per_thread))
    assert store.get(conv.id).turns == n_threads * per_thread


def test_a_server_restart_is_survived(postgres, store, seed_meeting, seed_text):
    """The pool's connections die with the server; the next use reconnects (pool_pre_ping)."""
    conv = store.create()
    store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "v1")
    postgres.restart()
    store.append_turn(conv.id, _exchange(seed_meeting, seed_text), "v1")
    assert [t.question for t in store.turns(conv.id)] == [KNOWN, "それについて防衛省は？"]


def test_no_server_is_one_clear_error_without_the_password(postgres):
    from rag.history import ConversationStore, HistoryUnavailableError

    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(HistoryUnavailableError, match="cannot open the conversations database") as raised:
        ConversationStore.open(url)
    assert "secret" not in str(raised.value) and "***" in str(raised.value)
    with pytest.raises(HistoryUnavailableError, match="does not exist"):  # a server, but no such database
        ConversationStore.open(postgres.url("no_such_database"))


def test_text_postgresql_refuses_is_made_to_fit(store, seed_meeting, seed_text):
    """PostgreSQL refuses a NUL in text and a value longer than its VARCHAR(n); SQLite takes both.
    What a user can send (a pasted NUL, an edited ?c= in the URL) or configure (a long local model
    path in the index version) must not reach the driver as an error the app does not catch."""
    bad_id = "a\x00b"
    assert store.get(bad_id) is None and store.turns(bad_id) == [] and store.list(ids=(bad_id,)) == []
    assert not store.rename(bad_id, "題名") and not store.delete(bad_id)
    with pytest.raises(LookupError):
        store.append_turn(bad_id, _exchange(seed_meeting, seed_text, KNOWN))
    assert store.get("x" * 100) is None and not store.rename("x" * 100, "題名")  # longer than the id column

    conv = store.create("題名\x00つき")
    assert conv.title == store.get(conv.id).title == "題名つき"
    long_version = "meetings=3;digest=0123456789abcdef;model=sentence-transformers:/srv/モデル/" + "深い/" * 60
    turn = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, "防衛省は\x00何を求めましたか"), long_version)
    other = store.append_turn(conv.id, _exchange(seed_meeting, seed_text), long_version + "x")
    store.set_feedback(turn.id, -1, "コメント\x00です")
    store.set_feedback(other.id, 1)
    first, second = store.turns(conv.id)
    assert first.question == "防衛省は\x00何を求めましたか"  # the turn as shown (its JSON writes \u0000)
    assert first.feedback.comment == "コメントです"
    assert store.feedback_rows()[0].question == "防衛省は何を求めましたか"  # the text column
    assert len(first.index_version) == 200 and first.index_version.startswith(long_version[:150])
    assert second.index_version != first.index_version  # cut to fit, still told apart
    assert [r.index_version for r in store.feedback_rows()] == [first.index_version, second.index_version]


def test_python_m_rag_feedback_export_round_trip(db_url, store, tmp_path, seed_meeting, seed_text):
    """The real command, in its own process, reads the server and writes lines the eval loader takes."""
    from rag.evals import read_dataset

    conv = store.create()
    up = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, KNOWN), "meetings=1;digest=abc;model=m")
    down = store.append_turn(conv.id, _exchange(seed_meeting, seed_text), "meetings=1;digest=abc;model=m")
    none = store.append_turn(conv.id, _exchange(seed_meeting, seed_text, "防衛省の概算要求額は何億円ですか",
                                                abstained=True), "meetings=1;digest=abc;model=m")
    store.set_feedback(up.id, 1, "根拠が正確です")
    store.set_feedback(down.id, -1, "警察庁の発言も欲しかった")
    store.set_feedback(none.id, 1, "確かに記載なし")

    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_DATABASE_URL": db_url,
           "PYTHONIOENCODING": "utf-8", "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    out = tmp_path / "評価" / "feedback.jsonl"
    done = subprocess.run([sys.executable, "-m", "rag", "feedback", "export", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 eval line(s)" in done.stdout and "wrote 1 line(s) for review" in done.stdout

    dataset = read_dataset(out, corpus=[seed_text])
    by_id = {item.id: item for item in dataset.items}
    assert set(by_id) == {f"fb-{up.id}", f"fb-{none.id}"}
    good = by_id[f"fb-{up.id}"]
    assert good.answerable and good.evidence == (DEFENCE,) and good.source == SEED_NAME
    assert good.question == f"概算要求 {KNOWN}" and good.kind == "feedback"
    assert not by_id[f"fb-{none.id}"].answerable
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["feedback"]["comment"] == "根拠が正確です"
    assert lines[0]["feedback"]["index_version"] == "meetings=1;digest=abc;model=m"
    assert lines[0]["feedback"]["created"].endswith("+00:00")

    review_path = out.with_name("feedback.review.jsonl")
    (review,) = [json.loads(x) for x in review_path.read_text(encoding="utf-8").splitlines()]
    assert review["feedback"]["comment"] == "警察庁の発言も欲しかった" and review["cited"][0]["text"] == DEFENCE
    review.update(answerable=True, evidence=[DEFENCE])  # a person decides; then it loads
    review_path.write_text(json.dumps(review, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_dataset(review_path, corpus=[seed_text]).items[0].evidence == (DEFENCE,)
