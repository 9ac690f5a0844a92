"""The service's own MetaData and the small SQL helpers its records share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Position = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """The current time in UTC (what every timestamp column holds)."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """A timestamp read back from the database, aware (SQLite hands back naive UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def aware_row(row: Any) -> dict[str, Any]:
    """A result row as a dict, its timestamps aware (see `as_utc`)."""
    return {
        key: as_utc(value) if isinstance(value, datetime) else value
        for key, value in dict(row).items()
    }


def insert_new(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> int:
    """Insert the rows whose `keys` are not taken yet; returns how many were inserted.

    Duplicates are skipped by the database (ON CONFLICT DO NOTHING), so a second delivery of an
    event meets the unique constraint without failing its transaction.
    """
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Counted through RETURNING: drivers do not all report a rowcount for INSERT ... ON CONFLICT.
    statement = (
        dialect.insert(table)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(table.c[keys[0]])
    )
    return len(session.execute(statement).all())


def upsert(session: Session, table: Table, row: dict[str, Any], keys: Sequence[str]) -> None:
    """Insert `row`, or update the row with the same `keys` to its other values."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(row)
    changes = {name: statement.excluded[name] for name in row if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))
