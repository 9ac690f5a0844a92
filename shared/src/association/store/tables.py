"""The tables every service's database holds: events, outbox, inbox and idempotency keys."""

from __future__ import annotations

from sqlalchemy.schema import ForeignKey, MetaData, Table, UniqueConstraint
from sqlalchemy.types import JSON, Integer, LargeBinary, SmallInteger, String

from association.columns import EventType, Id, Instant, Position, key, numbered, optional, required

metadata = MetaData()

AGGREGATE_VERSION_CONSTRAINT = "uq_events_aggregate_version"

events_table = Table(
    "events",
    metadata,
    numbered("sequence"),
    required("event_id", Id, unique=True),
    required("aggregate_id", String(64)),
    required("aggregate_version", Integer),
    required("event_type", EventType),
    required("schema_version", SmallInteger),
    required("payload", JSON),
    required("metadata", JSON),
    required("occurred_at", Instant),
    UniqueConstraint("aggregate_id", "aggregate_version", name=AGGREGATE_VERSION_CONSTRAINT),
)

# Rows here are events not yet confirmed by the broker; the relay deletes them once confirmed.
outbox_table = Table(
    "outbox",
    metadata,
    key("sequence", Position, ForeignKey("events.sequence")),
)

# Event ids a consumer has applied, written in the same transaction as their effects.
inbox_table = Table(
    "inbox",
    metadata,
    key("event_id"),
    required("event_type", EventType),
    required("processed_at", Instant),
)

# First responses to POSTs carrying an Idempotency-Key, stored in the command's own transaction.
idempotency_table = Table(
    "idempotency_keys",
    metadata,
    key("key", String(255)),
    required("fingerprint", String(64)),
    optional("status", SmallInteger),
    optional("headers", JSON),
    optional("body", LargeBinary),
    required("created_at", Instant),
)
