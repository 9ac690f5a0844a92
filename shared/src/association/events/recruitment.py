"""Marshmallow schemas of recruitment's payloads (docs/contract.md): activities open to applicants,
applications, check-ins and attendance recorded ahead of a completion."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from association.events.payloads import ActivityScheduledV1, Attendance, _Payload

OPEN_TO = ("team", "all")
APPLICATION_STATUSES = ("accepted", "waitlisted")
CHECK_IN_METHODS = ("code", "roll_call")
MAX_ATTENDANCE_BATCH = 500


class ActivityScheduledV2(ActivityScheduledV1):
    """Version 2 adds recruitment: `slots` (how many applicants are accepted, null: no limit),
    `open_to` (`team`: members of the team may apply; `all`: any active volunteer),
    `sign_up_until` (null: until the start; never after it) and `adults_only`."""

    slots = fields.Integer(
        required=True, allow_none=True, strict=True, validate=validate.Range(min=1, max=100_000)
    )
    open_to = fields.String(required=True, validate=validate.OneOf(OPEN_TO))
    sign_up_until = fields.AwareDateTime(required=True, allow_none=True)
    adults_only = fields.Boolean(required=True)

    @validates_schema
    def _sign_up_before_start(self, data, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        until = data.get("sign_up_until")
        if until is not None and until > data["starts_at"]:
            raise ValidationError("must not be after starts_at", "sign_up_until")


def activity_scheduled_v1_to_v2(payload: dict) -> dict:
    """Activities of version 1 took their team's members, with no limit, until the start."""
    return {"slots": None, "open_to": "team", "sign_up_until": None, "adults_only": False} | payload


class _Application(_Payload):
    """Which application (teams' aggregate: one per activity and volunteer) and what it is for:
    the activity's title, place and times, so that a consumer can tell and remind the volunteer
    without a table of activities of its own."""

    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    volunteer_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    location = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class ApplicationAcceptedV1(_Application):
    """The volunteer applied and got one of the activity's slots (or it has no limit)."""

    accepted_at = fields.AwareDateTime(required=True)


class ApplicationWaitlistedV1(_Application):
    """The volunteer applied when every slot was taken; `position` in the waiting list (1 first)."""

    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    waitlisted_at = fields.AwareDateTime(required=True)


class ApplicationPromotedV1(_Application):
    """A slot came free and went to the first volunteer waiting for it."""

    promoted_at = fields.AwareDateTime(required=True)


class ApplicationCancelledV1(_Payload):
    """The application withdrawn (by the volunteer or a coordinator), from the status it had."""

    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    volunteer_id = fields.UUID(required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    cancelled_at = fields.AwareDateTime(required=True)


class _Presence(_Payload):
    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    volunteer_id = fields.UUID(required=True)
    method = fields.String(required=True, validate=validate.OneOf(CHECK_IN_METHODS))


class CheckedInV1(_Presence):
    """The volunteer arrived on site: with the code shown there, or at a coordinator's roll call."""

    checked_in_at = fields.AwareDateTime(required=True)


class CheckedOutV1(_Presence):
    """The volunteer left the site, after checking in."""

    checked_out_at = fields.AwareDateTime(required=True)


class AttendanceRecordedV1(_Payload):
    """Up to 500 attendees' hours of an ended activity, recorded ahead of its completion (which
    counts them); a volunteer recorded again has their entry replaced."""

    activity_id = fields.UUID(required=True)
    team_id = fields.UUID(required=True)
    attendance = fields.List(
        fields.Nested(Attendance),
        required=True,
        validate=validate.Length(min=1, max=MAX_ATTENDANCE_BATCH),
    )
    recorded_at = fields.AwareDateTime(required=True)
