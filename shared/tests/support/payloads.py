"""Integration-event payloads the tests publish: a valid one, to be changed where a test says."""

from __future__ import annotations

import uuid
from typing import Any

# The fields schema version 2 of ActivityCompleted adds, which a service record needs.
SERVICE_RECORD = {"content": "劝导", "organising_unit": "江浦街道", "person_in_charge": "刘明珠"}


def activity_completed(
    hours: Any = "2.5", volunteer_id: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """An ActivityCompleted payload (schema version 1) of a 2.5-hour activity with one attendee
    credited `hours`; `overrides` replace fields."""
    payload = {
        "activity_id": str(uuid.uuid4()),
        "team_id": str(uuid.uuid4()),
        "title": "文明交通劝导",
        "kind": "traffic_civility",
        "location": "浦口大道",
        "started_at": "2026-08-09T23:00:00+08:00",
        "ended_at": "2026-08-10T01:30:00+08:00",
        "completed_at": "2026-08-10T02:00:00+08:00",
        "attendance": [{"volunteer_id": volunteer_id or str(uuid.uuid4()), "hours": hours}],
    }
    return payload | overrides


def activity_completed_v2(hours: Any = "2.5", **overrides: Any) -> dict[str, Any]:
    """The same as schema version 2 holds it: with the service record's fields."""
    return activity_completed(hours, **SERVICE_RECORD, **overrides)


def activity_completed_v3(hours: Any = "2.5", **overrides: Any) -> dict[str, Any]:
    """The same as schema version 3 holds it: on time, so with no late reason."""
    return activity_completed_v2(hours, late_reason=None, **overrides)
