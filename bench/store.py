"""Event-store appends: one-event commands on our EventStore vs the `eventsourcing` library.

A command ticks one of 100 counters. Ours, in one transaction: upsert the counter's projection row
(inserted on its first tick, updated after), then append one `CounterTicked` with its outbox row.
The reference is the `eventsourcing` library (Application and Aggregate; its own SQLite or
PostgreSQL persistence module, chosen through its documented environment settings) saving the same
counter aggregate with one pending event per `save`: one transaction inserting the event into its
application recorder's table with a total order (on PostgreSQL it too locks the table), and no
projection or outbox. Neither loads the aggregate (both keep the counters in memory): only the
writes are timed, on a fresh database each, in alternating rounds after a warm-up.
"""

from __future__ import annotations

import time
import uuid

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from association.db import Database
from association.store import EventStore, events_table, outbox_table
from association.store import metadata as store_metadata
from bench.counters import apply_tick, total_ticks
from bench.databases import DatabaseFactory, engines, schema_of
from support.counters import counter_registry, projection_metadata, ticked

COUNTERS = 100
WARM_UP = 100
ROUNDS = 4

NOTES = {
    "SQLite": "ours: event + outbox row + projection row per transaction, WAL with "
    "synchronous=NORMAL; the library: the event only, WAL with SQLite's default synchronous=FULL",
    "PostgreSQL": "ours: event + outbox row + projection row per transaction, 4 round trips "
    "(BEGIN, the projection's upsert, the writers' lock with the event and its outbox row in one "
    "statement, COMMIT); the library: the event only, its statements pipelined",
}


class Counter(Aggregate):
    """The library's counter: opened by its first tick, then ticked."""

    @event("Opened")
    def __init__(self, by: int) -> None:
        self.ticks = by

    @event("Ticked")
    def tick(self, by: int) -> None:
        self.ticks += by


class Counters(Application):
    """The library's application of counters."""


class OurCounters:
    """One-event commands through our EventStore, with the projection row and the outbox row."""

    label = "ours"

    def __init__(self, url: str) -> None:
        self.database = Database(url)
        self.database.create_schema(store_metadata, projection_metadata)
        self.store = EventStore("bench", counter_registry())
        self.counter_ids = [str(uuid.uuid4()) for _ in range(COUNTERS)]
        self.versions = dict.fromkeys(self.counter_ids, 0)
        self.commands = 0

    def command(self) -> None:
        counter_id = self.counter_ids[self.commands % COUNTERS]
        self.versions[counter_id] += 1
        tick = ticked(counter_id, self.versions[counter_id])
        with self.database.transaction() as session:
            apply_tick(session, tick)
            self.store.append(session, [tick])  # the last write of the transaction
        self.commands += 1

    def check(self) -> None:
        with self.database.reader() as session:
            stored = session.execute(select(func.count()).select_from(events_table)).scalar_one()
            waiting = session.execute(select(func.count()).select_from(outbox_table)).scalar_one()
        if not stored == waiting == total_ticks(self.database) == self.commands:
            raise RuntimeError(f"ours stored {stored} events for {self.commands} commands")

    def close(self) -> None:
        self.database.dispose()


class LibraryCounters:
    """One-event commands through the `eventsourcing` library: `save` of one pending event."""

    label = "library"

    def __init__(self, url: str) -> None:
        self.application = Counters(env=library_environment(url))
        self.counters: list[Counter] = []
        self.commands = 0

    def command(self) -> None:
        if len(self.counters) < COUNTERS:
            self.counters.append(Counter(by=1))
            counter = self.counters[-1]
        else:
            counter = self.counters[self.commands % COUNTERS]
            counter.tick(by=1)
        self.application.save(counter)
        self.commands += 1

    def check(self) -> None:
        stored = self.application.recorder.max_notification_id()
        if stored != self.commands:
            raise RuntimeError(f"the library stored {stored} events for {self.commands} commands")

    def close(self) -> None:
        self.application.close()


def library_environment(url: str) -> dict[str, str]:
    """The library's documented settings for the database at `url` (a file or a private schema)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(parsed.database)}
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(parsed.database),
        "POSTGRES_HOST": parsed.host or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": parsed.username or "postgres",
        "POSTGRES_PASSWORD": parsed.password or "",
        "POSTGRES_SCHEMA": schema_of(url),
    }


def _timed(side: OurCounters | LibraryCounters, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        side.command()
    return time.perf_counter() - started


def _measure(fresh_database: DatabaseFactory, count: int) -> tuple[float, float]:
    """Commands per second of ours and of the library, each on a fresh database of the engine."""
    with fresh_database() as our_url, fresh_database() as library_url:
        sides = [OurCounters(our_url), LibraryCounters(library_url)]
        try:
            elapsed = {side.label: 0.0 for side in sides}
            for side in sides:
                _timed(side, WARM_UP)
            # Alternating rounds, so that drift in the machine's load hits both sides alike.
            for _ in range(ROUNDS):
                for side in sides:
                    elapsed[side.label] += _timed(side, count // ROUNDS)
            for side in sides:
                side.check()
        finally:
            for side in sides:
                side.close()
    timed = count // ROUNDS * ROUNDS
    return timed / elapsed["ours"], timed / elapsed["library"]


def run(_amqp_url: str, postgres_url: str | None, count: int = 4000) -> list[dict]:
    """One row per database: one-event commands/s through our store and through the library."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        ours, library = _measure(fresh_database, count)
        rows.append(
            {
                "benchmark": f"event store, one-event commands ({label})",
                "ours": f"{ours:,.0f} commands/s",
                "reference": f"{library:,.0f} commands/s, `eventsourcing` Application.save",
                "ratio": ours / library,
                "target": 1.5,
                "note": NOTES[label],
            }
        )
    return rows
