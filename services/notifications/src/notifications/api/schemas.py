"""Marshmallow schemas of the notifications API: they validate requests and document responses."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from association.web.events_feed import MAX_SEQUENCE
from notifications.domain.public_events import PUBLIC_EVENT_TYPES

MAX_LIMIT = 500


class PageQuerySchema(Schema):
    """Items after a position, at most `limit` of them; pass `next_after` back as `after`."""

    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_SEQUENCE))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


class ChannelStatusSchema(Schema):
    channel = fields.String(metadata={"enum": ["log", "email"]})
    status = fields.String(
        metadata={
            "enum": ["pending", "retrying", "sent", "failed", "skipped"],
            "description": "retrying: failed, tried again at next_attempt_at; failed: gave up",
        }
    )
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)


class NotificationSchema(Schema):
    id = fields.String(attribute="notification_id", metadata={"format": "uuid"})
    event_id = fields.String(metadata={"format": "uuid"})
    kind = fields.String(
        metadata={
            "description": "welcome, team_assigned, activity_thanks, star_level_<n>, "
            "hours_corrected, certificate_issued, application_accepted, "
            "application_waitlisted, application_promoted, activity_cancelled or "
            "activity_reminder"
        }
    )
    language = fields.String(metadata={"enum": ["zh", "en"]})
    subject = fields.String()
    body = fields.String()
    created_at = fields.AwareDateTime()
    channels = fields.List(fields.Nested(ChannelStatusSchema))


class NotificationPageSchema(Schema):
    notifications = fields.List(fields.Nested(NotificationSchema))
    next_after = fields.Integer()


class SubscriptionInSchema(Schema):
    """A webhook subscription: where to POST and which event types."""

    url = fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2048),
        metadata={"description": "http(s) URL; link-local and loopback addresses are refused"},
    )
    event_types = fields.List(
        fields.String(validate=validate.OneOf(PUBLIC_EVENT_TYPES)),
        required=True,
        validate=validate.Length(min=1, max=len(PUBLIC_EVENT_TYPES)),
    )


class SubscriptionSchema(Schema):
    id = fields.String(attribute="subscription_id", metadata={"format": "uuid"})
    url = fields.String()
    event_types = fields.List(fields.String(validate=validate.OneOf(PUBLIC_EVENT_TYPES)))
    status = fields.String(metadata={"enum": ["active", "paused"]})
    status_reason = fields.String(
        allow_none=True, metadata={"description": "Why the subscription is paused"}
    )
    paused_at = fields.AwareDateTime(allow_none=True)
    consecutive_failures = fields.Integer()
    created_at = fields.AwareDateTime()


class CreatedSubscriptionSchema(SubscriptionSchema):
    secret = fields.String(
        metadata={"description": "Signing secret of X-Association-Signature; shown only here"}
    )


class SubscriptionListSchema(Schema):
    subscriptions = fields.List(fields.Nested(SubscriptionSchema))


class DeliverySchema(Schema):
    id = fields.String(
        attribute="delivery_id",
        metadata={"format": "uuid", "description": "The X-Association-Delivery header"},
    )
    position = fields.Integer()
    event_id = fields.String(metadata={"format": "uuid"})
    event_type = fields.String()
    sequence = fields.Integer(
        attribute="public_position", metadata={"description": "The event's public sequence"}
    )
    status = fields.String(metadata={"enum": ["pending", "delivered"]})
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class DeliveryPageSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema))
    next_after = fields.Integer()
