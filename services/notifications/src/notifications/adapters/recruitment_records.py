"""Reading and writing applications, cancelled activities and reminders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from association.statements import insert_new, upsert
from notifications.adapters.recruitment_tables import (
    ACCEPTED,
    applications_table,
    cancelled_activities_table,
    reminders_table,
)

_a = applications_table.c
_r = reminders_table.c


@dataclass(frozen=True)
class Application:
    """What an application's events tell of it and of its activity."""

    activity_id: str
    volunteer_id: str
    status: str
    version: int
    title: str
    location: str
    starts_at: datetime


@dataclass(frozen=True)
class DueReminder:
    """A reminder claimed to be written."""

    activity_id: str
    volunteer_id: str
    due_at: datetime
    starts_at: datetime
    title: str
    location: str


def application_version(session: Session, activity_id: str, volunteer_id: str) -> int | None:
    """The version of the application's event last applied here, None when none was."""
    return session.execute(
        select(_a.version).where(_a.activity_id == activity_id, _a.volunteer_id == volunteer_id)
    ).scalar_one_or_none()


def application(session: Session, activity_id: str, volunteer_id: str) -> Application | None:
    """The application as its events last left it."""
    row = session.execute(
        select(applications_table).where(
            _a.activity_id == activity_id, _a.volunteer_id == volunteer_id
        )
    ).first()
    return Application(**row._mapping) if row else None


def save_application(session: Session, application: Application) -> None:
    """Record the application's status as of its event's version."""
    upsert(session, applications_table, asdict(application), ["activity_id", "volunteer_id"])


def set_status(
    session: Session, activity_id: str, volunteer_id: str, status: str, version: int
) -> None:
    """Change a known application's status (an event without the activity's details)."""
    session.execute(
        update(applications_table)
        .where(_a.activity_id == activity_id, _a.volunteer_id == volunteer_id)
        .values(status=status, version=version)
    )


def accepted_for(session: Session, activity_id: str) -> list[Application]:
    """The applications accepted for the activity."""
    rows = session.execute(
        select(applications_table)
        .where(_a.activity_id == activity_id, _a.status == ACCEPTED)
        .order_by(_a.volunteer_id)
    )
    return [Application(**row._mapping) for row in rows]


def cancel_activity(session: Session, activity_id: str, cancelled_at: datetime) -> None:
    """Remember the activity is cancelled, and drop its reminders not sent yet."""
    insert_new(
        session,
        cancelled_activities_table,
        [{"activity_id": activity_id, "cancelled_at": cancelled_at}],
        ["activity_id"],
    )
    session.execute(
        delete(reminders_table).where(_r.activity_id == activity_id, _r.sent_at.is_(None))
    )


def is_cancelled(session: Session, activity_id: str) -> bool:
    """Whether teams cancelled the activity."""
    column = cancelled_activities_table.c.activity_id
    return session.execute(select(column).where(column == activity_id)).first() is not None


def schedule_reminder(session: Session, application: Application, due_at: datetime) -> None:
    """Remind the accepted applicant at `due_at`; a reminder of theirs already there stays as it
    is (sent or not)."""
    row = {
        "activity_id": application.activity_id,
        "volunteer_id": application.volunteer_id,
        "due_at": due_at,
        "starts_at": application.starts_at,
        "title": application.title,
        "location": application.location,
        "sent_at": None,
    }
    insert_new(session, reminders_table, [row], ["activity_id", "volunteer_id"])


def drop_reminder(session: Session, activity_id: str, volunteer_id: str) -> None:
    """Drop the applicant's reminder of the activity unless it was sent."""
    session.execute(
        delete(reminders_table).where(
            _r.activity_id == activity_id, _r.volunteer_id == volunteer_id, _r.sent_at.is_(None)
        )
    )


def forget_volunteer(session: Session, volunteer_id: str) -> None:
    """Delete the volunteer's applications and reminders (on withdrawal)."""
    for table in (reminders_table, applications_table):
        session.execute(delete(table).where(table.c.volunteer_id == volunteer_id))


def claim_due(session: Session, now: datetime, limit: int) -> list[DueReminder]:
    """Up to `limit` unsent reminders due by `now` of activities not started yet, oldest due
    first, locked for this transaction (on PostgreSQL, rows another worker holds are skipped;
    SQLite's single writer serialises the claims)."""
    rows = session.execute(
        select(reminders_table)
        .where(_r.sent_at.is_(None), _r.due_at <= now, _r.starts_at > now)
        .order_by(_r.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [
        DueReminder(
            row.activity_id, row.volunteer_id, row.due_at, row.starts_at, row.title, row.location
        )
        for row in rows
    ]


_MARK_SENT = (
    update(reminders_table)
    .where(_r.activity_id == bindparam("a"), _r.volunteer_id == bindparam("v"))
    .values(sent_at=bindparam("sent"))
)


def mark_sent(session: Session, reminders: list[DueReminder], sent_at: datetime) -> None:
    """Mark the reminders written, in one statement run once per reminder."""
    if reminders:
        session.connection().execute(
            _MARK_SENT,
            [{"a": r.activity_id, "v": r.volunteer_id, "sent": sent_at} for r in reminders],
        )


def drop_missed(session: Session, now: datetime) -> int:
    """Delete the unsent reminders of activities that have started: too late to remind."""
    result = session.execute(
        delete(reminders_table).where(_r.sent_at.is_(None), _r.due_at <= now, _r.starts_at <= now)
    )
    return result.rowcount or 0
