"""The envelope every event travels in, on the broker, in the feeds and in the store."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from association.logging_context import current_correlation_id

EVENT_TYPE_PATTERN = r"^[A-Z][A-Za-z0-9]{0,63}$"
PRODUCER_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"


@dataclass(frozen=True)
class Envelope:
    """One event: who produced it, which aggregate and version it belongs to, and its payload.

    `sequence` is the position in the producer's log, None until the store assigned it.
    """

    event_type: str
    aggregate_id: str
    aggregate_version: int
    payload: dict[str, Any]
    schema_version: int = 1
    producer: str = ""
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    correlation_id: str | None = None
    causation_id: str | None = None
    sequence: int | None = None

    @property
    def routing_key(self) -> str:
        return f"{self.producer}.{self.event_type}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()

    def with_payload(self, payload: dict[str, Any], schema_version: int | None = None) -> Envelope:
        return replace(
            self,
            payload=payload,
            schema_version=self.schema_version if schema_version is None else schema_version,
        )

    @classmethod
    def from_json(cls, body: bytes | str) -> Envelope:
        """Parse and validate an envelope, not its payload; raises marshmallow's ValidationError."""
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError({"_body": [f"not JSON: {error}"]}) from error
        except RecursionError as error:  # json gives up on arrays or objects nested too deep
            raise ValidationError({"_body": ["JSON nested too deeply"]}) from error
        if not isinstance(data, dict):
            raise ValidationError({"_body": ["an envelope is a JSON object"]})
        return cls(**_ENVELOPE_SCHEMA.load(data))


class EnvelopeSchema(Schema):
    """The envelope fixed by DESIGN.md; unknown top-level fields are dropped."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Regexp(EVENT_TYPE_PATTERN))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    producer = fields.String(required=True, validate=validate.Regexp(PRODUCER_PATTERN))
    aggregate_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    aggregate_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    sequence = fields.Integer(strict=True, allow_none=True, load_default=None)
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=64)
    )
    causation_id = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=64)
    )
    payload = fields.Dict(keys=fields.String(), required=True)

    def load(self, data, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        loaded = super().load(data, *args, **kwargs)
        loaded["event_id"] = str(loaded["event_id"])
        loaded["occurred_at"] = loaded["occurred_at"].isoformat()
        return loaded


_ENVELOPE_SCHEMA = EnvelopeSchema()


def new_event(
    event_type: str,
    aggregate_id: str,
    aggregate_version: int,
    payload: dict[str, Any],
    *,
    schema_version: int = 1,
    causation_id: str | None = None,
    correlation_id: str | None = None,
) -> Envelope:
    """A new event; the correlation id defaults to that of the request or message in hand."""
    return Envelope(
        event_type=event_type,
        aggregate_id=str(aggregate_id),
        aggregate_version=aggregate_version,
        payload=payload,
        schema_version=schema_version,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id,
    )
