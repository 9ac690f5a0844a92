"""One service's store and relay feeding another service's consumer through the real broker."""

from __future__ import annotations

import uuid
from pathlib import Path

from association.db import Database
from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.store import EventStore, metadata
from support.counters import apply_tick, counter_registry, projection_metadata, ticked, ticks_of
from support.polling import wait_for
from support.threads import consuming, running


def test_events_appended_by_a_producer_reach_a_consumer_projection_exactly_once(
    database: Database, store: EventStore, amqp_url: str, amqp_prefix: str, tmp_path: Path
) -> None:
    consumer_db = Database(f"sqlite:///{tmp_path / 'consumer.db'}")
    consumer_db.create_schema(metadata, projection_metadata)
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
    relay = OutboxRelay(database, store, amqp_url, Topology("counting", amqp_prefix))
    counters = [str(uuid.uuid4()) for _ in range(20)]
    try:
        # The inbox is bound before anything is published.
        with consuming(consumer), running([relay]):
            for version in (1, 2, 3):
                with database.transaction() as session:
                    store.append(session, [ticked(c, version, by=version) for c in counters])
            wait_for(lambda: consumer.applied == 60, timeout=20)
    finally:
        consumer_db.dispose()
    assert len({e.event_id for e in seen}) == 60
    assert all(e.producer == "counting" and e.sequence for e in seen)
    with consumer_db.reader() as session:
        assert [ticks_of(session, c) for c in counters] == [6] * 20
