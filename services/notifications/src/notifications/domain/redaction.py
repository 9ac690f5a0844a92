"""What partners may see of an integration event: the personal data in it removed or masked.

VolunteerRegistered and VolunteerProfileUpdated keep only the fields listed below (no phone, e-mail,
id_verified, minor or masked ID number) with the name masked (刘丽珠 → 刘*珠, 王五 → 王*); the
person in charge of an activity is masked the same way. ActivityCompleted loses `late_reason`,
HoursCorrected `reason` (free text a coordinator wrote) and CertificateIssued `name_masked`: each
keeps the fields of the schema version named below but those. Every other event passes
unchanged. The lists are of fields kept, not removed, so a field added by a later schema version
stays private until someone decides otherwise. The event's actor keeps only its kind
(`{"kind": "staff"}`), never the id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from association.actors import public_form
from association.events import Envelope
from association.events.payloads import (
    ActivityCompletedV3,
    CertificateIssuedV1,
    HoursCorrectedV1,
)
from association.masking import mask_name

PUBLIC_FIELDS: Mapping[str, frozenset[str]] = {
    "VolunteerRegistered": frozenset(
        {
            "volunteer_id",
            "name",
            "street",
            "skills",
            "organisation_id",
            "registered_at",
            "source",
        }
    ),
    "VolunteerProfileUpdated": frozenset(
        {"volunteer_id", "updated_at", "name", "street", "skills", "organisation_id"}
    ),
    "ActivityCompleted": frozenset(ActivityCompletedV3().fields) - {"late_reason"},
    "HoursCorrected": frozenset(HoursCorrectedV1().fields) - {"reason"},
    "CertificateIssued": frozenset(CertificateIssuedV1().fields) - {"name_masked"},
}

# The events about one volunteer's own data (their registration or profile).
VOLUNTEER_EVENTS = ("VolunteerRegistered", "VolunteerProfileUpdated")

# Names of people in otherwise public events: shown masked.
MASKED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "VolunteerRegistered": ("name",),
    "VolunteerProfileUpdated": ("name",),
    "ActivityScheduled": ("person_in_charge",),
    "ActivityCompleted": ("person_in_charge",),
}

# What a withdrawal erases from the public copies of a volunteer's own events.
ERASED_ON_WITHDRAWAL = ("name", "street", "skills")


def redact(event: Envelope) -> Envelope:
    """The event as partners see it on `association.public`, in the feed and in webhooks.

    Its actor keeps only its kind: partners learn that a volunteer or staff acted, never who.
    """
    public = replace(event, actor=public_form(event.actor))
    kept = PUBLIC_FIELDS.get(event.event_type)
    masked = MASKED_FIELDS.get(event.event_type, ())
    if kept is None and not masked:
        return public
    payload = {k: v for k, v in event.payload.items() if kept is None or k in kept}
    for field in masked:
        if isinstance(payload.get(field), str) and payload[field]:
            payload[field] = mask_name(payload[field])
    return public.with_payload(payload)


def about_volunteer(event: Envelope) -> str | None:
    """The volunteer whose own data the event carries (their registration or profile)."""
    if event.event_type in VOLUNTEER_EVENTS:
        return str(event.payload["volunteer_id"])
    return None


def erase_person(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A public payload about a withdrawn volunteer, with what could identify them removed."""
    return {key: value for key, value in payload.items() if key not in ERASED_ON_WITHDRAWAL}
