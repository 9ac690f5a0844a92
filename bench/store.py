"""Event-store appends: our EventStore vs the `eventsourcing` library, at equal durability.

Two rows per database, each side on a fresh database, timed in alternating rounds after a warm-up;
neither loads an aggregate (both keep what they need in memory), only the writes are timed.

- One event per append: ours appends one `CounterTicked` (the event and its outbox row, which the
  store writes with it) in a transaction of its own; the library (Application and Aggregate, its
  own SQLite or PostgreSQL persistence module) `save`s a counter with one pending event: one
  transaction inserting the event into its application recorder's table with a total order.
- A sign-up's writes: ours runs registration's own `register_volunteer` on registration's schema
  (the volunteer's key, the phone's identity claim, the volunteer and skill rows, the event with
  its personal data sealed, its outbox row: one transaction); the library saves a new Volunteer
  aggregate with one Registered event carrying the same fields.

Durability is equal: on SQLite both run WAL with synchronous=NORMAL (the services' setting; the
library through bench.library_sqlite), on PostgreSQL both commit with the server's
synchronous_commit.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Protocol

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from association.db import Database
from association.migrations import upgrade
from association.store import EventStore, events_table, outbox_table
from association.store import metadata as store_metadata
from bench import library_sqlite
from bench.databases import DatabaseFactory, engines, schema_of
from bench.load import sign_up_form
from registration.api.schemas import volunteer_schemas
from registration.config import read_vocabulary
from registration.definition import SERVICE as REGISTRATION
from registration.domain.volunteer import SignUp
from registration.service_layer.commands import Registration
from support.counters import counter_registry, ticked

COUNTERS = 100
WARM_UP = 100
ROUNDS = 4

DURABILITY = {
    "SQLite": "both WAL with synchronous=NORMAL",
    "PostgreSQL": "both with the server's synchronous_commit (on)",
}
NOTES = {
    "one event per append": "ours: the event + its outbox row per transaction; the library: the "
    "event",
    "a sign-up's writes": "ours: registration's register_volunteer, its key, identity claim, "
    "volunteer and skill rows, the event (personal data sealed) and its outbox row in one "
    "transaction; the library: a new aggregate's one event with the same fields",
}


class Counter(Aggregate):
    """The library's counter: opened by its first tick, then ticked."""

    @event("Opened")
    def __init__(self, by: int) -> None:
        self.ticks = by

    @event("Ticked")
    def tick(self, by: int) -> None:
        self.ticks += by


class Volunteer(Aggregate):
    """The library's volunteer: registered with the fields of a sign-up."""

    @event("Registered")
    def __init__(
        self,
        name: str,
        phone: str,
        street: str,
        skills: list[str],
        consent: bool,
        email: str | None = None,
        id_number: str | None = None,
        birth_date: str | None = None,
        gender: str | None = None,
        organisation_id: str | None = None,
        guardian_consent: bool = False,
        source: str = "web",
    ) -> None:
        self.name, self.phone, self.street, self.skills = name, phone, street, skills
        self.consent, self.guardian_consent, self.source = consent, guardian_consent, source
        self.email, self.id_number, self.birth_date = email, id_number, birth_date
        self.gender, self.organisation_id = gender, organisation_id


class Side(Protocol):
    label: str
    commands: int

    def command(self) -> None: ...
    def check(self) -> None: ...
    def close(self) -> None: ...


def sign_ups(count: int) -> list[SignUp]:
    """`count` sign-ups as registration's schema loads them, each with a phone of its own."""
    schema = volunteer_schemas(read_vocabulary("streets", None), read_vocabulary("skills", None))
    load = schema.sign_up().loads
    return [SignUp(**load(sign_up_form(n))) for n in range(count)]


class OurAppends:
    """One event per append through our EventStore: the event and its outbox row."""

    label = "ours"

    def __init__(self, url: str, _count: int) -> None:
        self.database = Database(url)
        self.database.create_schema(store_metadata)
        self.store = EventStore("bench", counter_registry())
        self.counter_ids = [str(uuid.uuid4()) for _ in range(COUNTERS)]
        self.versions = dict.fromkeys(self.counter_ids, 0)
        self.commands = 0

    def command(self) -> None:
        counter_id = self.counter_ids[self.commands % COUNTERS]
        self.versions[counter_id] += 1
        tick = ticked(counter_id, self.versions[counter_id])
        with self.database.transaction() as session:
            self.store.append(session, [tick])
        self.commands += 1

    def check(self) -> None:
        with self.database.reader() as session:
            stored = session.execute(select(func.count()).select_from(events_table)).scalar_one()
            waiting = session.execute(select(func.count()).select_from(outbox_table)).scalar_one()
        if not stored == waiting == self.commands:
            raise RuntimeError(f"ours stored {stored} events for {self.commands} commands")

    def close(self) -> None:
        self.database.dispose()


class OurSignUps:
    """Registration's own sign-up command on registration's schema, one transaction each."""

    label = "ours"

    def __init__(self, url: str, count: int) -> None:
        self.database = Database(url)
        upgrade(self.database, REGISTRATION.migrations)
        store = EventStore(REGISTRATION.name, REGISTRATION.registry, REGISTRATION.codec)
        self.registration = Registration.wired(store, b"bench identity hash key")
        self.sign_ups = sign_ups(count)
        self.commands = 0

    def command(self) -> None:
        with self.database.transaction() as session:
            self.registration.register_volunteer(session, self.sign_ups[self.commands])
        self.commands += 1

    def check(self) -> None:
        with self.database.reader() as session:
            stored = session.execute(select(func.count()).select_from(events_table)).scalar_one()
        if stored != self.commands:
            raise RuntimeError(f"ours stored {stored} sign-ups for {self.commands} commands")

    def close(self) -> None:
        self.database.dispose()


class _Library:
    """The `eventsourcing` library's application on the database at `url`."""

    label = "library"

    def __init__(self, url: str) -> None:
        self.application = Application(env=library_environment(url))
        self.commands = 0

    def check(self) -> None:
        stored = self.application.recorder.max_notification_id()
        if stored != self.commands:
            raise RuntimeError(f"the library stored {stored} events for {self.commands} commands")

    def close(self) -> None:
        self.application.close()


class LibraryAppends(_Library):
    """One event per `save`: a counter opened by its first tick, or ticked."""

    def __init__(self, url: str, _count: int) -> None:
        super().__init__(url)
        self.counters: list[Counter] = []

    def command(self) -> None:
        if len(self.counters) < COUNTERS:
            self.counters.append(Counter(by=1))
            counter = self.counters[-1]
        else:
            counter = self.counters[self.commands % COUNTERS]
            counter.tick(by=1)
        self.application.save(counter)
        self.commands += 1


class LibrarySignUps(_Library):
    """A new volunteer per `save`, its one event carrying the sign-up's fields."""

    def __init__(self, url: str, count: int) -> None:
        super().__init__(url)
        self.fields = [{k: v for k, v in vars(s).items() if v is not None} for s in sign_ups(count)]

    def command(self) -> None:
        self.application.save(Volunteer(**self.fields[self.commands]))
        self.commands += 1


def library_environment(url: str) -> dict[str, str]:
    """The library's documented settings for the database at `url` (a file or a private schema).

    On SQLite, its factory is bench.library_sqlite's: the library's, at synchronous=NORMAL.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"PERSISTENCE_MODULE": library_sqlite.TOPIC, "SQLITE_DBNAME": str(parsed.database)}
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(parsed.database),
        "POSTGRES_HOST": parsed.host or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": parsed.username or "postgres",
        "POSTGRES_PASSWORD": parsed.password or "",
        "POSTGRES_SCHEMA": schema_of(url),
    }


def _timed(side: Side, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        side.command()
    return time.perf_counter() - started


SideFactory = Callable[[str, int], Side]

# What is compared: (our side, the library's side).
COMPARISONS: dict[str, tuple[SideFactory, SideFactory]] = {
    "one event per append": (OurAppends, LibraryAppends),
    "a sign-up's writes": (OurSignUps, LibrarySignUps),
}


def _measure(
    fresh_database: DatabaseFactory, ours: SideFactory, library: SideFactory, count: int
) -> tuple[float, float]:
    """Commands per second of ours and of the library, each on a fresh database of the engine."""
    per_round = count // ROUNDS
    with fresh_database() as our_url, fresh_database() as library_url:
        sides = [ours(our_url, WARM_UP + per_round * ROUNDS)]
        sides.append(library(library_url, WARM_UP + per_round * ROUNDS))
        try:
            elapsed = {side.label: 0.0 for side in sides}
            for side in sides:
                _timed(side, WARM_UP)
            # Alternating rounds, so that drift in the machine's load hits both sides alike.
            for _ in range(ROUNDS):
                for side in sides:
                    elapsed[side.label] += _timed(side, per_round)
            for side in sides:
                side.check()
        finally:
            for side in sides:
                side.close()
    timed = per_round * ROUNDS
    return timed / elapsed["ours"], timed / elapsed["library"]


def run(_amqp_url: str, postgres_url: str | None, count: int = 4000) -> list[dict]:
    """Per database, a row per comparison: commands/s through our store and the library."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        for what, (ours_side, library_side) in COMPARISONS.items():
            ours, library = _measure(fresh_database, ours_side, library_side, count)
            rows.append(
                {
                    "benchmark": f"event store, {what} ({label})",
                    "ours": f"{ours:,.0f} commands/s",
                    "reference": f"{library:,.0f} commands/s, `eventsourcing` Application.save",
                    "ratio": ours / library,
                    "target": 1.0 if what == "one event per append" else None,
                    "note": f"{NOTES[what]}; {DURABILITY[label]}",
                }
            )
    return rows
