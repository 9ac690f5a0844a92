"""Service records over HTTP on SQLite and PostgreSQL: recording late with a reason, the activities
list with its overdue filter, corrections of hours and a volunteer's record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from association.auth import issue_token
from support.tokens import SECRET, role_bearer
from teams.domain.working_days import overdue_cutoff, recording_deadline
from teams_testkit import READER, WRITER, Kit

DAY = 24


def coordinator_of(organisation: str) -> dict[str, str]:
    token = issue_token(
        SECRET, "coordinator", "volunteers:read teams:write", role="coordinator", org=organisation
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def crew(kit: Kit) -> tuple[str, list[uuid.UUID]]:
    """A team with three members."""
    team = kit.team()
    members = [kit.volunteer(f"志愿者{n}") for n in range(3)]
    for volunteer in members:
        assert kit.assign(team["team_id"], volunteer).status_code == 201
    return team["team_id"], members


def correct(kit: Kit, activity_id: str, volunteer: Any, hours: Any, reason: str = "更正") -> Any:
    body = {"volunteer_id": str(volunteer), "hours": hours, "reason": reason}
    return kit.client.post(f"/activities/{activity_id}/corrections", json=body, headers=WRITER)


def hours_of(kit: Kit, volunteer: uuid.UUID) -> dict[str, Any]:
    return kit.client.get(f"/volunteers/{volunteer}/hours", headers=READER).get_json()


def ends_of(activity: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(activity["ends_at"])


def test_an_activity_answers_its_last_on_time_day(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, _ = crew
    for hours_ago in (3, 40 * DAY):
        activity = kit.activity(team_id, hours_ago=hours_ago).get_json()
        deadline = recording_deadline(ends_of(activity))
        assert activity["record_by"] == deadline.last_day.isoformat()
        assert activity["working_days_basis"] == deadline.basis.value
        assert activity["late_reason"] is None


def test_a_late_completion_needs_a_reason_and_keeps_it(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, *_) = crew
    activity = kit.activity(team_id, hours_ago=40 * DAY).get_json()
    assert recording_deadline(ends_of(activity)).is_late(datetime.now(UTC))
    refused = kit.complete(activity["activity_id"], [(first, 1)])
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]["json"]) == {"late_reason"}
    assert activity["record_by"] in refused.get_json()["errors"]["json"]["late_reason"][0]
    blank = kit.complete(activity["activity_id"], [(first, 1)], late_reason=" ")
    assert blank.status_code == 422 and "late_reason" in blank.get_json()["errors"]["json"]
    assert kit.event_types()[-1] == "ActivityScheduled", "the refusals recorded nothing"

    done = kit.complete(activity["activity_id"], [(first, 1)], late_reason="负责人出差，返回后补录")
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["late_reason"] == "负责人出差，返回后补录"
    shown = kit.client.get(f"/activities/{activity['activity_id']}", headers=READER).get_json()
    assert shown["late_reason"] == "负责人出差，返回后补录"
    events = kit.client.get("/events?limit=1000", headers=_events()).get_json()["events"]
    assert events[-1]["payload"]["late_reason"] == "负责人出差，返回后补录"

    on_time = kit.activity(team_id).get_json()["activity_id"]
    kept = kit.complete(on_time, [(first, 1)], late_reason="并未迟到")
    assert kept.status_code == 201 and kept.get_json()["late_reason"] is None


def _events() -> dict[str, str]:
    from support.tokens import bearer

    return bearer("events:read")


def test_activities_are_listed_by_status_team_and_overdue(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, *_) = crew
    other_team = kit.team()["team_id"]
    overdue = kit.activity(team_id, hours_ago=40 * DAY).get_json()
    recent = kit.activity(team_id, hours_ago=3).get_json()
    done = kit.activity(team_id, hours_ago=50 * DAY).get_json()
    kit.complete(done["activity_id"], [(first, 1)], late_reason="补录")
    called_off = kit.activity(other_team, hours_ago=60 * DAY).get_json()
    cancel = {"reason": "暴雨"}
    kit.client.post(
        f"/activities/{called_off['activity_id']}/cancellation", json=cancel, headers=WRITER
    )
    assert ends_of(overdue) < overdue_cutoff(datetime.now(UTC)) <= ends_of(recent)

    def listed(query: str = "") -> list[str]:
        response = kit.client.get(f"/activities{query}", headers=READER)
        assert response.status_code == 200, response.get_json()
        return [activity["activity_id"] for activity in response.get_json()]

    ids = {name: a["activity_id"] for name, a in [("overdue", overdue), ("recent", recent)]}
    ids |= {"done": done["activity_id"], "called_off": called_off["activity_id"]}
    assert listed() == [ids["recent"], ids["overdue"], ids["done"], ids["called_off"]]
    assert listed("?status=overdue") == [ids["overdue"]]
    assert listed("?status=scheduled") == [ids["recent"], ids["overdue"]]
    assert listed("?status=completed") == [ids["done"]]
    assert listed("?status=cancelled") == [ids["called_off"]]
    assert listed(f"?team_id={other_team}") == [ids["called_off"]]
    assert listed(f"?team_id={other_team}&status=overdue") == []
    page = kit.client.get("/activities?page=2&page_size=3", headers=READER)
    assert [a["activity_id"] for a in page.get_json()] == [ids["called_off"]]
    assert '"total": 4' in page.headers["X-Pagination"]
    refused = kit.client.get("/activities?status=late", headers=READER)
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]["query"]
    assert kit.client.get("/activities", headers=WRITER).status_code == 403


def test_a_coordinator_lists_only_their_organisation_s_activities(kit: Kit) -> None:
    organisation, other = str(uuid.uuid4()), str(uuid.uuid4())
    own_team = kit.team(organisation_id=organisation)["team_id"]
    kit.team(organisation_id=other)
    own = kit.activity(own_team, hours_ago=40 * DAY).get_json()["activity_id"]
    theirs_team = kit.team(organisation_id=other)["team_id"]
    kit.activity(theirs_team, hours_ago=40 * DAY)
    for query in ("", "?status=overdue"):
        seen = kit.client.get(f"/activities{query}", headers=coordinator_of(organisation))
        assert [a["activity_id"] for a in seen.get_json()] == [own]
    assert len(kit.client.get("/activities", headers=READER).get_json()) == 2


def test_corrections_move_the_hours_totals_and_stars(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, second, forgotten) = crew
    long = kit.activity(team_id, hours_ago=110, length=101).get_json()["activity_id"]
    short = kit.activity(team_id).get_json()["activity_id"]
    assert kit.complete(long, [(first, 100), (second, 5)]).status_code == 201
    assert kit.complete(short, [(first, "1.5")]).status_code == 201
    assert hours_of(kit, first)["star_level"] == 1

    down = correct(kit, long, first, "98.25", "提前离开")
    assert down.status_code == 201, down.get_json()
    attendance = {a["volunteer_id"]: a["hours"] for a in down.get_json()["attendance"]}
    assert attendance == {str(first): "98.25", str(second): "5.00"}
    ledger = hours_of(kit, first)
    assert (ledger["total_hours"], ledger["activity_count"], ledger["star_level"]) == (
        "99.75",
        2,
        0,
    )
    assert correct(kit, long, first, "100").status_code == 201
    assert hours_of(kit, first)["star_level"] == 1, "up again"

    to_zero = correct(kit, long, second, 0, "未到场")
    assert to_zero.status_code == 201
    attendance = {a["volunteer_id"]: a["hours"] for a in to_zero.get_json()["attendance"]}
    assert attendance[str(second)] == "0.00", "the row stays, with 0"
    ledger = hours_of(kit, second)
    assert (ledger["total_hours"], ledger["activity_count"], ledger["last_record"]) == (
        "0.00",
        0,
        None,
    )
    added = correct(kit, short, forgotten, "1.5", "漏记")
    assert added.status_code == 201
    assert hours_of(kit, forgotten)["total_hours"] == "1.50"
    assert hours_of(kit, forgotten)["activity_count"] == 1
    assert kit.event_types().count("HoursCorrected") == 4
    events = kit.client.get("/events?limit=1000", headers=_events()).get_json()["events"]
    last = events[-1]
    assert (last["event_type"], last["aggregate_id"], last["aggregate_version"]) == (
        "HoursCorrected",
        short,
        3,
    )
    assert last["payload"]["previous_hours"] == "0.00" and last["payload"]["hours"] == "1.50"


def test_invalid_corrections_change_nothing(kit: Kit, crew: tuple[str, list[uuid.UUID]]) -> None:
    team_id, (first, *_) = crew
    scheduled = kit.activity(team_id).get_json()["activity_id"]
    assert correct(kit, scheduled, first, 1).status_code == 409
    called_off = kit.activity(team_id).get_json()["activity_id"]
    cancel = {"reason": "暴雨"}
    kit.client.post(f"/activities/{called_off}/cancellation", json=cancel, headers=WRITER)
    assert correct(kit, called_off, first, 1).status_code == 409
    assert correct(kit, str(uuid.uuid4()), first, 1).status_code == 404
    done = kit.activity(team_id).get_json()["activity_id"]
    assert kit.complete(done, [(first, "1.5")]).status_code == 201
    before = kit.event_types()

    def refused(volunteer: Any, hours: Any, reason: Any = "更正") -> set[str]:
        body = {"volunteer_id": volunteer, "hours": hours, "reason": reason}
        body = {key: value for key, value in body.items() if value is not None}
        answer = kit.client.post(f"/activities/{done}/corrections", json=body, headers=WRITER)
        assert answer.status_code == 422, answer.get_json()
        return set(answer.get_json()["errors"]["json"])

    stranger = str(kit.volunteer())
    assert refused(stranger, 1) == {"volunteer_id"}
    assert refused(str(first), "1.50") == {"hours"}
    assert refused(str(first), "-0.5") == {"hours"}
    assert refused(str(first), "2.01") == {"hours"}
    assert refused(str(first), "1.255") == {"hours"}
    assert refused(str(first), 1, "") == {"reason"}
    assert refused(str(first), 1, None) == {"reason"}
    assert refused(None, 1) == {"volunteer_id"}
    answer = correct(kit, done, first, "1.5")
    assert "already 1.50" in answer.get_json()["errors"]["json"]["hours"][0]
    assert kit.event_types() == before
    assert hours_of(kit, first)["total_hours"] == "1.50"


def test_a_volunteer_s_record_lists_activities_with_their_corrections(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, second, _) = crew
    old = kit.activity(team_id, hours_ago=20 * DAY).get_json()
    kit.complete(old["activity_id"], [(first, 1), (second, 2)], late_reason="补录")
    new = kit.activity(team_id, hours_ago=3).get_json()
    kit.complete(new["activity_id"], [(second, 2)])
    kit.activity(team_id, hours_ago=5)  # never completed: not on any record
    assert correct(kit, old["activity_id"], first, "1.5", "签到漏记半小时").status_code == 201
    assert correct(kit, old["activity_id"], first, 0, "核实未到场").status_code == 201
    assert correct(kit, new["activity_id"], first, "0.5", "漏记").status_code == 201

    response = kit.client.get(f"/volunteers/{first}/records", headers=READER)
    assert response.status_code == 200, response.get_json()
    records = response.get_json()
    assert [r["activity_id"] for r in records] == [new["activity_id"], old["activity_id"]]
    latest, earliest = records
    assert (latest["hours"], earliest["hours"]) == ("0.50", "0.00")
    assert earliest["late_reason"] == "补录" and latest["late_reason"] is None
    assert (earliest["content"], earliest["organising_unit"], earliest["person_in_charge"]) == (
        old["content"],
        old["organising_unit"],
        old["person_in_charge"],
    )
    assert (earliest["started_at"], earliest["ended_at"]) == (old["starts_at"], old["ends_at"])
    assert earliest["kind_label"] == "文明交通劝导" and earliest["recorded_at"]
    shown = kit.client.get(f"/activities/{old['activity_id']}", headers=READER).get_json()
    writer = shown["recorded_by"]
    assert writer is not None and writer["id"] == "tester"
    assert earliest["recorded_by"] == writer
    assert [(c["previous_hours"], c["hours"], c["reason"]) for c in earliest["corrections"]] == [
        ("1.00", "1.50", "签到漏记半小时"),
        ("1.50", "0.00", "核实未到场"),
    ]
    assert earliest["corrections"][0]["corrected_by"] == writer
    assert [c["reason"] for c in latest["corrections"]] == ["漏记"]
    others = kit.client.get(f"/volunteers/{second}/records", headers=READER).get_json()
    assert [r["corrections"] for r in others] == [[], []]

    own = kit.client.get(
        f"/volunteers/{first}/records", headers=role_bearer("volunteer", str(first))
    )
    assert own.status_code == 200 and own.get_json() == records
    stranger = role_bearer("volunteer", str(second))
    assert kit.client.get(f"/volunteers/{first}/records", headers=stranger).status_code == 404
    assert kit.client.get(f"/volunteers/{uuid.uuid4()}/records", headers=READER).status_code == 404


def test_a_record_is_paginated_and_filtered_by_china_dates(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, *_) = crew
    made = []
    for days in (1, 3, 5, 7):
        activity = kit.activity(team_id, hours_ago=days * DAY).get_json()
        kit.complete(activity["activity_id"], [(first, 1)])
        made.append(activity)
    path = f"/volunteers/{first}/records"
    page = kit.client.get(f"{path}?page=2&page_size=3", headers=READER)
    assert [r["activity_id"] for r in page.get_json()] == [made[3]["activity_id"]]
    assert '"total": 4' in page.headers["X-Pagination"]
    assert kit.client.get(f"{path}?page_size=101", headers=READER).status_code == 422

    def china_day(activity: dict[str, Any]) -> str:
        started = datetime.fromisoformat(activity["starts_at"]) + timedelta(hours=8)
        return started.date().isoformat()

    since, until = china_day(made[2]), china_day(made[1])
    window = kit.client.get(f"{path}?from={since}&to={until}", headers=READER).get_json()
    assert [r["activity_id"] for r in window] == [made[1]["activity_id"], made[2]["activity_id"]]
    one_day = kit.client.get(f"{path}?from={until}&to={until}", headers=READER).get_json()
    assert [r["activity_id"] for r in one_day] == [made[1]["activity_id"]]
    backwards = kit.client.get(f"{path}?from={until}&to={since}", headers=READER)
    assert backwards.status_code == 422 and "to" in backwards.get_json()["errors"]["query"]
