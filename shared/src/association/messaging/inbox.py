"""The inbox of processed event ids: claiming a batch's events, applying an event at most once.

An event is applied in the transaction that records its id here, so a rolled-back application
leaves no claim behind and a redelivered event that was applied is recognised and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import DateTime, Insert, String, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.handlers import Handler
from association.statements import inserted
from association.store.tables import inbox_table


def apply_once(session: Session, handler: Handler, event: Envelope) -> bool:
    """Apply `event` with `handler` unless the inbox says it was; False for a duplicate.

    Runs in a savepoint of the caller's transaction, so a failing handler leaves nothing behind,
    and records the event id in the inbox in that same savepoint.
    """
    with session.begin_nested():
        if not claim(session, [event]):
            return False
        handler(session, event)
    return True


def _claim_on_postgresql() -> Insert:
    """The inbox rows of a batch in one statement from arrays (unnest), the new ones returned.

    An executemany is a statement per row to psycopg, about six times the client CPU.
    """
    rows = (
        func.unnest(
            bindparam("event_ids", type_=ARRAY(String)),
            bindparam("event_types", type_=ARRAY(String)),
        )
        .table_valued("event_id", "event_type")
        .render_derived()
    )
    processed_at = bindparam("processed_at", type_=DateTime(timezone=True))
    return (
        postgresql.insert(inbox_table)
        .from_select(
            ["event_id", "event_type", "processed_at"],
            select(rows.c.event_id, rows.c.event_type, processed_at),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(inbox_table.c.event_id)
    )


# Built once: a batch costs its statements' execution, not their construction.
_CLAIM_ON_POSTGRESQL = _claim_on_postgresql()


def claim(session: Session, events: Sequence[Envelope]) -> set[str]:
    """Record the events in the inbox unless it holds them already; the ids newly recorded.

    One statement for the whole batch (INSERT … ON CONFLICT DO NOTHING RETURNING), in the
    transaction that applies the events: it both tells which are new and records them, so a
    batch costs one round trip to the inbox, and a rolled-back batch leaves no claim behind.
    """
    if not events:
        return set()
    now = datetime.now(UTC)
    if session.get_bind().dialect.name == "postgresql":
        parameters = {
            "event_ids": [e.event_id for e in events],
            "event_types": [e.event_type for e in events],
            "processed_at": now,
        }
        return set(session.execute(_CLAIM_ON_POSTGRESQL, parameters).scalars())
    rows = [
        {"event_id": e.event_id, "event_type": e.event_type, "processed_at": now} for e in events
    ]
    return set(inserted(session, inbox_table, rows, ["event_id"], "event_id"))
