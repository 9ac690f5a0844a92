"""The event store on SQLite and PostgreSQL alike (one parametrised suite)."""

from __future__ import annotations

import queue
import threading
import uuid

import pytest

from association.db import Database
from association.events import Envelope, InvalidEvent
from association.store import ConcurrencyError, EventStore, metadata
from support.counters import counter_registry, ticked
from support.polling import wait_for


def test_append_then_load_in_version_order(database: Database, store: EventStore) -> None:
    counter = str(uuid.uuid4())
    with database.transaction() as session:
        stored = store.append(session, [ticked(counter, 1), ticked(counter, 2, by=5)])
    assert [e.sequence for e in stored] == sorted(e.sequence for e in stored)
    assert all(e.producer == "counting" for e in stored)
    with database.reader() as session:
        loaded = store.load(session, counter)
    assert [(e.aggregate_version, e.payload["by"]) for e in loaded] == [(1, 1), (2, 5)]
    assert loaded[0].event_id == stored[0].event_id
    assert loaded[0].occurred_at == stored[0].occurred_at or loaded[0].occurred_at.endswith(
        "+00:00"
    )


def test_a_taken_version_is_a_concurrency_error_and_nothing_is_written(
    database: Database, store: EventStore
) -> None:
    counter = str(uuid.uuid4())
    with database.transaction() as session:
        store.append(session, [ticked(counter, 1)])
    with pytest.raises(ConcurrencyError) as raised, database.transaction() as session:
        store.append(session, [ticked(counter, 1, by=9)])
    assert (raised.value.aggregate_id, raised.value.version) == (counter, 1)
    with pytest.raises(ConcurrencyError), database.transaction() as session:
        store.append(session, [ticked("other", 1), ticked(counter, 1, by=9)])
    with database.reader() as session:
        assert [e.payload["by"] for e in store.load(session, counter)] == [1]
        assert store.load(session, "other") == []
        assert store.outbox_backlog(session) == 1


def test_concurrent_writers_of_one_version_exactly_one_wins(
    database: Database, store: EventStore
) -> None:
    counter = str(uuid.uuid4())
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def write(by: int) -> None:
        barrier.wait()
        try:
            with database.transaction() as session:
                store.append(session, [ticked(counter, 1, by=by)])
            outcomes.append("stored")
        except ConcurrencyError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["stored"]
    with database.reader() as session:
        assert len(store.load(session, counter)) == 1


def test_an_invalid_payload_is_refused_before_anything_is_written(
    database: Database, store: EventStore
) -> None:
    bad = ticked("c", 1)
    bad = bad.with_payload({"counter_id": "c", "by": "lots"})
    with pytest.raises(InvalidEvent) as raised, database.transaction() as session:
        store.append(session, [bad])
    assert "by" in raised.value.errors
    with database.reader() as session:
        assert store.last_sequence(session) == 0


def test_read_after_pages_through_the_log(database: Database, store: EventStore) -> None:
    with database.transaction() as session:
        store.append(session, [ticked(f"c{n}", 1) for n in range(7)])
    seen: list[str] = []
    after = 0
    with database.reader() as session:
        while page := store.read_after(session, after, limit=3):
            seen += [e.aggregate_id for e in page]
            after = page[-1].sequence
    assert seen == [f"c{n}" for n in range(7)]


def test_a_reader_following_the_log_never_skips_a_late_commit(
    database: Database, store: EventStore
) -> None:
    """Writers race while a reader follows "after N"; the reader must end up with every event."""
    writers, per_writer = 4, 25
    done = threading.Event()

    def write(writer: int) -> None:
        for n in range(per_writer):
            with database.transaction() as session:
                store.append(session, [ticked(f"w{writer}-{n}", 1)])

    seen: list[int] = []

    def follow() -> None:
        after = 0
        while True:
            finished = done.is_set()
            with database.reader() as session:
                page = store.read_after(session, after, limit=50)
            seen.extend(e.sequence for e in page)
            if page:
                after = page[-1].sequence
            elif finished:
                return

    reader = threading.Thread(target=follow)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    with database.reader() as session:
        everything = [e.sequence for e in store.read_after(session, 0, limit=1000)]
    assert len(everything) == writers * per_writer
    assert seen == everything


def test_outbox_holds_events_until_marked_published(database: Database, store: EventStore) -> None:
    with database.transaction() as session:
        stored = store.append(session, [ticked(f"c{n}", 1) for n in range(5)])
        store.append(session, [ticked("quiet", 1)], publish=False)
    with database.reader() as session:
        assert [e.sequence for e in store.unpublished(session, 0, 10)] == [
            e.sequence for e in stored
        ]
        assert [e.sequence for e in store.unpublished(session, stored[1].sequence, 2)] == [
            stored[2].sequence,
            stored[3].sequence,
        ]
    with database.transaction() as session:
        store.mark_published(session, [stored[0].sequence, stored[1].sequence])
    with database.reader() as session:
        assert store.outbox_backlog(session) == 3


def test_schema_creation_from_many_processes_at_once_does_not_race(database_url: str) -> None:
    databases = [Database(database_url) for _ in range(6)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(databases))

    def create(database: Database) -> None:
        barrier.wait()
        try:
            database.create_schema(metadata)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=create, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.dispose()
    assert errors == []


class _ShoutingCodec:
    """A visible stand-in for encryption: the counter id is stored reversed."""

    def seal(self, session, events):  # type: ignore[no-untyped-def]
        return [
            e.with_payload(e.payload | {"counter_id": e.payload["counter_id"][::-1]})
            for e in events
        ]

    def open(self, session, events):  # type: ignore[no-untyped-def]
        return self.seal(session, events)


def test_a_codec_seals_what_is_stored_and_opens_every_read(database: Database) -> None:
    from sqlalchemy import select

    from association.store import events_table

    store = EventStore("counting", counter_registry(), codec=_ShoutingCodec())
    with database.transaction() as session:
        stored = store.append(session, [ticked("abc", 1)])
    assert stored[0].payload["counter_id"] == "abc"
    with database.reader() as session:
        raw = session.execute(select(events_table.c.payload)).scalar_one()
        assert raw["counter_id"] == "cba"
        assert store.load(session, "abc")[0].payload["counter_id"] == "abc"
        assert store.read_after(session, 0)[0].payload["counter_id"] == "abc"
        assert store.unpublished(session, 0, 10)[0].payload["counter_id"] == "abc"
        assert store.by_sequences(session, [stored[0].sequence])[0].payload["counter_id"] == "abc"


def test_one_event_appends_its_outbox_row_under_the_same_sequence(
    database: Database, store: EventStore
) -> None:
    with database.transaction() as session:
        first = store.append(session, [ticked("one", 1)])
    with database.transaction() as session:
        second = store.append(session, [ticked("one", 2)])
    sequences = [first[0].sequence, second[0].sequence]
    with database.reader() as session:
        assert [e.sequence for e in store.read_after(session, 0)] == sequences
        assert [e.sequence for e in store.unpublished(session, 0, 10)] == sequences
    assert sequences[0] < sequences[1]


def test_on_postgresql_an_append_holds_other_writers_off_until_commit(
    postgres_schema_url: str, store: EventStore
) -> None:
    """A second append waits for the first one's commit, so sequences commit in order."""
    from sqlalchemy import text

    database, other = Database(postgres_schema_url), Database(postgres_schema_url)
    database.create_schema(metadata)
    pids: queue.Queue[int] = queue.Queue()
    appended: list[Envelope] = []

    def second_writer() -> None:
        with other.transaction() as session:
            pids.put(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
            appended.extend(store.append(session, [ticked("second", 1)]))

    def waits_for_a_lock(pid: int) -> bool:
        with database.reader() as session:
            query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
            return session.execute(query, {"pid": pid}).scalar_one_or_none() == "Lock"

    writer = threading.Thread(target=second_writer)
    try:
        with database.transaction() as session:
            first = store.append(session, [ticked("first", 1)])
            writer.start()
            pid = pids.get(timeout=10)
            wait_for(lambda: waits_for_a_lock(pid))
            assert appended == []
        writer.join(timeout=10)
        assert appended and appended[0].sequence > first[0].sequence  # type: ignore[operator]
    finally:
        database.dispose()
        other.dispose()
