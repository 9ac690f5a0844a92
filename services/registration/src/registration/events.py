"""The events registration stores, and what of them may leave the service.

The stored VolunteerRegistered holds more than the integration event of DESIGN.md: gender, birth
date, the ID number and the consent flags, so that the volunteer can be rebuilt from the store.
`outward` strips those before an event is published or served: the ID number never leaves. The
sign-up of a volunteer who withdrew before it was published is not published or served at all.
"""

from __future__ import annotations

from marshmallow import fields, validate

from association.events import Envelope, default_registry
from association.events.payloads import VolunteerRegisteredV1

PRIVATE_FIELDS = ("gender", "birth_date", "id_number", "consent", "guardian_consent")


class VolunteerRegisteredRecordV1(VolunteerRegisteredV1):
    """VolunteerRegistered as registration stores it."""

    gender = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(["male", "female"])
    )
    birth_date = fields.Date(required=True, allow_none=True)
    id_number = fields.String(required=True, allow_none=True, validate=validate.Length(equal=18))
    consent = fields.Boolean(required=True, validate=validate.Equal(True))
    guardian_consent = fields.Boolean(required=True)


registry = default_registry().copy()
registry.register("VolunteerRegistered", 1, VolunteerRegisteredRecordV1)


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
