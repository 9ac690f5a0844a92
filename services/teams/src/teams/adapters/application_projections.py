"""Apply the application events to the applications table (live, and by the rebuild).

Each new application takes the next `number` of its activity, so the waiting list is the
waitlisted rows by number; a volunteer who applies again after cancelling takes a new one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from association import backends
from teams.adapters.tables import applications_table
from teams.domain.recruitment_events import (
    ApplicationAccepted,
    ApplicationCancelled,
    ApplicationPromoted,
    ApplicationWaitlisted,
)
from teams.domain.vocabularies import ApplicationStatus

_ap = applications_table.c
_LAST_NUMBER = select(func.coalesce(func.max(_ap.number), 0)).where(
    _ap.activity_id == bindparam("activity_id")
)
_SET_STATUS = (
    update(applications_table)
    .where(_ap.activity_id == bindparam("key"), _ap.volunteer_id == bindparam("volunteer"))
    .values(status=bindparam("new_status"))
)


def _applied(
    session: Session,
    event: ApplicationAccepted | ApplicationWaitlisted,
    status: ApplicationStatus,
    at: datetime,
) -> None:
    activity_id = str(event.activity_id)
    number = session.execute(_LAST_NUMBER, {"activity_id": activity_id}).scalar_one() + 1
    row = {
        "activity_id": activity_id,
        "volunteer_id": str(event.volunteer_id),
        "status": status.value,
        "number": number,
        "applied_at": at,
        "accepted_at": at if status is ApplicationStatus.ACCEPTED else None,
        "cancelled_at": None,
    }
    statement = backends.of(session).insert(applications_table)
    statement = statement.on_conflict_do_update(
        index_elements=[_ap.activity_id, _ap.volunteer_id],
        set_={key: statement.excluded[key] for key in row if key not in ("activity_id",)},
    )
    session.execute(statement, row)


def _accepted(session: Session, event: ApplicationAccepted) -> None:
    _applied(session, event, ApplicationStatus.ACCEPTED, event.accepted_at)


def _waitlisted(session: Session, event: ApplicationWaitlisted) -> None:
    _applied(session, event, ApplicationStatus.WAITLISTED, event.waitlisted_at)


def _promoted(session: Session, event: ApplicationPromoted) -> None:
    session.execute(
        _SET_STATUS.values(accepted_at=bindparam("at")),
        {
            "key": str(event.activity_id),
            "volunteer": str(event.volunteer_id),
            "new_status": ApplicationStatus.ACCEPTED.value,
            "at": event.promoted_at,
        },
    )


def _cancelled(session: Session, event: ApplicationCancelled) -> None:
    session.execute(
        _SET_STATUS.values(cancelled_at=bindparam("at")),
        {
            "key": str(event.activity_id),
            "volunteer": str(event.volunteer_id),
            "new_status": ApplicationStatus.CANCELLED.value,
            "at": event.cancelled_at,
        },
    )


APPLICATION_PROJECTORS: dict[type, Callable[[Session, Any], None]] = {
    ApplicationAccepted: _accepted,
    ApplicationWaitlisted: _waitlisted,
    ApplicationPromoted: _promoted,
    ApplicationCancelled: _cancelled,
}
