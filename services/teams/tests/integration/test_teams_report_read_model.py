"""The hours reports' read model on SQLite and PostgreSQL: its reports are answered through its
indexes (the query plans), revision 0008 fills it from the attendance already recorded, and a
rebuild keeps the streets the hours were recorded with."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from alembic import command
from reports_testkit import ORG_A, seed_association
from sqlalchemy import Select, delete, insert, select, text
from sqlalchemy.orm import Session

from association.access import EVERYTHING
from association.migrations import config, current, heads, upgrade
from teams.adapters.rebuild import rebuild
from teams.adapters.report_queries import GROUP_COLUMNS, ReportFilter, report_statements
from teams.adapters.tables import hours_report_table
from teams_testkit import Kit

MIGRATIONS = "teams:migrations"
ROWS = 40_000


def report_rows(kit: Kit) -> list[tuple[Any, ...]]:
    with kit.context.database.reader() as session:
        table = hours_report_table
        return sorted(tuple(row) for row in session.execute(select(table)))


def populate(session: Session) -> tuple[str, str]:
    """A year of entries: 200 teams of 20 organisations, 4,000 volunteers in 20 streets; one of
    the organisations, and one of the teams."""
    chosen = random.Random(8)
    organisations = [str(uuid.uuid4()) for _ in range(20)]
    teams = [(str(uuid.uuid4()), organisations[n % 20]) for n in range(200)]
    volunteers = [str(uuid.uuid4()) for _ in range(4_000)]
    rows = []
    for n in range(ROWS):
        day = date(2025, 1, 1) + timedelta(days=chosen.randrange(365))
        team_id, organisation_id = teams[n % 200]
        rows.append(
            {
                "activity_id": str(uuid.uuid4()),
                "volunteer_id": chosen.choice(volunteers),
                "team_id": team_id,
                "organisation_id": organisation_id,
                "day": day,
                "month": f"{day:%Y-%m}",
                "street": f"street-{n % 20}",
                "hundredths": chosen.randrange(50, 400),
            }
        )
    session.execute(insert(hours_report_table), rows)
    session.execute(text("ANALYZE"))
    return organisations[3], teams[7][0]


def plan_of(session: Session, statement: Select[Any]) -> str:
    sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))


def test_each_report_reads_the_table_through_an_index(kit: Kit) -> None:
    with kit.context.database.transaction() as session:
        organisation, team = populate(session)
    march = (date(2025, 3, 1), date(2025, 3, 31))
    filters = {
        "a month": ReportFilter(*march, None, None, EVERYTHING),
        "an organisation's year": ReportFilter(
            date(2025, 1, 1), date(2025, 12, 31), organisation, None, EVERYTHING
        ),
        "a team's year": ReportFilter(date(2025, 1, 1), date(2025, 12, 31), None, team, EVERYTHING),
    }
    with kit.context.database.reader() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        for name, chosen in filters.items():
            for group_by in GROUP_COLUMNS:
                dialect = session.get_bind().dialect.name
                for statement in report_statements(dialect, group_by, chosen):
                    plan = plan_of(session, statement)
                    assert "ix_hours_report" in plan, (name, group_by, plan)
                    if sqlite:
                        assert "SEARCH hours_report USING" in plan, (name, group_by, plan)
                        assert "SCAN hours_report" not in plan, (name, group_by, plan)
                    else:
                        assert "Seq Scan" not in plan, (name, group_by, plan)


def test_revision_0008_fills_the_read_model_from_the_attendance(kit: Kit) -> None:
    seed_association(kit)
    live = report_rows(kit)
    assert len(live) == 10
    database = kit.context.database
    with database.engine.connect() as connection, connection.begin():
        command.downgrade(config(MIGRATIONS, connection), "0007")
    upgrade(database, MIGRATIONS)
    assert current(database) == heads(MIGRATIONS)
    filled = report_rows(kit)
    # The same rows, but the street is the one known now: the withdrawn volunteer's is erased.
    street = [column.name for column in hours_report_table.columns].index("street")
    changed = [(was, now) for was, now in zip(live, filled, strict=True) if was != now]
    assert [(was[street], now[street]) for was, now in changed] == [("泰山街道", None)]
    assert [was[:street] + was[street + 1 :] for was, _ in changed] == [
        now[:street] + now[street + 1 :] for _, now in changed
    ]


def test_a_rebuild_keeps_the_streets_the_hours_were_recorded_with(kit: Kit) -> None:
    seed_association(kit)
    live = report_rows(kit)
    with kit.context.database.transaction() as session:
        rebuild(session, kit.context.store)
    assert report_rows(kit) == live
    with kit.context.database.transaction() as session:
        session.execute(delete(hours_report_table))
        rebuild(session, kit.context.store)
    again = report_rows(kit)
    street = [column.name for column in hours_report_table.columns].index("street")
    assert sorted({row[street] for row in again}, key=str) == [None, "五一街道", "江浦街道"]
    assert len(again) == len(live)
    with kit.context.database.reader() as session:
        organisations = set(session.execute(select(hours_report_table.c.organisation_id)).scalars())
    assert ORG_A in organisations
