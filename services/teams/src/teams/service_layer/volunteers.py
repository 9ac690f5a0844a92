"""Keep this service's knowledge of volunteers in step with registration's events, in order.

Events of one volunteer carry consecutive aggregate versions. Each is applied only when it is the
next one: an older or repeated version changes nothing, and one from beyond a gap raises
VolunteerEventOutOfOrder so the consumer hands it back to the queue and it is retried once the
missing event has been applied (or, after the delivery limit, waits in the dead-letter queue for
an operator). Applying it at once would be wrong: profile updates carry only the changed fields,
so the missing event's changes would later be judged stale and lost for good.
Withdrawal is final and is applied even across a gap: the person's data must go, and every
earlier event that arrives afterwards is then stale.

Registrations and profile updates also come in runs (`record_registrations`,
`record_profile_updates`): the volunteers concerned are read in one query, the events applied in
order to what is known of them in memory, by the same rules, and each changed volunteer written
once. The outcome is that of applying the events one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from teams.adapters.repository import load_team, record
from teams.adapters.volunteers import (
    add_volunteer,
    add_volunteers,
    change_volunteer,
    find_volunteer,
    find_volunteers,
    replace_volunteers,
    teams_of,
)
from teams.domain.events import DomainEvent
from teams.domain.vocabularies import RemovalReason
from teams.domain.volunteer import KnownVolunteer, Ordering, order_of
from teams.service_layer.retry import with_retries

PROFILE_FIELDS = ("name", "street", "skills")

# What one event makes of a volunteer as known so far (None before their first event): the
# volunteer afterwards, None when the event changes nothing.
Transition = Callable[[KnownVolunteer | None], KnownVolunteer | None]


class VolunteerEventOutOfOrder(Exception):
    """A volunteer event arrived before an earlier one; retry it later."""


def after_registration(
    known: KnownVolunteer | None, volunteer: KnownVolunteer
) -> KnownVolunteer | None:
    """The volunteer as known after this registration; None when it changes nothing."""
    if known is None:
        return volunteer
    ordering = order_of(known.version, volunteer.version)
    if not known.active or ordering is Ordering.STALE:
        return None
    if ordering is Ordering.GAP:
        raise VolunteerEventOutOfOrder(
            f"volunteer {volunteer.volunteer_id}: version {volunteer.version} after {known.version}"
        )
    return replace(
        known,
        name=volunteer.name,
        street=volunteer.street,
        skills=volunteer.skills,
        version=volunteer.version,
    )


def after_profile_update(
    known: KnownVolunteer | None, volunteer_id: UUID, version: int, changes: dict[str, Any]
) -> KnownVolunteer | None:
    """The volunteer as known after a profile update (of the fields kept here); None when it
    changes nothing: stale, or the volunteer withdrew."""
    if known is None:
        raise VolunteerEventOutOfOrder(f"volunteer {volunteer_id}: update before registration")
    ordering = order_of(known.version, version)
    if not known.active or ordering is Ordering.STALE:
        return None
    if ordering is Ordering.GAP:
        raise VolunteerEventOutOfOrder(
            f"volunteer {volunteer_id}: version {version} after {known.version}"
        )
    kept: dict[str, Any] = {field: changes[field] for field in PROFILE_FIELDS if field in changes}
    if "skills" in kept:
        kept["skills"] = tuple(kept["skills"])
    return replace(known, version=version, **kept)


def record_registration(session: Session, volunteer: KnownVolunteer, at: datetime) -> None:
    """Learn of a new volunteer (nothing changes when already known, stale or withdrawn)."""
    _record_many(session, [(volunteer.volunteer_id, at, _registration_of(volunteer))])


def record_profile_update(
    session: Session, volunteer_id: UUID, version: int, changes: dict[str, Any], at: datetime
) -> None:
    """Apply the changed profile fields this service keeps (nothing when stale or withdrawn)."""
    _record_many(session, [(volunteer_id, at, _update_of(volunteer_id, version, changes))])


def record_registrations(
    session: Session, registrations: Sequence[tuple[KnownVolunteer, datetime]]
) -> None:
    """`record_registration` for each, in order, with one read and at most two writes."""
    _record_many(
        session,
        [
            (volunteer.volunteer_id, at, _registration_of(volunteer))
            for volunteer, at in registrations
        ],
    )


def record_profile_updates(
    session: Session, updates: Sequence[tuple[UUID, int, dict[str, Any], datetime]]
) -> None:
    """`record_profile_update` for each, in order, with one read and one write."""
    _record_many(
        session,
        [
            (volunteer_id, at, _update_of(volunteer_id, version, changes))
            for volunteer_id, version, changes, at in updates
        ],
    )


def _registration_of(volunteer: KnownVolunteer) -> Transition:
    return lambda known: after_registration(known, volunteer)


def _update_of(volunteer_id: UUID, version: int, changes: dict[str, Any]) -> Transition:
    return lambda known: after_profile_update(known, volunteer_id, version, changes)


def _record_many(session: Session, steps: Sequence[tuple[UUID, datetime, Transition]]) -> None:
    """Apply the events' transitions in order, in memory, then write each changed volunteer once.

    Each transition sees what the ones before it made of its volunteer, as it would have seen in
    the table applying them one by one; a volunteer's row keeps the time of its last change.
    """
    stored = find_volunteers(session, {volunteer_id for volunteer_id, _, _ in steps})
    current = dict(stored)
    changed_at: dict[UUID, datetime] = {}
    for volunteer_id, at, transition in steps:
        after = transition(current.get(volunteer_id))
        if after is not None:
            current[volunteer_id] = after
            changed_at[volunteer_id] = at
    changed = [(current[volunteer_id], at) for volunteer_id, at in changed_at.items()]
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
