"""Activities over HTTP on SQLite and PostgreSQL: scheduling, completion, hours, star levels."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from support.tokens import bearer
from teams_testkit import READER, WRITER, Kit, teams_kit


@pytest.fixture
def crew(kit: Kit) -> tuple[str, list[uuid.UUID]]:
    """A team with three members."""
    team = kit.team()
    members = [kit.volunteer(f"志愿者{n}") for n in range(3)]
    for volunteer in members:
        assert kit.assign(team["team_id"], volunteer).status_code == 201
    return team["team_id"], members


def test_an_activity_keeps_the_service_record_fields_in_utc(kit: Kit) -> None:
    team = kit.team()
    response = kit.client.post(
        "/activities",
        json={
            "team_id": team["team_id"],
            "title": "夜间市容巡查",
            "kind": "city_appearance",
            "location": "黄兴路步行街",
            "starts_at": "2026-03-01T22:00:00+08:00",
            "ends_at": "2026-03-02T01:30:00+08:00",
            "content": "巡查占道经营\n劝导乱停车",
            "organising_unit": "五一街道办事处",
            "person_in_charge": "张伟",
        },
        headers=WRITER,
    )
    assert response.status_code == 201, response.get_json()
    activity = response.get_json()
    assert response.headers["Location"] == f"/activities/{activity['activity_id']}"
    assert activity["starts_at"] == "2026-03-01T14:00:00+00:00"
    assert activity["ends_at"] == "2026-03-01T17:30:00+00:00"
    assert activity["length_hours"] == "3.50"
    assert (activity["kind_label"], activity["status"], activity["status_label"]) == (
        "市容巡查",
        "scheduled",
        "待开展",
    )
    assert (activity["organising_unit"], activity["person_in_charge"]) == ("五一街道办事处", "张伟")
    assert activity["attendance"] == []
    shown = kit.client.get(f"/activities/{activity['activity_id']}", headers=READER).get_json()
    assert shown == activity
    listed = kit.client.get(f"/teams/{team['team_id']}/activities", headers=READER).get_json()
    assert [a["activity_id"] for a in listed] == [activity["activity_id"]]
    assert kit.event_types() == ["TeamCreated", "ActivityScheduled"]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"ends_at": "2026-03-01T09:00:00+08:00"}, {"ends_at"}),
        ({"ends_at": "2026-03-01T10:00:00+08:00"}, {"ends_at"}),
        ({"starts_at": "2026-03-01T10:00:00"}, {"starts_at"}),
        ({"kind": "dancing"}, {"kind"}),
        ({"title": ""}, {"title"}),
        ({"location": None}, {"location"}),
        ({"team_id": str(uuid.UUID(int=7))}, {"team_id"}),
        ({"person_in_charge": "x" * 51}, {"person_in_charge"}),
        # The record's fields are required (《志愿服务记录与证明出具办法》 Art. 7), not blank.
        ({"content": None}, {"content"}),
        ({"content": " \n "}, {"content"}),
        ({"content": "x" * 2001}, {"content"}),
        ({"organising_unit": ""}, {"organising_unit"}),
        ({"organising_unit": "x" * 101}, {"organising_unit"}),
        ({"person_in_charge": "  "}, {"person_in_charge"}),
        (
            {"content": None, "organising_unit": None, "person_in_charge": "\t"},
            {"content", "organising_unit", "person_in_charge"},
        ),
        # Found by schemathesis: a time with no UTC equivalent was a 500.
        ({"starts_at": "0001-01-01T00:01:00+05:05"}, {"starts_at"}),
        ({"ends_at": "9999-12-31T23:59:00-05:00"}, {"ends_at"}),
    ],
)
def test_invalid_activities_are_422_naming_the_fields(
    kit: Kit, change: dict, fields: set[str]
) -> None:
    team = kit.team()
    body = {
        "team_id": team["team_id"],
        "title": "护学岗",
        "kind": "school_guard",
        "location": "育才学校门口",
        "starts_at": "2026-03-01T10:00:00+08:00",
        "ends_at": "2026-03-01T12:00:00+08:00",
        "content": "护送学生过马路",
        "organising_unit": "育才学校",
        "person_in_charge": "李老师",
        **change,
    }
    body = {key: value for key, value in body.items() if value is not None}
    response = kit.client.post("/activities", json=body, headers=WRITER)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == fields
    assert kit.event_types() == ["TeamCreated"]


def test_completion_credits_exact_hours(kit: Kit, crew: tuple[str, list[uuid.UUID]]) -> None:
    team_id, (first, second, _) = crew
    one = kit.activity(team_id).get_json()["activity_id"]
    two = kit.activity(team_id).get_json()["activity_id"]
    done = kit.complete(one, [(first, 0.1), (second, "2")])
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["status"] == "completed" and body["completed_at"].endswith("+00:00")
    assert {a["volunteer_id"]: a["hours"] for a in body["attendance"]} == {
        str(first): "0.10",
        str(second): "2.00",
    }
    assert kit.complete(two, [(first, "0.2")]).status_code == 201
    hours = kit.client.get(f"/volunteers/{first}/hours", headers=READER).get_json()
    last_record = hours.pop("last_record")
    assert hours == {
        "volunteer_id": str(first),
        "total_hours": "0.30",
        "activity_count": 2,
        "star_level": 0,
        "star_label": None,
        "next_star_at": "100.00",
    }
    assert last_record["activity_id"] == two
    assert kit.event_types()[-2:] == ["ActivityCompleted", "ActivityCompleted"]


def test_completion_emits_the_contract_payload(kit: Kit, crew: tuple[str, list[uuid.UUID]]) -> None:
    team_id, (first, *_) = crew
    activity = kit.activity(team_id, length=1.5).get_json()
    kit.complete(activity["activity_id"], [(first, 1.5)])
    events = kit.client.get("/events?limit=1000", headers=bearer("events:read")).get_json()
    completed = events["events"][-1]
    assert completed["event_type"] == "ActivityCompleted"
    assert completed["producer"] == "teams"
    assert completed["aggregate_id"] == activity["activity_id"]
    assert completed["aggregate_version"] == 2
    assert completed["schema_version"] == 3
    payload = completed["payload"]
    assert payload["attendance"] == [{"volunteer_id": str(first), "hours": "1.50"}]
    assert payload["started_at"] == activity["starts_at"]
    assert set(payload) == {
        "activity_id",
        "team_id",
        "title",
        "kind",
        "location",
        "started_at",
        "ended_at",
        "completed_at",
        "attendance",
        "content",
        "organising_unit",
        "person_in_charge",
        "late_reason",
    }


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (0, "greater than 0"),
        ("-1", "greater than 0"),
        ("1.234", "two decimal places"),
        (2.001, "two decimal places"),
        ("2.01", "length of 2.00"),
        ("100000000000000000000000000000000", "length"),
    ],
)
def test_bad_hours_are_422_at_the_attendee(
    kit: Kit, crew: tuple[str, list[uuid.UUID]], hours: object, problem: str
) -> None:
    team_id, (first, second, _) = crew
    activity_id = kit.activity(team_id, length=2).get_json()["activity_id"]
    events = kit.event_types()
    response = kit.complete(activity_id, [(first, "1"), (second, hours)])
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]["json"]["attendance"]
    assert list(errors) == ["1"] and problem in " ".join(errors["1"]["hours"])
    assert kit.event_types() == events
    assert (
        kit.client.get(f"/volunteers/{first}/hours", headers=READER).get_json()["total_hours"]
        == "0.00"
    )


def test_attendance_must_be_members_listed_once(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, *_) = crew
    outsider = kit.volunteer()
    activity_id = kit.activity(team_id).get_json()["activity_id"]
    response = kit.complete(activity_id, [(first, 1), (outsider, 1), (first, 1)])
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["attendance"]
    assert errors["1"] == {
        "volunteer_id": ["neither a member of the activity's team nor an accepted applicant"]
    }
    assert errors["2"] == {"volunteer_id": ["listed more than once"]}
    empty = kit.complete(activity_id, [])
    assert empty.status_code == 422 and "attendance" in empty.get_json()["errors"]["json"]
    malformed = kit.client.post(
        f"/activities/{activity_id}/completion",
        json={"attendance": [{"volunteer_id": "x", "hours": "many"}]},
        headers=WRITER,
    )
    assert malformed.status_code == 422
    assert set(malformed.get_json()["errors"]["json"]["attendance"]["0"]) == {
        "volunteer_id",
        "hours",
    }
    assert kit.event_types()[-1] == "ActivityScheduled"


def test_an_activity_is_completed_or_cancelled_once(
    kit: Kit, crew: tuple[str, list[uuid.UUID]]
) -> None:
    team_id, (first, *_) = crew
    done = kit.activity(team_id).get_json()["activity_id"]
    assert kit.complete(done, [(first, 1)]).status_code == 201
    twice = kit.complete(done, [(first, 1)])
    assert twice.status_code == 409 and "completed" in twice.get_json()["message"]
    cancel = {"reason": "暴雨"}
    path = f"/activities/{done}/cancellation"
    assert kit.client.post(path, json=cancel, headers=WRITER).status_code == 409

    called_off = kit.activity(team_id).get_json()["activity_id"]
    path = f"/activities/{called_off}/cancellation"
    cancelled = kit.client.post(path, json=cancel, headers=WRITER)
    assert cancelled.status_code == 201
    body = cancelled.get_json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "暴雨")
    assert kit.client.post(path, json=cancel, headers=WRITER).status_code == 409
    assert kit.complete(called_off, [(first, 1)]).status_code == 409
    assert kit.client.post(path, json={}, headers=WRITER).status_code == 422

    future = kit.activity(team_id, hours_ago=-24).get_json()
    early = kit.complete(future["activity_id"], [(first, 1)])
    assert early.status_code == 422
    assert future["ends_at"] in early.get_json()["errors"]["json"]["ends_at"][0]
    under_way = kit.activity(team_id, hours_ago=1, length=2).get_json()["activity_id"]
    too_soon = kit.complete(under_way, [(first, 1)])
    assert too_soon.status_code == 422 and set(too_soon.get_json()["errors"]["json"]) == {"ends_at"}
    assert (
        kit.client.get(f"/volunteers/{first}/hours", headers=READER).get_json()["activity_count"]
        == 1
    )


def test_unknown_activities_are_404(kit: Kit) -> None:
    unknown = uuid.uuid4()
    assert kit.client.get(f"/activities/{unknown}", headers=READER).status_code == 404
    assert kit.complete(str(unknown), [(uuid.uuid4(), 1)]).status_code == 404
    cancel = kit.client.post(
        f"/activities/{unknown}/cancellation", json={"reason": "x"}, headers=WRITER
    )
    assert cancel.status_code == 404
    team = kit.team()
    assert kit.client.get(f"/activities/{team['team_id']}", headers=READER).status_code == 404


def test_hours_of_unknown_volunteers_are_404(kit: Kit) -> None:
    response = kit.client.get(f"/volunteers/{uuid.uuid4()}/hours", headers=READER)
    assert response.status_code == 404


@pytest.fixture
def low_stars(monkeypatch: pytest.MonkeyPatch, database_url: str, amqp_url: str) -> Iterator[Kit]:
    monkeypatch.setenv("STAR_THRESHOLDS", "1, 2, 3.5, 4, 5")
    with teams_kit(database_url, amqp_url) as made:
        yield made


def test_star_levels_follow_the_configured_thresholds(low_stars: Kit) -> None:
    kit = low_stars
    team = kit.team()
    volunteer = kit.volunteer()
    kit.assign(team["team_id"], volunteer)
    seen = []
    for hours in ("0.99", "0.01", "1.49", "0.01", "3"):
        activity_id = kit.activity(team["team_id"], length=3).get_json()["activity_id"]
        assert kit.complete(activity_id, [(volunteer, hours)]).status_code == 201
        body = kit.client.get(f"/volunteers/{volunteer}/hours", headers=READER).get_json()
        seen.append((body["total_hours"], body["star_level"], body["next_star_at"]))
    assert seen == [
        ("0.99", 0, "1.00"),
        ("1.00", 1, "2.00"),
        ("2.49", 2, "3.50"),
        ("2.50", 2, "3.50"),
        ("5.50", 5, None),
    ]
    assert body["star_label"] == "五星志愿者"


def test_a_bad_star_threshold_setting_stops_the_app(
    monkeypatch: pytest.MonkeyPatch, database_url: str, amqp_url: str
) -> None:
    monkeypatch.setenv("STAR_THRESHOLDS", "100,50,600,1000,1500")
    with pytest.raises(ValueError, match="STAR_THRESHOLDS"), teams_kit(database_url, amqp_url):
        pass


def test_activities_of_a_team_come_latest_first(kit: Kit) -> None:
    team = kit.team()
    now = datetime.now(UTC)
    for days in (3, 1, 2):
        starts = now - timedelta(days=days)
        kit.activity(
            team["team_id"],
            title=f"第{days}天",
            starts_at=starts.isoformat(),
            ends_at=(starts + timedelta(hours=1)).isoformat(),
        )
    listed = kit.client.get(f"/teams/{team['team_id']}/activities", headers=READER).get_json()
    assert [a["title"] for a in listed] == ["第1天", "第2天", "第3天"]
