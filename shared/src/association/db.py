"""Database access: engines tuned for SQLite and PostgreSQL, sessions, locked schema creation."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Hand transaction control to the "begin" hook below instead of pysqlite's own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _switch_to_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Writers take the write lock up front, so two writers never deadlock upgrading a read lock.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

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
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"connect_timeout": 5},
    )


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
        self.engine = _sqlite_engine(url) if self.dialect == "sqlite" else _postgres_engine(url)
        read_engine = (
            self.engine.execution_options(sqlite_begin="DEFERRED")
            if self.dialect == "sqlite"
            else self.engine
        )
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(read_engine, expire_on_commit=False)

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


def normalise_url(url: str) -> str:
    """Map `postgres://` and `postgresql://` to the psycopg 3 driver SQLAlchemy expects."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
