"""The Volunteer aggregate: its state is a fold over its events; its rules return new events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from association.masking import mask_id_number
from registration.domain.errors import RuleViolation
from registration.domain.events import (
    VolunteerEvent,
    VolunteerProfileUpdated,
    VolunteerRegistered,
    VolunteerWithdrawn,
)
from registration.domain.identity import IdentityError, age_on, parse_resident_id

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))  # the day of a sign-up is China's
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
    """A volunteer as their events tell it; `version` is the number of events applied."""

    volunteer_id: str
    version: int = 0
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    street: str | None = None
    skills: list[str] = field(default_factory=list)
    organisation_id: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    id_number: str | None = None
    id_verified: bool = False
    source: str | None = None
    registered_at: datetime | None = None
    updated_at: datetime | None = None
    withdrawn: bool = False

    @property
    def exists(self) -> bool:
        return self.version > 0 and not self.withdrawn

    @classmethod
    def from_events(cls, volunteer_id: str, events: list[VolunteerEvent]) -> Volunteer:
        volunteer = cls(volunteer_id)
        for event in events:
            volunteer = volunteer.apply(event)
        return volunteer

    def apply(self, event: VolunteerEvent) -> Volunteer:
        """The volunteer after one more event."""
        version = self.version + 1
        if isinstance(event, VolunteerRegistered):
            state = {k: getattr(event, k) for k in _REGISTERED_FIELDS}
            return replace(self, version=version, updated_at=event.registered_at, **state)
        if isinstance(event, VolunteerProfileUpdated):
            changes = {k: v for k, v in event.changes.items() if k in PROFILE_FIELDS}
            return replace(self, version=version, updated_at=event.updated_at, **changes)
        if isinstance(event, VolunteerWithdrawn):
            return replace(self, version=version, withdrawn=True)
        raise ValueError(f"a volunteer cannot apply {event!r}")


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


def register(volunteer_id: str, signup: SignUp, today: date, now: datetime) -> VolunteerRegistered:
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
    return VolunteerRegistered(
        volunteer_id=volunteer_id,
        name=signup.name,
        phone=signup.phone,
        email=signup.email,
        street=signup.street,
        skills=signup.skills,
        organisation_id=signup.organisation_id,
        registered_at=now,
        source=signup.source,
        id_verified=signup.id_number is not None,
        gender=gender,
        birth_date=birth_date,
        id_number=resident.number if signup.id_number is not None else None,
        consent=True,
        guardian_consent=signup.guardian_consent,
        minor=is_minor(birth_date, today),
        id_number_masked=masked_id_number(resident.number if signup.id_number else None),
    )


def is_minor(birth_date: date | None, day: date) -> bool | None:
    """Whether someone born on `birth_date` is under 18 on `day`; None when it is unknown."""
    return None if birth_date is None else age_on(birth_date, day) < ADULT_AGE


def masked_id_number(id_number: str | None) -> str | None:
    """The resident ID number as the integration event carries it, None without one."""
    return None if id_number is None else mask_id_number(id_number)


def update_profile(
    volunteer: Volunteer, changes: dict[str, Any], now: datetime
) -> VolunteerProfileUpdated | None:
    """The VolunteerProfileUpdated event of what really changes, or None when nothing does."""
    current = {k: getattr(volunteer, k) for k in PROFILE_FIELDS}
    changed = {k: v for k, v in changes.items() if k in PROFILE_FIELDS and current[k] != v}
    if not changed:
        return None
    return VolunteerProfileUpdated(volunteer.volunteer_id, now, changed)


def withdraw(volunteer: Volunteer, now: datetime) -> VolunteerWithdrawn:
    """The VolunteerWithdrawn event."""
    return VolunteerWithdrawn(volunteer.volunteer_id, now)
