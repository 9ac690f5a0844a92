"""Marshmallow schemas of `/sessions` and `/staff`."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from association.auth.tokens import COORDINATOR
from registration.api.schemas import CleanText, Phone, _Strict
from registration.domain.logins import AUDIENCES, CODE_DIGITS, STAFF_ROLES, VOLUNTEER_AUDIENCE

PHONE_EXAMPLE = {"example": "+86 138-1234-5678"}
AS = {
    "data_key": "as",
    "load_default": VOLUNTEER_AUDIENCE,
    "validate": validate.OneOf(AUDIENCES),
    "metadata": {"description": "who logs in: a volunteer (default) or staff"},
}


class CodeRequestSchema(_Strict):
    phone = Phone(required=True, metadata=PHONE_EXAMPLE)
    audience = fields.String(**AS)


class CodeSentSchema(Schema):
    message = fields.String()


class SessionRequestSchema(_Strict):
    phone = Phone(required=True, metadata=PHONE_EXAMPLE)
    code = fields.String(
        required=True,
        validate=validate.Regexp(rf"^\d{{{CODE_DIGITS}}}$", error="must be 6 digits"),
        metadata={"example": "123456"},
    )
    audience = fields.String(**AS)


class RefreshSchema(_Strict):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenPairSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class StaffInSchema(_Strict):
    name = CleanText(50, required=True, metadata={"example": "王协调"})
    phone = Phone(required=True, metadata={"example": "+86 139-0000-1111"})
    role = fields.String(required=True, validate=validate.OneOf(STAFF_ROLES))
    organisation_id = fields.UUID(load_default=None, allow_none=True)

    @validates_schema
    def coordinators_belong_somewhere(self, data: dict, **_kwargs: object) -> None:
        if data.get("role") == COORDINATOR and data.get("organisation_id") is None:
            raise ValidationError("a coordinator belongs to an organisation", "organisation_id")


class StaffSchema(Schema):
    staff_id = fields.String()
    name = fields.String()
    phone = fields.String()
    role = fields.String()
    organisation_id = fields.String(allow_none=True)
    created_at = fields.DateTime()


class StaffListSchema(Schema):
    items = fields.List(fields.Nested(StaffSchema))
