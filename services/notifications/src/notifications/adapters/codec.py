"""The service's own events on the wire: their payload schemas, and domain events as envelopes.

The payload of each event is its fields in order, ids and times as text. The registry is the
shared one (the integration events the service consumes) with these added.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from marshmallow import RAISE, Schema, fields, validate

from association.events import Envelope, EventRegistry, default_registry, new_event
from notifications.domain.events import SubscriptionEvent


class _Payload(Schema):
    class Meta:
        unknown = RAISE


class SubscriptionCreatedV1(_Payload):
    subscription_id = fields.UUID(required=True)
    owner = fields.String(required=True, validate=validate.Length(min=1, max=255))
    url = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    event_types = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    created_at = fields.AwareDateTime(required=True)


class SubscriptionPausedV1(_Payload):
    subscription_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=500))
    consecutive_failures = fields.Integer(required=True, strict=True)
    paused_at = fields.AwareDateTime(required=True)


class SubscriptionResumedV1(_Payload):
    subscription_id = fields.UUID(required=True)
    resumed_at = fields.AwareDateTime(required=True)


class SubscriptionCancelledV1(_Payload):
    subscription_id = fields.UUID(required=True)
    cancelled_at = fields.AwareDateTime(required=True)


SUBSCRIPTION_EVENTS = (
    ("SubscriptionCreated", SubscriptionCreatedV1),
    ("SubscriptionPaused", SubscriptionPausedV1),
    ("SubscriptionResumed", SubscriptionResumedV1),
    ("SubscriptionCancelled", SubscriptionCancelledV1),
)


def notifications_registry() -> EventRegistry:
    """The integration events the service consumes, and its own."""
    registry = default_registry().copy()
    for event_type, schema in SUBSCRIPTION_EVENTS:
        registry.register(event_type, 1, schema)
    return registry


def _wire(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def payload_of(event: SubscriptionEvent) -> dict[str, Any]:
    """The JSON payload of a subscription event."""
    return {f.name: _wire(getattr(event, f.name)) for f in dataclasses.fields(event)}


def to_envelope(event: SubscriptionEvent, version: int) -> Envelope:
    """A new envelope carrying `event` as version `version` of its subscription."""
    return new_event(type(event).__name__, str(event.subscription_id), version, payload_of(event))
