"""The `eventsourcing` library's SQLite persistence at the services' durability.

The library opens its SQLite connections in WAL mode and leaves `synchronous` at SQLite's default
(FULL: an fsync of the WAL at every commit); the services' databases run WAL with
synchronous=NORMAL (`association.backends.sqlite`). This factory, named to the library through its
documented PERSISTENCE_MODULE setting as a topic, sets synchronous=NORMAL on each connection the
library's pool opens, so both sides of the store benchmark commit with the same durability.
"""

from __future__ import annotations

from eventsourcing.persistence import Environment
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteFactory

SYNCHRONOUS = "NORMAL"  # as association.backends.sqlite sets it
TOPIC = f"{__name__}:NormalSyncSQLiteFactory"


class NormalSyncSQLitePool(SQLiteConnectionPool):
    """The library's pool, each new connection set to synchronous=NORMAL."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        cursor.sqlite_cursor.close()
        return connection


class NormalSyncSQLiteFactory(SQLiteFactory):
    """The library's SQLite factory whose datastore's pool is a NormalSyncSQLitePool."""

    def __init__(self, env: Environment | dict[str, str] | None) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        self.datastore.pool = NormalSyncSQLitePool(
            db_name=pool.db_name,
            lock_timeout=pool.lock_timeout,
            pool_size=pool.pool_size,
            max_overflow=pool.max_overflow,
            pool_timeout=pool.pool_timeout,
            max_age=pool.max_age,
            pre_ping=pool.pre_ping,
        )
        pool.close()
