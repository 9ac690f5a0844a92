"""A volunteer's presence on site at an activity: checked in once, then checked out once, within
the activity's time, and the hours such a presence credits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from uuid import UUID

from association.service_hours import length_in_hours
from teams.domain.activity import Activity
from teams.domain.errors import ActivityClosed, AlreadyPresent, NotCheckedIn, OutsideHours
from teams.domain.events import ActivityScheduled
from teams.domain.recruitment_events import CheckedIn, CheckedOut, PresenceEvent
from teams.domain.vocabularies import ActivityStatus, CheckInMethod

# Check-in opens this long before the start; check-out closes this long after the end.
MARGIN = timedelta(minutes=60)
TENTH = Decimal("0.1")


def credited_hours(
    checked_in_at: datetime,
    checked_out_at: datetime | None,
    starts_at: datetime,
    ends_at: datetime,
) -> Decimal | None:
    """The hours a presence credits: from check-in to check-out, both clipped to the activity's
    start and end, rounded down to a tenth; None without a check-out or under a tenth."""
    if checked_out_at is None:
        return None
    begin, end = max(checked_in_at, starts_at), min(checked_out_at, ends_at)
    if end <= begin:
        return None
    hours = length_in_hours(begin, end).quantize(TENTH, rounding=ROUND_DOWN)
    return hours if hours >= TENTH else None


@dataclass
class Presence:
    """A presence as its events left it; `version` is the number of events applied."""

    checked_in: CheckedIn | None = None
    checked_out: CheckedOut | None = None
    version: int = 0

    @classmethod
    def from_events(cls, events: Sequence[PresenceEvent]) -> Presence:
        """Fold a presence's events (none: the volunteer has not checked in)."""
        presence = cls()
        for event in events:
            if isinstance(event, CheckedIn):
                presence.checked_in = event
            else:
                presence.checked_out = event
            presence.version += 1
        return presence

    def check_in(
        self, activity: Activity, volunteer_id: UUID, method: CheckInMethod, now: datetime
    ) -> CheckedIn:
        """Arrive at a scheduled activity, from an hour before its start until its end; once."""
        plan = scheduled_plan(activity)
        if now < plan.starts_at - MARGIN:
            opens = (plan.starts_at - MARGIN).isoformat()
            raise OutsideHours(
                "check-in has not opened yet",
                {"starts_at": [f"check-in opens at {opens}, an hour before the start"]},
            )
        if now > plan.ends_at:
            raise OutsideHours(
                "the activity has ended",
                {"ends_at": [f"the activity ended at {plan.ends_at.isoformat()}: check-in closed"]},
            )
        if self.checked_in is not None:
            raise AlreadyPresent(f"already checked in at {self.checked_in.checked_in_at}")
        return CheckedIn(plan.activity_id, plan.team_id, volunteer_id, method, now)

    def check_out(
        self, activity: Activity, volunteer_id: UUID, method: CheckInMethod, now: datetime
    ) -> CheckedOut:
        """Leave after checking in, until an hour after the end; once."""
        plan = scheduled_plan(activity)
        if self.checked_in is None:
            raise NotCheckedIn("not checked in: check in first")
        if self.checked_out is not None:
            raise AlreadyPresent(f"already checked out at {self.checked_out.checked_out_at}")
        if now > plan.ends_at + MARGIN:
            closes = (plan.ends_at + MARGIN).isoformat()
            raise OutsideHours(
                "check-out has closed",
                {"ends_at": [f"check-out closed at {closes}, an hour after the end"]},
            )
        return CheckedOut(plan.activity_id, plan.team_id, volunteer_id, method, now)


def scheduled_plan(activity: Activity) -> ActivityScheduled:
    """The plan of a scheduled activity; 409 (ActivityClosed) once completed or cancelled."""
    if activity.status is not ActivityStatus.SCHEDULED:
        raise ActivityClosed(f"the activity is {activity.status.value}")
    return activity.plan
