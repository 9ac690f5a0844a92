"""The commands of the registration service.

Each runs in the caller's transaction (the request's): it checks the rules, applies its event to
the projections (which claims phones and ID numbers, so a duplicate stops it there) and appends
the event last, as the store requires. A refused command raises a `Refusal` and the
transaction rolls back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.db import checkpoint_after_commit
from association.refusals import Refusal
from association.sealing import Keyring
from association.store import EventStore, serialise_writers
from association.web.idempotency import forget_responses_naming
from registration.adapters.codec import to_envelope
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
from registration.domain.events import OrganisationJoined, VolunteerRegistered
from registration.domain.volunteer import CHINA_STANDARD_TIME, SignUp, Volunteer

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
        event = self._admit(session, signup)
        self.store.append(session, [to_envelope(event, 1)])
        return Volunteer.from_events(event.volunteer_id, [event])

    def register_volunteers(
        self, session: Session, signups: Sequence[SignUp]
    ) -> list[Volunteer | Refusal]:
        """Sign up many at once (an import): each is checked, and projected in a savepoint of its
        own, exactly as `register_volunteer` would; the events of those admitted are appended
        together at the end. Answers, in order, each volunteer or the refusal that stopped them."""
        outcomes: list[Volunteer | Refusal] = []
        admitted: list[VolunteerRegistered] = []
        for signup in signups:
            try:
                with session.begin_nested():
                    event = self._admit(session, signup)
            except Refusal as refusal:
                outcomes.append(refusal)
                continue
            admitted.append(event)
            outcomes.append(Volunteer.from_events(event.volunteer_id, [event]))
        self.store.append(session, [to_envelope(event, 1) for event in admitted])
        return outcomes

    def _admit(self, session: Session, signup: SignUp) -> VolunteerRegistered:
        """The sign-up's event, checked and projected (its phone and ID number claimed); the
        caller appends it."""
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
        self.projection.apply(session, event, 1)
        return event

    def update_volunteer(
        self,
        session: Session,
        volunteer_id: str,
        changes: dict[str, Any],
        expected_version: int | None,
        reach: Reach = EVERYTHING,
    ) -> Volunteer:
        serialise_writers(session)
        current = self.load(session, volunteer_id, reach)
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

    def withdraw_volunteer(
        self, session: Session, volunteer_id: str, reach: Reach = EVERYTHING
    ) -> None:
        """Withdraw the volunteer: their key, stored answers naming them and WAL copies go, and
        their logins end."""
        serialise_writers(session)
        current = self.load(session, volunteer_id, reach)
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

    def load(self, session: Session, volunteer_id: str, reach: Reach = EVERYTHING) -> Volunteer:
        """The active volunteer within `reach` rebuilt from the store; VolunteerNotFound
        otherwise (one out of reach is not found either)."""
        found = load_volunteer(session, self.store, volunteer_id)
        if found is None or not reach.reaches_volunteer(found.volunteer_id, found.organisation_id):
            raise VolunteerNotFound(volunteer_id)
        return found


def _now() -> datetime:
    return datetime.now(UTC)
