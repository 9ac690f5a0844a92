"""Keep the hours reports' read model (`hours_report`) with the events that credit hours.

ActivityCompleted adds a row per attendee, HoursCorrected sets the attendee's row to the new
hours (adding it for an attendee the completion left out). Each row takes, when it is written,
the team's organisation, the activity's start date in China and the volunteer's street as this
service knows it then (none for a volunteer not known here, or withdrawn: their street is erased).
A rebuild keeps the rows it finds (so their streets as they were recorded) and writes everything
else of them anew; the rows of entries the rebuilt attendance lacks are then deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, delete, exists, select, update
from sqlalchemy.orm import Session

from association import backends
from teams.adapters.tables import (
    activities_table,
    attendance_table,
    hours_report_table,
    teams_table,
    volunteers_table,
)
from teams.domain.certificates import CHINA_STANDARD_TIME
from teams.domain.events import ActivityCompleted, HoursCorrected
from teams.domain.hours import to_hundredths

_r = hours_report_table.c
_SET_HUNDREDTHS = (
    update(hours_report_table)
    .where(_r.activity_id == bindparam("key"), _r.volunteer_id == bindparam("volunteer"))
    .values(hundredths=bindparam("hundredths"))
)
_EXISTS = select(_r.hundredths).where(
    _r.activity_id == bindparam("activity_id"), _r.volunteer_id == bindparam("volunteer_id")
)
_ORGANISATION = select(teams_table.c.organisation_id).where(
    teams_table.c.team_id == bindparam("team_id")
)
_STARTS_AT = select(activities_table.c.starts_at).where(
    activities_table.c.activity_id == bindparam("activity_id")
)


@cache
def _upsert(dialect_insert: Callable[[Table], Any]) -> Insert:
    """Write an entry's row; one already there (a rebuild's) keeps its street."""
    statement = dialect_insert(hours_report_table)
    return statement.on_conflict_do_update(
        index_elements=[_r.activity_id, _r.volunteer_id],
        set_={
            name: statement.excluded[name]
            for name in ("team_id", "organisation_id", "day", "month", "hundredths")
        },
    )


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(_upsert(backends.of(session).insert), rows)


def forget_unrecorded(session: Session) -> None:
    """Delete the rows of entries the attendance no longer holds (after a rebuild)."""
    _at = attendance_table.c
    session.execute(
        delete(hours_report_table).where(
            ~exists().where(_at.activity_id == _r.activity_id, _at.volunteer_id == _r.volunteer_id)
        )
    )


def china_day(instant: datetime) -> date:
    """The date in China of an instant: the day an activity counts under."""
    return instant.astimezone(CHINA_STANDARD_TIME).date()


def month_of(day: date) -> str:
    """A report's month key, `YYYY-MM`."""
    return f"{day.year:04d}-{day.month:02d}"


def streets_of(session: Session, volunteer_ids: Collection[str]) -> dict[str, str | None]:
    """The street of each of these volunteers known here (one query)."""
    if not volunteer_ids:
        return {}
    rows = session.execute(
        select(volunteers_table.c.volunteer_id, volunteers_table.c.street).where(
            volunteers_table.c.volunteer_id.in_(list(volunteer_ids))
        )
    )
    return {key: value for key, value in rows}


def report_rows(
    activity_id: str,
    team_id: str,
    organisation_id: str | None,
    starts_at: datetime,
    entries: list[tuple[str, int]],
    streets: dict[str, str | None],
) -> list[dict[str, Any]]:
    """The read model's rows of an activity's attendance entries (volunteer id, hundredths)."""
    day = china_day(starts_at)
    month = month_of(day)
    return [
        {
            "activity_id": activity_id,
            "volunteer_id": volunteer_id,
            "team_id": team_id,
            "organisation_id": organisation_id,
            "day": day,
            "month": month,
            "street": streets.get(volunteer_id),
            "hundredths": hundredths,
        }
        for volunteer_id, hundredths in entries
    ]


def _organisation(session: Session, team_id: str) -> str | None:
    return session.execute(_ORGANISATION, {"team_id": team_id}).scalar_one_or_none()


def _completed(session: Session, event: ActivityCompleted) -> None:
    entries = [(str(e.volunteer_id), to_hundredths(e.hours)) for e in event.attendance]
    if not entries:
        return
    team_id = str(event.team_id)
    rows = report_rows(
        str(event.activity_id),
        team_id,
        _organisation(session, team_id),
        event.started_at,
        entries,
        streets_of(session, [volunteer for volunteer, _ in entries]),
    )
    _write(session, rows)


def _corrected(session: Session, event: HoursCorrected) -> None:
    activity_id, volunteer_id = str(event.activity_id), str(event.volunteer_id)
    hundredths = to_hundredths(event.hours)
    known = session.execute(
        _EXISTS, {"activity_id": activity_id, "volunteer_id": volunteer_id}
    ).first()
    if known is not None:
        session.execute(
            _SET_HUNDREDTHS,
            {"key": activity_id, "volunteer": volunteer_id, "hundredths": hundredths},
        )
        return
    team_id = str(event.team_id)
    starts_at = session.execute(_STARTS_AT, {"activity_id": activity_id}).scalar_one()
    rows = report_rows(
        activity_id,
        team_id,
        _organisation(session, team_id),
        starts_at,
        [(volunteer_id, hundredths)],
        streets_of(session, [volunteer_id]),
    )
    _write(session, rows)


REPORT_PROJECTORS: dict[type, Callable[[Session, Any], None]] = {
    ActivityCompleted: _completed,
    HoursCorrected: _corrected,
}
