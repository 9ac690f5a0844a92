"""Tables of the partner side: the public (redacted) log, its outbox, webhook subscriptions."""

from __future__ import annotations

from sqlalchemy.schema import ForeignKey, Index, Table, UniqueConstraint
from sqlalchemy.types import JSON, Integer, SmallInteger, String

from association.columns import (
    EventType,
    Id,
    Instant,
    Position,
    Reason,
    Status,
    key,
    numbered,
    optional,
    required,
)
from notifications.adapters.database import metadata

# Every integration event consumed, redacted; `position` orders the public stream and feed.
public_events_table = Table(
    "public_events",
    metadata,
    numbered("position"),
    required("event_id", Id, unique=True),
    required("event_type", EventType),
    optional("volunteer_id", Id, index=True),
    required("envelope", JSON),
    required("recorded_at", Instant),
)

# Public events not yet confirmed by the broker on `association.public`.
public_outbox_table = Table(
    "public_outbox",
    metadata,
    key("position", Position, ForeignKey("public_events.position")),
)

subscriptions_table = Table(
    "subscriptions",
    metadata,
    key("subscription_id"),
    required("owner", String(255), index=True),
    required("url", String(2048)),
    required("event_types", JSON),
    required("secret", String(128)),
    required("status", Status),
    optional("status_reason", Reason),
    optional("paused_at", Instant),
    required("consecutive_failures", Integer),
    required("version", Integer),
    required("created_at", Instant),
    # Which dispatcher delivers to this subscription now, so deliveries stay in order.
    optional("lease_owner", String(64)),
    optional("lease_until", Instant),
)

webhook_deliveries_table = Table(
    "webhook_deliveries",
    metadata,
    numbered("position"),
    required("delivery_id", Id, unique=True),
    required(
        "subscription_id",
        Id,
        ForeignKey("subscriptions.subscription_id", ondelete="CASCADE"),
    ),
    required("public_position", Position, ForeignKey("public_events.position")),
    required("event_type", EventType),
    required("status", Status),
    required("attempts", Integer),
    required("next_attempt_at", Instant),
    optional("last_attempt_at", Instant),
    optional("last_status_code", SmallInteger),
    optional("last_error", Reason),
    optional("delivered_at", Instant),
    required("created_at", Instant),
    UniqueConstraint("subscription_id", "public_position", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_queue", "subscription_id", "status", "position"),
)
