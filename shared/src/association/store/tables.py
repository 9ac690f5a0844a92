"""The tables every service's database holds: events, outbox, inbox and idempotency keys."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from association.timestamps import UtcDateTime

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Sequence = BigInteger().with_variant(Integer(), "sqlite")

AGGREGATE_VERSION_CONSTRAINT = "uq_events_aggregate_version"

events_table = Table(
    "events",
    metadata,
    Column("sequence", Sequence, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("aggregate_id", String(64), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    UniqueConstraint("aggregate_id", "aggregate_version", name=AGGREGATE_VERSION_CONSTRAINT),
)

# Rows here are events not yet confirmed by the broker; the relay deletes them once confirmed.
outbox_table = Table(
    "outbox",
    metadata,
    Column(
        "sequence", Sequence, ForeignKey("events.sequence"), primary_key=True, autoincrement=False
    ),
)

# Event ids a consumer has applied, written in the same transaction as their effects.
inbox_table = Table(
    "inbox",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
)

# First responses to POSTs carrying an Idempotency-Key, stored in the command's own transaction.
idempotency_table = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", SmallInteger, nullable=True),
    Column("headers", JSON, nullable=True),
    Column("body", LargeBinary, nullable=True),
    # The Location of what the first response created, so erasing it can drop its replays too.
    Column("location", String(255), nullable=True, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
