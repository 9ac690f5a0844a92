"""Apply check-ins, check-outs and attendance recorded ahead to their read models (`presences`,
`recorded_attendance`), live and in a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from association import backends
from teams.adapters.tables import presences_table, recorded_attendance_table
from teams.domain.events import AttendanceRecorded
from teams.domain.hours import to_hundredths
from teams.domain.recruitment_events import CheckedIn, CheckedOut

_INSERT_PRESENCE = insert(presences_table)
_CHECK_OUT = (
    update(presences_table)
    .where(
        presences_table.c.activity_id == bindparam("key"),
        presences_table.c.volunteer_id == bindparam("volunteer"),
    )
    .values(checked_out_at=bindparam("checked_out_at"), check_out_method=bindparam("method"))
)


@cache
def _record_entry(dialect_insert: Callable[[Table], Any]) -> Insert:
    """An attendee's recorded hours, replacing what was recorded for them before."""
    statement = dialect_insert(recorded_attendance_table)
    return statement.on_conflict_do_update(
        index_elements=[
            recorded_attendance_table.c.activity_id,
            recorded_attendance_table.c.volunteer_id,
        ],
        set_={
            "hundredths": statement.excluded.hundredths,
            "recorded_at": statement.excluded.recorded_at,
        },
    )


def _checked_in(session: Session, event: CheckedIn) -> None:
    session.execute(
        _INSERT_PRESENCE,
        {
            "activity_id": str(event.activity_id),
            "volunteer_id": str(event.volunteer_id),
            "checked_in_at": event.checked_in_at,
            "check_in_method": event.method.value,
        },
    )


def _checked_out(session: Session, event: CheckedOut) -> None:
    session.execute(
        _CHECK_OUT,
        {
            "key": str(event.activity_id),
            "volunteer": str(event.volunteer_id),
            "checked_out_at": event.checked_out_at,
            "method": event.method.value,
        },
    )


def _attendance_recorded(session: Session, event: AttendanceRecorded) -> None:
    activity_id = str(event.activity_id)
    session.execute(
        _record_entry(backends.of(session).insert),
        [
            {
                "activity_id": activity_id,
                "volunteer_id": str(entry.volunteer_id),
                "hundredths": to_hundredths(entry.hours),
                "recorded_at": event.recorded_at,
            }
            for entry in event.attendance
        ],
    )


PRESENCE_PROJECTORS: dict[type, Callable[[Session, Any], None]] = {
    CheckedIn: _checked_in,
    CheckedOut: _checked_out,
    AttendanceRecorded: _attendance_recorded,
}
