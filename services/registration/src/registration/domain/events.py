"""The domain events of volunteers and member organisations, apart from their wire form.

Their fields are the payloads the store keeps (see `docs/contract.md` for the integration
events): a sign-up holds more than what leaves the service, and `registration.adapters.codec`
turns these events into envelopes and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class VolunteerRegistered:
    """A sign-up. Once the volunteer's data is erased, its personal fields read back as None.

    `minor` (under 18 on the day of the sign-up, China time; None when the birth date is unknown)
    and `id_number_masked` (None without an ID number) are what version 2 of the integration
    event adds: personal, sealed like the rest."""

    volunteer_id: str
    name: str | None
    phone: str | None
    email: str | None
    street: str
    skills: list[str]
    organisation_id: str | None
    registered_at: datetime
    source: str
    id_verified: bool
    gender: str | None
    birth_date: date | None
    id_number: str | None
    consent: bool
    guardian_consent: bool | None
    minor: bool | None = None
    id_number_masked: str | None = None


@dataclass(frozen=True)
class VolunteerProfileUpdated:
    """The profile fields that changed, by name (erased personal ones are left out on reading)."""

    volunteer_id: str
    updated_at: datetime
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class VolunteerWithdrawn:
    """A volunteer left the association; their personal data is erased."""

    volunteer_id: str
    withdrawn_at: datetime


@dataclass(frozen=True)
class OrganisationJoined:
    """An organisation became a member of the association."""

    organisation_id: str
    name: str
    kind: str
    joined_at: datetime


VolunteerEvent = VolunteerRegistered | VolunteerProfileUpdated | VolunteerWithdrawn
DomainEvent = VolunteerEvent | OrganisationJoined

EVENT_CLASSES: tuple[type, ...] = (
    VolunteerRegistered,
    VolunteerProfileUpdated,
    VolunteerWithdrawn,
    OrganisationJoined,
)


def aggregate_id(event: DomainEvent) -> str:
    """The volunteer or organisation an event belongs to."""
    if isinstance(event, OrganisationJoined):
        return event.organisation_id
    return event.volunteer_id
