"""Marshmallow schemas of the registration API; vocabularies appear as `enum` in OpenAPI.

The schemas naming streets and skills are built per app from the vocabularies in its settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from association.events.payloads import ORGANISATION_KINDS, SIGNUP_SOURCES
from registration.domain.identity import IdentityError, normalise_phone
from registration.domain.import_report import IMPORT_STATUSES, OUTCOMES
from registration.domain.vocabularies import Vocabulary

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class _Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class Phone(fields.String):
    """A mainland mobile number; `+86`/`0086`, spaces and dashes are normalised away."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_phone(raw)
        except IdentityError as error:
            raise ValidationError(str(error)) from error


class CleanText(fields.String):
    """Text of 1 to `max_length` characters after trimming, without control characters."""

    def __init__(self, max_length: int, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ValidationError("must not contain control characters")
        return text


class VolunteerSchema(Schema):
    """A volunteer as the API shows it; phone and ID number masked unless said otherwise."""

    class Meta:
        ordered = True

    volunteer_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    phone = fields.String(metadata={"description": "masked (138****5678) unless volunteers:read"})
    email = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    id_verified = fields.Boolean()
    street = fields.String()
    skills = fields.List(fields.String())
    organisation_id = fields.String(allow_none=True)
    source = fields.String()
    registered_at = fields.String()
    updated_at = fields.String()


class VolunteerPageSchema(Schema):
    items = fields.List(fields.Nested(VolunteerSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


def _unique(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("must not repeat a skill")


@dataclass(frozen=True)
class VolunteerSchemas:
    """The schemas that name streets and skills, built for the vocabularies in force."""

    sign_up: type[Schema]
    profile_changes: type[Schema]
    query: type[Schema]


def volunteer_schemas(streets: Vocabulary, skills: Vocabulary) -> VolunteerSchemas:
    """The sign-up, profile-change and list-query schemas, their codes `enum`s in OpenAPI."""

    def street_field(**kwargs: Any) -> fields.String:
        return fields.String(
            validate=validate.OneOf(streets.codes),
            metadata={"description": f"Street (街道): {streets.describe()}"},
            **kwargs,
        )

    def skills_field(**kwargs: Any) -> fields.List:
        return fields.List(
            fields.String(validate=validate.OneOf(skills.codes)),
            validate=[validate.Length(max=20), _unique],
            metadata={"description": f"Skills: {skills.describe()}", "uniqueItems": True},
            **kwargs,
        )

    class SignUpSchema(_Strict):
        name = CleanText(50, required=True)
        phone = Phone(required=True, metadata={"example": "+86 138-1234-5678"})
        id_number = fields.String(
            load_default=None,
            allow_none=True,
            metadata={"description": "18-character resident ID (GB 11643); verified, never shown"},
        )
        email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
        birth_date = fields.Date(load_default=None, allow_none=True)
        gender = fields.String(
            load_default=None, allow_none=True, validate=validate.OneOf(["male", "female"])
        )
        street = street_field(required=True)
        skills = skills_field(load_default=list)
        organisation_id = fields.UUID(load_default=None, allow_none=True)
        # Refused with the other fields' errors, so that a form shows every one at once.
        consent = fields.Boolean(
            required=True,
            validate=validate.Equal(True, error="consent to the privacy notice is required"),
            metadata={"description": "Consent to the privacy notice (must be true)"},
        )
        guardian_consent = fields.Boolean(load_default=False)
        source = fields.String(load_default="web", validate=validate.OneOf(SIGNUP_SOURCES))

        @post_load
        def _ids_as_text(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
            if data["organisation_id"] is not None:
                data["organisation_id"] = str(data["organisation_id"])
            return data

    class ProfileChangesSchema(_Strict):
        name = CleanText(50)
        phone = Phone()
        email = fields.Email(allow_none=True, validate=validate.Length(max=254))
        street = street_field()
        skills = skills_field()
        organisation_id = fields.UUID(allow_none=True)

        @post_load
        def _something(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
            if not data:
                raise ValidationError("name at least one field to change", "_schema")
            if data.get("organisation_id") is not None:
                data["organisation_id"] = str(data["organisation_id"])
            return data

    class VolunteerQuerySchema(_Strict):
        street = fields.String(validate=validate.OneOf(streets.codes))
        skill = fields.String(validate=validate.OneOf(skills.codes))
        organisation_id = fields.UUID()
        page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
        page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    return VolunteerSchemas(SignUpSchema, ProfileChangesSchema, VolunteerQuerySchema)


class OrganisationInSchema(_Strict):
    name = CleanText(100, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))


class OrganisationSchema(Schema):
    organisation_id = fields.String()
    name = fields.String()
    kind = fields.String()
    joined_at = fields.String()


class OrganisationListSchema(Schema):
    items = fields.List(fields.Nested(OrganisationSchema))


class ImportFileSchema(Schema):
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "the CSV or XLSX file"},
    )


class ImportRowSchema(Schema):
    class Meta:
        ordered = True

    row = fields.Integer(metadata={"description": "the row's number in the file (header: 1)"})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    volunteer_id = fields.String(metadata={"description": "the volunteer made (accepted rows)"})
    errors = fields.Dict(
        metadata={"description": "reasons by field name (refused and already registered rows)"}
    )


class ImportReportSchema(Schema):
    class Meta:
        ordered = True

    import_id = fields.String()
    status = fields.String(validate=validate.OneOf(IMPORT_STATUSES))
    file_format = fields.String(validate=validate.OneOf(["csv", "xlsx"]))
    total_rows = fields.Integer()
    counts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(OUTCOMES)), values=fields.Integer()
    )
    started_at = fields.String()
    finished_at = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(ImportRowSchema))


class ImportReportQuerySchema(_Strict):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))


class ExportQuerySchema(_Strict):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
