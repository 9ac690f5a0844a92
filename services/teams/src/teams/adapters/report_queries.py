"""The hours reports' reads: totals by month, team, organisation or street, from `hours_report`.

Each report is two statements on that table alone, filtered by the period (China start dates)
and optionally an organisation or a team, each answered through one of its indexes: the groups,
then the whole's totals (distinct volunteers and activities do not add up across groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, cast, distinct, func, select, tuple_
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from association.access import Reach
from teams.adapters.tables import hours_report_table, teams_table

_r = hours_report_table.c
GROUP_COLUMNS: dict[str, ColumnElement[Any]] = {
    "month": _r.month,
    "team": _r.team_id,
    "organisation": _r.organisation_id,
    "street": _r.street,
}


@dataclass(frozen=True)
class ReportFilter:
    """Which hours a report counts: a period of China dates (either end open), an organisation,
    a team, and the caller's reach."""

    since: date | None
    until: date | None
    organisation_id: str | None
    team_id: str | None
    reach: Reach

    def conditions(self) -> list[ColumnElement[bool]]:
        where = [_r.hundredths > 0, self.reach.teams_where(_r.organisation_id)]
        if self.since is not None:
            where.append(_r.day >= self.since)
        if self.until is not None:
            where.append(_r.day <= self.until)
        if self.organisation_id is not None:
            where.append(_r.organisation_id == self.organisation_id)
        if self.team_id is not None:
            where.append(_r.team_id == self.team_id)
        return where


@dataclass(frozen=True)
class Figures:
    """What a report says of a group, or of the whole."""

    hundredths: int
    volunteers: int
    attendances: int
    activities: int


def _measures(postgres: bool) -> list[ColumnElement[Any]]:
    def ids(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return cast(column, UUID) if postgres else column

    return [
        func.coalesce(func.sum(_r.hundredths), 0),
        func.count(distinct(ids(_r.volunteer_id))),
        func.count(),
        func.count(distinct(ids(_r.activity_id))),
    ]


def _figures(row: Sequence[Any]) -> Figures:
    return Figures(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def report_statements(dialect: str, group_by: str, chosen: ReportFilter) -> list[Select[Any]]:
    """The statements of a report on this database (also what the query plans' test reads):
    on PostgreSQL one, of the groups and (grouping 1) the whole; on SQLite the groups', then
    the whole's."""
    column = GROUP_COLUMNS[group_by]
    where = chosen.conditions()
    if dialect == "postgresql":
        grouped = select(column, func.grouping(column), *_measures(True)).where(*where)
        return [grouped.group_by(func.grouping_sets(tuple_(column), tuple_()))]
    return [
        select(column, *_measures(False)).where(*where).group_by(column),
        select(*_measures(False)).where(*where),
    ]


def hours_report(
    session: Session, group_by: str, chosen: ReportFilter
) -> tuple[list[tuple[str | None, Figures]], Figures]:
    """(key, figures) of each group, unordered, and the figures of the whole."""
    dialect = session.get_bind().dialect.name
    statements = report_statements(dialect, group_by, chosen)
    if dialect == "postgresql":
        groups, total = [], Figures(0, 0, 0, 0)
        for key, whole, *row in session.execute(statements[0]):
            if whole:
                total = _figures(row)
            else:
                groups.append((None if key is None else str(key), _figures(row)))
        return groups, total
    grouped, whole = statements
    found = [
        (None if key is None else str(key), _figures(row)) for key, *row in session.execute(grouped)
    ]
    return found, _figures(session.execute(whole).one())


def team_names(session: Session, team_ids: Sequence[str]) -> dict[str, str]:
    """The names of these teams."""
    if not team_ids:
        return {}
    rows = session.execute(
        select(teams_table.c.team_id, teams_table.c.name).where(
            teams_table.c.team_id.in_(list(team_ids))
        )
    )
    return {key: value for key, value in rows}


def team_within(session: Session, team_id: str, reach: Reach) -> bool:
    """Whether the team exists and is within `reach`."""
    found = session.execute(
        select(teams_table.c.team_id).where(
            teams_table.c.team_id == team_id, reach.teams_where(teams_table.c.organisation_id)
        )
    ).first()
    return found is not None
