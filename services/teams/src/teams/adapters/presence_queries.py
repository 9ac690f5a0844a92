"""Reads of presence on site and of attendance recorded ahead, for the commands (under the
writers' lock) and the routes: who may attend an activity, who checked in and out, what was
recorded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from association.access import Reach
from teams.adapters.tables import (
    activities_table,
    applications_table,
    presences_table,
    recorded_attendance_table,
    team_members_table,
    teams_table,
)
from teams.domain.events import ActivityScheduled, Attendance
from teams.domain.hours import from_hundredths
from teams.domain.presence import credited_hours
from teams.domain.vocabularies import ApplicationStatus

_ACCEPTED = ApplicationStatus.ACCEPTED.value


def _eligible(activity_id: UUID, team_id: UUID) -> Any:
    members = select(team_members_table.c.volunteer_id.label("volunteer_id")).where(
        team_members_table.c.team_id == str(team_id)
    )
    accepted = select(applications_table.c.volunteer_id.label("volunteer_id")).where(
        applications_table.c.activity_id == str(activity_id),
        applications_table.c.status == _ACCEPTED,
    )
    return union(members, accepted)


def eligible_volunteers(
    session: Session, activity_id: UUID, team_id: UUID, among: Collection[UUID] | None = None
) -> set[UUID]:
    """The volunteers who may attend the activity: the members of its team and its accepted
    applicants (only those `among` the ones given, when given)."""
    found = {UUID(v) for v in session.execute(_eligible(activity_id, team_id)).scalars()}
    return found if among is None else found & set(among)


def recorded_attendance(session: Session, activity_id: UUID) -> list[Attendance]:
    """The attendance recorded ahead of the activity's completion, by volunteer id."""
    table = recorded_attendance_table
    rows = session.execute(
        select(table.c.volunteer_id, table.c.hundredths)
        .where(table.c.activity_id == str(activity_id))
        .order_by(table.c.volunteer_id)
    )
    return [Attendance(UUID(v), from_hundredths(h)) for v, h in rows]


def activity_in_reach(session: Session, activity_id: UUID, reach: Reach) -> Any:
    """The activity's id, status, start and end as read; None when unknown or out of reach."""
    a, t = activities_table.c, teams_table.c
    query = select(a.activity_id, a.status, a.starts_at, a.ends_at).where(
        a.activity_id == str(activity_id)
    )
    if not reach.everything:
        query = query.where(
            a.team_id.in_(select(t.team_id).where(reach.teams_where(t.organisation_id)))
        )
    return session.execute(query).first()


def presences(
    session: Session,
    activity_id: UUID,
    starts_at: datetime,
    ends_at: datetime,
    volunteer_id: UUID | None = None,
) -> list[dict[str, Any]]:
    """Who checked in at the activity (earliest first; only `volunteer_id`, when given), how and
    when, whether and how they checked out, and the hours their presence would credit (None:
    none)."""
    table = presences_table
    query = select(table).where(table.c.activity_id == str(activity_id))
    if volunteer_id is not None:
        query = query.where(table.c.volunteer_id == str(volunteer_id))
    rows = session.execute(query.order_by(table.c.checked_in_at, table.c.volunteer_id)).mappings()
    return [
        {
            "volunteer_id": row["volunteer_id"],
            "checked_in_at": row["checked_in_at"],
            "check_in_method": row["check_in_method"],
            "checked_out_at": row["checked_out_at"],
            "check_out_method": row["check_out_method"],
            "hours": credited_hours(
                row["checked_in_at"], row["checked_out_at"], starts_at, ends_at
            ),
        }
        for row in rows
    ]


def checked_in_attendance(session: Session, plan: ActivityScheduled) -> list[Attendance]:
    """The hours the activity's presences credit, for those that credit any."""
    return [
        Attendance(UUID(row["volunteer_id"]), row["hours"])
        for row in presences(session, plan.activity_id, plan.starts_at, plan.ends_at)
        if row["hours"] is not None
    ]
