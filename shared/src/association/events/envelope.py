"""The envelope every event travels in, on the broker, in the feeds and in the store."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from association.actors import ANONYMOUS, KINDS, MAX_ID_LENGTH, current_actor_dict
from association.logging_context import current_correlation_id

EVENT_TYPE_PATTERN = r"^[A-Z][A-Za-z0-9]{0,63}$"
PRODUCER_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"


@dataclass(frozen=True)
class Envelope:
    """One event: who produced it, which aggregate and version it belongs to, and its payload.

    `sequence` is the position in the producer's log, None until the store assigned it.
    `actor` is who caused it (`association.actors`): `{"kind", "id"}`, only `{"kind"}` in what
    partners see, None for an event stored before actors were recorded.
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
    actor: dict[str, Any] | None = None

    @property
    def routing_key(self) -> str:
        return f"{self.producer}.{self.event_type}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()

    def with_payload(self, payload: dict[str, Any], schema_version: int | None = None) -> Envelope:
        """A copy with another payload (and schema version, when given).

        Built from the fields at hand: `dataclasses.replace` costs half as much again, and a
        consumer pays it for every event it validates.
        """
        version = self.schema_version if schema_version is None else schema_version
        return type(self)(**(vars(self) | {"payload": payload, "schema_version": version}))

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
        if _LONE_SURROGATE_SIGN.search(body if isinstance(body, bytes) else _raw(body)):
            _refuse_lone_surrogates(data)
        loaded = _plainly_valid(data)
        return cls(**(_ENVELOPE_SCHEMA.load(data) if loaded is None else loaded))


# A \uD800-\uDFFF escape, or such a code point in a str body: only then is the full check run.
_LONE_SURROGATE_SIGN = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _raw(body: str) -> bytes:
    return body.encode("utf-8", "surrogatepass")


def _refuse_lone_surrogates(data: dict[str, Any]) -> None:
    """ValidationError when a string of `data` holds half a surrogate pair: it loads from JSON
    but is no text, and `to_json` (UTF-8) could not write it back."""
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError as error:
        raise ValidationError({"_body": ["a string holds a lone surrogate"]}) from error


class ActorSchema(Schema):
    """Who caused an event: a kind and the token's `sub`; partners' copies keep only the kind."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    id = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=MAX_ID_LENGTH),
        metadata={"description": "the acting token's sub; null for public and system"},
    )

    @validates_schema
    def _anonymous_has_no_id(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("kind") in ANONYMOUS and data.get("id") is not None:
            raise ValidationError({"id": [f"a {data['kind']} actor has no id"]})


class EnvelopeSchema(Schema):
    """The envelope of every event (docs/contract.md); unknown top-level fields are dropped."""

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
    actor = fields.Nested(ActorSchema, allow_none=True, load_default=None)

    def load(self, data, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        loaded = super().load(data, *args, **kwargs)
        loaded["event_id"] = str(loaded["event_id"])
        loaded["occurred_at"] = loaded["occurred_at"].isoformat()
        return loaded


_ENVELOPE_SCHEMA = EnvelopeSchema()

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)
_PRODUCER = re.compile(PRODUCER_PATTERN)


def _plainly_valid(data: dict[str, Any]) -> dict[str, Any] | None:
    """What `EnvelopeSchema().load(data)` returns, when `data` is in the form producers write.

    Loading through marshmallow costs a consumer about 70 µs an event, most of its validation
    time; these are the schema's rules, written out for the form `Envelope.to_json` produces (a
    lower-case hyphenated UUID, integers that are ints, strings that are strings, an ISO 8601
    time with an offset). Whatever is not plainly in that form gives None and goes through the
    schema, which alone decides what is refused and reports why: this check may only accept
    what the schema accepts, and must load it to the same values (a unit test compares both).
    """
    sequence = data.get("sequence")
    correlation_id = data.get("correlation_id")
    causation_id = data.get("causation_id")
    actor = data.get("actor")
    try:
        event_id = data["event_id"]
        event_type = data["event_type"]
        schema_version = data["schema_version"]
        producer = data["producer"]
        aggregate_id = data["aggregate_id"]
        aggregate_version = data["aggregate_version"]
        occurred_at = data["occurred_at"]
        payload = data["payload"]
    except KeyError:
        return None
    if not (
        type(event_id) is str
        and _CANONICAL_UUID.fullmatch(event_id)
        and type(event_type) is str
        and _EVENT_TYPE.match(event_type)
        and _is_positive_int(schema_version)
        and type(producer) is str
        and _PRODUCER.match(producer)
        and type(aggregate_id) is str
        and 1 <= len(aggregate_id) <= 64
        and _is_positive_int(aggregate_version)
        and (sequence is None or type(sequence) is int)
        and _is_short_text_or_none(correlation_id)
        and _is_short_text_or_none(causation_id)
        and type(payload) is dict
        and all(type(key) is str for key in payload)
        and (actor is None or _is_plain_actor(actor))
    ):
        return None
    occurred = _aware_time(occurred_at)
    if occurred is None:
        return None
    return {
        "event_id": event_id,
        "event_type": event_type,
        "schema_version": schema_version,
        "producer": producer,
        "aggregate_id": aggregate_id,
        "aggregate_version": aggregate_version,
        "sequence": sequence,
        "occurred_at": occurred,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "payload": dict(payload),
        "actor": None if actor is None else dict(actor),
    }


_ACTOR_KINDS = frozenset(KINDS)
_ACTOR_KEYS = (frozenset({"kind", "id"}), frozenset({"kind"}))


def _is_plain_actor(actor: Any) -> bool:
    """Whether `actor` is `{"kind", "id"}` or `{"kind"}` as ActorSchema loads it unchanged."""
    if type(actor) is not dict or actor.keys() not in _ACTOR_KEYS:
        return False
    kind, actor_id = actor["kind"], actor.get("id")
    if type(kind) is not str or kind not in _ACTOR_KINDS:
        return False
    if actor_id is None:
        return True
    return kind not in ANONYMOUS and type(actor_id) is str and 1 <= len(actor_id) <= MAX_ID_LENGTH


def _is_positive_int(value: Any) -> bool:
    return type(value) is int and value >= 1


def _is_short_text_or_none(value: Any) -> bool:
    return value is None or (type(value) is str and len(value) <= 64)


def _aware_time(value: Any) -> str | None:
    """`value` as AwareDateTime loads it and the schema writes it back, or None."""
    if type(value) is not str:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parsed.isoformat()


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
    """A new event; the correlation id defaults to that of the request or message in hand, and
    the actor is that of the work in hand (`association.actors.current_actor`)."""
    return Envelope(
        event_type=event_type,
        aggregate_id=str(aggregate_id),
        aggregate_version=aggregate_version,
        payload=payload,
        schema_version=schema_version,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id,
        actor=current_actor_dict(),
    )
