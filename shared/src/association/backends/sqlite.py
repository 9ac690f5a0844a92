"""SQLite: its engines (WAL, a write lock taken at BEGIN), bulk transactions, outages, statements,
and the checkpoint that leaves no copy of erased data in the WAL.

Writers begin IMMEDIATE under the file's write lock, so on SQLite a transaction that writes is
already alone: the writers' lock and the schema lock of PostgreSQL have nothing to add here.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Executable,
    Table,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite import insert as insert  # the backend's INSERT, with ON CONFLICT
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
BULK_CACHE_KIB = 65_536  # SQLite's page cache in a bulk transaction: 64 MiB


class WriteLock:
    """The write lock of one SQLite file, taken before BEGIN IMMEDIATE and let go after COMMIT.

    SQLite's own busy handler waits for its write lock by sleeping ever longer (up to 100 ms a
    try), so writers queued behind one another wait far longer than the writes take. Threads of a
    process queue here on a threading lock, and processes on an `flock` of `<file>.write-lock`,
    polled at 1 ms at most; SQLite's lock is then free almost every time BEGIN asks for it. Past
    the busy timeout it gives up with SQLite's own "database is locked".
    """

    def __init__(self, database: str, timeout: float) -> None:
        self.path = f"{database}.write-lock"
        self.timeout = timeout
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        """Wait for the lock (threads, then processes); "database is locked" past the timeout."""
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            self._lock_file(time.monotonic() + self.timeout)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        """Let the next writer in."""
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _lock_file(self, deadline: float) -> None:
        fd, pause = self._file(), 0.0001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.001)

    def _file(self) -> int:
        # A forked process (gunicorn's workers) opens its own: an inherited descriptor would
        # share its lock with the parent's.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


class _LockingConnection(sqlite3.Connection):
    """A pysqlite connection that lets its WriteLock go once its transaction has ended."""

    write_lock: WriteLock | None = None

    def hold(self, lock: WriteLock) -> None:
        lock.acquire()
        self.write_lock = lock

    def let_go(self) -> None:
        lock, self.write_lock = self.write_lock, None
        if lock is not None:
            lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.let_go()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.let_go()


class _SQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite whose transactions begin with `begin` ("IMMEDIATE" for writers, "DEFERRED" for
    readers), writers holding the file's `write_lock` from BEGIN to COMMIT.

    BEGIN is the dialect's own (`do_begin`) rather than an engine "begin" event: any engine
    event makes SQLAlchemy dispatch events around every statement the engine runs.
    """

    supports_statement_cache = True  # compiles as pysqlite does: its statement cache applies

    def __init__(
        self, begin: str = "IMMEDIATE", write_lock: WriteLock | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.begin_statement = f"BEGIN {begin}"
        self.write_lock = write_lock if begin == "IMMEDIATE" else None

    def do_begin(self, dbapi_connection: Any) -> None:
        # Writers take the write lock up front, so two writers never deadlock upgrading a read lock.
        connection = dbapi_connection.dbapi_connection  # the pool's proxy hands its driver's
        if self.write_lock is not None:
            connection.hold(self.write_lock)
        try:
            connection.execute(self.begin_statement)
        except sqlite3.Error as error:
            connection.let_go()
            raise DBAPIError.instance(self.begin_statement, (), error, sqlite3.Error) from error
        except BaseException:
            connection.let_go()
            raise


registry.register("sqlite.association", __name__, "_SQLiteDialect")


def engines(url: URL) -> tuple[Engine, Engine]:
    """A writer's engine (BEGIN IMMEDIATE under the write lock) and a reader's (BEGIN DEFERRED).

    An in-memory database has one engine for both: two would be two databases.
    """
    database = url.database
    if not database or database == ":memory:":
        engine = _engine(url, "IMMEDIATE", None)
        return engine, engine
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    write_lock = WriteLock(database, SQLITE_BUSY_TIMEOUT_MS / 1000)
    return _engine(url, "IMMEDIATE", write_lock), _engine(url, "DEFERRED", None)


def _engine(url: URL, begin: str, write_lock: WriteLock | None) -> Engine:
    engine = create_engine(
        url.set(drivername="sqlite+association"),
        begin=begin,
        write_lock=write_lock,
        hide_parameters=True,  # statements' values (personal data) never reach logs or errors
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "factory": _LockingConnection},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Hand transaction control to the dialect's `do_begin` instead of pysqlite's own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _switch_to_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted content and free pages are zeroed, so erased data is not left in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return engine


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode, waiting for the other connections doing so at the same time.

    SQLite does not call the busy handler for this switch: on a new file that the web process and
    the worker open together, one of them would fail at once with "database is locked".
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Raise the connection's page cache to BULK_CACHE_KIB for the transaction in hand.

    With SQLite's default of 2 MiB, a transaction over more pages than that spills them to the
    WAL and reads them back, so a rebuild's time per event grew with the store. After a failure
    the connection keeps the larger limit until it closes (memory, nothing else).
    """
    previous = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
    yield
    session.execute(text(f"PRAGMA cache_size={int(previous)}"))


def checkpoint(engine: Engine) -> None:
    """Copy the WAL into the main file and empty it (TRUNCATE), under the file's write lock.

    The WAL keeps the pages as they were before each transaction changed them until a checkpoint
    overwrites it: after an erasure, this leaves the erased data in neither file (with
    `secure_delete`, the main file's freed space is zeroed). It waits, up to the busy timeout, for
    readers of an older snapshot; if one still holds it, it says so and the WAL waits for the
    next checkpoint.
    """
    proxied = engine.raw_connection()
    try:
        connection = proxied.driver_connection
        lock = cast(_SQLiteDialect, engine.dialect).write_lock
        if lock is not None:
            connection.hold(lock)
        try:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.let_go()
    finally:
        proxied.close()
    if busy:
        log.warning("the WAL of %s could not be emptied: a reader held it", engine.url.database)


def lock_schema(connection: Connection, name: str) -> None:
    """Nothing to take: the BEGIN IMMEDIATE of the connection's transaction is the lock."""


def writers_lock(table: Table) -> Executable | None:
    """None: BEGIN IMMEDIATE under the write lock already serialises writers."""
    return None


def insert_with_outbox_row(table: Table, outbox: Table, key: str) -> Executable | None:
    """None: with the writers' lock held from BEGIN, the two plain INSERTs are as good."""
    return None


def insert_new_from_arrays(
    table: Table, key: str, arrays: tuple[str, ...], scalars: tuple[str, ...]
) -> Executable | None:
    """None: SQLite takes no arrays, the rows go as an executemany."""
    return None


def is_outage(error: DBAPIError) -> bool:
    """Whether SQLite failed for want of the file: locked past the timeout, or not openable."""
    if not isinstance(error.orig, sqlite3.OperationalError):
        return False
    message = str(error.orig).lower()
    return "locked" in message or "unable to open" in message


def bytes_contain(column: ColumnElement[bytes], part: bytes) -> ColumnElement[bool]:
    """`instr` on the blob: SQLite's LIKE never matches a blob."""
    return func.instr(column, part) > 0
