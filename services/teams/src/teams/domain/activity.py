"""The Activity aggregate: scheduled for a team, then completed with attendance or cancelled."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from association.service_hours import CENT, hours_problems, length_in_hours
from teams.domain.errors import ActivityClosed, Invalid, InvalidAttendance
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityEvent,
    ActivityScheduled,
    Attendance,
    AttendanceRecorded,
    HoursCorrected,
)
from teams.domain.vocabularies import ActivityStatus
from teams.domain.working_days import recording_deadline

ZERO = Decimal("0.00")


@dataclass
class Activity:
    """An activity as its events left it; `version` is the number of events applied."""

    plan: ActivityScheduled
    status: ActivityStatus = ActivityStatus.SCHEDULED
    version: int = 1
    # Each attendee's hours as recorded and corrected since (an entry may be corrected to 0).
    hours: dict[UUID, Decimal] = field(default_factory=dict)

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
            self.hours = {entry.volunteer_id: entry.hours for entry in event.attendance}
        elif isinstance(event, HoursCorrected):
            self.hours[event.volunteer_id] = event.hours
        elif isinstance(event, ActivityCancelled):
            self.status = ActivityStatus.CANCELLED
        elif isinstance(event, AttendanceRecorded):
            # It changes no decision here: the completion reads what was recorded from its
            # table (`recorded_attendance`), not from hundreds of entries folded in memory.
            pass
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

    def _ensure_ended(self, now: datetime) -> None:
        if now < self.plan.ends_at:
            ends = self.plan.ends_at.isoformat()
            raise Invalid(
                "the activity has not ended yet",
                {"ends_at": [f"the activity ends at {ends}: record its hours after that"]},
            )

    def _attendance_errors(
        self, attendance: Sequence[Attendance], eligible: Collection[UUID]
    ) -> dict[int, dict[str, list[str]]]:
        """The problems of each entry by index: listed twice, not eligible, hours not valid."""
        entries: dict[int, dict[str, list[str]]] = {}
        seen: set[UUID] = set()
        for index, entry in enumerate(attendance):
            problems: dict[str, list[str]] = {}
            if entry.volunteer_id in seen:
                problems["volunteer_id"] = ["listed more than once"]
            elif entry.volunteer_id not in eligible:
                problems["volunteer_id"] = [
                    "neither a member of the activity's team nor an accepted applicant"
                ]
            seen.add(entry.volunteer_id)
            hours = hours_problems(entry.hours, self.length)
            if hours:
                problems["hours"] = hours
            if problems:
                entries[index] = problems
        return entries

    def record_attendance(
        self, attendance: Sequence[Attendance], eligible: Collection[UUID], now: datetime
    ) -> AttendanceRecorded:
        """Record a batch of attendees' hours ahead of the completion, once the activity has
        ended and while it is scheduled; each attendee a member of the team or an accepted
        applicant (`eligible`), listed once."""
        self._ensure_open()
        self._ensure_ended(now)
        errors: dict[str, Any] = {}
        if not attendance:
            errors["attendance"] = ["at least one attendee is required"]
        elif entries := self._attendance_errors(attendance, eligible):
            errors["attendance"] = entries
        if errors:
            raise InvalidAttendance("the attendance is not valid", errors)
        plan = self.plan
        return AttendanceRecorded(plan.activity_id, plan.team_id, tuple(attendance), now)

    def complete(
        self,
        attendance: Sequence[Attendance],
        eligible: Collection[UUID],
        now: datetime,
        late_reason: str | None = None,
        carried: Sequence[Attendance] = (),
    ) -> ActivityCompleted:
        """Record who attended for how long once the activity has ended: the `carried` entries
        (recorded ahead, or from check-ins), each replaced by the `attendance` given for the same
        volunteer; every attendee given must be a member of the team or an accepted applicant
        (`eligible`), and someone must have attended. Later than the 10th working day after the
        end date, a reason is required (`late_reason`); on time, none is kept."""
        self._ensure_open()
        self._ensure_ended(now)
        deadline = recording_deadline(self.plan.ends_at)
        if not deadline.is_late(now):
            late_reason = None
        elif late_reason is None or not late_reason.strip():
            last = deadline.last_day.isoformat()
            raise Invalid(
                "recorded late without a reason",
                {
                    "late_reason": [
                        f"required: the hours were due by {last} (10 working days after the end)"
                    ]
                },
            )
        given = {entry.volunteer_id for entry in attendance}
        counted = [entry for entry in carried if entry.volunteer_id not in given]
        counted.extend(attendance)
        errors: dict[str, Any] = {}
        if not counted:
            errors["attendance"] = [
                "at least one attendee is required (none was recorded ahead or checked out)"
            ]
        elif entries := self._attendance_errors(attendance, eligible):
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
            tuple(counted),
            plan.content,
            plan.organising_unit,
            plan.person_in_charge,
            late_reason,
        )

    def correct(
        self,
        volunteer_id: UUID,
        hours: Decimal,
        reason: str,
        eligible: Collection[UUID],
        now: datetime,
    ) -> HoursCorrected:
        """Set an attendee's hours anew (to 0 at the least), or credit a member of the team (or
        an accepted applicant, `eligible`) the completion left out; only a completed activity's
        hours can be corrected."""
        if self.status is not ActivityStatus.COMPLETED:
            raise ActivityClosed(
                f"the activity is {self.status.value}: only a completed one's hours are corrected"
            )
        errors: dict[str, list[str]] = {}
        if volunteer_id not in self.hours and volunteer_id not in eligible:
            errors["volunteer_id"] = ["neither an attendee nor a member of the activity's team"]
        previous = self.hours.get(volunteer_id, ZERO)
        if not hours.is_finite():
            problems = ["must be a number"]
        elif hours < 0:
            problems = ["must be 0 or more"]
        else:
            problems = [] if hours == 0 else hours_problems(hours, self.length)
        if not problems and hours == previous:
            problems = [f"already {previous.quantize(CENT)} hours"]
        if problems:
            errors["hours"] = problems
        if errors:
            raise Invalid("the correction is not valid", errors)
        plan = self.plan
        return HoursCorrected(
            plan.activity_id,
            plan.team_id,
            plan.title,
            volunteer_id,
            previous.quantize(CENT),
            hours.quantize(CENT),
            reason,
            now,
        )

    def cancel(self, reason: str, now: datetime) -> ActivityCancelled:
        """Call the activity off; only a scheduled one can be."""
        self._ensure_open()
        return ActivityCancelled(self.plan.activity_id, self.plan.team_id, reason, now)
