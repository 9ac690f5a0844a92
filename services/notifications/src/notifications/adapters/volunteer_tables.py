"""Tables of what the service knows about volunteers, and the notifications written to them."""

from __future__ import annotations

from sqlalchemy.schema import ForeignKey, Index, Table, UniqueConstraint
from sqlalchemy.types import BigInteger, Integer, LargeBinary, SmallInteger, String, Text

from association.columns import Id, Instant, Reason, Status, key, numbered, optional, required
from association.sealing import keys_table
from notifications.adapters.database import metadata
from notifications.domain.messages import SUBJECT_MAX_LENGTH

NOTIFICATION_UNIQUE = "uq_notifications_event_recipient_kind"

# Each volunteer's contact (name, e-mail), sealed under their key in `contact_keys`: the key is
# destroyed on withdrawal.
sealed_contacts_table = Table(
    "sealed_contacts",
    metadata,
    key("volunteer_id"),
    required("sealed", LargeBinary),
    required("updated_at", Instant),
)

contact_keys_table = keys_table(metadata, "contact_keys")

# Contacts as they were stored before they were sealed, in clear: read until the contact is next
# written (then sealed, and its row here deleted) or the volunteer withdraws.
contacts_table = Table(
    "contacts",
    metadata,
    key("volunteer_id"),
    required("name", String(50)),
    optional("email", String(254)),
    required("updated_at", Instant),
)

# The version of the volunteer's event that last set each contact field, so that changes arriving
# out of order leave the latest value. Beside the contacts rather than in them, so that existing
# databases gain it without a migration (a contact without a row here: any change applies).
contact_versions_table = Table(
    "contact_versions",
    metadata,
    key("volunteer_id"),
    required("name_version", Integer),
    required("email_version", Integer),
    required("phone_version", Integer, server_default="0"),
)

# Only the id stays after a withdrawal, so that late or repeated events write nothing for them.
withdrawn_table = Table(
    "withdrawn_volunteers",
    metadata,
    key("volunteer_id"),
    required("withdrawn_at", Instant),
)

# Each volunteer's member organisation (None: none) and the version of the event that set it, so
# that a coordinator reaches the messages of their organisation's volunteers only.
volunteer_organisations_table = Table(
    "volunteer_organisations",
    metadata,
    key("volunteer_id"),
    optional("organisation_id", Id),
    required("version", Integer),
)

team_names_table = Table(
    "team_names",
    metadata,
    key("team_id"),
    required("name", String(100)),
)

# Hours in hundredths (two decimals at most), credited once per (activity, volunteer).
hours_credits_table = Table(
    "hours_credits",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("centihours", BigInteger),
)

service_hours_table = Table(
    "service_hours",
    metadata,
    key("volunteer_id"),
    required("total_centihours", BigInteger),
    required("star_level", SmallInteger),
)

notifications_table = Table(
    "notifications",
    metadata,
    numbered("position"),
    required("notification_id", Id, unique=True),
    required("event_id", Id),
    required("volunteer_id", Id),
    required("kind", String(32)),
    required("language", String(8)),
    required("subject", String(SUBJECT_MAX_LENGTH)),
    required("body", Text),
    required("created_at", Instant),
    UniqueConstraint("event_id", "volunteer_id", "kind", name=NOTIFICATION_UNIQUE),
    Index("ix_notifications_volunteer", "volunteer_id", "position"),
)

# One row per notification and outward channel (log, email): the channel's delivery status.
message_deliveries_table = Table(
    "message_deliveries",
    metadata,
    key("notification_id", Id, ForeignKey("notifications.notification_id", ondelete="CASCADE")),
    key("channel", String(16)),
    required("status", Status),
    required("attempts", Integer),
    optional("next_attempt_at", Instant),
    optional("lease_until", Instant),
    optional("last_error", Reason),
    optional("sent_at", Instant),
    Index("ix_message_deliveries_due", "status", "next_attempt_at"),
)
