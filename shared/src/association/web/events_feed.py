"""`GET /events?after=SEQ&limit=N`: a service's own event log as a feed (scope events:read)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from association.auth.tokens import require_scope
from association.db import Database
from association.events import ActorSchema, Envelope
from association.store.event_store import EventStore

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# The largest position a BIGINT (and a SQLite INTEGER) holds; a larger `after` is a 422, not a 500.
MAX_SEQUENCE = 2**63 - 1


class FeedQuerySchema(Schema):
    """The feed's query: events after a sequence number, at most `limit` of them."""

    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_SEQUENCE),
        metadata={"description": "Return events with a sequence above this one"},
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"At most this many events (1-{MAX_LIMIT})"},
    )


class EnvelopeDocSchema(Schema):
    """An event envelope as the contract fixes it (docs/contract.md)."""

    event_id = fields.String(metadata={"format": "uuid"})
    event_type = fields.String()
    schema_version = fields.Integer()
    producer = fields.String()
    aggregate_id = fields.String()
    aggregate_version = fields.Integer()
    sequence = fields.Integer()
    occurred_at = fields.String(metadata={"format": "date-time"})
    correlation_id = fields.String(allow_none=True)
    causation_id = fields.String(allow_none=True)
    payload = fields.Dict()
    actor = fields.Nested(
        ActorSchema,
        allow_none=True,
        metadata={
            "description": "who caused the event; null for events stored before actors "
            "were recorded"
        },
    )


class FeedPageSchema(Schema):
    """One page of the feed; pass `next_after` as `after` to get the next page."""

    events = fields.List(fields.Nested(EnvelopeDocSchema))
    next_after = fields.Integer()


# Reads at most `limit` events positioned after `after`, in order.
ReadAfter = Callable[[Session, int, int], list[Envelope]]


def events_feed_blueprint(
    store: EventStore,
    database: Database,
    present: Callable[[Envelope], Envelope | None] | None = None,
) -> Blueprint:
    """A blueprint serving `GET /events` from `store`, read through `database`.

    `present` turns a stored event into what may leave the service (as the relay publishes it);
    an event it gives None for is left out of the page (`next_after` still passes it).
    """
    return feed_blueprint(
        Blueprint("events_feed", __name__, description="The service's event log as a feed"),
        "/events",
        "events:read",
        "Events with a sequence above `after`, in sequence order.",
        store.read_after,
        database,
        present,
    )


def feed_blueprint(
    blp: Blueprint,
    rule: str,
    scope: str,
    summary: str,
    read_after: ReadAfter,
    database: Database,
    present: Callable[[Envelope], Envelope | None] | None = None,
) -> Blueprint:
    """`blp` serving a log as a feed at `rule` for `scope`: pages of `read_after`'s events.

    `summary` is the route's line in the OpenAPI document; `present`, as for the events feed.
    """

    def feed(after: int, limit: int) -> dict[str, Any]:
        with database.reader() as session:
            events = read_after(session, after, limit)
        next_after = events[-1].sequence if events else after
        if present is not None:
            events = [shown for event in events if (shown := present(event)) is not None]
        return {"events": [event.to_dict() for event in events], "next_after": next_after}

    feed.__doc__ = summary  # read by the decorators below, for the OpenAPI document
    view = blp.response(200, FeedPageSchema)(feed)
    view = blp.arguments(FeedQuerySchema, location="query", as_kwargs=True)(view)
    blp.route(rule)(require_scope(scope)(view))
    return blp
