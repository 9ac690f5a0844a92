"""Events that pass validation and then make a step raise: each costs its event an attempt, never
the consumer (real RabbitMQ, SQLite and PostgreSQL).

Whether a schema's dump, an upcaster, a handler or the commit of the batch raises, the event is
handed back, dead-lettered after the last attempt with a log line naming why, and the events
around it are applied; the consumer's thread never ends.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from marshmallow import Schema, fields
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope, EventRegistry, new_event
from association.messaging.consumer import Consumer
from association.messaging.topology import Topology
from support.broker import message_count, publish
from support.counters import apply_tick, counter_registry, published, ticked, ticks
from support.payloads import activity_completed_v2
from support.polling import wait_for
from support.threads import running

ROUTING_KEY = "counting.CounterTicked"
ACTIVITY_COMPLETED = "teams.ActivityCompleted"
POISON = "poison"


class _Exploding(fields.String):
    """A string that loads fine and cannot be written back when it reads "poison"."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        if value == POISON:
            raise ArithmeticError("this value cannot be written")
        return super()._serialize(value, attr, obj, **kwargs)


class _ExplodingTick(Schema):
    counter_id = _Exploding(required=True)
    by = fields.Integer(required=True, strict=True)


def _exploding_registry() -> EventRegistry:
    registry = EventRegistry()
    registry.register("CounterTicked", 1, _ExplodingTick)
    return registry


def _upcast_or_explode(payload: dict[str, Any]) -> dict[str, Any]:
    if payload["counter_id"] == POISON:
        raise KeyError("a field this upcaster needs")
    return payload


def _failing_upcaster_registry() -> EventRegistry:
    registry = counter_registry()
    registry.register("CounterTicked", 2, _ExplodingTick)
    registry.register_upcaster("CounterTicked", 1, _upcast_or_explode)
    return registry


def _failing_commit(session: Session, event: Envelope) -> None:
    """The tick projection; the poison makes the commit of its transaction fail."""
    if event.aggregate_id == POISON:

        def refuse(_session: Session) -> None:
            raise RuntimeError("the poison spoils this commit")

        sqlalchemy_event.listen(session, "before_commit", refuse, once=True)
    apply_tick(session, event)


def wire(event: Envelope) -> bytes:
    return published(event).to_json()


def activity_completed(hours: str) -> bytes:
    """A schema-version-2 ActivityCompleted as teams would publish it, with these hours."""
    event = new_event(
        "ActivityCompleted", str(uuid.uuid4()), 2, activity_completed_v2(hours), schema_version=2
    )
    body = json.loads(event.to_json())
    return json.dumps(body | {"producer": "teams", "sequence": 1}).encode()


def test_hours_that_validate_but_cannot_be_written_back_are_dead_lettered_and_the_consumer_goes_on(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    """The issue: "hours": "1e30" loaded as a positive decimal and made the dump raise."""
    applied: list[str] = []

    def handler(_session: Session, event: Envelope) -> None:
        applied.append(event.payload["attendance"][0]["hours"])

    registry = counter_registry()
    handlers = {ACTIVITY_COMPLETED: handler, ROUTING_KEY: apply_tick}
    consumer = Consumer(database, amqp_url, topology, registry, handlers)
    with running([consumer]) as [thread]:
        wait_for(consumer.consuming.is_set)
        publish(
            amqp_url, topology.events_exchange, ACTIVITY_COMPLETED, [activity_completed("1e30")]
        )
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [wire(ticked("after", 1))])
        publish(amqp_url, topology.events_exchange, ACTIVITY_COMPLETED, [activity_completed("2.5")])
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 1, timeout=20)
        wait_for(lambda: applied == ["2.50"] and ticks(database, "after") == 1, timeout=20)
        assert thread.is_alive()


@pytest.mark.parametrize(
    ("registry", "handler", "why"),
    [
        (_exploding_registry, apply_tick, "validation failed"),
        (_failing_upcaster_registry, apply_tick, "validation failed"),
        (counter_registry, _failing_commit, "handler failed"),
    ],
    ids=["a schema's dump", "an upcaster", "the commit"],
)
def test_whatever_step_an_event_breaks_costs_it_its_attempts_and_no_other_event_anything(
    database: Database,
    amqp_url: str,
    topology: Topology,
    caplog: pytest.LogCaptureFixture,
    registry: Callable[[], EventRegistry],
    handler: Callable[[Session, Envelope], None],
    why: str,
) -> None:
    consumer = Consumer(database, amqp_url, topology, registry(), {ROUTING_KEY: handler})
    caplog.set_level(logging.ERROR, "association.messaging")
    counters = [f"c{n}" for n in range(6)]
    bodies = [wire(ticked(counter, 1)) for counter in counters]
    bodies.insert(3, wire(ticked(POISON, 1)))
    with running([consumer]) as [thread]:
        wait_for(consumer.consuming.is_set)
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, bodies)
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 1, timeout=20)
        wait_for(lambda: all(ticks(database, c) == 1 for c in counters), timeout=20)
        assert thread.is_alive()
    attempts = topology.max_delivery_attempts
    last = f"{why} on attempt {attempts} of {attempts} for {ROUTING_KEY} (goes to the dead-letter"
    assert any(last in record.getMessage() for record in caplog.records)
    assert ticks(database, POISON) is None
    assert message_count(amqp_url, topology.inbox_queue) == 0
