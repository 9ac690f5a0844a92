"""Keep this service's knowledge of volunteers in step with registration's events, in order.

Which of a volunteer's events applies, and what it makes of them, is decided in
teams.domain.volunteer; an event from beyond a gap raises VolunteerEventOutOfOrder so that the
consumer hands it back to the queue and it is retried once the missing event has been applied
(or, after the delivery limit, waits in the dead-letter queue for an operator).

Registrations and profile updates are recorded a run at a time (`record_volunteer_events`, one
event being a run of one): the volunteers concerned are read in one query, the events applied in
order to what is known of them in memory, and each changed volunteer written once. The outcome is
that of applying the events one by one. A withdrawal, which rewrites the person's teams through
the event store, is recorded on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.db import checkpoint_after_commit
from association.store import EventStore, serialise_writers
from association.web.idempotency import forget_responses_naming
from teams.adapters.repository import load_team, record
from teams.adapters.volunteers import (
    add_volunteer,
    add_volunteers,
    find_volunteer,
    find_volunteers,
    replace_volunteers,
    teams_of,
)
from teams.domain.events import DomainEvent
from teams.domain.vocabularies import RemovalReason
from teams.domain.volunteer import VolunteerEvent, after_withdrawal, in_order
from teams.service_layer.applications import cancel_on_withdrawal
from teams.service_layer.retry import with_retries


def record_volunteer_events(session: Session, events: Sequence[VolunteerEvent]) -> None:
    """Apply registrations and profile updates in order, with one read and at most two writes.

    A volunteer's row keeps the time of its last change.
    """
    stored = find_volunteers(session, {event.volunteer_id for event in events})
    changed = in_order(stored, events).values()
    add_volunteers(session, [(v, at) for v, at in changed if v.volunteer_id not in stored])
    replace_volunteers(session, [(v, at) for v, at in changed if v.volunteer_id in stored])


def record_withdrawal(
    session: Session,
    store: EventStore,
    volunteer_id: UUID,
    version: int,
    withdrawn_at: datetime,
    causation_id: str | None = None,
) -> bool:
    """Erase the volunteer's name, mark them withdrawn and remove them from every team.

    Each removal is a TeamMemberRemoved event with reason "withdrawn"; their applications of
    activities not yet started are cancelled (the first waiting promoted). The stored answers that
    name them (a team's members) are forgotten, and once the transaction commits the database
    keeps no older copy of what it erased. False when already done.
    """

    def attempt() -> bool:
        # Under the writers' lock, so a concurrent assignment is either seen here or sees this.
        serialise_writers(session)
        known = find_volunteer(session, volunteer_id)
        withdrawn = after_withdrawal(known, volunteer_id, version)
        if withdrawn is None:
            return False
        forget_responses_naming(session, str(volunteer_id))
        checkpoint_after_commit(session)
        if known is None:
            add_volunteer(session, withdrawn, withdrawn_at)
            return True
        replace_volunteers(session, [(withdrawn, withdrawn_at)])
        changes: list[tuple[DomainEvent, int]] = []
        for team_id in teams_of(session, volunteer_id):
            team = load_team(session, store, team_id)
            if team is not None and volunteer_id in team.members:
                removal = team.remove(volunteer_id, RemovalReason.WITHDRAWN, withdrawn_at)
                changes.append((removal, team.version + 1))
        record(session, store, changes, causation_id)
        cancel_on_withdrawal(session, store, volunteer_id, withdrawn_at, causation_id)
        return True

    return with_retries(session, attempt)
