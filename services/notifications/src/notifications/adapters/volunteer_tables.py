"""Tables of what the service knows about volunteers, and the notifications written to them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from association.timestamps import UtcDateTime
from notifications.adapters.database import Position, metadata

NOTIFICATION_UNIQUE = "uq_notifications_event_recipient_kind"

contacts_table = Table(
    "contacts",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("email", String(254), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# The version of the volunteer's event that last set each contact field, so that changes arriving
# out of order leave the latest value. Beside the contacts rather than in them, so that existing
# databases gain it without a migration (a contact without a row here: any change applies).
contact_versions_table = Table(
    "contact_versions",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("name_version", Integer, nullable=False),
    Column("email_version", Integer, nullable=False),
)

# Only the id stays after a withdrawal, so that late or repeated events write nothing for them.
withdrawn_table = Table(
    "withdrawn_volunteers",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("withdrawn_at", UtcDateTime(), nullable=False),
)

team_names_table = Table(
    "team_names",
    metadata,
    Column("team_id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
)

# Hours in hundredths (two decimals at most), credited once per (activity, volunteer).
hours_credits_table = Table(
    "hours_credits",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("volunteer_id", String(36), primary_key=True),
    Column("centihours", BigInteger, nullable=False),
)

service_hours_table = Table(
    "service_hours",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("total_centihours", BigInteger, nullable=False),
    Column("star_level", SmallInteger, nullable=False),
)

notifications_table = Table(
    "notifications",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("notification_id", String(36), nullable=False, unique=True),
    Column("event_id", String(36), nullable=False),
    Column("volunteer_id", String(36), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("event_id", "volunteer_id", "kind", name=NOTIFICATION_UNIQUE),
    Index("ix_notifications_volunteer", "volunteer_id", "position"),
)

# One row per notification and outward channel (log, email): the channel's delivery status.
message_deliveries_table = Table(
    "message_deliveries",
    metadata,
    Column(
        "notification_id",
        String(36),
        ForeignKey("notifications.notification_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("channel", String(16), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("lease_until", UtcDateTime(), nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("sent_at", UtcDateTime(), nullable=True),
    Index("ix_message_deliveries_due", "status", "next_attempt_at"),
)
