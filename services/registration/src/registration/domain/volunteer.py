"""The Volunteer aggregate: its state is a fold over its events; commands return new events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from association.events import Envelope, new_event
from registration.domain.identity import IdentityError, age_on, parse_resident_id
from registration.domain.rules import RuleViolation

ADULT_AGE = 18
SENSITIVE_AGE = 14  # below this, all personal information is sensitive (PIPL Art. 28)
PROFILE_FIELDS = ("name", "phone", "email", "street", "skills", "organisation_id")


@dataclass(frozen=True)
class SignUp:
    """What a sign-up form carries, already normalised field by field."""

    name: str
    phone: str
    street: str
    skills: list[str]
    consent: bool
    email: str | None = None
    id_number: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    organisation_id: str | None = None
    guardian_consent: bool = False
    source: str = "web"


@dataclass(frozen=True)
class Volunteer:
    """A volunteer as their events tell it."""

    volunteer_id: str
    version: int = 0
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    street: str | None = None
    skills: list[str] = field(default_factory=list)
    organisation_id: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    id_number: str | None = None
    id_verified: bool = False
    source: str | None = None
    registered_at: str | None = None
    updated_at: str | None = None
    withdrawn: bool = False

    @property
    def exists(self) -> bool:
        return self.version > 0 and not self.withdrawn

    @classmethod
    def from_events(cls, volunteer_id: str, events: list[Envelope]) -> Volunteer:
        volunteer = cls(volunteer_id)
        for event in events:
            volunteer = volunteer.apply(event)
        return volunteer

    def apply(self, event: Envelope) -> Volunteer:
        payload = event.payload
        if event.event_type == "VolunteerRegistered":
            state = {k: payload.get(k) for k in _REGISTERED_FIELDS}
            return replace(
                self, version=event.aggregate_version, updated_at=payload["registered_at"], **state
            )
        if event.event_type == "VolunteerProfileUpdated":
            changes = {k: payload[k] for k in PROFILE_FIELDS if k in payload}
            return replace(
                self, version=event.aggregate_version, updated_at=payload["updated_at"], **changes
            )
        if event.event_type == "VolunteerWithdrawn":
            return replace(self, version=event.aggregate_version, withdrawn=True)
        return self


_REGISTERED_FIELDS = (
    "name",
    "phone",
    "email",
    "street",
    "skills",
    "organisation_id",
    "gender",
    "birth_date",
    "id_number",
    "id_verified",
    "source",
    "registered_at",
)


def register(volunteer_id: str, signup: SignUp, today: date, now: datetime) -> Envelope:
    """The VolunteerRegistered event of a valid sign-up; RuleViolation names what is wrong."""
    errors: dict[str, list[str]] = {}
    if not signup.consent:
        errors["consent"] = ["consent to the privacy notice is required"]
    birth_date, gender = signup.birth_date, signup.gender
    if signup.id_number is not None:
        try:
            resident = parse_resident_id(signup.id_number, today)
        except IdentityError as error:
            raise RuleViolation({**errors, "id_number": [str(error)]}) from error
        if birth_date is not None and birth_date != resident.birth_date:
            errors["birth_date"] = ["does not match the birth date in id_number"]
        if gender is not None and gender != resident.gender:
            errors["gender"] = ["does not match the gender in id_number"]
        birth_date, gender = resident.birth_date, resident.gender
    if birth_date is not None:
        if birth_date > today:
            errors["birth_date"] = ["must not be in the future"]
        elif not signup.guardian_consent:
            age = age_on(birth_date, today)
            if age < SENSITIVE_AGE:
                errors["guardian_consent"] = [
                    "required: under 14 all personal information is sensitive and needs a "
                    "guardian's consent"
                ]
            elif age < ADULT_AGE:
                errors["guardian_consent"] = ["required for volunteers under 18"]
    if errors:
        raise RuleViolation(errors)
    payload: dict[str, Any] = {
        "volunteer_id": volunteer_id,
        "name": signup.name,
        "phone": signup.phone,
        "email": signup.email,
        "street": signup.street,
        "skills": signup.skills,
        "organisation_id": signup.organisation_id,
        "registered_at": now.isoformat(),
        "source": signup.source,
        "id_verified": signup.id_number is not None,
        "gender": gender,
        "birth_date": birth_date.isoformat() if birth_date else None,
        "id_number": resident.number if signup.id_number is not None else None,
        "consent": True,
        "guardian_consent": signup.guardian_consent,
    }
    return new_event("VolunteerRegistered", volunteer_id, 1, payload)


def update_profile(volunteer: Volunteer, changes: dict[str, Any], now: datetime) -> Envelope | None:
    """The VolunteerProfileUpdated event of what really changes, or None when nothing does."""
    current = {k: getattr(volunteer, k) for k in PROFILE_FIELDS}
    changed = {k: v for k, v in changes.items() if k in PROFILE_FIELDS and current[k] != v}
    if not changed:
        return None
    payload = {"volunteer_id": volunteer.volunteer_id, "updated_at": now.isoformat(), **changed}
    return new_event(
        "VolunteerProfileUpdated", volunteer.volunteer_id, volunteer.version + 1, payload
    )


def withdraw(volunteer: Volunteer, now: datetime) -> Envelope:
    """The VolunteerWithdrawn event."""
    payload = {"volunteer_id": volunteer.volunteer_id, "withdrawn_at": now.isoformat()}
    return new_event("VolunteerWithdrawn", volunteer.volunteer_id, volunteer.version + 1, payload)
