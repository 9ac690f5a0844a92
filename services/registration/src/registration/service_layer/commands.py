"""The commands of the registration service.

Each runs in the caller's transaction (the request's): it checks the rules, applies its event to
the projections (which claims phones and ID numbers, so a duplicate stops it there) and appends
the event last, as the store requires. A failed command raises and the transaction rolls back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from association.store.tables import idempotency_table
from registration.adapters.personal_data import Keyring
from registration.adapters.projections import RegistrationProjection
from registration.adapters.tables import organisations_table, volunteers_table
from registration.domain import organisation, volunteer
from registration.domain.rules import RuleViolation
from registration.domain.volunteer import SignUp, Volunteer

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


class VolunteerNotFound(LookupError):
    """No active volunteer has this id (never registered, or withdrawn)."""


class VersionMismatch(Exception):
    """The volunteer changed since the caller read it (If-Match no longer holds)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the volunteer is at version {current}")
        self.current = current


class DuplicateOrganisation(Exception):
    """An organisation of this name is already a member."""


@dataclass(frozen=True)
class Registration:
    """What the commands need: the store, the projection and the keyring."""

    store: EventStore
    projection: RegistrationProjection
    keyring: Keyring

    def register_volunteer(self, session: Session, signup: SignUp) -> Volunteer:
        if signup.organisation_id is not None and not _organisation_exists(
            session, signup.organisation_id
        ):
            raise RuleViolation.of("organisation_id", "no member organisation has this id")
        now = _now()
        volunteer_id = str(uuid.uuid4())
        event = volunteer.register(
            volunteer_id, signup, now.astimezone(CHINA_STANDARD_TIME).date(), now
        )
        self.keyring.create(session, volunteer_id)
        self.projection.apply(session, event)
        self.store.append(session, [event])
        return Volunteer.from_events(volunteer_id, [event])

    def update_volunteer(
        self,
        session: Session,
        volunteer_id: str,
        changes: dict[str, Any],
        expected_version: int | None,
    ) -> Volunteer:
        serialise_writers(session)
        current = self.load(session, volunteer_id)
        if expected_version is not None and expected_version != current.version:
            raise VersionMismatch(current.version)
        organisation_id = changes.get("organisation_id")
        if organisation_id is not None and not _organisation_exists(session, organisation_id):
            raise RuleViolation.of("organisation_id", "no member organisation has this id")
        event = volunteer.update_profile(current, changes, _now())
        if event is None:
            return current
        self.projection.apply(session, event)
        self.store.append(session, [event])
        return current.apply(event)

    def withdraw_volunteer(self, session: Session, volunteer_id: str) -> None:
        serialise_writers(session)
        current = self.load(session, volunteer_id)
        event = volunteer.withdraw(current, _now())
        self.projection.apply(session, event)
        forget_stored_responses(session, f"/volunteers/{volunteer_id}")
        self.store.append(session, [event])

    def add_organisation(self, session: Session, name: str, kind: str) -> dict[str, Any]:
        taken = session.execute(
            select(exists().where(organisations_table.c.name == name))
        ).scalar_one()
        if taken:
            raise DuplicateOrganisation(name)
        event = organisation.join(str(uuid.uuid4()), name, kind, _now())
        self.projection.apply(session, event)
        self.store.append(session, [event])
        return event.payload

    def load(self, session: Session, volunteer_id: str) -> Volunteer:
        """The active volunteer rebuilt from the store; VolunteerNotFound otherwise."""
        active = session.execute(
            select(volunteers_table.c.active).where(volunteers_table.c.volunteer_id == volunteer_id)
        ).scalar_one_or_none()
        if not active:
            raise VolunteerNotFound(volunteer_id)
        return Volunteer.from_events(
            volunteer_id, self.store.load(session, volunteer_id, upcast=False)
        )


def forget_stored_responses(session: Session, location: str) -> None:
    """Drop first responses kept for Idempotency-Key replays that describe this resource."""
    session.execute(delete(idempotency_table).where(idempotency_table.c.location == location))


def _organisation_exists(session: Session, organisation_id: str) -> bool:
    return session.execute(
        select(exists().where(organisations_table.c.organisation_id == str(organisation_id)))
    ).scalar_one()


def _now() -> datetime:
    return datetime.now(UTC)
