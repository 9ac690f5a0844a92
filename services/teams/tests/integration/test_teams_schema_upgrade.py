"""A teams database made by the release before the schema histories, taken over by this one."""

from __future__ import annotations

import dataclasses

from alembic import command
from sqlalchemy import text

from association.db import Database
from association.migrations import VERSION_TABLE, config, current, heads
from support.apps import context_of, make_app
from teams.definition import SERVICE
from teams_testkit import READER, Kit, teams_kit


def release_before_histories(database_url: str) -> None:
    """The tables the release before the histories made (those of the first revision), with no
    version table: later revisions' columns are not there yet."""
    assert SERVICE.migrations is not None
    database = Database(database_url)
    try:
        with database.engine.connect() as connection, connection.begin():
            command.upgrade(config(SERVICE.migrations, connection), "0001")
            connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))
    finally:
        database.dispose()


def test_the_release_before_s_database_reaches_head_with_its_events(
    database_url: str, amqp_url: str
) -> None:
    release_before_histories(database_url)
    previous = dataclasses.replace(SERVICE, migrations=None)  # it created missing tables, no more
    app = make_app(previous, database_url, amqp_url=amqp_url)
    before = Kit(app, app.test_client(), context_of(app))
    team = before.team()
    assert before.assign(team["team_id"], before.volunteer()).status_code == 201
    events = before.event_types()
    before.context.database.dispose()

    with teams_kit(database_url, amqp_url) as kit:
        assert SERVICE.migrations is not None
        assert current(kit.context.database) == heads(SERVICE.migrations)
        assert kit.event_types() == events == ["TeamCreated", "TeamAssigned"]
        with kit.context.database.reader() as session:
            stored = kit.context.store.load(session, team["team_id"])
        assert [event.event_type for event in stored] == events
        listed = kit.client.get("/teams", headers=READER).get_json()
        assert [listed_team["team_id"] for listed_team in listed] == [team["team_id"]]
