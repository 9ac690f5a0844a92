"""PostgreSQL's pooled connections: dead ones replaced at checkout, live ones never pinged."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from association import db as db_module
from association.db import Database
from support.polling import wait_for


@pytest.fixture
def application_name() -> str:
    return f"pool-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def database(postgres_schema_url: str, application_name: str) -> Iterator[Database]:
    database = Database(f"{postgres_schema_url}&application_name={application_name}")
    yield database
    database.dispose()


@pytest.fixture
def pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per ping the pool sends (each a round trip)."""
    sent: list[int] = []
    ping = database.engine.dialect.do_ping

    def counted(dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
        sent.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(database.engine.dialect, "do_ping", counted)
    return sent


def _backend_pids(database: Database, count: int) -> set[int]:
    """Open `count` pooled connections at once and hand them back; their backends' pids."""
    sessions = [database.session() for _ in range(count)]
    try:
        return {s.execute(text("SELECT pg_backend_pid()")).scalar_one() for s in sessions}
    finally:
        for session in sessions:
            session.close()


def _terminate(postgres_url: str, application_name: str) -> int:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name"
                ),
                {"name": application_name},
            ).scalar_one()
    finally:
        admin.dispose()


def _alive(postgres_url: str, application_name: str) -> int:
    admin = create_engine(postgres_url)
    try:
        with admin.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": application_name},
            ).scalar_one()
    finally:
        admin.dispose()


def test_pooled_connections_whose_backends_were_terminated_are_replaced_at_checkout(
    database: Database, postgres_url: str, application_name: str, pings: list[int]
) -> None:
    before = _backend_pids(database, 3)
    assert _terminate(postgres_url, application_name) == 3
    wait_for(lambda: _alive(postgres_url, application_name) == 0, timeout=10)
    after = set()
    for _ in range(6):
        with database.transaction() as session:
            after.add(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
    assert after and not after & before
    assert pings  # the dead connection was pinged before being given up


def test_a_live_connection_is_handed_out_without_a_ping(
    database: Database, pings: list[int]
) -> None:
    for _ in range(20):
        with database.transaction() as session:
            session.execute(text("SELECT 1"))
    assert pings == []


def test_a_connection_idle_for_long_is_pinged_once_before_use(
    database: Database, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as session:
        session.execute(text("SELECT 1"))
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.05)
    time.sleep(0.1)
    with database.transaction() as session:
        session.execute(text("SELECT 1"))
    assert pings == [1]
