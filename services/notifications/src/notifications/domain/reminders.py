"""When a volunteer accepted for an activity is reminded of it, and how the reminder is named.

A reminder falls due 24 hours before the start. An application accepted (or promoted) when the
start is less than 24 hours away gets none: its notice carries the time. Each reminder's message
has a deterministic event id, so the unique (event, recipient, kind) of the notifications lets it
be written once however often the scheduler runs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

REMINDER_LEAD = timedelta(hours=24)
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving

# The namespace of the reminders' event ids (uuid5 of the activity, volunteer and due time).
REMINDER_NAMESPACE = uuid.UUID("8fb755d4-7d2d-5ee7-a8c6-f804b0d2d36e")


def reminder_due(starts_at: datetime, decided_at: datetime) -> datetime | None:
    """When to remind a volunteer accepted (or promoted) at `decided_at` for an activity starting
    at `starts_at`: 24 hours before the start, or None when the start was less than 24 hours away
    at that moment."""
    try:
        due = starts_at - REMINDER_LEAD
    except OverflowError:  # a start within a day of the first representable instant
        return None
    return due if decided_at <= due else None


def reminder_event_id(activity_id: str, volunteer_id: str, due_at: datetime) -> str:
    """The event id of the reminder's notification, the same on every run."""
    name = f"{activity_id}/{volunteer_id}/{due_at.astimezone(UTC).isoformat()}"
    return str(uuid.uuid5(REMINDER_NAMESPACE, name))


def china_time(instant: datetime) -> str:
    """An instant as volunteers read it: China time, to the minute (`2026-08-09 17:00`); at the
    very end of the calendar, where China's date cannot be written, as given."""
    try:
        return instant.astimezone(CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M")
    except OverflowError:
        return instant.strftime("%Y-%m-%d %H:%M %z")
