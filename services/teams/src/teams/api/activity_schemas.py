"""Request and response schemas of activities: scheduling, listing, completion, cancellation,
corrections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from association.events import ActorSchema
from teams.api.schemas import label, line, paragraph, vocabulary
from teams.domain.vocabularies import ActivityKind, ActivityStatus, ApplicationStatus, OpenTo
from teams.domain.working_days import Basis


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
    # Recruitment: see `teams.domain.application`.
    slots = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "how many applicants are accepted at most; null: no limit"},
    )
    open_to = vocabulary(OpenTo, load_default=OpenTo.TEAM)
    sign_up_until = fields.AwareDateTime(
        allow_none=True,
        load_default=None,
        validate=_in_utc_range,
        metadata={"description": "sign-up closes then (not after starts_at); null: at the start"},
    )
    adults_only = fields.Boolean(load_default=False)

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")
        until = data.get("sign_up_until")
        if until is not None and "starts_at" in data and until > data["starts_at"]:
            raise ValidationError("must not be after starts_at", "sign_up_until")


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
        load_default=list,
        validate=validate.Length(max=MAX_ATTENDEES),
        metadata={
            "description": "optional: the attendance recorded ahead and the check-in hours are "
            "counted, these entries replacing theirs for the same volunteers"
        },
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
    slots = fields.Integer(allow_none=True, metadata={"description": "null: no limit"})
    open_to = vocabulary(OpenTo)
    sign_up_until = fields.AwareDateTime(allow_none=True)
    adults_only = fields.Boolean()
    accepted_count = fields.Integer()
    waitlisted_count = fields.Integer()
    # With a volunteer's own token: their application's status, if any.
    application_status = vocabulary(ApplicationStatus, allow_none=True)


class ActivityDetailOut(ActivityOut):
    attendance = fields.List(fields.Nested(AttendanceOut))


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
    open = fields.Boolean(
        load_default=False,
        metadata={
            "description": "only those open for sign-up now (a volunteer's own token always "
            "lists only what they may apply for)"
        },
    )


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
