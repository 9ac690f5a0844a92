"""Request and response schemas of applications for activities."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from teams.api.schemas import label, vocabulary
from teams.domain.vocabularies import ActivityStatus, ApplicationStatus


class ApplicationIn(Schema):
    volunteer_id = fields.UUID(
        required=True,
        metadata={"description": "the applicant; a volunteer's own token applies for them only"},
    )


class ApplicationOut(Schema):
    activity_id = fields.String(metadata={"format": "uuid"})
    volunteer_id = fields.String(metadata={"format": "uuid"})
    status = vocabulary(ApplicationStatus)
    status_label = label(ApplicationStatus, "status")
    position = fields.Integer(
        allow_none=True,
        metadata={"description": "the place on the waiting list (1 first); null unless waiting"},
    )
    applied_at = fields.AwareDateTime()
    accepted_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)


class ActivityApplicationOut(ApplicationOut):
    name = fields.String(allow_none=True, metadata={"description": "null once withdrawn"})


class VolunteerApplicationOut(ApplicationOut):
    team_id = fields.String(metadata={"format": "uuid"})
    title = fields.String()
    location = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    activity_status = vocabulary(ActivityStatus)


class ApplicationsQuery(Schema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf([status.value for status in ApplicationStatus]),
        metadata={"description": "accepted, waitlisted or cancelled"},
    )
