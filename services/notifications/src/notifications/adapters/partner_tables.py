"""Tables of the partner side: the public (redacted) log, its outbox, webhook subscriptions."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from association.timestamps import UtcDateTime
from notifications.adapters.database import Position, metadata

# Every integration event consumed, redacted; `position` orders the public stream and feed.
public_events_table = Table(
    "public_events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("volunteer_id", String(36), nullable=True, index=True),
    Column("envelope", JSON, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# Public events not yet confirmed by the broker on `association.public`.
public_outbox_table = Table(
    "public_outbox",
    metadata,
    Column(
        "position",
        Position,
        ForeignKey("public_events.position"),
        primary_key=True,
        autoincrement=False,
    ),
)

subscriptions_table = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("owner", String(255), nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("secret", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", String(500), nullable=True),
    Column("paused_at", UtcDateTime(), nullable=True),
    Column("consecutive_failures", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # Which dispatcher delivers to this subscription now, so deliveries stay in order.
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UtcDateTime(), nullable=True),
)

webhook_deliveries_table = Table(
    "webhook_deliveries",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("delivery_id", String(36), nullable=False, unique=True),
    Column(
        "subscription_id",
        String(36),
        ForeignKey("subscriptions.subscription_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("public_position", Position, ForeignKey("public_events.position"), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("last_attempt_at", UtcDateTime(), nullable=True),
    Column("last_status_code", SmallInteger, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("subscription_id", "public_position", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_queue", "subscription_id", "status", "position"),
)
