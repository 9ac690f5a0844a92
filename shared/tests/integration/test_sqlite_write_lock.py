"""SQLite writers queue on the file's write lock instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text, update
from sqlalchemy.exc import OperationalError

from association.backends.sqlite import WriteLock
from association.db import Database

metadata = MetaData()
counter_table = Table(
    "counter", metadata, Column("id", Integer, primary_key=True), Column("n", Integer)
)


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'locked.db'}")
    database.create_schema(metadata)
    with database.transaction() as session:
        session.execute(counter_table.insert().values(id=1, n=0))
    yield database
    database.dispose()


def _lock_is_free(path: Path) -> bool:
    fd = os.open(f"{path}.write-lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _increment(database: Database, times: int) -> None:
    for _ in range(times):
        with database.transaction() as session:
            n = session.execute(select(counter_table.c.n)).scalar_one()
            session.execute(update(counter_table).values(n=n + 1))


def _count(database: Database) -> int:
    with database.reader() as session:
        return session.execute(select(counter_table.c.n)).scalar_one()


def test_the_lock_is_held_for_a_write_transaction_and_let_go_after_commit_and_rollback(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "locked.db"
    with database.transaction() as session:
        session.execute(update(counter_table).values(n=1))
        assert not _lock_is_free(path)
    assert _lock_is_free(path)
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.execute(update(counter_table).values(n=2))
        raise RuntimeError("the command failed")
    assert _lock_is_free(path)
    with database.reader() as session:  # readers never take it
        session.execute(select(counter_table.c.n)).scalar_one()
        assert _lock_is_free(path)
    assert _count(database) == 1


def test_a_request_style_session_lets_go_at_its_commit(database: Database, tmp_path: Path) -> None:
    session = database.session()
    session.execute(update(counter_table).values(n=5))
    assert not _lock_is_free(tmp_path / "locked.db")
    session.commit()
    assert _lock_is_free(tmp_path / "locked.db")
    session.close()


def test_threads_of_one_process_write_one_after_another(database: Database) -> None:
    threads = [threading.Thread(target=_increment, args=(database, 50)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert _count(database) == 400


def _increment_in_a_process(url: str, times: int) -> None:
    database = Database(url)
    try:
        _increment(database, times)
    finally:
        database.dispose()


def test_processes_write_one_after_another(database: Database) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_increment_in_a_process, args=(database.url, 100)) for _ in range(3)
    ]
    for process in processes:
        process.start()
    _increment(database, 100)
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert _count(database) == 400


def test_a_writer_gives_up_after_the_timeout_with_sqlites_own_error(tmp_path: Path) -> None:
    holder, waiter = WriteLock(str(tmp_path / "x.db"), 5), WriteLock(str(tmp_path / "x.db"), 0.2)
    holder.acquire()
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            waiter.acquire()
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        holder.release()
    waiter.acquire()  # free again once the holder let go
    waiter.release()


def test_a_failed_begin_lets_the_lock_go(database: Database, tmp_path: Path) -> None:
    # Another connection holds SQLite's own write lock without our file lock, as a foreign
    # program would; BEGIN IMMEDIATE then times out, and our lock must not stay taken.
    path = tmp_path / "locked.db"
    foreign = sqlite3.connect(path, isolation_level=None)
    foreign.execute("BEGIN IMMEDIATE")
    impatient = Database(f"sqlite:///{path}")
    try:
        with impatient.engine.connect() as connection:
            connection.connection.dbapi_connection.execute("PRAGMA busy_timeout=100")
            with pytest.raises(OperationalError, match="locked"):
                connection.execute(text("UPDATE counter SET n = 9"))
            connection.rollback()
        assert _lock_is_free(path)
    finally:
        foreign.rollback()
        foreign.close()
        impatient.dispose()
    assert _count(database) == 0
