"""The consumer against a real RabbitMQ, on SQLite and PostgreSQL: exactly once, dead letters."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from association.db import Database
from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.inbox import claim
from association.messaging.topology import Topology
from association.store import inbox_table, metadata
from support.broker import message_count, publish
from support.counters import (
    apply_tick,
    counter_registry,
    projection_metadata,
    published,
    ticked,
    ticks,
    ticks_of,
)
from support.polling import wait_for
from support.threads import consuming

ROUTING_KEY = "counting.CounterTicked"


def wire(event: Envelope, sequence: int = 1) -> bytes:
    """The event as the relay of the `counting` service would publish it."""
    return published(event, sequence).to_json()


def inbox_size(database: Database) -> int:
    with database.reader() as session:
        return len(session.execute(inbox_table.select()).all())


def test_an_event_delivered_twice_changes_the_projection_once(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    counter = str(uuid.uuid4())
    first, second = ticked(counter, 1, by=2), ticked(counter, 2, by=3)
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: apply_tick})
    with consuming(consumer):
        body = wire(first)
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [body, body, wire(second), body])
        wait_for(lambda: consumer.applied == 4)
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [wire(second)])
        wait_for(lambda: consumer.applied == 5)
    assert ticks(database, counter) == 5
    assert inbox_size(database) == 2
    assert message_count(amqp_url, topology.inbox_queue) == 0


def test_one_inbox_claim_returns_exactly_the_events_not_processed_yet(database: Database) -> None:
    events = [ticked(f"c{n}", 1) for n in range(150)]
    with database.transaction() as session:
        assert claim(session, events[::3]) == {e.event_id for e in events[::3]}
    with database.transaction() as session:
        claimed = claim(session, events + events[:10])  # repeated within the batch too
    assert claimed == {e.event_id for e in events} - {e.event_id for e in events[::3]}
    assert inbox_size(database) == 150


def test_a_rolled_back_claim_leaves_the_events_unprocessed(database: Database) -> None:
    events = [ticked(f"c{n}", 1) for n in range(5)]
    with pytest.raises(RuntimeError), database.transaction() as session:
        claim(session, events)
        raise RuntimeError("the handler failed")
    assert inbox_size(database) == 0


def failing_on_poison(attempts: list[str]):  # type: ignore[no-untyped-def]
    """The tick projection, failing every time on the counter "poison" (noting each try)."""

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if event.aggregate_id == "poison":
            attempts.append(event.event_id)
            raise RuntimeError("this handler cannot cope")
        apply_tick(session, event)

    return handler


def test_a_handler_that_always_fails_sends_its_event_to_the_dead_letter_queue_after_the_limit(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    attempts: list[str] = []
    poison = ticked("poison", 1)

    handler = failing_on_poison(attempts)
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: handler})
    with consuming(consumer):
        publish(
            amqp_url,
            topology.events_exchange,
            ROUTING_KEY,
            [wire(poison), *(wire(ticked(f"ok{n}", 1)) for n in range(5))],
        )
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 1)
        wait_for(lambda: inbox_size(database) == 5)  # the events behind it were not blocked
    assert attempts == [poison.event_id] * topology.max_delivery_attempts
    assert ticks(database, "poison") is None
    assert message_count(amqp_url, topology.inbox_queue) == 0


def test_a_failure_amid_a_batch_neither_loses_nor_doubles_the_other_events_of_the_batch(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    """One batch: good events around a failing one, an invalid payload and a duplicate.

    The batch is first run in one piece; the failure rolls it back and it is run again around the
    failing event, so the events before it must be applied once, not twice, and those after it
    not left out.
    """
    attempts: list[str] = []
    poison = ticked("poison", 1)

    handler = failing_on_poison(attempts)
    good = [ticked(f"ok{n}", 1, by=n + 1) for n in range(6)]
    invalid = json.loads(wire(ticked("invalid", 1)))
    invalid["payload"]["by"] = "many"
    bodies = [
        *(wire(e) for e in good[:3]),
        wire(poison),
        json.dumps(invalid).encode(),
        *(wire(e) for e in good[3:]),
        wire(good[1]),
    ]
    consumer = Consumer(
        database,
        amqp_url,
        topology,
        counter_registry(),
        {ROUTING_KEY: handler},
        batch_wait=0.5,  # the bodies are published at once: they make one batch
    )
    with consuming(consumer):
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, bodies)
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 2)
        wait_for(lambda: consumer.applied == len(good) + 1)
    assert [ticks(database, f"ok{n}") for n in range(6)] == [1, 2, 3, 4, 5, 6]
    assert ticks(database, "invalid") is None and ticks(database, "poison") is None
    assert inbox_size(database) == len(good)
    assert attempts == [poison.event_id] * topology.max_delivery_attempts
    assert message_count(amqp_url, topology.inbox_queue) == 0


def test_a_failed_event_is_retried_after_a_delay_that_lets_a_late_predecessor_arrive(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    """Found by tests/faults: handed back at once, an event waiting for an earlier one spent its
    attempts within milliseconds and was dead-lettered before the earlier one arrived."""
    refused = threading.Event()

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if event.aggregate_id == "second" and ticks_of(session, "first") is None:
            refused.set()
            raise RuntimeError("the first event has not arrived yet")
        apply_tick(session, event)

    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: handler})
    with consuming(consumer):
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [wire(ticked("second", 1))])
        wait_for(refused.is_set)
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [wire(ticked("first", 1))])
        wait_for(lambda: ticks(database, "second") == 1)
    assert message_count(amqp_url, topology.dead_letter_queue) == 0


def test_an_invalid_event_goes_to_the_dead_letter_queue_at_once(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    calls: list[Envelope] = []

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        calls.append(event)
        apply_tick(session, event)

    bad_payload = json.loads(wire(ticked("c", 1)))
    bad_payload["payload"]["by"] = "many"
    bad_envelope = json.loads(wire(ticked("c", 1)))
    del bad_envelope["event_id"]
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: handler})
    with consuming(consumer):
        publish(
            amqp_url,
            topology.events_exchange,
            ROUTING_KEY,
            [json.dumps(bad_payload).encode(), json.dumps(bad_envelope).encode(), b"\x00garbage"],
        )
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 3)
        publish(amqp_url, topology.events_exchange, ROUTING_KEY, [wire(ticked("good", 1))])
        wait_for(lambda: ticks(database, "good") == 1)
    assert [e.aggregate_id for e in calls] == ["good"]


def test_the_queue_is_a_bound_quorum_queue_with_a_delivery_limit(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: apply_tick})
    with consuming(consumer):
        pass
    # Declaring it again with other arguments fails: the broker holds the ones we set.
    from support.broker import channel_on

    with channel_on(amqp_url) as channel:
        declared = channel.queue_declare(
            topology.inbox_queue, durable=True, arguments=topology.inbox_arguments()
        )
        assert declared.method.queue == topology.inbox_queue
    with (
        pytest.raises(Exception, match=r"PRECONDITION_FAILED|inequivalent"),
        channel_on(amqp_url) as channel,
    ):
        channel.queue_declare(
            topology.inbox_queue, durable=True, arguments={"x-queue-type": "classic"}
        )


def test_a_consumer_refuses_handlers_for_events_it_cannot_validate(
    database: Database, amqp_url: str, topology: Topology
) -> None:
    with pytest.raises(ValueError, match="no schema"):
        Consumer(database, amqp_url, topology, counter_registry(), {"counting.Unknown": apply_tick})


def test_a_database_outage_mid_batch_loses_nothing_and_costs_no_attempt(
    postgres_schema_url: str, amqp_url: str, amqp_prefix: str
) -> None:
    """PostgreSQL drops the consumer's connection in the middle of a handler (pg_terminate_backend).

    With a single allowed attempt, any attempt spent on the outage would dead-letter the event.
    """
    from sqlalchemy import text

    topology = Topology("projection", amqp_prefix, max_delivery_attempts=1)

    database = Database(postgres_schema_url)
    database.create_schema(metadata, projection_metadata)
    outages: list[int] = []

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if not outages:
            outages.append(1)
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        apply_tick(session, event)

    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: handler})
    try:
        with consuming(consumer):
            publish(
                amqp_url,
                topology.events_exchange,
                ROUTING_KEY,
                [wire(ticked(f"c{n}", 1)) for n in range(10)],
            )
            wait_for(lambda: inbox_size(database) == 10, timeout=20)
        assert outages == [1]
        assert all(ticks(database, f"c{n}") == 1 for n in range(10))
        assert message_count(amqp_url, topology.dead_letter_queue) == 0
    finally:
        database.dispose()
