"""The service's own MetaData and the timestamp helpers its records share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData

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
