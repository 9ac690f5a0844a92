"""The events the notifications service records in its own log: a webhook subscription's life.

They stay in this service (appended without publishing) and are served by `GET /events`. The
signing secret is never in them: the log is readable with the `events:read` scope.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from association.events import EventRegistry, default_registry


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
    """The integration events of DESIGN.md and this service's own."""
    registry = default_registry().copy()
    for event_type, schema in SUBSCRIPTION_EVENTS:
        registry.register(event_type, 1, schema)
    return registry
