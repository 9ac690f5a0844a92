"""A teams database made by the release before the schema histories, taken over by this one."""

from __future__ import annotations

import dataclasses

from sqlalchemy import text

from association.db import Database
from association.migrations import current, heads
from support.apps import context_of, make_app
from teams.definition import SERVICE
from teams_testkit import READER, Kit, teams_kit

# What later revisions added, which the release before the histories did not have.
LATER_COLUMNS = {
    "teams": [("organisation_id", "ix_teams_organisation")],
    "volunteers": [
        ("organisation_id", "ix_volunteers_organisation"),
        ("id_number_masked", None),
        ("minor", None),
    ],
    "activities": [("recorded_by_kind", None), ("recorded_by_id", None)],
}
LATER_INDEXES = ["ix_activities_status_ends"]
LATER_ACTIVITY_COLUMNS = ["late_reason", "slots", "open_to", "sign_up_until", "adults_only"]
# The tables of later revisions.
LATER_TABLES = [
    "hours_corrections",
    "certificates",
    "applications",
    "presences",
    "recorded_attendance",
    "hours_report",
]


def as_the_release_before_left_it(database: Database) -> None:
    """Drop the columns (and their indexes) of later revisions from a database made by
    `create_all` of today's models."""
    with database.engine.connect() as connection, connection.begin():
        for index in LATER_INDEXES:
            connection.execute(text(f"DROP INDEX {index}"))
        for column in LATER_ACTIVITY_COLUMNS:
            connection.execute(text(f"ALTER TABLE activities DROP COLUMN {column}"))
        for table in LATER_TABLES:
            connection.execute(text(f"DROP TABLE {table}"))
        for table, columns in LATER_COLUMNS.items():
            for column, index in columns:
                if index is not None:
                    connection.execute(text(f"DROP INDEX {index}"))
                connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))


def test_the_release_before_s_database_reaches_head_with_its_events(
    database_url: str, amqp_url: str
) -> None:
    previous = dataclasses.replace(SERVICE, migrations=None)  # it created missing tables, no more
    app = make_app(previous, database_url, amqp_url=amqp_url)
    before = Kit(app, app.test_client(), context_of(app))
    team = before.team()
    assert before.assign(team["team_id"], before.volunteer()).status_code == 201
    events = before.event_types()
    as_the_release_before_left_it(before.context.database)
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
