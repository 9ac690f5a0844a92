"""Catching up from pages of a producer's feed: each event once, failures left for a later run."""

from __future__ import annotations

import uuid

from association.db import Database
from association.events import Envelope
from association.messaging.catch_up import catch_up
from support.counters import (
    apply_tick,
    counter_registry,
    published,
    ticked,
    ticks_of,
)

ROUTING_KEY = "counting.CounterTicked"


def test_a_failing_event_is_listed_and_the_events_after_it_still_apply(database: Database) -> None:
    counter = str(uuid.uuid4())
    broken = ticked("broken", 1)
    feed = [
        [published(ticked(counter, 1, by=2), 1), published(broken, 2)],
        [published(ticked(counter, 2, by=3), 3)],
    ]
    fixed = False

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if event.aggregate_id == "broken" and not fixed:
            raise RuntimeError("not this one yet")
        apply_tick(session, event)

    handlers = {ROUTING_KEY: handler}
    first = catch_up(database, counter_registry(), handlers, iter(feed))
    assert (first.read, first.applied, first.failed) == (3, 2, [broken.event_id])
    fixed = True
    second = catch_up(database, counter_registry(), handlers, iter(feed))
    assert (second.applied, second.skipped, second.failed) == (1, 2, [])
    with database.reader() as session:
        assert (ticks_of(session, counter), ticks_of(session, "broken")) == (5, 1)


def test_an_event_waiting_for_a_later_one_applies_after_it_in_the_same_run(
    database: Database,
) -> None:
    waiting, awaited = ticked("waiting", 1), ticked("awaited", 1)
    feed = [[published(waiting, 1)], [published(awaited, 2)]]

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if event.aggregate_id == "waiting" and ticks_of(session, "awaited") is None:
            raise RuntimeError("the awaited counter is not known yet")
        apply_tick(session, event)

    report = catch_up(database, counter_registry(), {ROUTING_KEY: handler}, iter(feed))
    assert (report.read, report.applied, report.failed) == (2, 2, [])
    with database.reader() as session:
        assert (ticks_of(session, "waiting"), ticks_of(session, "awaited")) == (1, 1)
