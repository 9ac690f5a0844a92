"""The Activity aggregate: scheduled for a team, then completed with attendance or cancelled."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from association.service_hours import hours_problems, length_in_hours
from teams.domain.errors import ActivityClosed, Invalid, InvalidAttendance
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityEvent,
    ActivityScheduled,
    Attendance,
)
from teams.domain.vocabularies import ActivityStatus


@dataclass
class Activity:
    """An activity as its events left it; `version` is the number of events applied."""

    plan: ActivityScheduled
    status: ActivityStatus = ActivityStatus.SCHEDULED
    version: int = 1

    @staticmethod
    def schedule(plan: ActivityScheduled) -> ActivityScheduled:
        """The event that plans an activity; it must end after it starts."""
        if plan.ends_at <= plan.starts_at:
            raise Invalid(
                "an activity must end after it starts", {"ends_at": ["must be after starts_at"]}
            )
        return plan

    @classmethod
    def from_events(cls, events: Sequence[ActivityEvent]) -> Activity:
        """Fold an activity's events, the first being its ActivityScheduled."""
        first = events[0]
        if not isinstance(first, ActivityScheduled):
            raise ValueError(f"an activity's history starts with ActivityScheduled, not {first!r}")
        activity = cls(first)
        for event in events[1:]:
            activity.apply(event)
        return activity

    def apply(self, event: ActivityEvent) -> None:
        """Change the state by one event."""
        if isinstance(event, ActivityCompleted):
            self.status = ActivityStatus.COMPLETED
        elif isinstance(event, ActivityCancelled):
            self.status = ActivityStatus.CANCELLED
        else:
            raise ValueError(f"an activity cannot apply {event!r}")
        self.version += 1

    @property
    def length(self) -> Decimal:
        """The planned length in hours, the most any attendee can be credited."""
        return length_in_hours(self.plan.starts_at, self.plan.ends_at)

    def _ensure_open(self) -> None:
        if self.status is not ActivityStatus.SCHEDULED:
            raise ActivityClosed(f"the activity is already {self.status.value}")

    def complete(
        self, attendance: Sequence[Attendance], members: Collection[UUID], now: datetime
    ) -> ActivityCompleted:
        """Record who attended for how long; every attendee must be a member of the team."""
        self._ensure_open()
        if now < self.plan.starts_at:
            raise ActivityClosed("the activity has not started yet")
        errors: dict[str, Any] = {}
        if not attendance:
            errors["attendance"] = ["at least one attendee is required"]
        entries: dict[int, dict[str, list[str]]] = {}
        seen: set[UUID] = set()
        for index, entry in enumerate(attendance):
            problems: dict[str, list[str]] = {}
            if entry.volunteer_id in seen:
                problems["volunteer_id"] = ["listed more than once"]
            elif entry.volunteer_id not in members:
                problems["volunteer_id"] = ["not a member of the activity's team"]
            seen.add(entry.volunteer_id)
            hours = hours_problems(entry.hours, self.length)
            if hours:
                problems["hours"] = hours
            if problems:
                entries[index] = problems
        if entries:
            errors["attendance"] = entries
        if errors:
            raise InvalidAttendance("the attendance is not valid", errors)
        plan = self.plan
        return ActivityCompleted(
            plan.activity_id,
            plan.team_id,
            plan.title,
            plan.kind,
            plan.location,
            plan.starts_at,
            plan.ends_at,
            now,
            tuple(attendance),
            plan.content,
            plan.organising_unit,
            plan.person_in_charge,
        )

    def cancel(self, reason: str, now: datetime) -> ActivityCancelled:
        """Call the activity off; only a scheduled one can be."""
        self._ensure_open()
        return ActivityCancelled(self.plan.activity_id, self.plan.team_id, reason, now)
