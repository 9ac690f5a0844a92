"""Domain events to event envelopes and back: the payloads are the events' own fields."""

from __future__ import annotations

import dataclasses
import functools
import types
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

from association.events import Envelope, default_registry, new_event
from teams.domain.events import EVENT_CLASSES, DomainEvent, aggregate_id
from teams.domain.hours import CENT

_CLASSES = {cls.__name__: cls for cls in EVENT_CLASSES}
_REGISTRY = default_registry()


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    return value


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
        origin = get_origin(hint)
    if origin is tuple:
        return tuple(_decode(get_args(hint)[0], item) for item in value)
    if dataclasses.is_dataclass(hint):
        return _from_fields(hint, value)
    if hint is datetime:
        return datetime.fromisoformat(value).astimezone(UTC)
    if hint is date:
        return date.fromisoformat(value)
    if hint in (UUID, Decimal) or (isinstance(hint, type) and issubclass(hint, Enum)):
        return hint(value)
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of an event class (its annotations are strings: resolve once)."""
    return get_type_hints(cls)


def _from_fields(cls: type, data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    return cls(**{f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)})


def payload_of(event: DomainEvent) -> dict[str, Any]:
    """The JSON payload of a domain event."""
    return _encode(event)


def to_envelope(event: DomainEvent, version: int, causation_id: str | None = None) -> Envelope:
    """A new envelope carrying `event` as version `version` of its team or activity.

    Payloads are written in the latest schema version of their type.
    """
    event_type = type(event).__name__
    return new_event(
        event_type,
        str(aggregate_id(event)),
        version,
        payload_of(event),
        schema_version=_REGISTRY.latest_version(event_type),
        causation_id=causation_id,
    )


def is_domain_event(envelope: Envelope) -> bool:
    """Whether the envelope carries one of this service's own domain events."""
    return envelope.event_type in _CLASSES


def from_envelope(envelope: Envelope) -> DomainEvent:
    """The domain event an envelope (already upcast to the latest schema) carries."""
    return _from_fields(_CLASSES[envelope.event_type], envelope.payload)
