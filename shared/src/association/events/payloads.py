"""Marshmallow schemas of the integration-event payloads of the contract (docs/contract.md)."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from association.service_hours import (
    CENT,
    MAX_HOURS,
    decimal_places,
    hours_problems,
    length_in_hours,
)

SIGNUP_SOURCES = ("web", "partner", "import")
TEAM_ROLES = ("member", "leader")
TEAM_KINDS = ("professional", "university", "community", "youth", "enterprise")
ORGANISATION_KINDS = (
    "university",
    "enterprise",
    "community",
    "school",
    "hospital",
    "government",
    "other",
)
REMOVAL_REASONS = ("withdrawn", "removed")
PHONE_PATTERN = r"^1[3-9]\d{9}$"
# A resident ID number with all but the first four and the last four characters hidden.
MASKED_ID_NUMBER_PATTERN = r"^\d{4}\*{10}\d{3}[\dX]$"


class _Payload(Schema):
    class Meta:
        unknown = RAISE


class VolunteerRegisteredV1(_Payload):
    volunteer_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Regexp(PHONE_PATTERN))
    email = fields.Email(required=True, allow_none=True)
    street = fields.String(required=True, validate=validate.Length(min=1, max=64))
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True)
    organisation_id = fields.UUID(required=True, allow_none=True)
    registered_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SIGNUP_SOURCES))
    id_verified = fields.Boolean(required=True)


class VolunteerRegisteredV2(VolunteerRegisteredV1):
    """Version 2 says whether the volunteer is a minor (null: age unknown) and carries the resident
    ID number masked (`3201**********123X`, null without a verified one), so that teams can refuse
    minors where adults only are allowed and print certificates. Both are personal: never public."""

    minor = fields.Boolean(required=True, allow_none=True)
    id_number_masked = fields.String(
        required=True, allow_none=True, validate=validate.Regexp(MASKED_ID_NUMBER_PATTERN)
    )


def volunteer_registered_v1_to_v2(payload: dict) -> dict:
    """Version 1 said nothing of age or ID number: unknown."""
    return {"minor": None, "id_number_masked": None} | payload


class TeamAssignedV1(_Payload):
    team_id = fields.UUID(required=True)
    team_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    volunteer_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))
    assigned_at = fields.AwareDateTime(required=True)


class Hours(fields.Decimal):
    """Service hours as `association.service_hours` bounds them: finite, > 0, at most two decimal
    places (refused, not rounded, beyond), below 10,000; so every hours that loads also dumps."""

    default_error_messages = {"places": "At most two decimal places."}  # noqa: RUF012

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        bounds = validate.Range(min=0, min_inclusive=False, max=MAX_HOURS, max_inclusive=False)
        super().__init__(as_string=True, validate=bounds, **kwargs)

    def _validated(self, value):  # type: ignore[no-untyped-def]
        number = super()._validated(value)
        if number is not None and number.is_finite() and decimal_places(number) > 2:
            raise self.make_error("places")
        return number

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        return None if value is None else format(Decimal(value).quantize(CENT), "f")


class Attendance(_Payload):
    volunteer_id = fields.UUID(required=True)
    hours = Hours(required=True)


class _Activity(_Payload):
    """What scheduling and completing an activity both say first: which, whose, what, where."""

    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=64))
    location = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ActivityCompletedV1(_Activity):
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(required=True)
    attendance = fields.List(fields.Nested(Attendance), required=True)

    @validates_schema
    def _ends_after_start(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        if data["ended_at"] <= data["started_at"]:
            raise ValidationError("must be after started_at", "ended_at")

    @validates_schema
    def _hours_within_the_activity(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        length = length_in_hours(data["started_at"], data["ended_at"])
        if length <= 0:  # _ends_after_start says what is wrong
            return
        problems = {
            index: {"hours": hours_problems(attendee["hours"], length)}
            for index, attendee in enumerate(data["attendance"])
        }
        beyond = {index: found for index, found in problems.items() if found["hours"]}
        if beyond:
            raise ValidationError(beyond, "attendance")


class ActivityCompletedV2(ActivityCompletedV1):
    """Version 2 adds what a service record needs (《志愿服务记录与证明出具办法》 Art. 7)."""

    content = fields.String(required=True, validate=validate.Length(max=2000))
    organising_unit = fields.String(required=True, validate=validate.Length(max=100))
    person_in_charge = fields.String(required=True, validate=validate.Length(max=50))


def activity_completed_v1_to_v2(payload: dict) -> dict:
    """Version 1 events knew no service-record fields: they read as empty."""
    return {"content": "", "organising_unit": "", "person_in_charge": ""} | payload


class ActivityCompletedV3(ActivityCompletedV2):
    """Version 3 adds why the hours were recorded late: more than 10 working days after the end
    (null when they were not)."""

    late_reason = fields.String(required=True, allow_none=True, validate=validate.Length(max=500))


def activity_completed_v2_to_v3(payload: dict) -> dict:
    """Completions before version 3 gave no reason for lateness."""
    return {"late_reason": None} | payload


class VolunteerProfileUpdatedV1(_Payload):
    """Only the fields that changed are present (at least one of them)."""

    volunteer_id = fields.UUID(required=True)
    updated_at = fields.AwareDateTime(required=True)
    name = fields.String(validate=validate.Length(min=1, max=50))
    phone = fields.String(validate=validate.Regexp(PHONE_PATTERN))
    email = fields.Email(allow_none=True)
    street = fields.String(validate=validate.Length(min=1, max=64))
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=64)))
    organisation_id = fields.UUID(allow_none=True)

    @validates_schema
    def _something_changed(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        if not set(data) - {"volunteer_id", "updated_at"}:
            raise ValidationError("at least one changed field is required", "_schema")


class VolunteerWithdrawnV1(_Payload):
    volunteer_id = fields.UUID(required=True)
    withdrawn_at = fields.AwareDateTime(required=True)


class OrganisationJoinedV1(_Payload):
    organisation_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    joined_at = fields.AwareDateTime(required=True)


class TeamCreatedV1(_Payload):
    team_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(TEAM_KINDS))
    description = fields.String(required=True, validate=validate.Length(max=2000))
    required_skills = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), required=True
    )
    capacity = fields.Integer(
        required=True, allow_none=True, strict=True, validate=validate.Range(min=1)
    )
    created_at = fields.AwareDateTime(required=True)


class TeamCreatedV2(TeamCreatedV1):
    """Version 2 says which member organisation the team belongs to (null: the association's)."""

    organisation_id = fields.UUID(required=True, allow_none=True)


def team_created_v1_to_v2(payload: dict) -> dict:
    """Teams of version 1 belonged to no organisation."""
    return {"organisation_id": None} | payload


class TeamMemberRemovedV1(_Payload):
    team_id = fields.UUID(required=True)
    volunteer_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(REMOVAL_REASONS))
    removed_at = fields.AwareDateTime(required=True)


class ActivityScheduledV1(_Activity):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    content = fields.String(required=True, validate=validate.Length(max=2000))
    organising_unit = fields.String(required=True, validate=validate.Length(max=100))
    person_in_charge = fields.String(required=True, validate=validate.Length(max=50))
    scheduled_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _ends_after_start(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class ActivityCancelledV1(_Payload):
    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=500))
    cancelled_at = fields.AwareDateTime(required=True)


class NonNegativeHours(Hours):
    """Hours that may be zero: a correction can take all of an attendee's hours away."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.validators = [
            validate.Range(min=0, max=MAX_HOURS, max_inclusive=False),
            *self.validators[1:],
        ]


class HoursCorrectedV1(_Payload):
    """An attendee's hours at a completed activity set anew (up or down, to zero at the least);
    `previous_hours` is what they were (zero for an attendee the completion had left out)."""

    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    volunteer_id = fields.UUID(required=True)
    previous_hours = NonNegativeHours(required=True)
    hours = NonNegativeHours(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    corrected_at = fields.AwareDateTime(required=True)


class CertifiedActivity(_Payload):
    """One activity a certificate counts, with the hours it credited when the certificate was
    issued (a later correction does not change an issued certificate)."""

    activity_id = fields.UUID(required=True)
    hours = Hours(required=True)


class CertificateIssuedV1(_Payload):
    """A certificate of volunteer service (志愿服务证明) issued: what it certifies, signed.

    `name_masked` is the only personal field (kept so that the certificate stays verifiable after
    a withdrawal); partners never see it. `signature` is the base64 Ed25519 signature the
    verification answer carries; `period_from` / `period_to` are dates or null (from the first /
    until the issue)."""

    certificate_id = fields.UUID(required=True)
    number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    volunteer_id = fields.UUID(required=True)
    name_masked = fields.String(required=True, validate=validate.Length(min=1, max=50))
    period_from = fields.Date(required=True, allow_none=True)
    period_to = fields.Date(required=True, allow_none=True)
    total_hours = NonNegativeHours(required=True)
    activity_count = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    issued_at = fields.AwareDateTime(required=True)
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=100))
    signature = fields.String(required=True, validate=validate.Length(min=1, max=200))
    activities = fields.List(fields.Nested(CertifiedActivity), required=True)
