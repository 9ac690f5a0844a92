"""The database of one service: write and read sessions, bulk transactions, schema creation,
and the checkpoint a transaction that erases personal data asks for after its commit.

What differs between SQLite and PostgreSQL (engines, locks, tuning) is their backend's, in
`association.backends`; this module is the same for both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from association import backends

log = logging.getLogger(__name__)
_CHECKPOINT = "association.checkpoint_after_commit"


class Database:
    """One service's database: `transaction()` for writes, `reader()` for reads, `create_schema()`.

    SQLite runs in WAL mode with a busy timeout and takes its write lock at BEGIN (BEGIN IMMEDIATE);
    read sessions begin DEFERRED so they never wait for writers. PostgreSQL URLs are used as given
    (`postgresql+psycopg://…`; a bare `postgresql://` is mapped to psycopg 3).
    """

    def __init__(self, url: str) -> None:
        url = normalise_url(url)
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.backend = backends.named(self.dialect)
        self.engine, self._read_engine = self.backend.engines(parsed)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self._read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (one writer at a time, from BEGIN)."""
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

        Its backend tunes the transaction for it (on SQLite a larger page cache, see
        `association.backends.sqlite.bulk`).
        """
        with self.transaction() as session, self.backend.bulk(session):
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
            names = ",".join(table for metadata in metadatas for table in sorted(metadata.tables))
            self.backend.lock_schema(connection, names)
            for metadata in metadatas:
                metadata.create_all(connection)
            connection.commit()

    def dispose(self) -> None:
        """Close every pooled connection (a process's last act, or a test's)."""
        self.engine.dispose()
        self._read_engine.dispose()


def normalise_url(url: str) -> str:
    """Map `postgres://` and `postgresql://` to the psycopg 3 driver SQLAlchemy expects."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def checkpoint_after_commit(session: Session) -> None:
    """Once the session's transaction commits, leave no older copy of what it changed beside the
    database (on SQLite, empty the WAL; see the backends' `checkpoint`).

    For the transactions that erase a person's data, so that other commands pay nothing for it.
    A rollback of the transaction forgets the request.
    """
    session.info[_CHECKPOINT] = True


@event.listens_for(Session, "after_commit")
def _checkpoint(session: Session) -> None:
    # Released savepoints report a commit too: only the end of the whole transaction counts.
    root = session.get_transaction()
    if (root is not None and root.is_active) or not session.info.pop(_CHECKPOINT, False):
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    try:
        backends.of(session).checkpoint(engine)
    except Exception:  # the erasure is committed: the answer stands, the WAL waits for the next
        log.exception("the checkpoint after an erasure failed")


@event.listens_for(Session, "after_transaction_end")
def _forget_checkpoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHECKPOINT, None)
