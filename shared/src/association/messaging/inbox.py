"""The inbox of processed event ids: claiming a batch's events, applying an event at most once.

An event is applied in the transaction that records its id here, so a rolled-back application
leaves no claim behind and a redelivered event that was applied is recognised and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.handlers import Handler
from association.statements import inserted_keys
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


def claim(session: Session, events: Sequence[Envelope]) -> set[str]:
    """Record the events in the inbox unless it holds them already; the ids newly recorded.

    One statement for the whole batch (INSERT … ON CONFLICT DO NOTHING RETURNING), in the
    transaction that applies the events: it both tells which are new and records them, so a
    batch costs one round trip to the inbox, and a rolled-back batch leaves no claim behind.
    """
    if not events:
        return set()
    columns = {
        "event_id": [event.event_id for event in events],
        "event_type": [event.event_type for event in events],
    }
    same = {"processed_at": datetime.now(UTC)}
    return set(inserted_keys(session, inbox_table, "event_id", columns, same))
