"""Who recorded the hours, on SQLite and PostgreSQL: the activity and the volunteer's hours name
the actor of the completion, and a rebuild gets it back from the events."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from association.store.tables import events_table
from support.tokens import bearer, role_bearer
from teams.adapters.rebuild import rebuild
from teams_testkit import READER, Kit

OFFICE = role_bearer("office", "office-7")


def complete(kit: Kit, activity_id: str, volunteer: uuid.UUID, headers: dict[str, str]) -> Any:
    body = {"attendance": [{"volunteer_id": str(volunteer), "hours": "1.5"}]}
    response = kit.client.post(f"/activities/{activity_id}/completion", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def hours_of(kit: Kit, volunteer: uuid.UUID) -> dict[str, Any]:
    return kit.client.get(f"/volunteers/{volunteer}/hours", headers=READER).get_json()


def activity_of(kit: Kit, activity_id: str) -> dict[str, Any]:
    return kit.client.get(f"/activities/{activity_id}", headers=READER).get_json()


def test_the_activity_and_the_hours_name_who_recorded_the_completion(kit: Kit) -> None:
    team = kit.team()
    volunteer = kit.volunteer()
    assert kit.assign(team["team_id"], volunteer).status_code == 201
    first = kit.activity(team["team_id"], hours_ago=6).get_json()["activity_id"]
    second = kit.activity(team["team_id"]).get_json()["activity_id"]
    assert activity_of(kit, first)["recorded_by"] is None
    assert hours_of(kit, volunteer)["last_record"] is None

    answered = complete(kit, first, volunteer, OFFICE)
    staff = {"kind": "staff", "id": "office-7"}
    assert answered["recorded_by"] == staff
    assert activity_of(kit, first)["recorded_by"] == staff
    assert hours_of(kit, volunteer)["last_record"] == {
        "activity_id": first,
        "completed_at": answered["completed_at"],
        "recorded_by": staff,
    }

    complete(kit, second, volunteer, bearer("teams:write", sub="ops"))
    admin = {"kind": "admin", "id": "ops"}
    assert activity_of(kit, second)["recorded_by"] == admin
    assert activity_of(kit, first)["recorded_by"] == staff
    assert hours_of(kit, volunteer)["last_record"]["recorded_by"] == admin
    feed = kit.client.get("/events?limit=1000", headers=bearer("events:read")).get_json()
    actors = [e["actor"] for e in feed["events"] if e["event_type"] == "ActivityCompleted"]
    assert actors == [staff, admin]


def test_a_rebuild_names_the_same_recorders_and_none_for_completions_stored_before(
    kit: Kit,
) -> None:
    team = kit.team()
    volunteer = kit.volunteer()
    kit.assign(team["team_id"], volunteer)
    recorded = kit.activity(team["team_id"], hours_ago=6).get_json()["activity_id"]
    older = kit.activity(team["team_id"]).get_json()["activity_id"]
    complete(kit, recorded, volunteer, OFFICE)
    complete(kit, older, volunteer, OFFICE)
    with kit.context.database.transaction() as session:  # as an append before this change wrote it
        session.execute(
            update(events_table)
            .where(
                events_table.c.aggregate_id == older,
                events_table.c.event_type == "ActivityCompleted",
            )
            .values(metadata={"correlation_id": None, "causation_id": None})
        )
    with kit.context.database.transaction() as session:
        rebuild(session, kit.context.store)
    assert activity_of(kit, recorded)["recorded_by"] == {"kind": "staff", "id": "office-7"}
    assert activity_of(kit, older)["recorded_by"] is None
    assert hours_of(kit, volunteer)["last_record"]["recorded_by"] is None
    assert hours_of(kit, volunteer)["total_hours"] == "3.00"
