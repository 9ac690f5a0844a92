"""Helpers of the application tests: open activities, volunteers of known age, applying as a
coordinator or as the volunteer themselves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from certificates_testkit import registered_v2

from association.auth import issue_token
from support.tokens import SECRET
from teams_testkit import WRITER, Kit


def own_token(volunteer_id: object) -> dict[str, str]:
    """A volunteer's own token."""
    token = issue_token(SECRET, str(volunteer_id), "self", role="volunteer")
    return {"Authorization": f"Bearer {token}"}


def coordinator_of(organisation: str) -> dict[str, str]:
    token = issue_token(
        SECRET, "coordinator", "volunteers:read teams:write", role="coordinator", org=organisation
    )
    return {"Authorization": f"Bearer {token}"}


def adult(kit: Kit, minor: bool | None = False, organisation: str | None = None) -> uuid.UUID:
    """A volunteer registered with their age known (or not: `minor` None)."""
    volunteer_id = uuid.uuid4()
    kit.deliver(registered_v2(volunteer_id, minor=minor, organisation_id=organisation))
    return volunteer_id


def open_activity(kit: Kit, team_id: str, days_ahead: float = 2, **fields: Any) -> str:
    """An activity starting in `days_ahead` days, open for sign-up."""
    response = kit.activity(team_id, hours_ago=-24 * days_ahead, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["activity_id"]


def apply(kit: Kit, activity_id: str, volunteer_id: object, headers: Any = WRITER) -> Any:
    return kit.client.post(
        f"/activities/{activity_id}/applications",
        json={"volunteer_id": str(volunteer_id)},
        headers=headers,
    )


def cancel(kit: Kit, activity_id: str, volunteer_id: object, headers: Any = WRITER) -> Any:
    return kit.client.delete(
        f"/activities/{activity_id}/applications/{volunteer_id}", headers=headers
    )


def listed(kit: Kit, activity_id: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every application of the activity, in order."""
    query = f"?status={status}&page_size=100" if status else "?page_size=100"
    answers, page = [], 1
    while True:
        response = kit.client.get(
            f"/activities/{activity_id}/applications{query}&page={page}", headers=WRITER
        )
        assert response.status_code == 200, response.get_json()
        rows = response.get_json()
        answers.extend(rows)
        if len(rows) < 100:
            return answers
        page += 1


def past(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()
