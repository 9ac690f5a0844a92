"""The certificates' reads: a volunteer's credited activities, the last number of a year, the
certificates issued, and the lines a certificate's PDF prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teams.adapters.tables import activities_table, attendance_table, certificates_table
from teams.domain.certificates import CHINA_STANDARD_TIME, NUMBER_PREFIX, parse_number
from teams.domain.hours import from_hundredths
from teams.domain.vocabularies import ActivityStatus

_a, _at, _c = activities_table.c, attendance_table.c, certificates_table.c


def credits_of(session: Session, volunteer_id: UUID) -> list[tuple[UUID, datetime, Decimal]]:
    """(activity id, start, hours now credited) of every completed activity that credits the
    volunteer hours (an attendance corrected to nothing credits none)."""
    rows = session.execute(
        select(_a.activity_id, _a.starts_at, _at.hundredths)
        .join(attendance_table, _at.activity_id == _a.activity_id)
        .where(
            _at.volunteer_id == str(volunteer_id),
            _at.hundredths > 0,
            _a.status == ActivityStatus.COMPLETED.value,
        )
    )
    return [(UUID(a), starts_at, from_hundredths(h)) for a, starts_at, h in rows]


def last_serial(session: Session, year: int) -> int | None:
    """The serial of the last certificate numbered in `year`, None before any."""
    numbers = session.execute(
        select(_c.number)
        .where(_c.number.like(f"{NUMBER_PREFIX}-{year:04d}-%"))
        .order_by(func.length(_c.number).desc(), _c.number.desc())
        .limit(1)
    ).scalars()
    parsed = parse_number(next(iter(numbers), ""))
    return None if parsed is None else parsed[1]


def _answer(row: Any) -> dict[str, Any]:
    return {
        "certificate_id": row["certificate_id"],
        "number": row["number"],
        "volunteer_id": row["volunteer_id"],
        "name_masked": row["name_masked"],
        "period_from": row["period_from"],
        "period_to": row["period_to"],
        "total_hours": from_hundredths(row["hundredths"]),
        "activity_count": row["activity_count"],
        "issued_at": row["issued_at"],
        "issuer": row["issuer"],
        "signature": row["signature"],
        "activities": row["activities"],
    }


def certificates_of(session: Session, volunteer_id: UUID) -> list[dict[str, Any]]:
    """The volunteer's certificates, latest first."""
    rows = session.execute(
        select(certificates_table)
        .where(_c.volunteer_id == str(volunteer_id))
        .order_by(_c.issued_at.desc(), _c.number.desc())
    ).mappings()
    return [_answer(row) for row in rows]


def certificate_by_number(session: Session, number: str) -> dict[str, Any] | None:
    """The certificate with this number, None when there is none."""
    row = (
        session.execute(select(certificates_table).where(_c.number == number))
        .mappings()
        .one_or_none()
    )
    return None if row is None else _answer(row)


@dataclass(frozen=True)
class CertifiedLine:
    """One activity as a certificate prints it: its China date, title, hours, organising unit."""

    day: date
    title: str
    hours: Decimal
    organising_unit: str


def certified_lines(session: Session, activities: Sequence[dict[str, Any]]) -> list[CertifiedLine]:
    """The lines of a certificate's activities (`{"activity_id", "hours"}` as certified), by
    start: the hours as certified, the rest from the activities table."""
    ids = [entry["activity_id"] for entry in activities]
    found = {
        row.activity_id: row
        for row in session.execute(
            select(_a.activity_id, _a.starts_at, _a.title, _a.organising_unit).where(
                _a.activity_id.in_(ids)
            )
        )
    }
    lines = [
        (
            found[entry["activity_id"]].starts_at,
            CertifiedLine(
                found[entry["activity_id"]].starts_at.astimezone(CHINA_STANDARD_TIME).date(),
                found[entry["activity_id"]].title,
                Decimal(entry["hours"]),
                found[entry["activity_id"]].organising_unit,
            ),
        )
        for entry in activities
        if entry["activity_id"] in found
    ]
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]
