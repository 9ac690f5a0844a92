"""The schemas of a volunteer's service record (志愿服务记录): the query and each entry with its
corrections."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from association.events import ActorSchema
from teams.api.schemas import label, vocabulary
from teams.domain.vocabularies import ActivityKind


class RecordsQuery(Schema):
    from_ = fields.Date(
        data_key="from", load_default=None, metadata={"description": "China date, inclusive"}
    )
    to = fields.Date(load_default=None, metadata={"description": "China date, inclusive"})

    @validates_schema
    def _from_before_to(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("must not be before from", "to")


class CorrectionOut(Schema):
    previous_hours = fields.Decimal(as_string=True)
    hours = fields.Decimal(as_string=True)
    reason = fields.String()
    corrected_at = fields.AwareDateTime()
    corrected_by = fields.Nested(
        ActorSchema, allow_none=True, metadata={"description": "who corrected the hours"}
    )


class RecordOut(Schema):
    """One entry of a volunteer's service record (志愿服务记录)."""

    activity_id = fields.String(metadata={"format": "uuid"})
    team_id = fields.String(metadata={"format": "uuid"})
    title = fields.String()
    kind = vocabulary(ActivityKind)
    kind_label = label(ActivityKind, "kind")
    content = fields.String()
    location = fields.String()
    started_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime()
    hours = fields.Decimal(as_string=True, metadata={"description": "as corrected; may be 0"})
    organising_unit = fields.String()
    person_in_charge = fields.String()
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.Nested(
        ActorSchema,
        allow_none=True,
        metadata={"description": "null when recorded before actors were"},
    )
    late_reason = fields.String(allow_none=True)
    corrections = fields.List(
        fields.Nested(CorrectionOut), metadata={"description": "oldest first"}
    )
