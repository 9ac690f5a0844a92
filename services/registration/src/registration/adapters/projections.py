"""Keeps the volunteer and organisation tables up to date from events, live and on rebuild."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from association.sealing import Keyring, open_fields, seal_fields
from association.store import EventStore
from registration.adapters.codec import from_envelope, is_domain_event
from registration.adapters.identities import IdentityIndex
from registration.adapters.tables import (
    identities_table,
    organisations_table,
    volunteer_skills_table,
    volunteers_table,
)
from registration.domain.events import (
    DomainEvent,
    OrganisationJoined,
    VolunteerProfileUpdated,
    VolunteerRegistered,
    VolunteerWithdrawn,
)
from registration.domain.identity import mask_id_number
from registration.domain.volunteer import Volunteer

# Built once: a statement made with .values() per call is coerced and keyed again every time.
_INSERT_VOLUNTEER = insert(volunteers_table)
_INSERT_SKILL = insert(volunteer_skills_table)

REBUILT_TABLES = (volunteer_skills_table, identities_table, volunteers_table, organisations_table)
REBUILD_PAGE = 500


def personal_columns(volunteer: VolunteerRegistered | Volunteer) -> dict[str, Any]:
    """The personal columns of a volunteer's row, which the table keeps sealed."""
    birth_date, id_number = volunteer.birth_date, volunteer.id_number
    return {
        "name": volunteer.name,
        "phone": volunteer.phone,
        "email": volunteer.email,
        "birth_date": birth_date.isoformat() if birth_date else None,
        "gender": volunteer.gender,
        "id_number_masked": mask_id_number(id_number) if id_number else None,
    }


class RegistrationProjection:
    """Applies registration's events to its read tables, in the caller's transaction.

    Claims of phones and ID numbers raise DuplicateIdentity, so a command projects its event
    before appending it and a duplicate changes nothing.
    """

    def __init__(self, keyring: Keyring, identities: IdentityIndex) -> None:
        self.keyring = keyring
        self.identities = identities
        self._projectors: dict[type, Callable[[Session, Any, int], None]] = {
            VolunteerRegistered: self._registered,
            VolunteerProfileUpdated: self._profile_updated,
            VolunteerWithdrawn: self._withdrawn,
            OrganisationJoined: self._organisation_joined,
        }

    def apply(self, session: Session, event: DomainEvent, version: int) -> None:
        """Project `event`, version `version` of its volunteer or organisation."""
        self._projectors[type(event)](session, event, version)

    def _registered(self, session: Session, event: VolunteerRegistered, version: int) -> None:
        volunteer_id = event.volunteer_id
        claims = {
            kind: value
            for kind, value in (("phone", event.phone), ("id_number", event.id_number))
            if value
        }
        self.identities.claim(session, volunteer_id, claims)
        session.execute(
            _INSERT_VOLUNTEER,
            {
                "volunteer_id": volunteer_id,
                "version": version,
                "active": True,
                "street": event.street,
                "skills": event.skills,
                "organisation_id": event.organisation_id,
                "id_verified": event.id_verified,
                "source": event.source,
                "registered_at": event.registered_at,
                "updated_at": event.registered_at,
                "sealed": self._seal(session, volunteer_id, personal_columns(event)),
            },
        )
        self._add_skills(session, volunteer_id, event.skills)

    def _profile_updated(
        self, session: Session, event: VolunteerProfileUpdated, version: int
    ) -> None:
        volunteer_id, changes = event.volunteer_id, event.changes
        if "phone" in changes:
            self.identities.release(session, volunteer_id, "phone")
            self.identities.claim(session, volunteer_id, {"phone": changes["phone"]})
        values: dict[str, Any] = {"version": version, "updated_at": event.updated_at}
        for column in ("street", "skills", "organisation_id"):
            if column in changes:
                values[column] = changes[column]
        personal_changes = {k: changes[k] for k in ("name", "phone", "email") if k in changes}
        if personal_changes:
            personal = self.personal_data(session, volunteer_id) or {}
            values["sealed"] = self._seal(session, volunteer_id, personal | personal_changes)
        session.execute(
            update(volunteers_table)
            .where(volunteers_table.c.volunteer_id == volunteer_id)
            .values(**values)
        )
        if "skills" in changes:
            self._set_skills(session, volunteer_id, changes["skills"])

    def _withdrawn(self, session: Session, event: VolunteerWithdrawn, version: int) -> None:
        volunteer_id = event.volunteer_id
        self.identities.release(session, volunteer_id)
        self.keyring.destroy(session, volunteer_id)
        session.execute(
            delete(volunteer_skills_table).where(
                volunteer_skills_table.c.volunteer_id == volunteer_id
            )
        )
        session.execute(
            update(volunteers_table)
            .where(volunteers_table.c.volunteer_id == volunteer_id)
            .values(
                version=version,
                active=False,
                street=None,
                skills=[],
                organisation_id=None,
                sealed=None,
                updated_at=event.withdrawn_at,
            )
        )

    def _organisation_joined(
        self, session: Session, event: OrganisationJoined, _version: int
    ) -> None:
        session.execute(
            insert(organisations_table).values(
                organisation_id=event.organisation_id,
                name=event.name,
                kind=event.kind,
                joined_at=event.joined_at,
            )
        )

    def personal_data(self, session: Session, volunteer_id: str) -> dict[str, Any] | None:
        """The decrypted personal columns of a volunteer, or None once erased."""
        sealed = session.execute(
            select(volunteers_table.c.sealed).where(volunteers_table.c.volunteer_id == volunteer_id)
        ).scalar_one_or_none()
        key = self.keyring.get(session, volunteer_id)
        if sealed is None or key is None:
            return None
        return open_fields(key, sealed, volunteer_id)

    def _seal(self, session: Session, volunteer_id: str, personal: dict[str, Any]) -> bytes | None:
        key = self.keyring.get(session, volunteer_id)
        return seal_fields(key, personal, volunteer_id) if key is not None else None

    @classmethod
    def _set_skills(cls, session: Session, volunteer_id: str, skills: list[str]) -> None:
        session.execute(
            delete(volunteer_skills_table).where(
                volunteer_skills_table.c.volunteer_id == volunteer_id
            )
        )
        cls._add_skills(session, volunteer_id, skills)

    @staticmethod
    def _add_skills(session: Session, volunteer_id: str, skills: list[str]) -> None:
        if skills:
            session.execute(
                _INSERT_SKILL, [{"volunteer_id": volunteer_id, "skill": skill} for skill in skills]
            )


def rebuild(
    session: Session,
    store: EventStore,
    projection: RegistrationProjection,
    progress: Callable[[int], None] = lambda read: None,
) -> int:
    """Empty the read tables and apply every stored event again; returns how many were applied.

    The caller holds the writers' lock for the whole transaction, so no command writes meanwhile.
    `progress` is told how many events each page read held.
    """
    for table in REBUILT_TABLES:
        session.execute(delete(table))
    applied, after = 0, 0
    while events := store.read_after(session, after, REBUILD_PAGE):
        for envelope in events:
            if is_domain_event(envelope):
                projection.apply(session, from_envelope(envelope), envelope.aggregate_version)
                applied += 1
        after = events[-1].sequence or after
        progress(len(events))
    return applied
