"""Set-based handlers in the consumer, on SQLite and PostgreSQL: runs, fallback, order, duplicates.

Most tests hand a batch of deliveries straight to the consumer's batch step (no broker: what is
in the batch is then certain); the last ones go through a real RabbitMQ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope
from association.logging_context import current_correlation_id
from association.messaging.batches import Delivery
from association.messaging.consumer import Consumer
from association.messaging.handlers import SetBasedHandler
from association.messaging.inbox import claim
from association.messaging.topology import Topology
from association.store import inbox_table
from support.broker import message_count, publish_events
from support.counters import apply_tick, counter_registry, ticked, ticks
from support.polling import wait_for
from support.threads import consuming

COUNTING = "counting.CounterTicked"
TALLYING = "tallying.CounterTicked"  # the same event type from another producer: another key


def event(counter: str, producer: str = "counting", by: int = 1, **fields: str) -> Envelope:
    return replace(ticked(counter, 1, by=by), producer=producer, sequence=1, **fields)


def deliveries(events: Sequence[Envelope]) -> list[Delivery]:
    """The events as validated deliveries, tagged 1, 2, … in this order."""
    return [
        Delivery(tag, e.routing_key, e.to_json(), 1, e) for tag, e in enumerate(events, start=1)
    ]


def apply_ticks(session: Session, events: Sequence[Envelope]) -> None:
    """The set-based form of apply_tick: each counter gets the sum of its ticks in the run."""
    added: dict[str, int] = {}
    for e in events:
        added[e.payload["counter_id"]] = added.get(e.payload["counter_id"], 0) + e.payload["by"]
    for counter, by in added.items():
        apply_tick(session, ticked(counter, 1, by=by))


@dataclass
class Spy:
    """Tick handlers that note every call as (form, routing key, counters); some can fail."""

    calls: list[tuple[str, str, list[str]]] = field(default_factory=list)
    poison: str | None = None  # the counter whose ticks fail in either form
    many_fails: bool = False  # the set-based form fails whatever the events

    def one(self, session: Session, e: Envelope) -> None:
        self.calls.append(("one", e.routing_key, [e.aggregate_id]))
        if e.aggregate_id == self.poison:
            raise RuntimeError("this handler cannot cope")
        apply_tick(session, e)

    def many(self, session: Session, events: Sequence[Envelope]) -> None:
        self.calls.append(("many", events[0].routing_key, [e.aggregate_id for e in events]))
        if self.many_fails or any(e.aggregate_id == self.poison for e in events):
            raise RuntimeError("this run cannot be applied at once")
        apply_ticks(session, events)

    def batch_handler(self) -> SetBasedHandler:
        return SpyHandler(self)

    def counters_applied(self) -> list[str]:
        return [counter for _, _, counters in self.calls for counter in counters]


@dataclass
class SpyHandler:
    """The spy's two forms as one set-based handler."""

    spy: Spy

    def __call__(self, session: Session, e: Envelope) -> None:
        self.spy.one(session, e)

    def apply_many(self, session: Session, events: Sequence[Envelope]) -> None:
        self.spy.many(session, events)


def consumer_of(database: Database, handlers: dict, prefix: str = "unused.") -> Consumer:
    topology = Topology("projection", prefix, max_delivery_attempts=3)
    return Consumer(
        database, "amqp://localhost", topology, counter_registry(), handlers, batch_wait=0.5
    )


def inbox_ids(database: Database) -> set[str]:
    with database.reader() as session:
        return set(session.execute(select(inbox_table.c.event_id)).scalars())


def test_consecutive_events_of_a_set_based_handler_are_applied_in_one_call_in_order(
    database: Database,
) -> None:
    spy = Spy()
    consumer = consumer_of(database, {COUNTING: spy.batch_handler(), TALLYING: spy.one})
    events = [
        *(event(c) for c in "abc"),
        event("x", "tallying"),
        *(event(c) for c in "de"),
        *(event(c, "tallying") for c in "yz"),
        event("f"),
    ]
    assert consumer.batches.apply(deliveries(events)) == set()
    assert spy.calls == [
        ("many", COUNTING, ["a", "b", "c"]),
        ("one", TALLYING, ["x"]),
        ("many", COUNTING, ["d", "e"]),
        ("one", TALLYING, ["y"]),
        ("one", TALLYING, ["z"]),
        ("one", COUNTING, ["f"]),  # a run of one takes the per-event form
    ]
    assert [ticks(database, c) for c in "abcdefxyz"] == [1] * 9
    assert inbox_ids(database) == {e.event_id for e in events}


def test_a_run_adds_up_ticks_of_the_same_counter(database: Database) -> None:
    spy = Spy()
    consumer = consumer_of(database, {COUNTING: spy.batch_handler()})
    events = [event("a", by=2), event("b"), event("a", by=3), event("a", by=4)]
    assert consumer.batches.apply(deliveries(events)) == set()
    assert spy.calls == [("many", COUNTING, ["a", "b", "a", "a"])]
    assert (ticks(database, "a"), ticks(database, "b")) == (9, 1)


def test_events_in_the_inbox_or_repeated_in_the_batch_are_left_out_of_the_run(
    database: Database,
) -> None:
    spy = Spy()
    consumer = consumer_of(database, {COUNTING: spy.batch_handler()})
    done = [event("old1"), event("old2")]
    with database.transaction() as session:
        claim(session, done)
    fresh = [event(c) for c in "abc"]
    batch = [fresh[0], done[0], fresh[1], fresh[0], done[1], fresh[2], fresh[1]]
    assert consumer.batches.apply(deliveries(batch)) == set()
    assert spy.calls == [("many", COUNTING, ["a", "b", "c"])]
    assert [ticks(database, c) for c in ("a", "b", "c", "old1")] == [1, 1, 1, None]
    assert inbox_ids(database) == {e.event_id for e in done + fresh}


def test_when_a_run_fails_the_batch_is_applied_event_by_event_and_only_the_culprit_fails(
    database: Database,
) -> None:
    spy = Spy(poison="p")
    consumer = consumer_of(database, {COUNTING: spy.batch_handler(), TALLYING: spy.one})
    events = [event("a"), event("p"), event("b"), event("x", "tallying"), event("c"), event("d")]
    assert consumer.batches.apply(deliveries(events)) == {2}
    # The first run failed and the batch was rolled back; then every event once, in order.
    assert spy.calls[0] == ("many", COUNTING, ["a", "p", "b"])
    assert spy.calls[1:] == [("one", e.routing_key, [e.aggregate_id]) for e in events]
    assert [ticks(database, c) for c in "abcdx"] == [1] * 5
    assert ticks(database, "p") is None
    assert inbox_ids(database) == {e.event_id for e in events} - {events[1].event_id}

    # Handed back and delivered again (in a batch of its own or not), it fails again alone.
    spy.calls.clear()
    again = [events[1], event("e")]
    assert consumer.batches.apply(deliveries(again)) == {1}
    assert (ticks(database, "e"), ticks(database, "a"), ticks(database, "p")) == (1, 1, None)


def test_a_run_that_fails_for_no_event_is_applied_event_by_event_in_full(
    database: Database,
) -> None:
    spy = Spy(many_fails=True)
    consumer = consumer_of(database, {COUNTING: spy.batch_handler()})
    events = [event(c) for c in "abcd"]
    assert consumer.batches.apply(deliveries(events)) == set()
    assert [form for form, _, _ in spy.calls] == ["many", "one", "one", "one", "one"]
    assert [ticks(database, c) for c in "abcd"] == [1] * 4
    assert inbox_ids(database) == {e.event_id for e in events}


def test_an_event_is_handled_under_its_correlation_id_else_its_own_id(database: Database) -> None:
    seen: list[str | None] = []

    def handler(session: Session, e: Envelope) -> None:
        seen.append(current_correlation_id())

    consumer = consumer_of(database, {COUNTING: handler})
    correlated, uncorrelated = event("a", correlation_id="request-1"), event("b")
    assert uncorrelated.correlation_id is None
    assert consumer.batches.apply(deliveries([correlated, uncorrelated])) == set()
    assert seen == ["request-1", uncorrelated.event_id]


def test_the_inbox_records_a_batch_in_one_statement_with_types_and_time(
    database: Database,
) -> None:
    events = [event(f"c{n}") for n in range(120)]
    before = datetime.now(UTC)
    with database.transaction() as session:
        assert claim(session, events) == {e.event_id for e in events}
    with database.transaction() as session:
        assert claim(session, events) == set()
    with database.reader() as session:
        rows = session.execute(select(inbox_table)).all()
    assert sorted(row.event_id for row in rows) == sorted(e.event_id for e in events)
    assert {row.event_type for row in rows} == {"CounterTicked"}
    assert all(aware(row.processed_at) >= before for row in rows)


def aware(at: datetime) -> datetime:
    """SQLite gives back the stored UTC time without its zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# Through the broker


def test_interleaved_routing_keys_are_applied_in_delivery_order_through_the_broker(
    database: Database, amqp_url: str, amqp_prefix: str
) -> None:
    spy = Spy()
    consumer = consumer_of(
        database, {COUNTING: spy.batch_handler(), TALLYING: spy.batch_handler()}, amqp_prefix
    )
    events = [event(f"k{n}", "counting" if n % 5 < 3 else "tallying") for n in range(40)]
    with consuming(consumer):
        publish_events(amqp_url, consumer.topology.events_exchange, events)
        wait_for(lambda: consumer.applied == len(events))
    assert spy.counters_applied() == [e.aggregate_id for e in events]
    assert any(form == "many" for form, _, _ in spy.calls)
    assert all(ticks(database, e.aggregate_id) == 1 for e in events)


def test_a_failing_event_in_a_run_is_dead_lettered_and_the_others_applied_once_through_the_broker(
    database: Database, amqp_url: str, amqp_prefix: str
) -> None:
    spy = Spy(poison="p")
    consumer = consumer_of(database, {COUNTING: spy.batch_handler()}, amqp_prefix)
    consumer.retry_delay = 0.01
    good = [event(f"ok{n}", by=n + 1) for n in range(6)]
    events = [*good[:3], event("p"), *good[3:], good[1]]  # and a duplicate
    with consuming(consumer):
        publish_events(amqp_url, consumer.topology.events_exchange, events)
        wait_for(lambda: message_count(amqp_url, consumer.topology.dead_letter_queue) == 1)
        wait_for(lambda: consumer.applied == len(events) - 1)
    assert [ticks(database, f"ok{n}") for n in range(6)] == [1, 2, 3, 4, 5, 6]
    assert ticks(database, "p") is None
    assert inbox_ids(database) == {e.event_id for e in good}
    poison_attempts = [call for call in spy.calls if call[0] == "one" and call[2] == ["p"]]
    assert len(poison_attempts) == consumer.topology.max_delivery_attempts
    assert message_count(amqp_url, consumer.topology.inbox_queue) == 0
