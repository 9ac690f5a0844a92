"""INSERT … ON CONFLICT statements, built once per table, that every service's adapters share.

A claim that may meet a row already there (an idempotency key, a phone's digest, a redelivered
event) is made with ON CONFLICT DO NOTHING … RETURNING instead of a savepoint around a plain
INSERT: one round trip instead of three, and nothing to roll back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.orm import Session

from association import backends


def _dialect(session: Session) -> Callable[[Table], Any]:
    return backends.of(session).insert


@cache
def _insert_new_statement(
    dialect: Callable[[Table], Any], table: Table, keys: tuple[str, ...], returning: str
) -> Executable:
    # Built once and executed with the rows as parameters, so SQLAlchemy compiles it once: a
    # multi-row `.values([...])` statement has no cache key and is compiled on every call.
    # Counted through RETURNING: drivers do not all report a rowcount for INSERT ... ON CONFLICT.
    return (
        dialect(table)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(table.c[returning])
    )


def insert_new(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> int:
    """Insert the rows whose `keys` are not taken yet; returns how many were inserted.

    Duplicates are skipped by the database (ON CONFLICT DO NOTHING), so a second delivery of an
    event meets the unique constraint without failing its transaction.
    """
    return len(inserted(session, table, rows, keys, keys[0]))


def inserted(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    column: str,
) -> list[Any]:
    """Insert the rows whose `keys` are not taken yet; the `column` of each row inserted."""
    if not rows:
        return []
    statement = _insert_new_statement(_dialect(session), table, tuple(keys), column)
    parameters = dict(rows[0]) if len(rows) == 1 else [dict(row) for row in rows]
    return list(session.execute(statement, parameters).scalars())


def inserted_keys(
    session: Session,
    table: Table,
    key: str,
    columns: Mapping[str, Sequence[Any]],
    same: Mapping[str, Any],
) -> list[Any]:
    """Insert rows given column by column, unless their `key` is taken; the keys inserted.

    `columns` holds one sequence of values per column (row i takes the i-th of each), `same` the
    values every row shares. Where the backend takes arrays (PostgreSQL) it is one statement
    whatever the number of rows; elsewhere the rows go as an executemany.
    """
    arrays, scalars = tuple(columns), tuple(same)
    statement = backends.of(session).insert_new_from_arrays(table, key, arrays, scalars)
    if statement is not None:
        parameters = {name: list(values) for name, values in columns.items()}
        return list(session.execute(statement, {**parameters, **same}).scalars())
    rows = [
        {**dict(zip(arrays, values, strict=True)), **same}
        for values in zip(*columns.values(), strict=True)
    ]
    return inserted(session, table, rows, [key], key)


def insert_new_returning(
    session: Session, table: Table, row: dict[str, Any], keys: Sequence[str], column: str
) -> Any | None:
    """Insert `row` unless its `keys` are taken (as `insert_new`); its stored `column`, or None."""
    statement = _insert_new_statement(_dialect(session), table, tuple(keys), column)
    return session.execute(statement, dict(row)).scalar_one_or_none()


@cache
def _upsert_statement(
    dialect: Callable[[Table], Any], table: Table, keys: tuple[str, ...], columns: tuple[str, ...]
) -> Executable:
    statement = dialect(table)
    changes = {name: statement.excluded[name] for name in columns if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changes)


def upsert(session: Session, table: Table, row: dict[str, Any], keys: Sequence[str]) -> None:
    """Insert `row`, or update the row with the same `keys` to its other values."""
    statement = _upsert_statement(_dialect(session), table, tuple(keys), tuple(row))
    session.execute(statement, dict(row))
