"""The service's own MetaData and the clock its records share."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData

metadata = MetaData()


def utcnow() -> datetime:
    """The current time in UTC (what every timestamp column holds)."""
    return datetime.now(UTC)
