"""The schemas of the hours reports: the query, and the JSON answer the console draws from."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from teams.domain.reports import FORMATS, GROUPINGS


class HoursReportQuery(Schema):
    organisation_id = fields.UUID(
        load_default=None,
        metadata={"description": "only this member organisation's teams (a coordinator: theirs)"},
    )
    team_id = fields.UUID(load_default=None, metadata={"description": "only this team"})
    from_ = fields.Date(
        data_key="from",
        load_default=None,
        metadata={"description": "China date of the activities' start, inclusive"},
    )
    to = fields.Date(
        load_default=None,
        metadata={"description": "China date of the activities' start, inclusive"},
    )
    group_by = fields.String(load_default="month", validate=validate.OneOf(GROUPINGS))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))

    @validates_schema
    def _from_before_to(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("must not be before from", "to")


class FiguresOut(Schema):
    hours = fields.Float(metadata={"description": "credited hours (as corrected), 2 decimals"})
    volunteers = fields.Integer(metadata={"description": "distinct volunteers who served"})
    attendances = fields.Integer(metadata={"description": "attendance entries crediting hours"})
    activities = fields.Integer(metadata={"description": "completed activities crediting hours"})


class ReportRowOut(FiguresOut):
    key = fields.String(
        allow_none=True,
        metadata={
            "description": "month YYYY-MM, team id, organisation id (null: none) or street "
            "(null: not given)"
        },
    )
    label = fields.String()


class HoursReportOut(Schema):
    group_by = fields.String(validate=validate.OneOf(GROUPINGS))
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    organisation_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    team_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    rows = fields.List(fields.Nested(ReportRowOut))
    total = fields.Nested(FiguresOut)
