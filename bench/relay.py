"""Relay throughput: our outbox relay (confirms, many in flight) vs raw pika publishing.

Reference: the same messages published by a bare pika BlockingConnection without confirms (the
ceiling). For scale, also a relay that waits for each confirm before the next publish.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import pika
from marshmallow import Schema, fields

from association.db import Database
from association.events import default_registry, new_event
from association.messaging.outbox import message_properties
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.store import EventStore, metadata
from association.testing import delete_broker_names, private_schema
from support.threads import running


class BenchTickedV1(Schema):
    n = fields.Integer(required=True)


def _store() -> EventStore:
    registry = default_registry().copy()
    registry.register("BenchTicked", 1, BenchTickedV1)
    return EventStore("bench", registry)


def _fill(database: Database, store: EventStore, count: int) -> None:
    with database.transaction() as session:
        store.append(
            session,
            [new_event("BenchTicked", str(uuid.uuid4()), 1, {"n": n}) for n in range(count)],
        )


def _sink(channel, topology: Topology) -> str:  # type: ignore[no-untyped-def]
    channel.exchange_declare(topology.events_exchange, exchange_type="topic", durable=True)
    queue = f"{topology.prefix}bench.sink"
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(queue, topology.events_exchange, routing_key="#")
    return queue


def _relay_rate(
    database: Database, store: EventStore, amqp_url: str, topology: Topology, count: int
) -> float:
    relay = OutboxRelay(database, store, amqp_url, topology)
    _fill(database, store, count)
    started = time.perf_counter()
    with running([relay], timeout=10):
        while True:
            with database.reader() as session:
                if store.outbox_backlog(session) == 0:
                    break
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
    return count / elapsed


def _raw_rate(
    database: Database,
    store: EventStore,
    amqp_url: str,
    topology: Topology,
    count: int,
    confirm_each: bool,
) -> float:
    _fill(database, store, count)
    with database.reader() as session:
        events = store.unpublished(session, 0, count)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    if confirm_each:
        channel.confirm_delivery()
    started = time.perf_counter()
    for event in events:
        channel.basic_publish(
            topology.events_exchange, event.routing_key, event.to_json(), message_properties(event)
        )
    if not confirm_each:
        connection.process_data_events(0)
    elapsed = time.perf_counter() - started
    connection.close()
    with database.transaction() as session:
        store.mark_published(session, [e.sequence for e in events if e.sequence])
    return count / elapsed


def _measure(database: Database, amqp_url: str, count: int) -> tuple[float, float, float]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    topology = Topology("bench", prefix)
    database.create_schema(metadata)
    store = _store()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = _sink(channel, topology)
    try:
        raw = _raw_rate(database, store, amqp_url, topology, count, confirm_each=False)
        ours = _relay_rate(database, store, amqp_url, topology, count)
        each = _raw_rate(database, store, amqp_url, topology, max(count // 5, 200), True)
    finally:
        channel.queue_delete(queue)
        connection.close()
        delete_broker_names(amqp_url, prefix, ("bench",))
        database.dispose()
    return ours, raw, each


def run(amqp_url: str, postgres_url: str | None, count: int = 5000) -> list[dict]:
    """One row per database: our relay's rate, the raw ceiling and their ratio."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        results = [
            ("SQLite", _measure(Database(f"sqlite:///{Path(tmp) / 'b.db'}"), amqp_url, count))
        ]
    if postgres_url:
        with private_schema(postgres_url) as url:
            results.append(("PostgreSQL", _measure(Database(url), amqp_url, count)))
    for label, (ours, raw, each) in results:
        rows.append(
            {
                "benchmark": f"relay ({label})",
                "ours": f"{ours:,.0f} events/s",
                "reference": f"{raw:,.0f} msgs/s, raw pika without confirms",
                "ratio": ours / raw,
                "target": 0.7,
                "note": f"waiting for each confirm: {each:,.0f} msgs/s ({ours / each:.1f}x slower)",
            }
        )
    return rows
