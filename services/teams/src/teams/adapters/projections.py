"""Apply the service's own events to its read models, one event at a time (live, and by
`teams.adapters.rebuild`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from association import backends
from association.actors import current_actor
from teams.adapters.application_projections import APPLICATION_PROJECTORS
from teams.adapters.presence_projections import PRESENCE_PROJECTORS
from teams.adapters.report_projection import REPORT_PROJECTORS
from teams.adapters.tables import (
    activities_table,
    attendance_table,
    certificates_table,
    hours_corrections_table,
    service_hours_table,
    team_members_table,
    teams_table,
)
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    CertificateIssued,
    DomainEvent,
    HoursCorrected,
    TeamAssigned,
    TeamCreated,
    TeamMemberRemoved,
)
from teams.domain.hours import to_hundredths
from teams.domain.vocabularies import ActivityStatus

# The statements are built once and executed with each event's parameters, so that SQLAlchemy
# compiles each of them once: a live event or a rebuild of a million pays only for its values.
_INSERT_TEAM = insert(teams_table)
_INSERT_MEMBER = insert(team_members_table)
_DELETE_MEMBER = delete(team_members_table).where(
    team_members_table.c.team_id == bindparam("team_id"),
    team_members_table.c.volunteer_id == bindparam("volunteer_id"),
)
_INSERT_ACTIVITY = insert(activities_table)
_COMPLETE_ACTIVITY = (
    update(activities_table)
    .where(activities_table.c.activity_id == bindparam("key"))
    .values(
        status=ActivityStatus.COMPLETED.value,
        completed_at=bindparam("completed_at"),
        recorded_by_kind=bindparam("recorded_by_kind"),
        recorded_by_id=bindparam("recorded_by_id"),
        late_reason=bindparam("late_reason"),
    )
)
_CANCEL_ACTIVITY = (
    update(activities_table)
    .where(activities_table.c.activity_id == bindparam("key"))
    .values(
        status=ActivityStatus.CANCELLED.value,
        cancelled_at=bindparam("cancelled_at"),
        cancel_reason=bindparam("reason"),
    )
)
_INSERT_ATTENDANCE = insert(attendance_table)
_INSERT_CORRECTION = insert(hours_corrections_table)
_CORRECTIONS_SO_FAR = select(func.count()).where(
    hours_corrections_table.c.activity_id == bindparam("activity_id")
)
_PREVIOUS_HUNDREDTHS = select(attendance_table.c.hundredths).where(
    attendance_table.c.activity_id == bindparam("activity_id"),
    attendance_table.c.volunteer_id == bindparam("volunteer_id"),
)
_SET_ATTENDANCE = (
    update(attendance_table)
    .where(
        attendance_table.c.activity_id == bindparam("key"),
        attendance_table.c.volunteer_id == bindparam("volunteer"),
    )
    .values(hundredths=bindparam("hundredths"))
)
_INSERT_CERTIFICATE = insert(certificates_table)


@cache
def _add_hours(dialect_insert: Callable[[Table], Any]) -> Insert:
    """Add one attendance's hours to the volunteer's totals, creating the row the first time."""
    statement = dialect_insert(service_hours_table)
    return statement.on_conflict_do_update(
        index_elements=[service_hours_table.c.volunteer_id],
        set_={
            "hundredths": service_hours_table.c.hundredths + statement.excluded.hundredths,
            "activity_count": service_hours_table.c.activity_count
            + statement.excluded.activity_count,
        },
    )


def _team_created(session: Session, event: TeamCreated) -> None:
    session.execute(
        _INSERT_TEAM,
        {
            "team_id": str(event.team_id),
            "name": event.name,
            "kind": event.kind.value,
            "description": event.description,
            "required_skills": list(event.required_skills),
            "capacity": event.capacity,
            "created_at": event.created_at,
            "organisation_id": _text(event.organisation_id),
        },
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _team_assigned(session: Session, event: TeamAssigned) -> None:
    session.execute(
        _INSERT_MEMBER,
        {
            "team_id": str(event.team_id),
            "volunteer_id": str(event.volunteer_id),
            "role": event.role.value,
            "assigned_at": event.assigned_at,
        },
    )


def _member_removed(session: Session, event: TeamMemberRemoved) -> None:
    session.execute(
        _DELETE_MEMBER, {"team_id": str(event.team_id), "volunteer_id": str(event.volunteer_id)}
    )


def _activity_scheduled(session: Session, event: ActivityScheduled) -> None:
    session.execute(
        _INSERT_ACTIVITY,
        {
            "activity_id": str(event.activity_id),
            "team_id": str(event.team_id),
            "title": event.title,
            "kind": event.kind.value,
            "location": event.location,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "content": event.content,
            "organising_unit": event.organising_unit,
            "person_in_charge": event.person_in_charge,
            "status": ActivityStatus.SCHEDULED.value,
            "scheduled_at": event.scheduled_at,
            "slots": event.slots,
            "open_to": event.open_to.value,
            "sign_up_until": event.sign_up_until,
            "adults_only": event.adults_only,
        },
    )


def _activity_completed(session: Session, event: ActivityCompleted) -> None:
    """The activity completed, its attendance and the volunteers' totals; who recorded it is
    the actor of the work in hand (the request's; the event's own when rebuilding)."""
    activity_id = str(event.activity_id)
    recorder = current_actor()
    session.execute(
        _COMPLETE_ACTIVITY,
        {
            "key": activity_id,
            "completed_at": event.completed_at,
            "recorded_by_kind": recorder.kind if recorder else None,
            "recorded_by_id": recorder.id if recorder else None,
            "late_reason": event.late_reason,
        },
    )
    rows = [
        {
            "activity_id": activity_id,
            "volunteer_id": str(entry.volunteer_id),
            "hundredths": to_hundredths(entry.hours),
        }
        for entry in event.attendance
    ]
    if not rows:
        return
    session.execute(_INSERT_ATTENDANCE, rows)
    session.execute(
        _add_hours(backends.of(session).insert),
        [
            {
                "volunteer_id": row["volunteer_id"],
                "hundredths": row["hundredths"],
                "activity_count": 1,
            }
            for row in rows
        ],
    )


def _hours_corrected(session: Session, event: HoursCorrected) -> None:
    """The attendee's row set to the new hours (made for a forgotten attendee, kept at 0), the
    totals moved by the difference, the correction kept with who made it."""
    activity_id, volunteer_id = str(event.activity_id), str(event.volunteer_id)
    hundredths = to_hundredths(event.hours)
    previous = session.execute(
        _PREVIOUS_HUNDREDTHS, {"activity_id": activity_id, "volunteer_id": volunteer_id}
    ).scalar_one_or_none()
    if previous is None:
        session.execute(
            _INSERT_ATTENDANCE,
            {"activity_id": activity_id, "volunteer_id": volunteer_id, "hundredths": hundredths},
        )
        previous = 0
    else:
        session.execute(
            _SET_ATTENDANCE,
            {"key": activity_id, "volunteer": volunteer_id, "hundredths": hundredths},
        )
    session.execute(
        _add_hours(backends.of(session).insert),
        {
            "volunteer_id": volunteer_id,
            "hundredths": hundredths - previous,
            "activity_count": (hundredths > 0) - (previous > 0),
        },
    )
    number = session.execute(_CORRECTIONS_SO_FAR, {"activity_id": activity_id}).scalar_one() + 1
    corrector = current_actor()
    session.execute(
        _INSERT_CORRECTION,
        {
            "activity_id": activity_id,
            "number": number,
            "volunteer_id": volunteer_id,
            "previous_hundredths": previous,
            "hundredths": hundredths,
            "reason": event.reason,
            "corrected_at": event.corrected_at,
            "corrected_by_kind": corrector.kind if corrector else None,
            "corrected_by_id": corrector.id if corrector else None,
        },
    )


def _activity_cancelled(session: Session, event: ActivityCancelled) -> None:
    session.execute(
        _CANCEL_ACTIVITY,
        {"key": str(event.activity_id), "cancelled_at": event.cancelled_at, "reason": event.reason},
    )


def _certificate_issued(session: Session, event: CertificateIssued) -> None:
    session.execute(
        _INSERT_CERTIFICATE,
        {
            "certificate_id": str(event.certificate_id),
            "number": event.number,
            "volunteer_id": str(event.volunteer_id),
            "name_masked": event.name_masked,
            "period_from": event.period_from,
            "period_to": event.period_to,
            "hundredths": to_hundredths(event.total_hours),
            "activity_count": event.activity_count,
            "issued_at": event.issued_at,
            "issuer": event.issuer,
            "signature": event.signature,
            "activities": [
                {"activity_id": str(entry.activity_id), "hours": format(entry.hours, "f")}
                for entry in event.activities
            ],
        },
    )


_PROJECTORS: dict[type, Callable[[Session, Any], None]] = {
    TeamCreated: _team_created,
    TeamAssigned: _team_assigned,
    TeamMemberRemoved: _member_removed,
    ActivityScheduled: _activity_scheduled,
    ActivityCompleted: _activity_completed,
    ActivityCancelled: _activity_cancelled,
    HoursCorrected: _hours_corrected,
    CertificateIssued: _certificate_issued,
    **APPLICATION_PROJECTORS,
    **PRESENCE_PROJECTORS,
}


def project(session: Session, event: DomainEvent) -> None:
    """Bring the read models up to date with one event (the hours reports' too)."""
    _PROJECTORS[type(event)](session, event)
    reported = REPORT_PROJECTORS.get(type(event))
    if reported is not None:
        reported(session, event)
