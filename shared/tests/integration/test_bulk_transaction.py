"""A bulk transaction (a rebuild's) commits like any other; on SQLite it has a larger page cache."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from association.backends.sqlite import BULK_CACHE_KIB
from association.db import Database
from support.counters import ticks_of

UPSERT = text("INSERT INTO counters (counter_id, ticks) VALUES ('bulk', 1)")


def cache_size(database: Database) -> int:
    with database.transaction() as session:
        return session.execute(text("PRAGMA cache_size")).scalar_one()


def test_a_bulk_transaction_commits_its_writes(database: Database) -> None:
    with database.bulk_transaction() as session:
        session.execute(UPSERT)
    with database.reader() as session:
        assert ticks_of(session, "bulk") == 1


def test_on_sqlite_the_page_cache_is_larger_only_for_the_bulk_transaction(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'bulk.db'}")
    try:
        default = cache_size(database)
        with database.bulk_transaction() as session:
            assert session.execute(text("PRAGMA cache_size")).scalar_one() == -BULK_CACHE_KIB
        assert cache_size(database) == default != -BULK_CACHE_KIB
    finally:
        database.dispose()


def test_a_failed_bulk_transaction_rolls_back(database: Database) -> None:
    with pytest.raises(RuntimeError), database.bulk_transaction() as session:
        session.execute(UPSERT)
        raise RuntimeError("the rebuild failed")
    with database.reader() as session:
        assert ticks_of(session, "bulk") is None
