"""What this service knows of a volunteer, and how a volunteer's events are put in order.

Events of one volunteer carry consecutive aggregate versions. Each is applied only when it is the
next one: an older or repeated version changes nothing, and one from beyond a gap raises
VolunteerEventOutOfOrder so that it is tried again once the missing event has been applied.
Applying it at once would be wrong: profile updates carry only the changed fields, so the missing
event's changes would later be judged stale and lost for good. Withdrawal is final and is applied
even across a gap: the person's data must go, and every earlier event that arrives afterwards is
then stale. A change to someone whose sign-up never reached this service (registration erased
it) waits like any event from beyond a gap, until their withdrawal makes it stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

PROFILE_FIELDS = ("name", "street", "skills", "organisation_id")


@dataclass(frozen=True)
class KnownVolunteer:
    """A volunteer as registration's events told us: no phone, and the ID number only masked
    (`3201**********123X`, for their certificates; None without a verified one), with whether
    they are a minor (None: unknown). Both are erased like the name on withdrawal."""

    volunteer_id: UUID
    name: str | None
    street: str | None
    skills: tuple[str, ...]
    active: bool
    version: int
    organisation_id: str | None = None
    id_number_masked: str | None = None
    minor: bool | None = None


class VolunteerEventOutOfOrder(Exception):
    """A volunteer event arrived before an earlier one; retry it later."""


class Ordering(Enum):
    APPLY = "apply"
    STALE = "stale"
    GAP = "gap"


def order_of(known_version: int | None, event_version: int) -> Ordering:
    """Whether a volunteer event is the next one, one already seen, or one from beyond a gap.

    `known_version` is the version of the last applied event, None before any.
    """
    expected = 1 if known_version is None else known_version + 1
    if event_version < expected:
        return Ordering.STALE
    return Ordering.APPLY if event_version == expected else Ordering.GAP


# What one event makes of a volunteer as known so far (None before their first event): the
# volunteer afterwards, None when the event changes nothing.
Transition = Callable[[KnownVolunteer | None], KnownVolunteer | None]


@dataclass(frozen=True)
class VolunteerEvent:
    """One of registration's events about a volunteer: whom, when, and what it makes of them."""

    volunteer_id: UUID
    at: datetime
    transition: Transition


def registration(volunteer: KnownVolunteer, at: datetime) -> VolunteerEvent:
    """A sign-up: the volunteer's display name, street, skills and organisation (no phone, no
    ID number)."""
    return VolunteerEvent(
        volunteer.volunteer_id, at, lambda known: after_registration(known, volunteer)
    )


def profile_update(
    volunteer_id: UUID, version: int, changes: Mapping[str, Any], at: datetime
) -> VolunteerEvent:
    """A change to the volunteer's profile, of which only PROFILE_FIELDS are kept here."""
    return VolunteerEvent(
        volunteer_id, at, lambda known: after_profile_update(known, volunteer_id, version, changes)
    )


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
        organisation_id=volunteer.organisation_id,
        id_number_masked=volunteer.id_number_masked,
        minor=volunteer.minor,
        version=volunteer.version,
    )


def after_profile_update(
    known: KnownVolunteer | None, volunteer_id: UUID, version: int, changes: Mapping[str, Any]
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
    if kept.get("organisation_id") is not None:
        kept["organisation_id"] = str(kept["organisation_id"])
    return replace(known, version=version, **kept)


def after_withdrawal(
    known: KnownVolunteer | None, volunteer_id: UUID, version: int
) -> KnownVolunteer | None:
    """The volunteer as known after withdrawing: erased and inactive, even across a gap (a
    tombstone when nothing was known of them); None when already withdrawn or stale."""
    if known is not None and (
        not known.active or order_of(known.version, version) is Ordering.STALE
    ):
        return None
    return KnownVolunteer(volunteer_id, None, None, (), False, version)


def in_order(
    known: Mapping[UUID, KnownVolunteer], events: Iterable[VolunteerEvent]
) -> dict[UUID, tuple[KnownVolunteer, datetime]]:
    """The volunteers the events change, applied in order to what is known of them, each with
    the time of its last change.

    Each event sees what the ones before it made of its volunteer, as it would applied alone
    after them; VolunteerEventOutOfOrder if one of them comes from beyond a gap.
    """
    current = dict(known)
    changed: dict[UUID, tuple[KnownVolunteer, datetime]] = {}
    for event in events:
        after = event.transition(current.get(event.volunteer_id))
        if after is not None:
            current[event.volunteer_id] = after
            changed[event.volunteer_id] = (after, event.at)
    return changed
