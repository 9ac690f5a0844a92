"""Consumer throughput: our Consumer applying events to a projection vs raw pika consume-and-ack.

Both drain the same N events from an identical quorum queue (the inbox's arguments, bound to the
events exchange) with the same prefetch, each timed from opening its connection. Ours validates
each envelope and its payload, checks the inbox, applies the ticks and records the events in the
inbox, in one transaction per batch of up to 100 (savepoints only once a handler failed),
committed, then acked with one multiple ack. It uses the set-based form of the projection
(`tick_handler`): the ticks of a batch, summed per counter, are upserted with one executemany
rather than one statement per event. The reference does nothing with a message and acks every
100 deliveries with one multiple ack, as ours does; the note gives it acking each message on its
own.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

import pika
from pika.adapters.blocking_connection import BlockingChannel

from association.db import Database
from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.outbox import message_properties
from association.messaging.topology import Topology
from association.store import metadata as store_metadata
from association.testing import delete_broker_names
from bench.counters import tick_handler, total_ticks
from bench.databases import engines
from support.counters import counter_registry, projection_metadata, ticked
from support.threads import running

PRODUCER = "bench"
ROUTING_KEY = f"{PRODUCER}.CounterTicked"
PREFETCH = 200
BATCH = 100
COUNTERS = 100


def _events(count: int) -> list[Envelope]:
    """`count` ticks spread over COUNTERS counters, as the producer's relay would publish them."""
    counters = [str(uuid.uuid4()) for _ in range(COUNTERS)]
    events = []
    for n in range(count):
        counter_id = counters[n % COUNTERS]
        event = ticked(counter_id, n // COUNTERS + 1)
        events.append(replace(event, producer=PRODUCER, sequence=n + 1))
    return events


def _fill(amqp_url: str, topology: Topology, events: list[Envelope]) -> None:
    """Declare the queue as the consumer does, publish the events and wait until all are in it."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        topology.declare_inbox(channel, [ROUTING_KEY])
        for event in events:
            channel.basic_publish(
                topology.events_exchange, ROUTING_KEY, event.to_json(), message_properties(event)
            )
        _wait_for_depth(channel, topology.inbox_queue, len(events))
    finally:
        connection.close()


def _wait_for_depth(channel: BlockingChannel, queue: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while channel.queue_declare(queue, passive=True).method.message_count < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{queue} never held {count} messages")
        time.sleep(0.05)


def _raw_rate(amqp_url: str, topology: Topology, events: list[Envelope], ack_every: int) -> float:
    _fill(amqp_url, topology, events)
    started = time.perf_counter()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=PREFETCH)
    for received, (method, _properties, _body) in enumerate(
        channel.consume(topology.inbox_queue), start=1
    ):
        if received % ack_every == 0 or received == len(events):
            channel.basic_ack(method.delivery_tag, multiple=ack_every > 1)
        if received == len(events):
            break
    channel.cancel()
    elapsed = time.perf_counter() - started
    # The queue is bound to the exchange: delete it so it takes no copies of the next fill.
    channel.queue_delete(topology.inbox_queue)
    connection.close()
    return len(events) / elapsed


def _our_rate(
    database: Database, amqp_url: str, topology: Topology, events: list[Envelope]
) -> float:
    consumer = Consumer(
        database,
        amqp_url,
        topology,
        counter_registry(),
        {ROUTING_KEY: tick_handler},
        prefetch=PREFETCH,
        batch_size=BATCH,
    )
    _fill(amqp_url, topology, events)
    started = time.perf_counter()
    with running([consumer], timeout=10) as [thread]:
        deadline = time.monotonic() + 120
        while consumer.applied < len(events):
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the consumer applied {consumer.applied} of {len(events)}")
            time.sleep(0.001)
        elapsed = time.perf_counter() - started
    ticks = total_ticks(database)
    if ticks != len(events):
        raise RuntimeError(f"the projection counted {ticks} ticks of {len(events)}")
    return len(events) / elapsed


def _measure(url: str, amqp_url: str, count: int) -> tuple[float, float, float]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    ours_topology, raw_topology = Topology("bench", prefix), Topology("bench-raw", prefix)
    database = Database(url)
    database.create_schema(store_metadata, projection_metadata)
    events = _events(count)
    try:
        raw = _raw_rate(amqp_url, raw_topology, events, BATCH)
        ours = _our_rate(database, amqp_url, ours_topology, events)
        each = _raw_rate(amqp_url, raw_topology, events, 1)
    finally:
        database.dispose()
        delete_broker_names(amqp_url, prefix, ("bench", "bench-raw"))
    return ours, raw, each


def run(amqp_url: str, postgres_url: str | None, count: int = 6000) -> list[dict]:
    """One row per database: events/s applied by our consumer, raw consume-and-ack, the ratio."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with fresh_database() as url:
            ours, raw, each = _measure(url, amqp_url, count)
        rows.append(
            {
                "benchmark": f"consumer ({label})",
                "ours": f"{ours:,.0f} events/s",
                "reference": f"{raw:,.0f} msgs/s, raw pika consume, multiple ack per {BATCH}",
                "ratio": ours / raw,
                "target": 0.3,
                "note": f"{count:,} events, prefetch {PREFETCH}, batches of {BATCH}, set-based "
                f"projection (one upsert executemany a batch); raw pika acking each message: "
                f"{each:,.0f} msgs/s",
            }
        )
    return rows
