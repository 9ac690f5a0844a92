"""The database backends, SQLite and PostgreSQL: each one's specifics in its own module.

`named` and `of` pick a backend by its dialect's name. Every backend offers the same `Backend`
names; where a backend needs nothing of its own (SQLite's writers are alone from BEGIN), its
statement is None and callers run the plain one. The two questions every caller asks whatever
the backend, "is this error an outage?" and "queue behind this table's writers", are here.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, Connection, Engine, Executable, Table
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from association.backends import postgresql, sqlite


class Backend(Protocol):
    """What a backend module offers (see `association.backends.sqlite` and `.postgresql`)."""

    def engines(self, url: URL) -> tuple[Engine, Engine]:
        """The writers' engine and the readers' (the same one where they need no difference)."""

    def bulk(self, session: Session) -> AbstractContextManager[None]:
        """Tune the transaction in hand for a job that touches much of the database."""

    def checkpoint(self, engine: Engine) -> None:
        """Leave no older copy of committed changes beside the database (SQLite's WAL)."""

    def lock_schema(self, connection: Connection, name: str) -> None:
        """Hold off other processes creating the schema `name` until the transaction ends."""

    def insert(self, table: Table) -> Any:
        """The dialect's INSERT, which takes ON CONFLICT."""

    def writers_lock(self, table: Table) -> Executable | None:
        """The statement that queues behind `table`'s other writers until commit."""

    def insert_with_outbox_row(self, table: Table, outbox: Table, key: str) -> Executable | None:
        """The writers' lock, a row of `table` and its `key` in `outbox`, in one statement."""

    def insert_new_from_arrays(
        self, table: Table, key: str, arrays: tuple[str, ...], scalars: tuple[str, ...]
    ) -> Executable | None:
        """Rows given column by column, inserted unless their `key` is taken; the keys inserted."""

    def is_outage(self, error: DBAPIError) -> bool:
        """Whether this backend's error says the database is unreachable or unavailable."""

    def bytes_contain(self, column: ColumnElement[bytes], part: bytes) -> ColumnElement[bool]:
        """Whether a binary column's value holds the bytes `part`."""


_BY_DIALECT: dict[str, Backend] = {
    "sqlite": cast(Backend, sqlite),
    "postgresql": cast(Backend, postgresql),
}


def named(dialect: str) -> Backend:
    """The backend of a dialect ("sqlite" or "postgresql")."""
    try:
        return _BY_DIALECT[dialect]
    except KeyError:
        raise ValueError(f"no backend for the {dialect!r} dialect") from None


def of(bind: Session | Connection) -> Backend:
    """The backend a session or connection talks to."""
    dialect = bind.dialect if isinstance(bind, Connection) else bind.get_bind().dialect
    return _BY_DIALECT[dialect.name]


def take_writers_lock(bind: Session | Connection, table: Table) -> None:
    """Queue behind every other writer of `table` until this transaction ends.

    Writers that take it commit one after the other, so the positions they draw commit in order
    and a reader following "everything after N" never skips one that commits late.
    """
    lock = of(bind).writers_lock(table)
    if lock is not None:
        bind.execute(lock)


def is_outage(error: BaseException) -> bool:
    """Whether the database, not the caller, is at fault: unreachable, gone, locked, exhausted.

    A lost connection, a pool with no connection to spare, and each backend's own signs (see
    their `is_outage`) count; a statement the database refused (a constraint, a syntax error, a
    missing table) does not. Callers retry an outage later instead of failing the work.
    """
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or any(
        backend.is_outage(error) for backend in _BY_DIALECT.values()
    )


__all__ = ["Backend", "is_outage", "named", "of", "take_writers_lock"]
