"""Helpers of the presence and attendance tests: accepted applicants written as their rows,
check-ins at chosen times written as their events, and the tokens of each kind of caller."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from association.store import events_table
from support.tokens import role_bearer
from teams.adapters.repository import record
from teams.adapters.tables import applications_table
from teams.domain.recruitment_events import CheckedIn, CheckedOut
from teams.domain.vocabularies import ApplicationStatus, CheckInMethod
from teams_testkit import Kit

ORG = "0c3e7f10-2a4b-4c5d-8e9f-1a2b3c4d5e6f"
OTHER_ORG = "1d4f8021-3b5c-4d6e-9fa0-2b3c4d5e6f70"


def coordinator(organisation: str = ORG) -> dict[str, str]:
    return role_bearer("coordinator", "coordinator-1", organisation)


def volunteer_token(volunteer_id: uuid.UUID) -> dict[str, str]:
    return role_bearer("volunteer", str(volunteer_id))


def accept(kit: Kit, activity_id: str, volunteers: Iterable[uuid.UUID]) -> None:
    """The volunteers' applications to the activity, accepted (the rows the applications'
    projection keeps)."""
    now = datetime.now(UTC)
    rows = [
        {
            "activity_id": activity_id,
            "volunteer_id": str(volunteer),
            "status": ApplicationStatus.ACCEPTED.value,
            "number": number,
            "applied_at": now,
            "accepted_at": now,
        }
        for number, volunteer in enumerate(volunteers, start=1)
    ]
    with kit.context.database.transaction() as session:
        session.execute(insert(applications_table), rows)


def present(
    kit: Kit,
    activity: dict[str, Any],
    volunteer: uuid.UUID,
    arrived: datetime,
    left: datetime | None,
) -> None:
    """A check-in (and a check-out, unless `left` is None) at the given times, as their events."""
    activity_id, team_id = uuid.UUID(activity["activity_id"]), uuid.UUID(activity["team_id"])
    method = CheckInMethod.ROLL_CALL
    changes: list[Any] = [(CheckedIn(activity_id, team_id, volunteer, method, arrived), 1)]
    if left is not None:
        changes.append((CheckedOut(activity_id, team_id, volunteer, method, left), 2))
    with kit.context.database.transaction() as session:
        record(session, kit.context.store, changes)


def event_count(kit: Kit) -> int:
    with kit.context.database.reader() as session:
        return session.execute(select(func.count()).select_from(events_table)).scalar_one()
