"""The hours reports' read model

The `hours_report` table (one row per attendance entry, with the team's organisation, the
activity's China start date and month, and the volunteer's street), its indexes, and its rows
for the attendance already recorded (the street as known now), written in pages.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 19:00:00
"""

from collections.abc import Sequence
from datetime import date, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = association.timestamps.UtcDateTime(timezone=True)
CHINA = timezone(timedelta(hours=8))
PAGE = 5000
COVERED = ["team_id", "street", "month", "volunteer_id", "activity_id", "hundredths"]

_meta = sa.MetaData()
_attendance = sa.Table(
    "attendance",
    _meta,
    sa.Column("activity_id", sa.String(36)),
    sa.Column("volunteer_id", sa.String(36)),
    sa.Column("hundredths", sa.Integer),
)
_activities = sa.Table(
    "activities",
    _meta,
    sa.Column("activity_id", sa.String(36)),
    sa.Column("team_id", sa.String(36)),
    sa.Column("starts_at", INSTANT),
)
_teams = sa.Table(
    "teams", _meta, sa.Column("team_id", sa.String(36)), sa.Column("organisation_id", sa.String(36))
)
_volunteers = sa.Table(
    "volunteers",
    _meta,
    sa.Column("volunteer_id", sa.String(36)),
    sa.Column("street", sa.String(64)),
)


def upgrade() -> None:
    report = op.create_table(
        "hours_report",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("street", sa.String(length=64), nullable=True),
        sa.Column("hundredths", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    _backfill(report)
    with op.batch_alter_table("hours_report", schema=None) as batch_op:
        batch_op.create_index("ix_hours_report_day", ["day", "organisation_id", *COVERED])
        batch_op.create_index(
            "ix_hours_report_organisation_day", ["organisation_id", "day", *COVERED]
        )
        batch_op.create_index("ix_hours_report_team_day", ["team_id", "day"])


def _backfill(report: sa.Table) -> None:
    """The attendance recorded so far, page by page in its key's order (an index range each),
    with the page's activities, teams and volunteers looked up by id."""
    bind = op.get_bind()
    key = sa.tuple_(_attendance.c.activity_id, _attendance.c.volunteer_id)
    query = (
        sa.select(_attendance)
        .order_by(_attendance.c.activity_id, _attendance.c.volunteer_id)
        .limit(PAGE)
    )
    last: tuple[str, str] | None = None
    while True:
        page = query if last is None else query.where(key > sa.tuple_(*last))
        entries = bind.execute(page).all()
        if not entries:
            return
        activities = _by_id(bind, _activities, {row.activity_id for row in entries})
        teams = _by_id(bind, _teams, {row.team_id for row in activities.values()})
        volunteers = _by_id(bind, _volunteers, {row.volunteer_id for row in entries})
        rows = []
        for entry in entries:
            activity = activities.get(entry.activity_id)
            if activity is None:  # no activity to date it by: no report counts it
                continue
            volunteer = volunteers.get(entry.volunteer_id)
            team = teams.get(activity.team_id)
            rows.append(
                _row(
                    entry,
                    activity,
                    team.organisation_id if team else None,
                    volunteer.street if volunteer else None,
                )
            )
        if rows:
            bind.execute(sa.insert(report), rows)
        last = (entries[-1].activity_id, entries[-1].volunteer_id)


def _by_id(bind: sa.Connection, table: sa.Table, ids: set[str]) -> dict[str, sa.Row]:
    key = table.c[0]
    rows = bind.execute(sa.select(table).where(key.in_(sorted(ids)))).all()
    return {row[0]: row for row in rows}


def _row(
    entry: sa.Row, activity: sa.Row, organisation_id: str | None, street: str | None
) -> dict[str, object]:
    day: date = activity.starts_at.astimezone(CHINA).date()
    return {
        "activity_id": entry.activity_id,
        "volunteer_id": entry.volunteer_id,
        "team_id": activity.team_id,
        "organisation_id": organisation_id,
        "day": day,
        "month": f"{day.year:04d}-{day.month:02d}",
        "street": street,
        "hundredths": entry.hundredths,
    }


def downgrade() -> None:
    with op.batch_alter_table("hours_report", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_report_team_day")
        batch_op.drop_index("ix_hours_report_organisation_day")
        batch_op.drop_index("ix_hours_report_day")
    op.drop_table("hours_report")
