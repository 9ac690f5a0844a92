"""Commands on activities: schedule one for a team, complete it with attendance, cancel it,
correct an attendee's hours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.store import EventStore
from teams.adapters.queries import team_organisation
from teams.adapters.repository import load_activity, load_team
from teams.domain.activity import Activity
from teams.domain.errors import Invalid
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    Attendance,
    HoursCorrected,
)
from teams.service_layer.commands import change, start


def schedule_activity(
    session: Session, store: EventStore, plan: ActivityScheduled, reach: Reach = EVERYTHING
) -> ActivityScheduled:
    """Plan the activity `plan` describes for an existing team within the caller's reach
    (ActivityScheduled); a team out of reach is answered as one that does not exist."""

    def decide() -> ActivityScheduled:
        team = load_team(session, store, plan.team_id)
        if team is None or not reach.reaches_team(team.organisation_id):
            message = f"no team {plan.team_id}"
            raise Invalid(message, {"team_id": [message]})
        return Activity.schedule(plan)

    return start(session, store, decide)


def complete_activity(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    attendance: Sequence[Attendance],
    now: datetime,
    reach: Reach = EVERYTHING,
    late_reason: str | None = None,
) -> ActivityCompleted:
    """Record the attendance of team members with their hours once the activity has ended
    (ActivityCompleted); later than 10 working days after its end, with `late_reason`."""

    def decide(activity: Activity) -> ActivityCompleted:
        team = load_team(session, store, activity.plan.team_id)
        members = team.members.keys() if team else set()
        return activity.complete(attendance, members, now, late_reason)

    within = _activity_within(session, reach)
    return change(session, store, load_activity, "activity", activity_id, decide, within)


def cancel_activity(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    reason: str,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> ActivityCancelled:
    """Call off a scheduled activity (ActivityCancelled)."""

    def decide(activity: Activity) -> ActivityCancelled:
        return activity.cancel(reason, now)

    within = _activity_within(session, reach)
    return change(session, store, load_activity, "activity", activity_id, decide, within)


def correct_hours(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    hours: Decimal,
    reason: str,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> HoursCorrected:
    """Set an attendee's hours at a completed activity anew, or credit a member of the team the
    completion left out (HoursCorrected)."""

    def decide(activity: Activity) -> HoursCorrected:
        team = load_team(session, store, activity.plan.team_id)
        members = team.members.keys() if team else set()
        return activity.correct(volunteer_id, hours, reason, members, now)

    within = _activity_within(session, reach)
    return change(session, store, load_activity, "activity", activity_id, decide, within)


def _activity_within(session: Session, reach: Reach) -> Callable[[Activity], bool]:
    """Whether an activity is within `reach`: its team's organisation decides."""
    if reach.everything:
        return lambda _activity: True
    return lambda activity: reach.reaches_team(team_organisation(session, activity.plan.team_id))
