"""Schema migrations: each service's Alembic history, and bringing its database to head.

Every service keeps its history in its own package (`<service>/migrations`: `env.py`, which
names the service's tables and calls `run_environment`, and `versions/`). `upgrade` runs it
programmatically on the service's database, under the backend's schema lock so that processes
starting together take turns, and costs one query when the database is already at head. A
database made by a release before the histories (its tables there, no version table) is
stamped at its history's first revision, which creates exactly that schema, then upgraded.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Literal

from alembic import command, context
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, MetaData, inspect, text
from sqlalchemy.exc import DBAPIError

from association.db import Database

VERSION_TABLE = "alembic_version"
# The table every release before the histories created: its presence says such a database.
LEGACY_MARK = "events"


def config(location: str, connection: Connection | None = None) -> Config:
    """The Alembic configuration of the history at `location` (a package resource such as
    "teams:migrations", or a directory), running on `connection` when one is given."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", location)
    alembic_config.attributes["connection"] = connection
    return alembic_config


@cache
def heads(location: str) -> frozenset[str]:
    """The head revisions of the history at `location` (read from its scripts once a process)."""
    return frozenset(ScriptDirectory.from_config(config(location)).get_heads())


def current(database: Database) -> frozenset[str]:
    """The revisions the database is at; none for a database without a version table."""
    try:
        with database.reader() as session:
            rows = session.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return frozenset(rows.scalars())
    except DBAPIError:  # no version table yet: the locked upgrade finds out why, or fails
        return frozenset()


def upgrade(database: Database, location: str) -> None:
    """Bring the database to the head of the history at `location`, once across processes.

    Under the schema lock (PostgreSQL: an advisory lock; SQLite: the write lock of BEGIN
    IMMEDIATE) it stamps a database of a release before the histories at the first revision,
    then runs every revision it lacks, all in one transaction.
    """
    if current(database) == heads(location):
        return
    with database.engine.connect() as connection, connection.begin():
        database.backend.lock_schema(connection, location)
        alembic_config = config(location, connection)
        tables = inspect(connection)
        if not tables.has_table(VERSION_TABLE) and tables.has_table(LEGACY_MARK):
            command.stamp(alembic_config, _first(location))
        command.upgrade(alembic_config, "head")


def revise(location: str, message: str) -> Path:
    """Write the next revision of the history at `location`: what the models hold beyond its head,
    as Alembic's autogenerate finds it against a scratch SQLite database at head; its path.

    Read it before committing it: autogenerate sees tables, columns, types and indexes, never
    a rename (a drop and an add) nor what the rows need.
    """
    scripts = ScriptDirectory.from_config(config(location))
    # After the highest number: a history may skip one (a revision written beside another
    # branch's and chained after it when they meet).
    numbers = [int(script.revision) for script in scripts.walk_revisions()]
    number = f"{max(numbers, default=0) + 1:04d}"
    with TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/head.db")
        try:
            with database.engine.connect() as connection, connection.begin():
                alembic_config = config(location, connection)
                command.upgrade(alembic_config, "head")
                script = command.revision(
                    alembic_config, message=message, autogenerate=True, rev_id=number
                )
        finally:
            database.dispose()
    assert isinstance(script, Script)
    return Path(script.path)


def run_environment(*metadatas: MetaData) -> None:
    """The body of a service's `env.py`: run what Alembic asked for on the connection handed in
    by `upgrade` (or the revision tool), comparing against `metadatas` when autogenerating."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the histories run on a connection: use association.migrations")
    context.configure(
        connection=connection,
        target_metadata=list(metadatas),
        version_table=VERSION_TABLE,
        render_as_batch=True,  # SQLite alters a table by copying it: autogenerate says so
        render_item=_import_own_types,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m association.migrations --service teams -m "why"`: write the service's next
    revision (see `revise`) and print its path."""
    parser = argparse.ArgumentParser(
        prog="python -m association.migrations",
        description="Write the next revision of a service's schema history from its models.",
    )
    parser.add_argument("--service", required=True, help="the service's package, e.g. teams")
    parser.add_argument("-m", "--message", required=True, help="what the revision does, and why")
    arguments = parser.parse_args(argv)
    print(revise(f"{arguments.service}:migrations", arguments.message))


def _import_own_types(kind: str, item: Any, autogen_context: AutogenContext) -> Literal[False]:
    # A revision naming one of the library's column types (UtcDateTime) imports its module.
    module = type(item).__module__
    if kind == "type" and module.startswith("association."):
        autogen_context.imports.add(f"import {module}")
    return False


def _first(location: str) -> str:
    bases: Sequence[str] = ScriptDirectory.from_config(config(location)).get_bases()
    (base,) = bases
    return base


if __name__ == "__main__":
    main()
