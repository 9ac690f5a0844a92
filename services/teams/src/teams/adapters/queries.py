"""Read models for the API: teams with members, activities with attendance, service hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.service_hours import length_in_hours
from teams.adapters.application_queries import application_count_columns
from teams.adapters.tables import (
    activities_table,
    attendance_table,
    hours_corrections_table,
    service_hours_table,
    team_members_table,
    teams_table,
    volunteers_table,
)
from teams.domain.hours import ServiceHours, from_hundredths
from teams.domain.vocabularies import ActivityStatus
from teams.domain.working_days import CHINA, overdue_cutoff, recording_deadline

_t, _m, _a = teams_table.c, team_members_table.c, activities_table.c


def _count(session: Session, query: Select) -> int:
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _member_counts() -> Any:
    return select(_m.team_id, func.count().label("member_count")).group_by(_m.team_id).subquery()


def _team_query() -> Select:
    counts = _member_counts()
    return select(
        teams_table, func.coalesce(counts.c.member_count, 0).label("member_count")
    ).outerjoin(counts, counts.c.team_id == _t.team_id)


def list_teams(
    session: Session, kind: str | None, offset: int, limit: int, reach: Reach = EVERYTHING
) -> tuple[list[dict[str, Any]], int]:
    """One page of the teams within `reach` by name, and how many there are in all."""
    in_reach = reach.teams_where(_t.organisation_id)
    query, ids = _team_query().where(in_reach), select(_t.team_id).where(in_reach)
    if kind is not None:
        query, ids = query.where(_t.kind == kind), ids.where(_t.kind == kind)
    total = _count(session, ids)
    rows = session.execute(query.order_by(_t.name).offset(offset).limit(limit)).mappings()
    return [dict(row) for row in rows], total


def team_name_taken(session: Session, name: str) -> bool:
    return session.execute(select(_t.team_id).where(_t.name == name)).first() is not None


def team_organisation(session: Session, team_id: UUID) -> str | None:
    """The organisation a team belongs to (None: none, or no such team)."""
    return session.execute(
        select(_t.organisation_id).where(_t.team_id == str(team_id))
    ).scalar_one_or_none()


def team_detail(
    session: Session, team_id: UUID, reach: Reach = EVERYTHING
) -> dict[str, Any] | None:
    """A team with its members (their names as known here), None when unknown or out of
    `reach`."""
    row = (
        session.execute(
            _team_query().where(_t.team_id == str(team_id), reach.teams_where(_t.organisation_id))
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    members = session.execute(
        select(_m.volunteer_id, _m.role, _m.assigned_at, volunteers_table.c.name)
        .outerjoin(volunteers_table, volunteers_table.c.volunteer_id == _m.volunteer_id)
        .where(_m.team_id == str(team_id))
        .order_by(_m.assigned_at, _m.volunteer_id)
    ).mappings()
    team = dict(row)
    team["members"] = [dict(member) for member in members]
    return team


def _recorded_by(kind: str | None, actor_id: str | None) -> dict[str, Any] | None:
    """Who recorded a completion, as events name actors; None when not known."""
    return None if kind is None else {"kind": kind, "id": actor_id}


def _activity(row: dict[str, Any]) -> dict[str, Any]:
    activity = dict(row)
    activity["length_hours"] = length_in_hours(activity["starts_at"], activity["ends_at"])
    activity["recorded_by"] = _recorded_by(
        activity.pop("recorded_by_kind", None), activity.pop("recorded_by_id", None)
    )
    deadline = recording_deadline(activity["ends_at"])
    activity["record_by"] = deadline.last_day
    activity["working_days_basis"] = deadline.basis.value
    return activity


OVERDUE = "overdue"


def list_activities(
    session: Session,
    status: str | None,
    team_id: UUID | None,
    now: datetime,
    offset: int,
    limit: int,
    reach: Reach = EVERYTHING,
    where: tuple[ColumnElement[bool], ...] = (),
    columns: tuple[Any, ...] = (),
) -> tuple[list[dict[str, Any]], int]:
    """One page of the activities of the teams within `reach`, latest start first, and how many
    there are in all; `status` "overdue": scheduled and more than 10 working days past its end
    date at `now` (those that ended before the cutoff instant). `where` narrows it further,
    `columns` adds to each row."""
    query = select(activities_table, *application_count_columns(), *columns).where(*where)
    if not reach.everything:
        teams_in_reach = select(_t.team_id).where(reach.teams_where(_t.organisation_id))
        query = query.where(_a.team_id.in_(teams_in_reach))
    if team_id is not None:
        query = query.where(_a.team_id == str(team_id))
    if status == OVERDUE:
        query = query.where(
            _a.status == ActivityStatus.SCHEDULED.value, _a.ends_at < overdue_cutoff(now)
        )
    elif status is not None:
        query = query.where(_a.status == status)
    total = _count(session, query)
    rows = session.execute(
        query.order_by(_a.starts_at.desc(), _a.activity_id).offset(offset).limit(limit)
    ).mappings()
    return [_activity(dict(row)) for row in rows], total


def activities_of_team(
    session: Session, team_id: UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of a team's activities, latest start first, and how many there are in all."""
    query = select(activities_table, *application_count_columns()).where(_a.team_id == str(team_id))
    total = _count(session, query)
    rows = session.execute(
        query.order_by(_a.starts_at.desc(), _a.activity_id).offset(offset).limit(limit)
    ).mappings()
    return [_activity(dict(row)) for row in rows], total


def activity_detail(
    session: Session, activity_id: UUID, reach: Reach = EVERYTHING
) -> dict[str, Any] | None:
    """An activity with its attendance, None when unknown or its team out of `reach`."""
    query = select(activities_table, *application_count_columns()).where(
        _a.activity_id == str(activity_id)
    )
    if not reach.everything:
        teams_in_reach = select(_t.team_id).where(reach.teams_where(_t.organisation_id))
        query = query.where(_a.team_id.in_(teams_in_reach))
    row = session.execute(query).mappings().first()
    if row is None:
        return None
    entries = session.execute(
        select(attendance_table.c.volunteer_id, attendance_table.c.hundredths)
        .where(attendance_table.c.activity_id == str(activity_id))
        .order_by(attendance_table.c.volunteer_id)
    )
    activity = _activity(dict(row))
    activity["attendance"] = [
        {"volunteer_id": volunteer_id, "hours": from_hundredths(hundredths)}
        for volunteer_id, hundredths in entries
    ]
    return activity


def service_hours_of(session: Session, volunteer_id: UUID) -> ServiceHours:
    """A volunteer's ledger totals (zero before any completed activity)."""
    row = session.execute(
        select(service_hours_table.c.hundredths, service_hours_table.c.activity_count).where(
            service_hours_table.c.volunteer_id == str(volunteer_id)
        )
    ).first()
    if row is None:
        return ServiceHours()
    return ServiceHours(from_hundredths(row.hundredths), row.activity_count)


def last_record_of(session: Session, volunteer_id: UUID) -> dict[str, Any] | None:
    """The latest completed activity that credited the volunteer hours, and who recorded it."""
    row = session.execute(
        select(_a.activity_id, _a.completed_at, _a.recorded_by_kind, _a.recorded_by_id)
        .join(attendance_table, attendance_table.c.activity_id == _a.activity_id)
        .where(
            attendance_table.c.volunteer_id == str(volunteer_id), attendance_table.c.hundredths > 0
        )
        .order_by(_a.completed_at.desc(), _a.activity_id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return {
        "activity_id": row.activity_id,
        "completed_at": row.completed_at,
        "recorded_by": _recorded_by(row.recorded_by_kind, row.recorded_by_id),
    }


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA)


def records_of(
    session: Session,
    volunteer_id: UUID,
    since: date | None,
    until: date | None,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of a volunteer's service record — an entry per activity they have hours at (as
    corrected, 0 included), latest start first, started on China dates `since`..`until`
    (inclusive) — with each entry's corrections, oldest first; and how many entries in all.

    Two queries for the page (the entries, then the corrections of their activities) and one
    count, each through the volunteer's attendance index."""
    _att, _hc = attendance_table.c, hours_corrections_table.c
    where = [_att.volunteer_id == str(volunteer_id)]
    if since is not None:
        where.append(_a.starts_at >= _china_midnight(since))
    if until is not None:
        where.append(_a.starts_at < _china_midnight(until + timedelta(days=1)))
    joined = attendance_table.join(activities_table, _a.activity_id == _att.activity_id)
    total = session.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
    rows = session.execute(
        select(
            _a.activity_id,
            _a.team_id,
            _a.title,
            _a.kind,
            _a.content,
            _a.location,
            _a.starts_at.label("started_at"),
            _a.ends_at.label("ended_at"),
            _att.hundredths,
            _a.organising_unit,
            _a.person_in_charge,
            _a.completed_at.label("recorded_at"),
            _a.recorded_by_kind,
            _a.recorded_by_id,
            _a.late_reason,
        )
        .select_from(joined)
        .where(*where)
        .order_by(_a.starts_at.desc(), _a.activity_id)
        .offset(offset)
        .limit(limit)
    ).mappings()
    entries = []
    for row in rows:
        entry = dict(row)
        entry["hours"] = from_hundredths(entry.pop("hundredths"))
        entry["recorded_by"] = _recorded_by(
            entry.pop("recorded_by_kind"), entry.pop("recorded_by_id")
        )
        entry["corrections"] = []
        entries.append(entry)
    if entries:
        by_activity = {entry["activity_id"]: entry for entry in entries}
        corrections = session.execute(
            select(hours_corrections_table)
            .where(_hc.volunteer_id == str(volunteer_id), _hc.activity_id.in_(list(by_activity)))
            .order_by(_hc.activity_id, _hc.number)
        ).mappings()
        for correction in corrections:
            by_activity[correction["activity_id"]]["corrections"].append(
                {
                    "previous_hours": from_hundredths(correction["previous_hundredths"]),
                    "hours": from_hundredths(correction["hundredths"]),
                    "reason": correction["reason"],
                    "corrected_at": correction["corrected_at"],
                    "corrected_by": _recorded_by(
                        correction["corrected_by_kind"], correction["corrected_by_id"]
                    ),
                }
            )
    return entries, total
