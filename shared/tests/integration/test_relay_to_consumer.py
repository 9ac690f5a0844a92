"""One service's store and relay feeding another service's consumer through the real broker."""

from __future__ import annotations

import threading
import uuid

from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.store import EventStore, metadata
from support.counters import apply_tick, counter_registry, projection_metadata, ticked, ticks_of
from support.polling import wait_for


def test_events_appended_by_a_producer_reach_a_consumer_projection_exactly_once(
    make_database, amqp_url: str, amqp_prefix: str, tmp_path
) -> None:
    from association.db import Database

    producer_db = make_database()
    producer_db.create_schema(metadata)
    consumer_db = Database(f"sqlite:///{tmp_path / 'consumer.db'}")
    consumer_db.create_schema(metadata, projection_metadata)
    store = EventStore("counting", counter_registry())
    seen: list[Envelope] = []

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        seen.append(event)
        apply_tick(session, event)

    consumer = Consumer(
        consumer_db,
        amqp_url,
        Topology("projection", amqp_prefix),
        counter_registry(),
        {"counting.CounterTicked": handler},
    )
    relay = OutboxRelay(producer_db, store, amqp_url, Topology("counting", amqp_prefix))
    threads = [threading.Thread(target=c.run, daemon=True) for c in (consumer, relay)]
    counters = [str(uuid.uuid4()) for _ in range(20)]
    try:
        threads[0].start()
        wait_for(consumer.consuming.is_set)  # the inbox is bound before anything is published
        threads[1].start()
        for version in (1, 2, 3):
            with producer_db.transaction() as session:
                store.append(session, [ticked(c, version, by=version) for c in counters])
        wait_for(lambda: consumer.applied == 60, timeout=20)
    finally:
        relay.stop()
        consumer.stop()
        for thread in threads:
            thread.join(10)
        consumer_db.dispose()
    assert len({e.event_id for e in seen}) == 60
    assert all(e.producer == "counting" and e.sequence for e in seen)
    with consumer_db.reader() as session:
        assert [ticks_of(session, c) for c in counters] == [6] * 20
