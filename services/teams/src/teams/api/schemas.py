"""Request and response schemas; the vocabularies appear as enums in the OpenAPI document."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from association.events import ActorSchema
from teams.domain.vocabularies import ActivityKind, ActivityStatus, TeamKind, TeamRole, Vocabulary
from teams.domain.working_days import Basis

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


def _in_utc_range(value: datetime) -> None:
    """Refuse a time with no UTC equivalent (year 1 just after midnight at an eastern offset)."""
    try:
        value.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError("out of range once in UTC") from error


class ActivityIn(Schema):
    team_id = fields.UUID(required=True)
    title = line(200, required=True)
    kind = vocabulary(ActivityKind, required=True)
    location = line(200, required=True)
    starts_at = fields.AwareDateTime(required=True, validate=_in_utc_range)
    ends_at = fields.AwareDateTime(required=True, validate=_in_utc_range)
    content = paragraph(
        2000,
        required=True,
        metadata={"description": "what was done (服务内容); line breaks allowed"},
    )
    organising_unit = line(100, required=True, metadata={"description": "组织单位"})
    person_in_charge = line(50, required=True, metadata={"description": "负责人"})

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class AttendanceIn(Schema):
    volunteer_id = fields.UUID(required=True)
    hours = fields.Decimal(
        required=True,
        metadata={"description": "> 0, at most two decimals, at most the activity's length"},
    )


# An attendee is at most ~75 bytes of JSON: 500 of them stay inside the 64 KiB body limit.
MAX_ATTENDEES = 500


class CompletionIn(Schema):
    attendance = fields.List(
        fields.Nested(AttendanceIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_ATTENDEES),
    )
    late_reason = line(
        500,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "why the hours are recorded more than 10 working days after the end "
            "(required then; ignored when on time)"
        },
    )


class CancellationIn(Schema):
    reason = line(500, required=True)


class AttendanceOut(Schema):
    volunteer_id = fields.String(metadata={"format": "uuid"})
    hours = fields.Decimal(as_string=True)


class ActivityOut(Schema):
    activity_id = fields.String(metadata={"format": "uuid"})
    team_id = fields.String(metadata={"format": "uuid"})
    title = fields.String()
    kind = vocabulary(ActivityKind)
    kind_label = label(ActivityKind, "kind")
    location = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    length_hours = fields.Decimal(places=2, as_string=True)
    content = fields.String()
    organising_unit = fields.String()
    person_in_charge = fields.String()
    status = vocabulary(ActivityStatus)
    status_label = label(ActivityStatus, "status")
    scheduled_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime(allow_none=True)
    recorded_by = fields.Nested(
        ActorSchema,
        allow_none=True,
        metadata={
            "description": "who recorded the completion and its hours; null before it, or "
            "when recorded before actors were"
        },
    )
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    record_by = fields.Date(
        metadata={
            "description": "the last day (China date) to record the hours on time: the 10th "
            "working day after the end date"
        }
    )
    working_days_basis = fields.String(
        validate=validate.OneOf([basis.value for basis in Basis]),
        metadata={
            "description": "statutory: China's holidays and make-up working days; weekdays: "
            "Monday to Friday, for a year whose holidays are not known yet"
        },
    )
    late_reason = fields.String(
        allow_none=True,
        metadata={"description": "why the hours were recorded late; null when on time"},
    )


class ActivityDetailOut(ActivityOut):
    attendance = fields.List(fields.Nested(AttendanceOut))


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


ACTIVITY_FILTERS = [status.value for status in ActivityStatus] + ["overdue"]


class ActivitiesQuery(Schema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(ACTIVITY_FILTERS),
        metadata={
            "description": "scheduled, completed, cancelled, or overdue: scheduled and more than "
            "10 working days past its end today"
        },
    )
    team_id = fields.UUID(load_default=None)


class CorrectionIn(Schema):
    volunteer_id = fields.UUID(
        required=True,
        metadata={"description": "an attendee, or a member of the team the completion left out"},
    )
    hours = fields.Decimal(
        required=True,
        metadata={"description": ">= 0, at most two decimals, at most the activity's length"},
    )
    reason = line(500, required=True)
