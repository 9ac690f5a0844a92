"""Commands on applications: apply for an activity, cancel an application (the first waiting is
promoted to a slot it frees), and cancel a withdrawn volunteer's applications.

Each decides under the writers' lock on the counts it reads, so however many apply at once no
more are accepted than the activity has slots, and waiting places are handed out in order."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Extent, Reach
from association.store import EventStore, serialise_writers
from teams.adapters.application_queries import (
    active_applications_before_start,
    application_counts,
    first_waiting,
    is_member,
)
from teams.adapters.codec import from_envelope
from teams.adapters.queries import team_organisation
from teams.adapters.repository import load_activity, record
from teams.adapters.volunteers import find_volunteer
from teams.domain.activity import Activity
from teams.domain.application import (
    Applicant,
    Application,
    apply_for,
    cancel,
    frees_a_slot,
    promote,
)
from teams.domain.errors import NotFound
from teams.domain.events import DomainEvent
from teams.domain.recruitment_events import (
    ApplicationAccepted,
    ApplicationCancelled,
    ApplicationEvent,
    ApplicationWaitlisted,
    application_id,
)
from teams.service_layer.retry import with_retries


def load_application(
    session: Session, store: EventStore, activity_id: UUID, volunteer_id: UUID
) -> Application:
    """The volunteer's application for the activity from its events (no status before any)."""
    envelopes = store.load(session, str(application_id(activity_id, volunteer_id)))
    events = [from_envelope(envelope) for envelope in envelopes]
    return Application.from_events([e for e in events if isinstance(e, ApplicationEvent)])


def _activity_in_reach(
    session: Session, store: EventStore, activity_id: UUID, volunteer_id: UUID, reach: Reach
) -> Activity:
    """The activity, when the caller may act on the volunteer's application for it: a
    volunteer on their own only, staff on the activities of the teams they reach. NotFound
    otherwise, as for an activity that does not exist."""
    own_record = reach.extent is Extent.OWN_RECORD
    if own_record and str(volunteer_id) != reach.volunteer_id:
        raise NotFound(f"no volunteer {volunteer_id}")
    activity = load_activity(session, store, activity_id)
    if activity is None or not (
        own_record or reach.reaches_team(team_organisation(session, activity.plan.team_id))
    ):
        raise NotFound(f"no activity {activity_id}")
    return activity


def apply(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> ApplicationAccepted | ApplicationWaitlisted:
    """Apply the volunteer for the activity: accepted while a slot is free, else waitlisted
    with their place (ApplicationAccepted or ApplicationWaitlisted). A volunteer out of a
    coordinator's reach is answered as one unknown here."""

    def attempt() -> ApplicationAccepted | ApplicationWaitlisted:
        serialise_writers(session)
        activity = _activity_in_reach(session, store, activity_id, volunteer_id, reach)
        known = find_volunteer(session, volunteer_id)
        if known is not None and not reach.reaches_volunteer(volunteer_id, known.organisation_id):
            known = None
        member = is_member(session, activity.plan.team_id, volunteer_id)
        application = load_application(session, store, activity_id, volunteer_id)
        accepted, waiting = application_counts(session, activity_id)
        event = apply_for(
            activity, Applicant(volunteer_id, known, member), application, accepted, waiting, now
        )
        record(session, store, [(event, application.version + 1)])
        return event

    return with_retries(session, attempt)


def _cancel_and_promote(
    session: Session,
    store: EventStore,
    activity: Activity,
    volunteer_id: UUID,
    now: datetime,
    causation_id: str | None = None,
) -> ApplicationCancelled:
    """Cancel the volunteer's application and, when it held a slot, give it to the first
    waiting, both in this transaction."""
    activity_id = activity.plan.activity_id
    application = load_application(session, store, activity_id, volunteer_id)
    cancelled = cancel(activity, volunteer_id, application, now)
    changes: list[tuple[DomainEvent, int]] = [(cancelled, application.version + 1)]
    if frees_a_slot(cancelled):
        waiting = first_waiting(session, activity_id)
        if waiting is not None:
            version = load_application(session, store, activity_id, waiting).version
            changes.append((promote(activity, waiting, now), version + 1))
    record(session, store, changes, causation_id)
    return cancelled


def cancel_application(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> ApplicationCancelled:
    """Cancel the volunteer's accepted or waiting application before the activity starts
    (ApplicationCancelled, and ApplicationPromoted for the first waiting when a slot frees)."""

    def attempt() -> ApplicationCancelled:
        serialise_writers(session)
        activity = _activity_in_reach(session, store, activity_id, volunteer_id, reach)
        known = find_volunteer(session, volunteer_id)
        if known is not None and not reach.reaches_volunteer(volunteer_id, known.organisation_id):
            raise NotFound(f"no application of volunteer {volunteer_id}")
        return _cancel_and_promote(session, store, activity, volunteer_id, now)

    return with_retries(session, attempt)


def cancel_on_withdrawal(
    session: Session,
    store: EventStore,
    volunteer_id: UUID,
    withdrawn_at: datetime,
    causation_id: str | None = None,
) -> None:
    """Cancel a withdrawn volunteer's accepted and waiting applications of the activities not
    started by `withdrawn_at`, promoting the first waiting to each slot freed. The caller holds
    the writers' lock."""
    for activity_id in active_applications_before_start(session, volunteer_id, withdrawn_at):
        activity = load_activity(session, store, activity_id)
        if activity is not None:
            _cancel_and_promote(session, store, activity, volunteer_id, withdrawn_at, causation_id)
