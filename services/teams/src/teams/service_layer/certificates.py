"""Issuing a certificate of volunteer service: counted, numbered and signed under the writers'
lock, so that two certificates never get one number (the unique number is the backstop)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.store import EventStore
from teams.adapters.certificates import credits_of, last_serial
from teams.adapters.volunteers import find_volunteer
from teams.domain.certificates import (
    Period,
    Signer,
    certified,
    draw_up,
    next_number,
    year_of_issue,
)
from teams.domain.errors import NotFound
from teams.domain.events import CertificateIssued
from teams.service_layer.commands import start


def issue_certificate(
    session: Session,
    store: EventStore,
    volunteer_id: UUID,
    period: Period,
    now: datetime,
    issuer: str,
    sign: Signer,
    reach: Reach = EVERYTHING,
) -> CertificateIssued:
    """Certify the hours of the volunteer's completed activities that started in `period`
    (CertificateIssued). NotFound for a volunteer unknown here, withdrawn or out of reach;
    Invalid naming `from` and `to` for a period that ends before it starts or holds no hours."""
    period.check()

    def decide() -> CertificateIssued:
        volunteer = find_volunteer(session, volunteer_id)
        if (
            volunteer is None
            or not volunteer.active
            or volunteer.name is None
            or not reach.reaches_volunteer(volunteer_id, volunteer.organisation_id)
        ):
            raise NotFound(f"no active volunteer {volunteer_id} known here")
        activities = certified(credits_of(session, volunteer_id), period)
        year = year_of_issue(now)
        number = next_number(year, last_serial(session, year))
        statement = draw_up(number, volunteer.name, activities, period, now, issuer)
        return CertificateIssued(
            certificate_id=uuid4(),
            number=statement.number,
            volunteer_id=volunteer_id,
            name_masked=statement.name_masked,
            period_from=period.start,
            period_to=period.end,
            total_hours=statement.total_hours,
            activity_count=statement.activity_count,
            issued_at=statement.issued_at,
            issuer=statement.issuer,
            signature=sign(statement.canonical()),
            activities=activities,
        )

    return start(session, store, decide)
