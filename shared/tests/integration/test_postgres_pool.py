"""The PostgreSQL pool hands out live connections: a dead one is replaced, a live one not pinged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

import association.backends.postgresql
from association.db import Database
from support.polling import wait_for


@pytest.fixture
def database(postgres_schema_url: str) -> Iterator[Database]:
    database = Database(postgres_schema_url)
    yield database
    database.dispose()


@pytest.fixture
def pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every ping the pool sends, noted."""
    noted: list[int] = []
    ping = database.engine.dialect.do_ping

    def counted(dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
        noted.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(database.engine.dialect, "do_ping", counted)
    return noted


def backend_pid(database: Database) -> int:
    with database.transaction() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_pooled_connection_whose_backend_was_terminated_is_replaced_at_checkout(
    database: Database, postgres_schema_url: str, pings: list[int]
) -> None:
    first = backend_pid(database)
    admin = Database(postgres_schema_url)
    try:
        with admin.transaction() as session:
            session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

        def gone() -> bool:
            with admin.reader() as session:
                query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
                return session.execute(query, {"pid": first}).scalar_one() == 0

        wait_for(gone)
    finally:
        admin.dispose()
    assert backend_pid(database) != first  # no error: the dead connection never reached us
    assert pings == [1]  # the dead one was suspected and pinged, the new one was not


def test_a_live_pooled_connection_is_handed_out_without_a_round_trip(
    database: Database, pings: list[int]
) -> None:
    pids = {backend_pid(database) for _ in range(5)}
    assert len(pids) == 1
    assert pings == []


def test_a_connection_unused_for_long_is_pinged_before_it_is_handed_out(
    database: Database, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = backend_pid(database)
    monkeypatch.setattr(association.backends.postgresql, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert backend_pid(database) == first
    assert pings == [1]
