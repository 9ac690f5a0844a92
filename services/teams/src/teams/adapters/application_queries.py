"""Read models of applications: the counts a decision needs, the waiting list, an activity's and
a volunteer's applications, and the conditions that keep the activities list to those open for
sign-up. Every query goes through an index of the applications or activities table."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, case, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from teams.adapters.tables import (
    activities_table,
    applications_table,
    team_members_table,
    volunteers_table,
)
from teams.domain.vocabularies import ActivityStatus, ApplicationStatus, OpenTo

_ap, _a, _m = applications_table.c, activities_table.c, team_members_table.c
ACCEPTED, WAITLISTED = ApplicationStatus.ACCEPTED.value, ApplicationStatus.WAITLISTED.value


def _counted(status: str) -> Any:
    """How many of the activity's applications (the outer query's) have `status`."""
    return (
        select(func.count())
        .where(_ap.activity_id == _a.activity_id, _ap.status == status)
        .scalar_subquery()
    )


def application_count_columns() -> list[Any]:
    """`accepted_count` and `waitlisted_count` of the activity a query selects."""
    return [
        _counted(ACCEPTED).label("accepted_count"),
        _counted(WAITLISTED).label("waitlisted_count"),
    ]


def application_counts(session: Session, activity_id: UUID) -> tuple[int, int]:
    """How many are accepted and waiting for the activity."""
    rows = session.execute(
        select(_ap.status, func.count())
        .where(_ap.activity_id == str(activity_id), _ap.status.in_([ACCEPTED, WAITLISTED]))
        .group_by(_ap.status)
    )
    counts = {status: count for status, count in rows}
    return counts.get(ACCEPTED, 0), counts.get(WAITLISTED, 0)


def first_waiting(session: Session, activity_id: UUID) -> UUID | None:
    """The volunteer first on the activity's waiting list, None when nobody waits."""
    found = session.execute(
        select(_ap.volunteer_id)
        .where(_ap.activity_id == str(activity_id), _ap.status == WAITLISTED)
        .order_by(_ap.number)
        .limit(1)
    ).scalar_one_or_none()
    return None if found is None else UUID(found)


def is_member(session: Session, team_id: UUID, volunteer_id: UUID) -> bool:
    return (
        session.execute(
            select(_m.volunteer_id).where(
                _m.team_id == str(team_id), _m.volunteer_id == str(volunteer_id)
            )
        ).first()
        is not None
    )


def _position_column() -> Any:
    """A waiting application's place in its activity's list (1 first), null for the others."""
    ahead = applications_table.alias("ahead")
    count = (
        select(func.count())
        .where(
            ahead.c.activity_id == _ap.activity_id,
            ahead.c.status == WAITLISTED,
            ahead.c.number <= _ap.number,
        )
        .scalar_subquery()
    )
    return case((_ap.status == WAITLISTED, count), else_=None).label("position")


_APPLICATION_COLUMNS = (
    _ap.activity_id,
    _ap.volunteer_id,
    _ap.status,
    _ap.number,
    _ap.applied_at,
    _ap.accepted_at,
    _ap.cancelled_at,
)


def application_of(session: Session, activity_id: UUID, volunteer_id: UUID) -> dict[str, Any]:
    """The volunteer's application for the activity with its place on the waiting list."""
    row = (
        session.execute(
            select(*_APPLICATION_COLUMNS, _position_column()).where(
                _ap.activity_id == str(activity_id), _ap.volunteer_id == str(volunteer_id)
            )
        )
        .mappings()
        .one()
    )
    return dict(row)


def _page(session: Session, query: Select, offset: int, limit: int) -> tuple[list[dict], int]:
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.offset(offset).limit(limit)).mappings()
    return [dict(row) for row in rows], total


def applications_of_activity(
    session: Session, activity_id: UUID, status: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the activity's applications in the order they came, with the volunteers'
    names and the waiting places; and how many in all."""
    query = (
        select(*_APPLICATION_COLUMNS, _position_column(), volunteers_table.c.name)
        .outerjoin(volunteers_table, volunteers_table.c.volunteer_id == _ap.volunteer_id)
        .where(_ap.activity_id == str(activity_id))
        .order_by(_ap.number)
    )
    if status is not None:
        query = query.where(_ap.status == status)
    return _page(session, query, offset, limit)


def applications_of_volunteer(
    session: Session, volunteer_id: UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the volunteer's applications, latest activity first, with each activity's
    title, times and location; and how many in all."""
    query = (
        select(
            *_APPLICATION_COLUMNS,
            _position_column(),
            _a.team_id,
            _a.title,
            _a.location,
            _a.starts_at,
            _a.ends_at,
            _a.status.label("activity_status"),
        )
        .join(activities_table, _a.activity_id == _ap.activity_id)
        .where(_ap.volunteer_id == str(volunteer_id))
        .order_by(_a.starts_at.desc(), _a.activity_id)
    )
    return _page(session, query, offset, limit)


def active_applications_before_start(
    session: Session, volunteer_id: UUID, now: datetime
) -> list[UUID]:
    """The activities not yet started where the volunteer's application is accepted or
    waiting."""
    rows = session.execute(
        select(_ap.activity_id)
        .join(activities_table, _a.activity_id == _ap.activity_id)
        .where(
            _ap.volunteer_id == str(volunteer_id),
            _ap.status.in_([ACCEPTED, WAITLISTED]),
            _a.status == ActivityStatus.SCHEDULED.value,
            _a.starts_at > now,
        )
        .order_by(_a.starts_at, _a.activity_id)
    )
    return [UUID(activity_id) for activity_id in rows.scalars()]


def open_for_sign_up(now: datetime) -> ColumnElement[bool]:
    """Activities one may apply for at `now`: scheduled, sign-up not closed."""
    return and_(
        _a.status == ActivityStatus.SCHEDULED.value,
        func.coalesce(_a.sign_up_until, _a.starts_at) > now,
    )


def open_to_volunteer(volunteer_id: UUID, minor: bool | None, now: datetime) -> ColumnElement[bool]:
    """What the volunteer may apply for at `now`: open for sign-up, open to all or to a team
    of theirs, and not for adults only unless they are known to be an adult."""
    their_teams = select(_m.team_id).where(_m.volunteer_id == str(volunteer_id))
    adult = true() if minor is False else false()
    return and_(
        open_for_sign_up(now),
        or_(_a.open_to == OpenTo.ALL.value, _a.team_id.in_(their_teams)),
        or_(not_(_a.adults_only), adult),
    )


def own_application_columns(volunteer_id: UUID) -> list[Any]:
    """The volunteer's own application status for the activity a query selects (or null)."""
    own = select(_ap.status).where(
        _ap.activity_id == _a.activity_id, _ap.volunteer_id == str(volunteer_id)
    )
    return [own.scalar_subquery().label("application_status")]
