"""Registration's events on the wire: envelopes to and from domain events, and what may leave.

The stored VolunteerRegistered holds more than the integration event (`docs/contract.md`):
gender, birth date, the ID number and the consent flags, so that the volunteer can be rebuilt
from the store. `outward` strips those before an event is published or served: the ID number
never leaves (version 2 carries it masked, and whether the volunteer is a minor). Sign-ups are
written as version 2; those stored as version 1 read as version 2 with both derived from the
birth date and ID number they keep (None once erased), and are served as they were stored.
The sign-up of a volunteer who withdrew before it was published is not published or served at
all. (Personal fields are sealed at rest by `registration.adapters.personal_data`.)
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import fields, validate

from association.events import Envelope, default_registry, new_event
from association.events.payloads import VolunteerRegisteredV1, VolunteerRegisteredV2
from registration.domain.events import (
    EVENT_CLASSES,
    DomainEvent,
    VolunteerProfileUpdated,
    VolunteerRegistered,
    aggregate_id,
)
from registration.domain.volunteer import CHINA_STANDARD_TIME, is_minor, masked_id_number

PRIVATE_FIELDS = ("gender", "birth_date", "id_number", "consent", "guardian_consent")
_CLASSES = {cls.__name__: cls for cls in EVENT_CLASSES}
_MOMENTS = ("registered_at", "updated_at", "withdrawn_at", "joined_at")
_PROFILE_UPDATE_KEYS = ("volunteer_id", "updated_at")


class VolunteerRegisteredRecordV1(VolunteerRegisteredV1):
    """VolunteerRegistered as registration stored it before version 2."""

    gender = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(["male", "female"])
    )
    birth_date = fields.Date(required=True, allow_none=True)
    id_number = fields.String(required=True, allow_none=True, validate=validate.Length(equal=18))
    consent = fields.Boolean(required=True, validate=validate.Equal(True))
    guardian_consent = fields.Boolean(required=True)


class VolunteerRegisteredRecordV2(VolunteerRegisteredV2, VolunteerRegisteredRecordV1):
    """VolunteerRegistered as registration stores it: the integration event's version 2 and the
    private fields."""


def record_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """A stored version-1 sign-up as version 2: `minor` and `id_number_masked` derived from what
    it keeps (None when erased or unknown)."""
    birth_date, registered_at = payload.get("birth_date"), payload["registered_at"]
    signed_up_on = datetime.fromisoformat(registered_at).astimezone(CHINA_STANDARD_TIME).date()
    derived = {
        "minor": is_minor(date.fromisoformat(birth_date) if birth_date else None, signed_up_on),
        "id_number_masked": masked_id_number(payload.get("id_number")),
    }
    return derived | payload


registry = default_registry().copy()
registry.register("VolunteerRegistered", 1, VolunteerRegisteredRecordV1)
registry.register("VolunteerRegistered", 2, VolunteerRegisteredRecordV2)
registry.register_upcaster("VolunteerRegistered", 1, record_v1_to_v2)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _MOMENTS:
        return datetime.fromisoformat(value).astimezone(UTC)
    if name == "birth_date":
        return date.fromisoformat(value)
    return value


def payload_of(event: DomainEvent) -> dict[str, Any]:
    """The JSON payload of a domain event (a profile update carries only what changed)."""
    if isinstance(event, VolunteerProfileUpdated):
        return {
            "volunteer_id": event.volunteer_id,
            "updated_at": _encode(event.updated_at),
            **event.changes,
        }
    return {f.name: _encode(getattr(event, f.name)) for f in dataclasses.fields(event)}


def to_envelope(event: DomainEvent, version: int) -> Envelope:
    """A new envelope carrying `event` as version `version` of its volunteer or organisation."""
    event_type = type(event).__name__
    return new_event(
        event_type,
        aggregate_id(event),
        version,
        payload_of(event),
        schema_version=registry.latest_version(event_type),
    )


def is_domain_event(envelope: Envelope) -> bool:
    """Whether the envelope carries one of registration's own domain events."""
    return envelope.event_type in _CLASSES


def from_envelope(envelope: Envelope) -> DomainEvent:
    """The domain event an envelope carries (its personal fields opened, or None once erased);
    a sign-up stored as version 1 is read as version 2."""
    payload = envelope.payload
    cls = _CLASSES[envelope.event_type]
    if cls is VolunteerRegistered and envelope.schema_version == 1:
        payload = record_v1_to_v2(payload)
    if cls is VolunteerProfileUpdated:
        changes = {k: v for k, v in payload.items() if k not in _PROFILE_UPDATE_KEYS}
        return VolunteerProfileUpdated(
            payload["volunteer_id"], _decode("updated_at", payload["updated_at"]), changes
        )
    return cls(**{f.name: _decode(f.name, payload[f.name]) for f in dataclasses.fields(cls)})


def outward(event: Envelope) -> Envelope | None:
    """The event as other services and partners may see it (the integration schema).

    None for the sign-up of a volunteer who has withdrawn since: its personal fields are erased
    (a live sign-up always has a name), so it is not the integration event any more and nothing
    of it leaves. Consumers hear of the volunteer's withdrawal all the same.
    """
    if event.event_type != "VolunteerRegistered":
        return event
    if event.payload.get("name") is None:
        return None
    return event.with_payload({k: v for k, v in event.payload.items() if k not in PRIVATE_FIELDS})
