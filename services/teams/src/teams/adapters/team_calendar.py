"""A team's activities as an iCalendar file (RFC 5545), for coordinators' calendar apps.

One VEVENT per activity, its UID `<activity_id>@association` so that a re-import updates rather
than duplicates it; times in UTC; cancelled activities stay, with STATUS:CANCELLED.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from teams.adapters.tables import activities_table
from teams.domain.vocabularies import ActivityStatus

CALENDAR_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//城市治理志愿者协会//teams//ZH"
UID_DOMAIN = "association"


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def _stamp(activity: Mapping[str, Any]) -> datetime:
    """When the activity last changed: its scheduling, completion or cancellation."""
    moments = [activity["scheduled_at"], activity["completed_at"], activity["cancelled_at"]]
    return _utc(max(moment for moment in moments if moment is not None))


def team_calendar(team_name: str, activities: Iterable[Mapping[str, Any]]) -> bytes:
    """The calendar of a team called `team_name` holding these activities (rows of the
    activities table)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", team_name)
    for activity in activities:
        event = Event()
        event.add("uid", f"{activity['activity_id']}@{UID_DOMAIN}")
        event.add("dtstamp", _stamp(activity))
        event.add("dtstart", _utc(activity["starts_at"]))
        event.add("dtend", _utc(activity["ends_at"]))
        event.add("summary", activity["title"])
        event.add("location", activity["location"])
        event.add("description", activity["content"])
        cancelled = activity["status"] == ActivityStatus.CANCELLED.value
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_activities(session: Session, team_id: UUID) -> list[Mapping[str, Any]]:
    """The team's activities, by start."""
    rows = session.execute(
        select(activities_table)
        .where(activities_table.c.team_id == str(team_id))
        .order_by(activities_table.c.starts_at, activities_table.c.activity_id)
    )
    return list(rows.mappings())
