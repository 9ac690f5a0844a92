"""Request and response schemas; the vocabularies appear as enums in the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from association.events import ActorSchema
from teams.domain.vocabularies import TeamKind, TeamRole, Vocabulary

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(pattern: re.Pattern[str]) -> validate.Validator:
    def check(value: str) -> None:
        if pattern.search(value):
            raise ValidationError("must not contain control characters")

    return check  # type: ignore[return-value]


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def line(maximum: int, **kwargs: Any) -> fields.String:
    """A one-line text field of 1 to `maximum` characters."""
    checks = [validate.Length(min=1, max=maximum), _not_blank, _no_control(_CONTROL)]
    return fields.String(validate=checks, **kwargs)


def text(maximum: int, **kwargs: Any) -> fields.String:
    """A free text field of at most `maximum` characters (line breaks allowed)."""
    checks = [validate.Length(max=maximum), _no_control(_CONTROL_EXCEPT_LINES)]
    return fields.String(validate=checks, **kwargs)


def paragraph(maximum: int, **kwargs: Any) -> fields.String:
    """A text field of 1 to `maximum` characters, not blank, line breaks allowed."""
    checks = [
        validate.Length(min=1, max=maximum),
        _not_blank,
        _no_control(_CONTROL_EXCEPT_LINES),
    ]
    return fields.String(validate=checks, **kwargs)


class VocabularyField(fields.Enum):
    """A vocabulary code: loaded as the enum member, dumped from a member or a stored code."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, self.enum):
            value = self.enum(value)
        return super()._serialize(value, attr, obj, **kwargs)


def vocabulary(enum: type[Vocabulary], **kwargs: Any) -> fields.Enum:
    """A field holding one code of a vocabulary (the labels are in the description)."""
    return VocabularyField(enum, by_value=True, metadata={"description": enum.describe()}, **kwargs)


def label(enum: type[Vocabulary], key: str) -> fields.Function:
    """The Chinese label of the code in `key`."""
    return fields.Function(lambda row: enum(row[key]).label, dump_only=True)


class TeamIn(Schema):
    name = line(100, required=True)
    kind = vocabulary(TeamKind, required=True)
    description = text(2000, load_default="")
    required_skills = fields.List(line(64), load_default=list, validate=validate.Length(max=50))
    capacity = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1, max=10_000)
    )
    organisation_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "the member organisation the team belongs to; required of a "
            "coordinator, and then their own"
        },
    )


class TeamsQuery(Schema):
    kind = vocabulary(TeamKind, load_default=None)


class MemberOut(Schema):
    volunteer_id = fields.String(metadata={"format": "uuid"})
    name = fields.String(allow_none=True, metadata={"description": "null once withdrawn"})
    role = vocabulary(TeamRole)
    role_label = label(TeamRole, "role")
    assigned_at = fields.AwareDateTime()


class TeamOut(Schema):
    team_id = fields.String(metadata={"format": "uuid"})
    name = fields.String()
    kind = vocabulary(TeamKind)
    kind_label = label(TeamKind, "kind")
    description = fields.String()
    required_skills = fields.List(fields.String())
    capacity = fields.Integer(allow_none=True)
    organisation_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    member_count = fields.Integer()
    created_at = fields.AwareDateTime()


class TeamDetailOut(TeamOut):
    members = fields.List(fields.Nested(MemberOut))


class MemberIn(Schema):
    volunteer_id = fields.UUID(required=True)
    role = vocabulary(TeamRole, load_default=TeamRole.MEMBER)


class LastRecordOut(Schema):
    activity_id = fields.String(metadata={"format": "uuid"})
    completed_at = fields.AwareDateTime()
    recorded_by = fields.Nested(
        ActorSchema,
        allow_none=True,
        metadata={"description": "null when recorded before actors were"},
    )


class ServiceHoursOut(Schema):
    volunteer_id = fields.String(metadata={"format": "uuid"})
    total_hours = fields.Decimal(as_string=True, metadata={"description": "exact, two decimals"})
    activity_count = fields.Integer()
    star_level = fields.Integer(metadata={"description": "0-5 (星级志愿者)"})
    star_label = fields.String(allow_none=True)
    next_star_at = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "cumulative hours of the next star; null at five stars"},
    )
    last_record = fields.Nested(
        LastRecordOut,
        allow_none=True,
        metadata={
            "description": "the latest completed activity that credited hours, and who recorded "
            "it; null before any"
        },
    )
