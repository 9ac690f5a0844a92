"""Whether a database error is the database's absence (an outage) rather than a handler's fault."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError, OperationalError


def is_outage(error: Exception) -> bool:
    """True when a handler's error is the database's absence, not the handler's failure."""
    return isinstance(error, DBAPIError) and is_connection_problem(error)


def is_connection_problem(error: DBAPIError) -> bool:
    """True when the database, not the event, is at fault (lost connection, SQLite locked)."""
    if error.connection_invalidated:
        return True
    orig = error.orig
    if type(orig).__module__.startswith("psycopg"):
        return isinstance(orig, psycopg.OperationalError)
    message = str(orig).lower()
    return isinstance(error, OperationalError) and (
        "locked" in message or "unable to open" in message
    )
