"""The commands of the registration service.

Each runs in the caller's transaction (the request's): it checks the rules, applies its event to
the projections (which claims phones and ID numbers, so a duplicate stops it there) and appends
the event last, as the store requires. A refused command raises a `Refusal` and the
transaction rolls back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from association.db import checkpoint_after_commit
from association.sealing import Keyring
from association.store import EventStore, serialise_writers
from association.web.idempotency import forget_responses_naming
from registration.adapters.identities import IdentityIndex
from registration.adapters.login_records import revoke_person
from registration.adapters.personal_data import volunteer_keyring
from registration.adapters.projections import RegistrationProjection
from registration.adapters.read_models import organisation_exists, organisation_name_taken
from registration.adapters.repository import load_volunteer, record
from registration.domain import organisation, volunteer
from registration.domain.errors import (
    ChangeRefused,
    DuplicateOrganisation,
    RuleViolation,
    VersionMismatch,
    VolunteerNotFound,
)
from registration.domain.events import OrganisationJoined
from registration.domain.volunteer import SignUp, Volunteer

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))
NO_SUCH_ORGANISATION = "no member organisation has this id"


@dataclass(frozen=True)
class Registration:
    """What the commands need: the store, the projection and the keyring."""

    store: EventStore
    projection: RegistrationProjection
    keyring: Keyring

    @classmethod
    def wired(cls, store: EventStore, identity_hash_key: bytes) -> Registration:
        """The commands on `store`, hashing phones and ID numbers with `identity_hash_key`."""
        keyring = volunteer_keyring()
        projection = RegistrationProjection(keyring, IdentityIndex(identity_hash_key))
        return cls(store, projection, keyring)

    def register_volunteer(self, session: Session, signup: SignUp) -> Volunteer:
        if signup.organisation_id is not None and not organisation_exists(
            session, signup.organisation_id
        ):
            raise RuleViolation.of("organisation_id", NO_SUCH_ORGANISATION)
        now = _now()
        volunteer_id = str(uuid.uuid4())
        event = volunteer.register(
            volunteer_id, signup, now.astimezone(CHINA_STANDARD_TIME).date(), now
        )
        self.keyring.create(session, volunteer_id)
        record(session, self.store, self.projection, event, 1)
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
        if organisation_id is not None and not organisation_exists(session, organisation_id):
            raise ChangeRefused.of("organisation_id", NO_SUCH_ORGANISATION)
        event = volunteer.update_profile(current, changes, _now())
        if event is None:
            return current
        record(session, self.store, self.projection, event, current.version + 1)
        return current.apply(event)

    def withdraw_volunteer(self, session: Session, volunteer_id: str) -> None:
        """Withdraw the volunteer: their key, stored answers naming them and WAL copies go, and
        their logins end."""
        serialise_writers(session)
        current = self.load(session, volunteer_id)
        event = volunteer.withdraw(current, _now())
        forget_responses_naming(session, volunteer_id)
        revoke_person(session, volunteer_id)
        record(session, self.store, self.projection, event, current.version + 1)
        checkpoint_after_commit(session)

    def add_organisation(self, session: Session, name: str, kind: str) -> OrganisationJoined:
        if organisation_name_taken(session, name):
            raise DuplicateOrganisation(name)
        event = organisation.join(str(uuid.uuid4()), name, kind, _now())
        record(session, self.store, self.projection, event, 1)
        return event

    def load(self, session: Session, volunteer_id: str) -> Volunteer:
        """The active volunteer rebuilt from the store; VolunteerNotFound otherwise."""
        found = load_volunteer(session, self.store, volunteer_id)
        if found is None:
            raise VolunteerNotFound(volunteer_id)
        return found


def _now() -> datetime:
    return datetime.now(UTC)
