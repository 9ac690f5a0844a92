"""Attendance recorded ahead in batches, and the completion that counts it with the check-in
hours: 800 attendees in two batches, a completion from check-ins only, and the refusals."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from presence_testkit import ORG, OTHER_ORG, accept, coordinator, event_count, present
from sqlalchemy import select

from association.store import events_table
from teams.adapters.tables import service_hours_table
from teams_testkit import READER, WRITER, Kit


def batch(kit: Kit, activity_id: str, entries: list[tuple[Any, Any]], headers: Any = WRITER) -> Any:
    body = {"attendance": [{"volunteer_id": str(v), "hours": str(h)} for v, h in entries]}
    return kit.client.post(f"/activities/{activity_id}/attendance", json=body, headers=headers)


def complete(kit: Kit, activity_id: str, body: dict[str, Any] | None = None) -> Any:
    path = f"/activities/{activity_id}/completion"
    return kit.client.post(path, json=body or {}, headers=WRITER)


def attendance_of(kit: Kit, activity_id: str) -> dict[str, Decimal]:
    shown = kit.client.get(f"/activities/{activity_id}", headers=READER).get_json()
    return {a["volunteer_id"]: Decimal(a["hours"]) for a in shown["attendance"]}


def completed_payloads(kit: Kit, activity_id: str) -> list[dict[str, Any]]:
    with kit.context.database.reader() as session:
        rows = session.execute(
            select(events_table.c.payload).where(
                events_table.c.aggregate_id == activity_id,
                events_table.c.event_type == "ActivityCompleted",
            )
        )
        return list(rows.scalars())


def test_800_attendees_in_two_batches_then_a_completion_without_a_body(kit: Kit) -> None:
    team = kit.team()
    activity_id = kit.activity(team["team_id"], hours_ago=5, length=4).get_json()["activity_id"]
    applicants = [uuid.uuid4() for _ in range(800)]
    accept(kit, activity_id, applicants)
    hours = {v: Decimal(1 + n % 3) + Decimal("0.25") for n, v in enumerate(applicants)}
    first = batch(kit, activity_id, [(v, hours[v]) for v in applicants[:500]])
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["recorded_count"] == 500
    second = batch(kit, activity_id, [(v, hours[v]) for v in applicants[500:]])
    assert second.status_code == 201 and second.get_json()["recorded_count"] == 800
    done = complete(kit, activity_id)
    assert done.status_code == 201, done.get_json()
    [payload] = completed_payloads(kit, activity_id)
    assert len(payload["attendance"]) == 800
    assert attendance_of(kit, activity_id) == {str(v): h for v, h in hours.items()}
    assert sum(attendance_of(kit, activity_id).values()) == sum(hours.values())
    with kit.context.database.reader() as session:
        ledger = dict(
            session.execute(
                select(service_hours_table.c.volunteer_id, service_hours_table.c.hundredths)
            ).all()
        )
    assert {str(v): int(h * 100) for v, h in hours.items()}.items() <= ledger.items()
    refused = batch(kit, activity_id, [(applicants[0], 1)])
    assert refused.status_code == 409


def test_a_batch_replaces_an_attendee_s_entry_and_refusals_change_nothing(kit: Kit) -> None:
    team = kit.team(organisation_id=ORG)
    member, outsider = kit.volunteer(), kit.volunteer()
    assert kit.assign(team["team_id"], member).status_code == 201
    ended = kit.activity(team["team_id"]).get_json()["activity_id"]
    ongoing = kit.activity(team["team_id"], hours_ago=1).get_json()["activity_id"]
    before = event_count(kit)
    not_ended = batch(kit, ongoing, [(member, 1)])
    assert not_ended.status_code == 422 and "ends_at" in not_ended.get_json()["errors"]["json"]
    wrong = batch(kit, ended, [(member, "2.001"), (outsider, 1), (member, 1)])
    assert wrong.status_code == 422
    errors = wrong.get_json()["errors"]["json"]["attendance"]
    assert set(errors) == {"0", "1", "2"} and "hours" in errors["0"]
    assert "volunteer_id" in errors["1"] and "volunteer_id" in errors["2"]
    assert batch(kit, ended, [(member, 3)]).status_code == 422  # longer than the activity
    assert batch(kit, ended, [(member, 1)], coordinator(OTHER_ORG)).status_code == 404
    assert batch(kit, str(uuid.uuid4()), [(member, 1)]).status_code == 404
    assert event_count(kit) == before

    assert batch(kit, ended, [(member, "1.5")], coordinator()).status_code == 201
    again = batch(kit, ended, [(member, "1.75")], coordinator())
    assert again.status_code == 201 and again.get_json()["recorded_count"] == 1
    assert complete(kit, ended).status_code == 201
    assert attendance_of(kit, ended) == {str(member): Decimal("1.75")}


def test_a_completion_counts_check_ins_batches_and_its_own_entries(kit: Kit) -> None:
    team = kit.team()
    crew = [kit.volunteer() for _ in range(5)]
    for volunteer in crew:
        assert kit.assign(team["team_id"], volunteer).status_code == 201
    activity = kit.activity(team["team_id"], hours_ago=4, length=3).get_json()
    activity_id = activity["activity_id"]
    starts = datetime.fromisoformat(activity["starts_at"])
    present(kit, activity, crew[0], starts - timedelta(minutes=30), starts + timedelta(hours=2))
    present(kit, activity, crew[1], starts + timedelta(minutes=10), starts + timedelta(hours=5))
    present(kit, activity, crew[2], starts, None)  # never checked out: not counted
    present(kit, activity, crew[3], starts, starts + timedelta(minutes=5))  # under 0.1 h
    present(kit, activity, crew[4], starts, starts + timedelta(hours=1))
    listed = kit.client.get(f"/activities/{activity_id}/presences", headers=WRITER).get_json()
    assert {p["volunteer_id"]: p["hours"] for p in listed} == {
        str(crew[0]): "2.0",
        str(crew[1]): "2.8",
        str(crew[2]): None,
        str(crew[3]): None,
        str(crew[4]): "1.0",
    }
    assert batch(kit, activity_id, [(crew[4], "2.5")]).status_code == 201  # a batch wins
    body = {"attendance": [{"volunteer_id": str(crew[1]), "hours": "3"}]}  # the body wins
    done = complete(kit, activity_id, body)
    assert done.status_code == 201, done.get_json()
    assert attendance_of(kit, activity_id) == {
        str(crew[0]): Decimal("2.0"),
        str(crew[1]): Decimal("3"),
        str(crew[4]): Decimal("2.5"),
    }


def test_a_completion_from_check_ins_only_and_one_with_nobody(kit: Kit) -> None:
    team = kit.team()
    member = kit.volunteer()
    assert kit.assign(team["team_id"], member).status_code == 201
    activity = kit.activity(team["team_id"]).get_json()
    starts = datetime.fromisoformat(activity["starts_at"])
    present(kit, activity, member, starts, starts + timedelta(minutes=95))
    done = complete(kit, activity["activity_id"])
    assert done.status_code == 201, done.get_json()
    assert attendance_of(kit, activity["activity_id"]) == {str(member): Decimal("1.5")}
    totals = kit.client.get(f"/volunteers/{member}/hours", headers=READER).get_json()
    assert totals["total_hours"] == "1.50"

    empty = kit.activity(team["team_id"]).get_json()["activity_id"]
    before = event_count(kit)
    nobody = complete(kit, empty)
    assert nobody.status_code == 422 and "attendance" in nobody.get_json()["errors"]["json"]
    assert event_count(kit) == before
