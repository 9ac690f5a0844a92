"""Commands of presence on site: a volunteer checks in and out with the code shown there, or a
coordinator does it for them at a roll call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Extent, Reach
from association.store import EventStore, serialise_writers
from teams.adapters.codec import from_envelope
from teams.adapters.presence_queries import eligible_volunteers
from teams.adapters.queries import team_organisation
from teams.adapters.repository import load_activity, record
from teams.domain.activity import Activity
from teams.domain.check_in_codes import CheckInCodes
from teams.domain.errors import Invalid, NotFound
from teams.domain.presence import Presence, scheduled_plan
from teams.domain.recruitment_events import (
    CheckedIn,
    CheckedOut,
    PresenceEvent,
    presence_id,
)
from teams.domain.vocabularies import CheckInMethod
from teams.service_layer.retry import with_retries

E = TypeVar("E", CheckedIn, CheckedOut)
Step = Callable[[Presence, Activity, CheckInMethod], E]


def check_in(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    codes: CheckInCodes,
    code: str | None = None,
    reach: Reach = EVERYTHING,
) -> CheckedIn:
    """The volunteer arrived (CheckedIn): with the current code on their own token, at a roll
    call on a coordinator's or the office's."""

    def step(presence: Presence, activity: Activity, method: CheckInMethod) -> CheckedIn:
        return presence.check_in(activity, volunteer_id, method, now)

    return _mark(session, store, activity_id, volunteer_id, now, codes, code, reach, step)


def check_out(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    codes: CheckInCodes,
    code: str | None = None,
    reach: Reach = EVERYTHING,
) -> CheckedOut:
    """The volunteer left (CheckedOut), as for a check-in."""

    def step(presence: Presence, activity: Activity, method: CheckInMethod) -> CheckedOut:
        return presence.check_out(activity, volunteer_id, method, now)

    return _mark(session, store, activity_id, volunteer_id, now, codes, code, reach, step)


def _mark(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    codes: CheckInCodes,
    code: str | None,
    reach: Reach,
    step: Step[E],
) -> E:
    """Decide under the writers' lock: the activity (within reach; a volunteer's token names
    only its own volunteer), scheduled, the volunteer eligible, the code, then the step."""
    volunteering = reach.extent is Extent.OWN_RECORD

    def attempt() -> E:
        serialise_writers(session)
        activity = load_activity(session, store, activity_id)
        if activity is None or not (
            volunteering or reach.reaches_team(team_organisation(session, activity.plan.team_id))
        ):
            raise NotFound(f"no activity {activity_id}")
        if volunteering and str(volunteer_id) != reach.volunteer_id:
            raise NotFound(f"no volunteer {volunteer_id}")
        plan = scheduled_plan(activity)
        if not eligible_volunteers(session, activity_id, plan.team_id, {volunteer_id}):
            message = "neither a member of the activity's team nor an accepted applicant"
            raise Invalid(message, {"volunteer_id": [message]})
        if volunteering:
            _check_code(codes, activity_id, code, now)
        method = CheckInMethod.CODE if volunteering else CheckInMethod.ROLL_CALL
        aggregate = presence_id(activity_id, volunteer_id)
        history: list[PresenceEvent] = [
            from_envelope(e)  # type: ignore[misc]
            for e in store.load(session, str(aggregate))
        ]
        presence = Presence.from_events(history)
        event = step(presence, activity, method)
        record(session, store, [(event, presence.version + 1)])
        return event

    return with_retries(session, attempt)


def _check_code(codes: CheckInCodes, activity_id: UUID, code: str | None, now: datetime) -> None:
    if code is None or not code.strip():
        raise Invalid("the check-in code is missing", {"code": ["required with your own token"]})
    if not codes.accepts(activity_id, code.strip(), now):
        raise Invalid(
            "the check-in code is wrong or has expired",
            {"code": ["wrong or expired: scan the code shown on site now"]},
        )
