"""PostgreSQL: its engine (a pool that hands out live connections), locks, outages, statements.

Writers that must commit in order (an event log, the public log) queue on a transaction-scoped
advisory lock keyed by their table's oid, so that each table of each database or schema has its
own. Unlike a table lock it can be taken inside the statement that appends, and it keeps
autovacuum waiting for nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from select import POLLIN, poll

import psycopg
from sqlalchemy import (
    ColumnElement,
    Connection,
    Dialect,
    Engine,
    Executable,
    Select,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

PING_AFTER_IDLE_SECONDS = 30.0
_LAST_CHECKOUT = "association_last_checkout"


def engines(url: URL) -> tuple[Engine, Engine]:
    """One pooled engine, for writers and readers alike."""
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        hide_parameters=True,  # statements' values (personal data) never reach logs or errors
        connect_args={"connect_timeout": 5},
    )
    event.listen(engine, "connect", _LivenessCheck.connected)
    event.listen(engine, "checkout", _LivenessCheck(engine.dialect))
    return engine, engine


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
        poller = poll()
        poller.register(descriptor, POLLIN)
        return bool(poller.poll(0))

    def _pings(self, dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
        try:
            self.dialect.do_ping(dbapi_connection)
        except self.dialect.loaded_dbapi.Error:
            return False
        return True


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Nothing to change: PostgreSQL's shared buffers serve a large transaction as they are."""
    yield


def checkpoint(engine: Engine) -> None:
    """Nothing to do: a deleted or updated row is a dead tuple until VACUUM, out of reach here."""


def lock_schema(connection: Connection, name: str) -> None:
    """Hold off every other process creating the schema `name` until this transaction ends."""
    key = int.from_bytes(hashlib.sha256(f"schema:{name}".encode()).digest()[:8], "big", signed=True)
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@cache
def writers_lock(table: Table) -> Select:
    """The writers' lock of `table`: an advisory lock keyed by its oid, held until commit."""
    oid = literal_column(f"'{table.name}'::regclass::oid::bigint")
    return select(func.pg_advisory_xact_lock(oid))


@cache
def insert_with_outbox_row(table: Table, outbox: Table, key: str) -> Executable:
    """The writers' lock of `table`, one row of it and its `key` in `outbox`, in one statement.

    One round trip instead of three. The row is selected from the lock's, so its key (drawn from
    a sequence) is drawn only once the lock is held. Run with the row's columns but `key`.
    """
    lock = writers_lock(table).cte("writers_lock")
    columns = [column for column in table.c if column.key != key]
    values = select(*(bindparam(column.key, type_=column.type) for column in columns)).select_from(
        lock
    )
    row = (
        insert(table)
        .from_select([column.key for column in columns], values)
        .returning(table.c[key])
        .cte("row")
    )
    return insert(outbox).from_select([key], select(row.c[key])).returning(outbox.c[key])


@cache
def insert_new_from_arrays(
    table: Table, key: str, arrays: tuple[str, ...], scalars: tuple[str, ...]
) -> Executable:
    """Rows given as one array per column (`arrays`, unnest) plus `scalars` shared by every row,
    inserted unless their `key` is taken; the keys inserted.

    One statement from arrays rather than an executemany, which psycopg sends as a statement per
    row at about six times the client CPU. Run with each column's name as its parameter.
    """
    rows = (
        func.unnest(*(bindparam(name, type_=ARRAY(table.c[name].type)) for name in arrays))
        .table_valued(*arrays)
        .render_derived()
    )
    shared = [bindparam(name, type_=table.c[name].type) for name in scalars]
    return (
        insert(table)
        .from_select([*arrays, *scalars], select(*(rows.c[name] for name in arrays), *shared))
        .on_conflict_do_nothing(index_elements=[key])
        .returning(table.c[key])
    )


def is_outage(error: DBAPIError) -> bool:
    """Whether PostgreSQL could not be reached or served no one (psycopg's OperationalError)."""
    return isinstance(error.orig, psycopg.OperationalError)


def bytes_contain(column: ColumnElement[bytes], part: bytes) -> ColumnElement[bool]:
    """LIKE on the bytea, `part`'s wildcards and backslashes escaped (LIKE's default escape)."""
    for special in (b"\\", b"%", b"_"):
        part = part.replace(special, b"\\" + special)
    return column.op("LIKE", is_comparison=True)(b"%" + part + b"%")
