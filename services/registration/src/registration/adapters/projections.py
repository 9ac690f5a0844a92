"""Keeps the volunteer and organisation tables up to date from events, live and on rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from association.events import Envelope
from registration.adapters.identities import IdentityIndex
from registration.adapters.personal_data import Keyring, open_fields, seal_fields
from registration.adapters.tables import (
    organisations_table,
    volunteer_skills_table,
    volunteers_table,
)
from registration.domain.identity import mask_id_number

# Built once: a statement made with .values() per call is coerced and keyed again every time.
_INSERT_VOLUNTEER = insert(volunteers_table)
_INSERT_SKILL = insert(volunteer_skills_table)

SEALED_COLUMNS = ("name", "phone", "email", "birth_date", "gender", "id_number_masked")


class RegistrationProjection:
    """Applies registration's events to its read tables, in the caller's transaction.

    Claims of phones and ID numbers raise DuplicateIdentity, so a command projects its event
    before appending it and a duplicate changes nothing.
    """

    def __init__(self, keyring: Keyring, identities: IdentityIndex) -> None:
        self.keyring = keyring
        self.identities = identities

    def apply(self, session: Session, event: Envelope) -> None:
        handler = getattr(self, f"_on_{event.event_type}", None)
        if handler is not None:
            handler(session, event, event.payload)

    def _on_VolunteerRegistered(self, session: Session, event: Envelope, p: dict[str, Any]) -> None:
        volunteer_id = event.aggregate_id
        claims = {kind: p[kind] for kind in ("phone", "id_number") if p.get(kind)}
        self.identities.claim(session, volunteer_id, claims)
        personal = {
            "name": p.get("name"),
            "phone": p.get("phone"),
            "email": p.get("email"),
            "birth_date": p.get("birth_date"),
            "gender": p.get("gender"),
            "id_number_masked": mask_id_number(p["id_number"]) if p.get("id_number") else None,
        }
        registered_at = _instant(p["registered_at"])
        session.execute(
            _INSERT_VOLUNTEER,
            {
                "volunteer_id": volunteer_id,
                "version": event.aggregate_version,
                "active": True,
                "street": p["street"],
                "skills": p["skills"],
                "organisation_id": p.get("organisation_id"),
                "id_verified": p["id_verified"],
                "source": p["source"],
                "registered_at": registered_at,
                "updated_at": registered_at,
                "sealed": self._seal(session, volunteer_id, personal),
            },
        )
        self._add_skills(session, volunteer_id, p["skills"])

    def _on_VolunteerProfileUpdated(
        self, session: Session, event: Envelope, p: dict[str, Any]
    ) -> None:
        volunteer_id = event.aggregate_id
        if "phone" in p:
            self.identities.release(session, volunteer_id, "phone")
            self.identities.claim(session, volunteer_id, {"phone": p["phone"]})
        values: dict[str, Any] = {
            "version": event.aggregate_version,
            "updated_at": _instant(p["updated_at"]),
        }
        for column in ("street", "skills", "organisation_id"):
            if column in p:
                values[column] = p[column]
        personal_changes = {k: p[k] for k in ("name", "phone", "email") if k in p}
        if personal_changes:
            personal = self.personal_data(session, volunteer_id) or {}
            values["sealed"] = self._seal(session, volunteer_id, personal | personal_changes)
        session.execute(
            update(volunteers_table)
            .where(volunteers_table.c.volunteer_id == volunteer_id)
            .values(**values)
        )
        if "skills" in p:
            self._set_skills(session, volunteer_id, p["skills"])

    def _on_VolunteerWithdrawn(self, session: Session, event: Envelope, p: dict[str, Any]) -> None:
        volunteer_id = event.aggregate_id
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
                version=event.aggregate_version,
                active=False,
                street=None,
                skills=[],
                organisation_id=None,
                sealed=None,
                updated_at=_instant(p["withdrawn_at"]),
            )
        )

    def _on_OrganisationJoined(self, session: Session, event: Envelope, p: dict[str, Any]) -> None:
        session.execute(
            insert(organisations_table).values(
                organisation_id=p["organisation_id"],
                name=p["name"],
                kind=p["kind"],
                joined_at=_instant(p["joined_at"]),
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


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)
