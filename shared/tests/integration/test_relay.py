"""The outbox relay against a real RabbitMQ, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pika
import pytest

from association.db import Database
from association.events import Envelope
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.store import EventStore
from support.broker import channel_on, drain, probe_queue
from support.counters import ticked
from support.polling import wait_for
from support.tcp_proxy import TcpProxy
from support.threads import running


def append_ticks(database: Database, store: EventStore, count: int, start: int = 0) -> None:
    with database.transaction() as session:
        store.append(session, [ticked(f"c{n}", 1) for n in range(start, start + count)])


def backlog(database: Database, store: EventStore) -> int:
    with database.reader() as session:
        return store.outbox_backlog(session)


def test_publishes_every_event_in_order_with_the_contract_properties(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, topology.events_exchange, "counting.CounterTicked")
        append_ticks(database, store, 250)
        with running([OutboxRelay(database, store, amqp_url, topology, batch_size=40)]):
            messages = drain(channel, queue, 250)
            wait_for(lambda: backlog(database, store) == 0)
    bodies = [json.loads(body) for _, _, body in messages]
    assert [b["aggregate_id"] for b in bodies] == [f"c{n}" for n in range(250)]
    method, properties, _ = messages[0]
    assert method.routing_key == "counting.CounterTicked"
    assert method.exchange == topology.events_exchange
    assert properties.message_id == bodies[0]["event_id"]
    assert properties.type == "CounterTicked"
    assert properties.content_type == "application/json"
    assert properties.delivery_mode == 2
    assert bodies[0]["producer"] == "counting"
    assert bodies[0]["sequence"] >= 1


def test_an_event_encoded_as_nothing_leaves_the_outbox_unpublished(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    def encode(event: Envelope) -> bytes | None:
        return None if event.aggregate_id in ("c1", "c3") else event.to_json()

    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, topology.events_exchange, "counting.CounterTicked")
        append_ticks(database, store, 5)
        with running([OutboxRelay(database, store, amqp_url, topology, encode=encode)]):
            messages = drain(channel, queue, 3)
            wait_for(lambda: backlog(database, store) == 0)
        assert channel.basic_get(queue, auto_ack=True)[0] is None
    assert [json.loads(b)["aggregate_id"] for _, _, b in messages] == ["c0", "c2", "c4"]


def test_an_event_that_cannot_be_encoded_stays_in_the_outbox_and_the_others_are_published(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    def encode(event: Envelope) -> bytes | None:
        if event.aggregate_id == "c1":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return event.to_json()

    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, topology.events_exchange, "counting.CounterTicked")
        append_ticks(database, store, 4)
        with running([OutboxRelay(database, store, amqp_url, topology, encode=encode)]) as threads:
            messages = drain(channel, queue, 3)
            wait_for(lambda: backlog(database, store) == 1)
            assert all(thread.is_alive() for thread in threads)
    assert [json.loads(b)["aggregate_id"] for _, _, b in messages] == ["c0", "c2", "c3"]


def test_events_appended_while_the_broker_is_away_are_published_when_it_returns(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    broker = urlparse(amqp_url)
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 5672)
    proxied_url = amqp_url.replace(f"{broker.hostname}:{broker.port}", f"127.0.0.1:{proxy.port}")
    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, topology.events_exchange)
        proxy.open()
        relay = OutboxRelay(database, store, proxied_url, topology)
        with running([relay]):
            wait_for(relay.leading.is_set)
            append_ticks(database, store, 5)
            drain(channel, queue, 5)
            proxy.cut()
            wait_for(lambda: not relay.leading.is_set())
            append_ticks(database, store, 20, start=5)  # the broker is unreachable now
            assert backlog(database, store) == 20
            proxy.open()
            messages = drain(channel, queue, 20, timeout=30)
            wait_for(lambda: backlog(database, store) == 0)
        proxy.cut()
    assert [json.loads(b)["aggregate_id"] for _, _, b in messages] == [
        f"c{n}" for n in range(5, 25)
    ]


def test_only_one_relay_of_a_service_publishes_at_a_time(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    first = OutboxRelay(database, store, amqp_url, topology)
    second = OutboxRelay(database, store, amqp_url, topology)
    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, topology.events_exchange)
        with running([first]):
            wait_for(first.leading.is_set)
            with running([second]):
                append_ticks(database, store, 30)
                drain(channel, queue, 30)
                assert not second.leading.is_set()
                assert second.published == 0
                first.stop()
                wait_for(second.leading.is_set, timeout=30)
                append_ticks(database, store, 10, start=30)
                drain(channel, queue, 10)
                assert second.published == 10
        assert channel.queue_declare(queue, passive=True).method.message_count == 0


def test_events_the_broker_refuses_stay_in_the_outbox(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    """A queue that rejects publishes once it holds 2 messages makes the broker nack the rest."""
    with channel_on(amqp_url) as channel:
        channel.exchange_declare(topology.events_exchange, exchange_type="topic", durable=True)
        full = channel.queue_declare(
            "", exclusive=True, arguments={"x-max-length": 2, "x-overflow": "reject-publish"}
        ).method.queue
        channel.queue_bind(full, topology.events_exchange, routing_key="#")
        append_ticks(database, store, 6)
        relay = OutboxRelay(database, store, amqp_url, topology)
        with running([relay]):
            wait_for(lambda: relay.published == 2)
            wait_for(lambda: backlog(database, store) == 4)
            channel.queue_purge(full)
            wait_for(lambda: backlog(database, store) <= 2, timeout=15)
        assert relay.published >= 4


def test_a_relay_reaches_no_broker_and_keeps_the_events(
    database: Database, store: EventStore, topology: Topology
) -> None:
    proxy = TcpProxy("127.0.0.1", 9)  # nothing listens behind it; it is never opened either
    relay = OutboxRelay(database, store, f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F", topology)
    append_ticks(database, store, 3)
    with running([relay]), pytest.raises(AssertionError):
        wait_for(relay.leading.is_set, timeout=1.0)
    assert backlog(database, store) == 3
    assert isinstance(relay.parameters, pika.URLParameters)


def test_an_event_no_queue_takes_stays_in_the_outbox_and_is_sent_again(
    database: Database, store: EventStore, amqp_url: str, topology: Topology
) -> None:
    """Found by tests/faults: during a broker's restart, before it had recovered its queues, the
    relay published into no queue and took the returned events' confirms as published: lost."""
    relay = OutboxRelay(database, store, amqp_url, topology)
    with channel_on(amqp_url) as channel, running([relay]):
        wait_for(relay.leading.is_set)
        append_ticks(database, store, 3)
        wait_for(lambda: relay.returned >= 3)
        assert backlog(database, store) == 3
        queue = probe_queue(channel, topology.events_exchange)
        messages = drain(channel, queue, 3, timeout=15)
        wait_for(lambda: backlog(database, store) == 0)
    assert sorted(json.loads(b)["aggregate_id"] for _, _, b in messages) == ["c0", "c1", "c2"]
