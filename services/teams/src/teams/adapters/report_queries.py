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

from sqlalchemy import ColumnElement, Select, distinct, func, select
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


def _measures() -> list[ColumnElement[Any]]:
    return [
        func.coalesce(func.sum(_r.hundredths), 0),
        func.count(distinct(_r.volunteer_id)),
        func.count(),
        func.count(distinct(_r.activity_id)),
    ]


def _figures(row: Sequence[Any]) -> Figures:
    return Figures(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def grouped_statement(group_by: str, chosen: ReportFilter) -> Select[Any]:
    """The per-group statement (also what the EXPLAIN test reads)."""
    column = GROUP_COLUMNS[group_by]
    return select(column, *_measures()).where(*chosen.conditions()).group_by(column)


def total_statement(chosen: ReportFilter) -> Select[Any]:
    return select(*_measures()).where(*chosen.conditions())


def hours_report(
    session: Session, group_by: str, chosen: ReportFilter
) -> tuple[list[tuple[str | None, Figures]], Figures]:
    """(key, figures) of each group, unordered, and the figures of the whole."""
    groups = [
        (None if key is None else str(key), _figures(row))
        for key, *row in session.execute(grouped_statement(group_by, chosen))
    ]
    total = _figures(session.execute(total_statement(chosen)).one())
    return groups, total


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
