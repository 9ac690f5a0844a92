"""Tables of recruitment as the service follows it: applications, cancelled activities, reminders.

Teams' events about applications carry the activity's title, place and times, so the service keeps
what it needs to tell and remind applicants without a table of activities of its own.
"""

from __future__ import annotations

from sqlalchemy.schema import Index, Table
from sqlalchemy.types import Integer, String

from association.columns import Instant, Status, key, optional, required
from notifications.adapters.database import metadata

ACCEPTED, WAITLISTED, CANCELLED = "accepted", "waitlisted", "cancelled"

# Each (activity, volunteer) application's latest status and the version of the event that set
# it, so that an event arriving after a later one of the same application changes nothing.
applications_table = Table(
    "applications",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("status", Status),
    required("version", Integer),
    required("title", String(200)),
    required("location", String(200)),
    required("starts_at", Instant),
    Index("ix_applications_activity_status", "activity_id", "status"),
)

# Activities teams cancelled: an acceptance arriving later schedules no reminder.
cancelled_activities_table = Table(
    "cancelled_activities",
    metadata,
    key("activity_id"),
    required("cancelled_at", Instant),
)

# A reminder per accepted (activity, volunteer), due 24 hours before the start; `sent_at` is set
# in the transaction that writes the reminder's notification.
reminders_table = Table(
    "reminders",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("due_at", Instant),
    required("starts_at", Instant),
    required("title", String(200)),
    required("location", String(200)),
    optional("sent_at", Instant),
    Index("ix_reminders_unsent_due", "sent_at", "due_at"),
)
