"""The shared SQL helpers on SQLite and PostgreSQL: insert-if-absent and upsert, compiled once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine.interfaces import CacheStats

from association.db import Database
from association.events import Envelope
from association.statements import insert_new, upsert
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.tables import metadata
from notifications.adapters.volunteer_tables import contacts_table, hours_credits_table

NOW = datetime(2026, 8, 9, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.create_schema(metadata)
    yield database
    database.dispose()


@pytest.fixture
def cache_hits(database: Database) -> list[CacheStats]:
    """How SQLAlchemy's compiled cache answered for each INSERT run (in order)."""
    seen: list[CacheStats] = []

    @event.listens_for(database.engine, "after_cursor_execute")
    def record(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any, _many: Any) -> None:
        if sql.lstrip().upper().startswith("INSERT"):  # not SQLite's BEGIN, for one
            seen.append(context.cache_hit)

    return seen


def credit(activity: str, volunteer: str, centihours: int = 100) -> dict[str, Any]:
    return {"activity_id": activity, "volunteer_id": volunteer, "centihours": centihours}


def credits(database: Database) -> list[tuple[str, str, int]]:
    with database.reader() as session:
        t = hours_credits_table.c
        query = select(t.activity_id, t.volunteer_id, t.centihours).order_by(t.activity_id)
        return [tuple(row) for row in session.execute(query)]


def test_insert_new_inserts_what_is_absent_and_counts_it(database: Database) -> None:
    keys = ["activity_id", "volunteer_id"]
    with database.transaction() as session:
        assert insert_new(session, hours_credits_table, [credit("a1", "v1")], keys) == 1
        assert insert_new(session, hours_credits_table, [credit("a1", "v1", 999)], keys) == 0
        assert insert_new(session, hours_credits_table, [], keys) == 0
    with database.transaction() as session:
        rows = [credit("a1", "v1", 999), credit("a2", "v1"), credit("a3", "v1")]
        assert insert_new(session, hours_credits_table, rows, keys) == 2
        assert insert_new(session, hours_credits_table, rows, keys) == 0
    # A duplicate is skipped, never updated.
    assert credits(database) == [("a1", "v1", 100), ("a2", "v1", 100), ("a3", "v1", 100)]


def test_insert_new_and_upsert_are_compiled_once(
    database: Database, cache_hits: list[CacheStats]
) -> None:
    keys = ["activity_id", "volunteer_id"]
    for n in range(3):
        with database.transaction() as session:
            insert_new(session, hours_credits_table, [credit(f"a{n}", "v1")], keys)
            row = {"volunteer_id": "v1", "name": f"N{n}", "email": None, "updated_at": NOW}
            upsert(session, contacts_table, row, ["volunteer_id"])
    assert cache_hits == [CacheStats.CACHE_MISS] * 2 + [CacheStats.CACHE_HIT] * 4


def test_upsert_inserts_then_updates_the_other_columns(database: Database) -> None:
    first = {"volunteer_id": "v1", "name": "刘丽珠", "email": "liu@example.com", "updated_at": NOW}
    with database.transaction() as session:
        upsert(session, contacts_table, first, ["volunteer_id"])
        upsert(session, contacts_table, {**first, "name": "王五", "email": None}, ["volunteer_id"])
    with database.reader() as session:
        c = contacts_table.c
        assert session.execute(select(c.volunteer_id, c.name, c.email)).all() == [
            ("v1", "王五", None)
        ]


def test_the_public_log_gives_each_event_the_next_position_once(database: Database) -> None:
    first, second = (
        Envelope(
            event_type="TeamCreated",
            aggregate_id=f"team-{n}",
            aggregate_version=1,
            payload={"team_id": f"team-{n}"},
            producer="teams",
            sequence=n,
        )
        for n in (1, 2)
    )
    log = PublicEventLog()
    with database.transaction() as session:
        one = log.append(session, first)
        assert log.append(session, first) is None  # a redelivery: stored before
    with database.transaction() as session:
        assert log.append(session, first) is None
        two = log.append(session, second)
    # (PostgreSQL's identity may skip numbers a skipped duplicate drew: positions only grow.)
    assert one is not None and two is not None and 0 < one.sequence < two.sequence  # type: ignore[operator]
    with database.reader() as session:
        assert log.unpublished(session, 0, 10) == [one, two]
        assert log.at(session, two.sequence) == two
