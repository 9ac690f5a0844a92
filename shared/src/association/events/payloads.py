"""Marshmallow schemas of the integration-event payloads fixed by DESIGN.md (schema version 1)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

SIGNUP_SOURCES = ("web", "partner", "import")
TEAM_ROLES = ("member", "leader")


class _Payload(Schema):
    class Meta:
        unknown = RAISE


class VolunteerRegisteredV1(_Payload):
    volunteer_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Regexp(r"^1[3-9]\d{9}$"))
    email = fields.Email(required=True, allow_none=True)
    street = fields.String(required=True, validate=validate.Length(min=1, max=64))
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True)
    organisation_id = fields.UUID(required=True, allow_none=True)
    registered_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SIGNUP_SOURCES))
    id_verified = fields.Boolean(required=True)


class TeamAssignedV1(_Payload):
    team_id = fields.UUID(required=True)
    team_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    volunteer_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))
    assigned_at = fields.AwareDateTime(required=True)


class Attendance(_Payload):
    volunteer_id = fields.UUID(required=True)
    hours = fields.Decimal(
        required=True, places=2, as_string=True, validate=validate.Range(min=0, min_inclusive=False)
    )


class ActivityCompletedV1(_Payload):
    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=64))
    location = fields.String(required=True, validate=validate.Length(min=1, max=200))
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(required=True)
    attendance = fields.List(fields.Nested(Attendance), required=True)

    @validates_schema
    def _ends_after_start(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        if data["ended_at"] <= data["started_at"]:
            raise ValidationError("must be after started_at", "ended_at")
