"""Commands on activities: schedule one for a team, complete it with attendance, cancel it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from teams.adapters.repository import load_activity, load_team, record
from teams.domain.activity import Activity
from teams.domain.errors import Invalid, NotFound
from teams.domain.events import ActivityCancelled, ActivityCompleted, ActivityScheduled, Attendance
from teams.domain.vocabularies import ActivityKind
from teams.service_layer.retry import with_retries


@dataclass(frozen=True)
class NewActivity:
    team_id: UUID
    title: str
    kind: ActivityKind
    location: str
    starts_at: datetime
    ends_at: datetime
    content: str
    organising_unit: str
    person_in_charge: str


def schedule_activity(session: Session, store: EventStore, new: NewActivity, now: datetime) -> UUID:
    """Plan an activity for an existing team (ActivityScheduled). Returns its id."""
    activity_id = uuid4()

    def attempt() -> None:
        serialise_writers(session)
        if load_team(session, store, new.team_id) is None:
            message = f"no team {new.team_id}"
            raise Invalid(message, {"team_id": [message]})
        event = Activity.schedule(
            ActivityScheduled(
                activity_id,
                new.team_id,
                new.title,
                new.kind,
                new.location,
                new.starts_at,
                new.ends_at,
                new.content,
                new.organising_unit,
                new.person_in_charge,
                now,
            )
        )
        record(session, store, [(event, 1)])

    with_retries(session, attempt)
    return activity_id


def _activity(session: Session, store: EventStore, activity_id: UUID) -> Activity:
    activity = load_activity(session, store, activity_id)
    if activity is None:
        raise NotFound(f"no activity {activity_id}")
    return activity


def complete_activity(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    attendance: Sequence[Attendance],
    now: datetime,
) -> ActivityCompleted:
    """Record the attendance of team members with their hours (ActivityCompleted)."""

    def attempt() -> ActivityCompleted:
        serialise_writers(session)
        activity = _activity(session, store, activity_id)
        team = load_team(session, store, activity.plan.team_id)
        members = team.members.keys() if team else set()
        event = activity.complete(attendance, members, now)
        record(session, store, [(event, activity.version + 1)])
        return event

    return with_retries(session, attempt)


def cancel_activity(
    session: Session, store: EventStore, activity_id: UUID, reason: str, now: datetime
) -> ActivityCancelled:
    """Call off a scheduled activity (ActivityCancelled)."""

    def attempt() -> ActivityCancelled:
        serialise_writers(session)
        activity = _activity(session, store, activity_id)
        event = activity.cancel(reason, now)
        record(session, store, [(event, activity.version + 1)])
        return event

    return with_retries(session, attempt)
