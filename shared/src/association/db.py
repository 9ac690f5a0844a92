"""Database access: engines tuned for SQLite and PostgreSQL, sessions, locked schema creation."""

from __future__ import annotations

import fcntl
import hashlib
import os
import select
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

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
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            self._lock_file(time.monotonic() + self.timeout)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
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


def _sqlite_engines(url: str) -> tuple[Engine, Engine]:
    """A writer's engine (BEGIN IMMEDIATE under the write lock) and a reader's (BEGIN DEFERRED).

    An in-memory database has one engine for both: two would be two databases.
    """
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:":
        engine = _sqlite_engine(parsed, "IMMEDIATE", None)
        return engine, engine
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    write_lock = WriteLock(database, SQLITE_BUSY_TIMEOUT_MS / 1000)
    return _sqlite_engine(parsed, "IMMEDIATE", write_lock), _sqlite_engine(parsed, "DEFERRED", None)


def _sqlite_engine(url: URL, begin: str, write_lock: WriteLock | None) -> Engine:
    engine = create_engine(
        url.set(drivername="sqlite+association"),
        begin=begin,
        write_lock=write_lock,
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


def _postgres_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        connect_args={"connect_timeout": 5},
    )
    event.listen(engine, "connect", _LivenessCheck.connected)
    event.listen(engine, "checkout", _LivenessCheck(engine.dialect))
    return engine


class _LivenessCheck:
    """Hands out only live pooled connections, without `pool_pre_ping`'s round trip per checkout.

    A backend that is terminated (pg_terminate_backend, a restart, a crash) sends its last words
    or closes the socket, so a dead idle connection has something to read: only then, or when the
    connection sat unused long enough for a firewall to have dropped it silently, is it pinged. A
    failed ping invalidates the whole pool, as `pool_pre_ping` does, and the pool connects anew.
    A connection just opened is handed out unchecked, as `pool_pre_ping` hands it: checking it
    too would let a database that kills every new backend exhaust the pool's reconnection
    attempts, an error no caller could tell from a bug, instead of failing the first statement
    with the database's own error, which callers retry as an outage.
    """

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    @staticmethod
    def connected(_dbapi_connection, record: ConnectionPoolEntry) -> None:  # type: ignore[no-untyped-def]
        record.info[_LAST_CHECKOUT] = None

    def __call__(self, dbapi_connection, record: ConnectionPoolEntry, _proxy) -> None:  # type: ignore[no-untyped-def]
        if self._suspect(dbapi_connection, record) and not self._pings(dbapi_connection):
            raise InvalidatePoolError("the pooled connection is dead")

    def _suspect(self, dbapi_connection, record: ConnectionPoolEntry) -> bool:  # type: ignore[no-untyped-def]
        """Whether a connection used before may be dead: the server spoke, or it sat unused."""
        now = time.monotonic()
        last, record.info[_LAST_CHECKOUT] = record.info.get(_LAST_CHECKOUT), now
        if last is None:  # opened for this checkout
            return False
        return now - last > PING_AFTER_IDLE_SECONDS or self._has_unread_input(dbapi_connection)

    def _has_unread_input(self, dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
        """Whether the server sent anything to this idle connection (or its socket is gone)."""
        try:
            descriptor = dbapi_connection.fileno()
        except self.dialect.loaded_dbapi.Error:
            return True
        poller = select.poll()
        poller.register(descriptor, select.POLLIN)
        return bool(poller.poll(0))

    def _pings(self, dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
        try:
            self.dialect.do_ping(dbapi_connection)
        except self.dialect.loaded_dbapi.Error:
            return False
        return True


PING_AFTER_IDLE_SECONDS = 30.0
_LAST_CHECKOUT = "association_last_checkout"


class Database:
    """One service's database: `transaction()` for writes, `reader()` for reads, `create_schema()`.

    SQLite runs in WAL mode with a busy timeout and takes its write lock at BEGIN (BEGIN IMMEDIATE);
    read sessions begin DEFERRED so they never wait for writers. PostgreSQL URLs are used as given
    (`postgresql+psycopg://…`; a bare `postgresql://` is mapped to psycopg 3).
    """

    def __init__(self, url: str) -> None:
        url = normalise_url(url)
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        if self.dialect == "sqlite":
            self.engine, self._read_engine = _sqlite_engines(url)
        else:
            self.engine = self._read_engine = _postgres_engine(url)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self._read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def session(self) -> Session:
        """A write session; the caller commits or rolls back."""
        return self._writer()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session committed on success and rolled back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def bulk_transaction(self) -> Iterator[Session]:
        """`transaction()` for a job that touches much of the database at once (a rebuild).

        On SQLite its connection's page cache is raised to BULK_CACHE_KIB for the transaction:
        with SQLite's default of 2 MiB, a transaction over more pages than that spills them to
        the WAL and reads them back, so a rebuild's time per event grew with the store. After a
        failure the connection keeps the larger limit until it closes (memory, nothing else).
        """
        with self.transaction() as session:
            if not self.is_sqlite:
                yield session
                return
            previous = session.execute(text("PRAGMA cache_size")).scalar_one()
            session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
            yield session
            session.execute(text(f"PRAGMA cache_size={int(previous)}"))

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session (on SQLite it does not take the write lock)."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    def create_schema(self, *metadatas: MetaData) -> None:
        """Create missing tables, serialised across processes so concurrent starts never race."""
        with self.engine.connect() as connection:
            if self.dialect == "postgresql":
                key = _lock_key(
                    "schema:" + ",".join(t for m in metadatas for t in sorted(m.tables))
                )
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            # On SQLite the BEGIN IMMEDIATE of this connection's transaction is the lock.
            for metadata in metadatas:
                metadata.create_all(connection)
            connection.commit()

    def dispose(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()


def normalise_url(url: str) -> str:
    """Map `postgres://` and `postgresql://` to the psycopg 3 driver SQLAlchemy expects."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
