"""Each service's Alembic history: it makes exactly the tables of the models, takes over a database
of the release before it without losing a row, and runs once however many processes start."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, func, insert, inspect, select, text

import teams
from association.db import Database
from association.migrations import VERSION_TABLE, config, current, heads, main, revise, upgrade
from association.service import ServiceDefinition
from association.service.definition import schema_of
from association.store.tables import events_table, idempotency_table, outbox_table
from association.testing import private_schema
from notifications.definition import SERVICE as NOTIFICATIONS
from registration.definition import SERVICE as REGISTRATION
from teams.definition import SERVICE as TEAMS

SERVICES = {service.name: service for service in (REGISTRATION, TEAMS, NOTIFICATIONS)}


@pytest.fixture(params=sorted(SERVICES))
def service(request: pytest.FixtureRequest) -> ServiceDefinition:
    return SERVICES[request.param]


@pytest.fixture
def databases(database_url: str) -> Iterator[Any]:
    """Databases on this test's database, disposed of afterwards."""
    made: list[Database] = []

    def make(url: str = database_url) -> Database:
        made.append(Database(url))
        return made[-1]

    yield make
    for database in made:
        database.dispose()


@contextmanager
def twin_of(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'twin.db'}"
        return
    with private_schema(database_url.split("?")[0]) as url:
        yield url


def described(database: Database) -> dict[str, Any]:
    """Every table as the database reflects it: columns, keys, indexes, constraints."""
    with database.engine.connect() as connection:
        reflected = inspect(connection)
        return {
            name: {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                    for c in reflected.get_columns(name)
                ],
                "primary key": reflected.get_pk_constraint(name)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in reflected.get_indexes(name)
                ),
                "unique": sorted(
                    (u["name"] or "", tuple(u["column_names"]))
                    for u in reflected.get_unique_constraints(name)
                ),
                "foreign keys": sorted(
                    (
                        tuple(f["constrained_columns"]),
                        f["referred_table"],
                        tuple(f["referred_columns"]),
                    )
                    for f in reflected.get_foreign_keys(name)
                ),
            }
            for name in sorted(reflected.get_table_names())
            if name != VERSION_TABLE
        }


def location_of(service: ServiceDefinition) -> str:
    assert service.migrations is not None
    return service.migrations


def release_before_histories(database: Database, service: ServiceDefinition) -> None:
    """Give `database` the schema the release before the histories made: the tables of the first
    revision (which equals that release's `create_all`), with no version table."""
    with database.engine.connect() as connection, connection.begin():
        command.upgrade(config(location_of(service), connection), "0001")
        connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))


def test_the_history_makes_exactly_the_tables_create_all_makes(
    service: ServiceDefinition, databases: Any, database_url: str, tmp_path: Path
) -> None:
    migrated = databases()
    upgrade(migrated, location_of(service))

    with migrated.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, list(schema_of(service))) == []
    with twin_of(database_url, tmp_path) as twin_url:
        created = databases(twin_url)
        created.create_schema(*schema_of(service))
        assert described(migrated) == described(created)
        assert set(described(migrated)) == {
            table for metadata in schema_of(service) for table in metadata.tables
        }


def test_a_database_of_the_release_before_is_stamped_and_keeps_its_rows(
    service: ServiceDefinition, databases: Any
) -> None:
    before = databases()
    release_before_histories(before, service)
    with before.transaction() as session:
        rows = [event_row(version) for version in (1, 2, 3)]
        session.execute(insert(events_table), rows)
        session.execute(insert(outbox_table), [{"sequence": 3}])
    before.dispose()

    database = databases()
    upgrade(database, location_of(service))

    assert current(database) == heads(location_of(service))
    with database.reader() as session:
        stored = session.execute(select(events_table).order_by(events_table.c.sequence)).all()
        assert [row.event_id for row in stored] == [row["event_id"] for row in rows]
        assert stored[0].payload == {"n": 1}
        assert session.execute(select(outbox_table.c.sequence)).scalars().all() == [3]


def test_the_location_column_of_older_databases_is_dropped_with_its_rows_kept(
    service: ServiceDefinition, databases: Any
) -> None:
    older = databases()
    release_before_histories(older, service)
    with older.transaction() as session:  # the column and index the erasure work left behind
        session.execute(text("ALTER TABLE idempotency_keys ADD COLUMN location VARCHAR(255)"))
        session.execute(
            text("CREATE INDEX ix_idempotency_keys_location ON idempotency_keys (location)")
        )
        session.execute(
            insert(idempotency_table),
            {"key": "k-1", "fingerprint": "f" * 64, "created_at": datetime.now(UTC)},
        )
    older.dispose()

    database = databases()
    upgrade(database, location_of(service))

    with database.engine.connect() as connection:
        reflected = inspect(connection)
        columns = [c["name"] for c in reflected.get_columns("idempotency_keys")]
        assert "location" not in columns
        assert reflected.get_indexes("idempotency_keys") == []
    with database.reader() as session:
        assert session.execute(select(idempotency_table.c.key)).scalars().all() == ["k-1"]


def test_every_revision_goes_down_and_up_again(service: ServiceDefinition, databases: Any) -> None:
    database = databases()
    upgrade(database, location_of(service))
    with database.engine.connect() as connection, connection.begin():
        command.downgrade(config(location_of(service), connection), "base")
        assert inspect(connection).get_table_names() == [VERSION_TABLE]

    upgrade(database, location_of(service))

    assert current(database) == heads(location_of(service))
    with database.reader() as session:
        assert session.execute(select(func.count()).select_from(events_table)).scalar_one() == 0


def test_processes_starting_together_upgrade_once(
    service: ServiceDefinition, databases: Any
) -> None:
    starting = [databases() for _ in range(3)]

    with ThreadPoolExecutor(len(starting)) as pool:
        list(pool.map(lambda database: upgrade(database, location_of(service)), starting))

    with starting[0].reader() as session:
        versions = session.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
        assert [version for (version,) in versions] == sorted(heads(location_of(service)))


def test_a_database_at_head_costs_one_query(service: ServiceDefinition, databases: Any) -> None:
    database = databases()
    upgrade(database, location_of(service))
    statements: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)  # the writers' engine and the readers'
    try:
        upgrade(database, location_of(service))
    finally:
        event.remove(Engine, "before_cursor_execute", count)

    assert len(statements) == 1, statements


def event_row(version: int) -> dict[str, Any]:
    return {
        "event_id": f"00000000-0000-4000-8000-00000000000{version}",
        "aggregate_id": "aggregate-1",
        "aggregate_version": version,
        "event_type": "SomethingHappened",
        "schema_version": 1,
        "payload": {"n": version},
        "metadata": {},
        "occurred_at": datetime.now(UTC),
    }


def test_a_new_revision_holds_what_the_models_add_beyond_the_head(tmp_path: Path) -> None:
    history = tmp_path / "migrations"
    shutil.copytree(Path(teams.__file__).parent / "migrations", history)
    head = sorted(heads(location_of(TEAMS)))[-1]

    written = revise(str(history), "Nothing to change")

    source = written.read_text()
    assert written.parent == history / "versions"
    assert f"down_revision: str | Sequence[str] | None = {head!r}" in source
    assert "op." not in source  # the models hold nothing beyond the head
    assert heads(str(history)) == {written.name.split("_")[0]}


def test_the_revision_command_answers_help_and_refuses_bad_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as helped:
        main(["--help"])
    assert helped.value.code == 0
    assert "--service" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["--service", "teams"])
    assert refused.value.code == 2
    assert "--message" in capsys.readouterr().err
