"""The service's own MetaData, the timestamp helpers its records share, a per-transaction memo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData
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


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """A dict named `name` that lasts as long as the session's current (sub)transaction.

    The consumer applies a batch of events in one transaction, so what a handler would read or
    do again for every event of the batch (a lookup, a table lock) is kept here once. A new
    transaction or savepoint, or the end of one, starts an empty dict, so nothing kept survives a
    rollback. Outside a transaction nothing is kept (a fresh dict each time).
    """
    current = session.get_nested_transaction() or session.get_transaction()
    if current is None:
        return {}
    held = session.info.get(name)
    if held is None or held[0] is not current:
        held = session.info[name] = (current, {})
    return held[1]
