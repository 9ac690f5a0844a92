"""Commands on activities: schedule one for a team, complete it with attendance, cancel it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.store import EventStore
from teams.adapters.repository import load_activity, load_team
from teams.domain.activity import Activity
from teams.domain.errors import Invalid
from teams.domain.events import ActivityCancelled, ActivityCompleted, ActivityScheduled, Attendance
from teams.service_layer.commands import change, start


def schedule_activity(
    session: Session, store: EventStore, plan: ActivityScheduled
) -> ActivityScheduled:
    """Plan the activity `plan` describes for an existing team (ActivityScheduled)."""

    def decide() -> ActivityScheduled:
        if load_team(session, store, plan.team_id) is None:
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
) -> ActivityCompleted:
    """Record the attendance of team members with their hours (ActivityCompleted)."""

    def decide(activity: Activity) -> ActivityCompleted:
        team = load_team(session, store, activity.plan.team_id)
        members = team.members.keys() if team else set()
        return activity.complete(attendance, members, now)

    return change(session, store, load_activity, "activity", activity_id, decide)


def cancel_activity(
    session: Session, store: EventStore, activity_id: UUID, reason: str, now: datetime
) -> ActivityCancelled:
    """Call off a scheduled activity (ActivityCancelled)."""

    def decide(activity: Activity) -> ActivityCancelled:
        return activity.cancel(reason, now)

    return change(session, store, load_activity, "activity", activity_id, decide)
