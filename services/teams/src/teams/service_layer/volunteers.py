"""Keep this service's knowledge of volunteers in step with registration's events, in order.

Events of one volunteer carry consecutive aggregate versions. Each is applied only when it is the
next one: an older or repeated version changes nothing, and one from beyond a gap raises
VolunteerEventOutOfOrder so the consumer hands it back to the queue and it is retried once the
missing event has been applied (or, after the delivery limit, waits in the dead-letter queue for
an operator). Applying it at once would be wrong: profile updates carry only the changed fields,
so the missing event's changes would later be judged stale and lost for good.
Withdrawal is final and is applied even across a gap: the person's data must go, and every
earlier event that arrives afterwards is then stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from association.store import EventStore
from teams.adapters.repository import load_team, record, serialise_writers
from teams.adapters.volunteers import add_volunteer, change_volunteer, find_volunteer, teams_of
from teams.domain.events import DomainEvent
from teams.domain.vocabularies import RemovalReason
from teams.domain.volunteer import KnownVolunteer, Ordering, order_of
from teams.service_layer.retry import with_retries

PROFILE_FIELDS = ("name", "street", "skills")


class VolunteerEventOutOfOrder(Exception):
    """A volunteer event arrived before an earlier one; retry it later."""


def record_registration(session: Session, volunteer: KnownVolunteer, at: datetime) -> bool:
    """Learn of a new volunteer; False when this registration was already known (or stale)."""
    known = find_volunteer(session, volunteer.volunteer_id)
    if known is None:
        add_volunteer(session, volunteer, at)
        return True
    ordering = order_of(known.version, volunteer.version)
    if not known.active or ordering is Ordering.STALE:
        return False
    if ordering is Ordering.GAP:
        raise VolunteerEventOutOfOrder(
            f"volunteer {volunteer.volunteer_id}: version {volunteer.version} after {known.version}"
        )
    change_volunteer(
        session,
        volunteer.volunteer_id,
        volunteer.version,
        at,
        name=volunteer.name,
        street=volunteer.street,
        skills=list(volunteer.skills),
    )
    return True


def record_profile_update(
    session: Session, volunteer_id: UUID, version: int, changes: dict[str, Any], at: datetime
) -> bool:
    """Apply the changed profile fields this service keeps; False when stale or withdrawn."""
    known = find_volunteer(session, volunteer_id)
    if known is None:
        raise VolunteerEventOutOfOrder(f"volunteer {volunteer_id}: update before registration")
    ordering = order_of(known.version, version)
    if not known.active or ordering is Ordering.STALE:
        return False
    if ordering is Ordering.GAP:
        raise VolunteerEventOutOfOrder(
            f"volunteer {volunteer_id}: version {version} after {known.version}"
        )
    kept = {field: changes[field] for field in PROFILE_FIELDS if field in changes}
    change_volunteer(session, volunteer_id, version, at, **kept)
    return True


def record_withdrawal(
    session: Session,
    store: EventStore,
    volunteer_id: UUID,
    version: int,
    withdrawn_at: datetime,
    causation_id: str | None = None,
) -> bool:
    """Erase the volunteer's name, mark them withdrawn and remove them from every team.

    Each removal is a TeamMemberRemoved event with reason "withdrawn". False when already done.
    """

    def attempt() -> bool:
        # Under the writers' lock, so a concurrent assignment is either seen here or sees this.
        serialise_writers(session)
        known = find_volunteer(session, volunteer_id)
        if known is None:
            tombstone = KnownVolunteer(volunteer_id, None, None, (), False, version)
            add_volunteer(session, tombstone, withdrawn_at)
            return True
        if not known.active or order_of(known.version, version) is Ordering.STALE:
            return False
        change_volunteer(
            session,
            volunteer_id,
            version,
            withdrawn_at,
            name=None,
            street=None,
            skills=[],
            active=False,
        )
        changes: list[tuple[DomainEvent, int]] = []
        for team_id in teams_of(session, volunteer_id):
            team = load_team(session, store, team_id)
            if team is not None and volunteer_id in team.members:
                removal = team.remove(volunteer_id, RemovalReason.WITHDRAWN, withdrawn_at)
                changes.append((removal, team.version + 1))
        record(session, store, changes, causation_id)
        return True

    return with_retries(session, attempt)
