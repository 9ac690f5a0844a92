"""Commands on activities: schedule one for a team, complete it with attendance, cancel it,
correct an attendee's hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.store import EventStore
from teams.adapters.presence_queries import eligible_volunteers
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
from teams.service_layer.attendance import carried_attendance
from teams.service_layer.commands import change, start
from teams.service_layer.reach import activity_within as _activity_within


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
    """Complete the activity once it has ended (ActivityCompleted): the attendance recorded
    ahead, the check-in hours of those not recorded, and `attendance` (members of the team or
    accepted applicants) replacing either for the same volunteers; later than 10 working days
    after its end, with `late_reason`."""

    def decide(activity: Activity) -> ActivityCompleted:
        plan = activity.plan
        given = {entry.volunteer_id for entry in attendance}
        eligible = eligible_volunteers(session, plan.activity_id, plan.team_id, given)
        carried = carried_attendance(session, plan)
        return activity.complete(attendance, eligible, now, late_reason, carried)

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
    """Set an attendee's hours at a completed activity anew, or credit a member of the team (or
    an accepted applicant) the completion left out (HoursCorrected)."""

    def decide(activity: Activity) -> HoursCorrected:
        plan = activity.plan
        eligible = eligible_volunteers(session, plan.activity_id, plan.team_id, {volunteer_id})
        return activity.correct(volunteer_id, hours, reason, eligible, now)

    within = _activity_within(session, reach)
    return change(session, store, load_activity, "activity", activity_id, decide, within)
