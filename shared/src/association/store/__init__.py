"""The append-only event store, its outbox and the consumers' inbox, on SQLAlchemy."""

from association.store.event_store import (
    ConcurrencyError,
    EventStore,
    PayloadCodec,
    serialise_writers,
)
from association.store.tables import events_table, inbox_table, metadata, outbox_table

__all__ = [
    "ConcurrencyError",
    "EventStore",
    "PayloadCodec",
    "events_table",
    "inbox_table",
    "metadata",
    "outbox_table",
    "serialise_writers",
]
