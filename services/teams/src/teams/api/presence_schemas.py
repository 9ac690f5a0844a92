"""Request and response schemas of check-in codes, check-ins and check-outs, presences and
attendance recorded ahead of a completion."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from teams.api.activity_schemas import MAX_ATTENDEES, AttendanceIn, AttendanceOut
from teams.api.schemas import vocabulary
from teams.domain.vocabularies import CheckInMethod


class CheckInCodeOut(Schema):
    code = fields.String(metadata={"description": "six digits, shown on site"})
    expires_at = fields.AwareDateTime(
        metadata={"description": "when it stops being accepted (the end of the next window)"}
    )
    rotates_every = fields.Integer(metadata={"description": "seconds between two codes"})


class PresenceIn(Schema):
    volunteer_id = fields.UUID(required=True)
    code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=16),
        metadata={
            "description": "the code shown on site: required with a volunteer's own token, "
            "ignored at a roll call (a coordinator's or the office's token)"
        },
    )


class PresenceOut(Schema):
    volunteer_id = fields.String(metadata={"format": "uuid"})
    checked_in_at = fields.AwareDateTime()
    check_in_method = vocabulary(CheckInMethod)
    checked_out_at = fields.AwareDateTime(allow_none=True)
    check_out_method = vocabulary(CheckInMethod, allow_none=True)
    hours = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={
            "description": "the hours the presence would credit: check-in to check-out within "
            "the activity's start and end, rounded down to 0.1; null without a check-out or "
            "under 0.1"
        },
    )


class AttendanceBatchIn(Schema):
    attendance = fields.List(
        fields.Nested(AttendanceIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_ATTENDEES),
    )


class AttendanceRecordedOut(Schema):
    activity_id = fields.String(metadata={"format": "uuid"})
    recorded_at = fields.AwareDateTime()
    attendance = fields.List(
        fields.Nested(AttendanceOut), metadata={"description": "the entries of this batch"}
    )
    recorded_count = fields.Integer(
        metadata={"description": "how many attendees the activity has recorded so far"}
    )
