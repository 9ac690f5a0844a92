"""The teams routes over HTTP on SQLite and PostgreSQL: creation, listing, members, auth."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from association.store.tables import idempotency_table
from support.tokens import bearer
from teams_testkit import READER, WRITER, Kit, withdrawn


def test_a_team_is_created_listed_and_shown(kit: Kit) -> None:
    created = kit.team(
        name="高校文明劝导队",
        kind="university",
        description="湖南大学青年志愿者\n每周六",
        required_skills=["first_aid"],
        capacity=12,
    )
    assert created["kind"] == "university" and created["kind_label"] == "高校志愿服务队"
    assert created["capacity"] == 12 and created["required_skills"] == ["first_aid"]
    assert created["members"] == [] and created["member_count"] == 0
    assert created["created_at"].endswith("+00:00")
    shown = kit.client.get(f"/teams/{created['team_id']}", headers=READER)
    assert shown.status_code == 200
    assert shown.get_json() == created
    listed = kit.client.get("/teams", headers=READER)
    assert [t["name"] for t in listed.get_json()] == ["高校文明劝导队"]
    assert kit.event_types() == ["TeamCreated"]
    assert kit.outbox_size() == 1


def test_create_answers_location_and_defaults(kit: Kit) -> None:
    response = kit.client.post(
        "/teams", json={"name": "社区队", "kind": "community"}, headers=WRITER
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/teams/{body['team_id']}"
    assert (body["description"], body["required_skills"], body["capacity"]) == ("", [], None)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "kind"}),
        ({"name": "", "kind": "community"}, {"name"}),
        ({"name": "   ", "kind": "community"}, {"name"}),
        ({"name": "a\x07b", "kind": "community"}, {"name"}),
        ({"name": "n" * 101, "kind": "community"}, {"name"}),
        ({"name": "队", "kind": "choir"}, {"kind"}),
        ({"name": "队", "kind": "community", "capacity": 0}, {"capacity"}),
        ({"name": "队", "kind": "community", "capacity": "10"}, {"capacity"}),
        ({"name": "队", "kind": "community", "required_skills": [""]}, {"required_skills"}),
        ({"name": "队", "kind": "community", "colour": "red"}, {"colour"}),
    ],
)
def test_invalid_teams_are_422_naming_the_fields_and_change_nothing(
    kit: Kit, body: dict, fields: set[str]
) -> None:
    response = kit.client.post("/teams", json=body, headers=WRITER)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == fields
    assert kit.event_types() == []
    assert kit.client.get("/teams", headers=READER).get_json() == []


def test_a_second_team_of_the_same_name_is_409(kit: Kit) -> None:
    kit.team(name="护河队")
    response = kit.client.post("/teams", json={"name": "护河队", "kind": "youth"}, headers=WRITER)
    assert response.status_code == 409
    assert "护河队" in response.get_json()["message"]
    assert kit.event_types() == ["TeamCreated"]


def test_teams_are_listed_by_kind_and_paginated(kit: Kit) -> None:
    for n in range(3):
        kit.team(name=f"社区队{n}", kind="community")
    kit.team(name="医护队", kind="professional")
    page = kit.client.get("/teams?kind=community&page=2&page_size=2", headers=READER)
    assert page.status_code == 200
    assert [t["name"] for t in page.get_json()] == ["社区队2"]
    assert '"total": 3' in page.headers["X-Pagination"]
    bad = kit.client.get("/teams?kind=choir", headers=READER)
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]["query"]


def test_a_page_past_what_a_bigint_counts_is_empty(kit: Kit) -> None:
    """Found by schemathesis: an OFFSET beyond a BIGINT was a 500."""
    team = kit.team()["team_id"]
    for url in (f"/teams?page={2**63}", f"/teams/{team}/activities?page={2**63}&page_size=100"):
        page = kit.client.get(url, headers=READER)
        assert page.status_code == 200 and page.get_json() == [], url


def test_unknown_teams_are_404(kit: Kit) -> None:
    unknown = uuid.uuid4()
    assert kit.client.get(f"/teams/{unknown}", headers=READER).status_code == 404
    assert kit.client.get("/teams/not-a-uuid", headers=READER).status_code == 404
    assert kit.client.get(f"/teams/{unknown}/activities", headers=READER).status_code == 404
    volunteer = kit.volunteer()
    assert kit.assign(str(unknown), volunteer).status_code == 404
    assert kit.event_types() == []


def test_tokens_and_scopes_are_required(kit: Kit) -> None:
    body = {"name": "队", "kind": "community"}
    assert kit.client.post("/teams", json=body).status_code == 401
    assert kit.client.post("/teams", json=body, headers=READER).status_code == 403
    assert kit.client.get("/teams").status_code == 401
    assert kit.client.get("/teams", headers=WRITER).status_code == 403
    assert kit.client.get(f"/volunteers/{uuid.uuid4()}/hours").status_code == 401
    assert kit.client.post("/teams", json=body, headers=bearer("admin")).status_code == 201
    assert kit.event_types() == ["TeamCreated"]


def test_a_known_volunteer_is_assigned_with_a_role(kit: Kit) -> None:
    team = kit.team(capacity=2)
    volunteer = kit.volunteer("王芳")
    response = kit.assign(team["team_id"], volunteer, "leader")
    assert response.status_code == 201
    (member,) = response.get_json()["members"]
    assert member["volunteer_id"] == str(volunteer)
    assert (member["name"], member["role"], member["role_label"]) == ("王芳", "leader", "队长")
    assert response.get_json()["member_count"] == 1
    assert kit.event_types() == ["TeamCreated", "TeamAssigned"]


def test_assignment_refusals_change_nothing(kit: Kit) -> None:
    team = kit.team(capacity=1)
    first, second = kit.volunteer(), kit.volunteer()
    assert kit.assign(team["team_id"], first).status_code == 201
    events = kit.event_types()

    again = kit.assign(team["team_id"], first)
    assert again.status_code == 409 and "already a member" in again.get_json()["message"]
    full = kit.assign(team["team_id"], second)
    assert full.status_code == 409 and "full" in full.get_json()["message"]

    stranger = kit.assign(team["team_id"], uuid.uuid4())
    assert stranger.status_code == 422
    message = stranger.get_json()["errors"]["json"]["volunteer_id"][0]
    assert "not known" in message and "not have arrived" in message

    bad_role = kit.client.post(
        f"/teams/{team['team_id']}/members",
        json={"volunteer_id": "nope", "role": "captain"},
        headers=WRITER,
    )
    assert bad_role.status_code == 422
    assert set(bad_role.get_json()["errors"]["json"]) == {"volunteer_id", "role"}

    assert kit.event_types() == events
    shown = kit.client.get(f"/teams/{team['team_id']}", headers=READER).get_json()
    assert [m["volunteer_id"] for m in shown["members"]] == [str(first)]


def test_a_withdrawn_volunteer_cannot_be_assigned(kit: Kit) -> None:
    team = kit.team()
    volunteer = kit.volunteer()
    kit.deliver(withdrawn(volunteer, 2))
    response = kit.assign(team["team_id"], volunteer)
    assert response.status_code == 422
    assert "withdrawn" in response.get_json()["errors"]["json"]["volunteer_id"][0]


def test_a_member_is_removed_once(kit: Kit) -> None:
    team = kit.team()
    volunteer = kit.volunteer()
    kit.assign(team["team_id"], volunteer)
    path = f"/teams/{team['team_id']}/members/{volunteer}"
    assert kit.client.delete(path, headers=READER).status_code == 403
    assert kit.client.delete(path, headers=WRITER).status_code == 204
    assert kit.client.delete(path, headers=WRITER).status_code == 404
    assert kit.client.get(f"/teams/{team['team_id']}", headers=READER).get_json()["members"] == []
    assert kit.event_types() == ["TeamCreated", "TeamAssigned", "TeamMemberRemoved"]
    assert kit.assign(team["team_id"], volunteer).status_code == 201


def test_a_withdrawal_removes_the_volunteer_from_every_team_by_events(kit: Kit) -> None:
    teams = [kit.team(), kit.team()]
    volunteer, other = kit.volunteer("李雷"), kit.volunteer()
    for team in teams:
        kit.assign(team["team_id"], volunteer)
    kit.assign(teams[0]["team_id"], other)
    kit.deliver(withdrawn(volunteer, 2))
    for team in teams:
        members = kit.client.get(f"/teams/{team['team_id']}", headers=READER).get_json()["members"]
        assert str(volunteer) not in [m["volunteer_id"] for m in members]
    assert kit.event_types()[-2:] == ["TeamMemberRemoved", "TeamMemberRemoved"]
    feed = kit.client.get("/events?after=0&limit=100", headers=bearer("events:read")).get_json()
    removals = [e for e in feed["events"] if e["event_type"] == "TeamMemberRemoved"]
    assert {e["payload"]["team_id"] for e in removals} == {t["team_id"] for t in teams}
    assert {e["payload"]["reason"] for e in removals} == {"withdrawn"}
    assert kit.client.get(f"/volunteers/{volunteer}/hours", headers=READER).status_code == 404


def test_idempotency_key_replays_the_first_answer(kit: Kit) -> None:
    headers = {**WRITER, "Idempotency-Key": "create-team-1"}
    body = {"name": "巡河护江队", "kind": "youth"}
    first = kit.client.post("/teams", json=body, headers=headers)
    second = kit.client.post("/teams", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    volunteer = kit.volunteer()
    path = f"/teams/{first.get_json()['team_id']}/members"
    assign_headers = {**WRITER, "Idempotency-Key": "assign-1"}
    member = {"volunteer_id": str(volunteer)}
    assert kit.client.post(path, json=member, headers=assign_headers).status_code == 201
    assert kit.client.post(path, json=member, headers=assign_headers).status_code == 201
    assert kit.event_types() == ["TeamCreated", "TeamAssigned"]


def test_a_withdrawal_forgets_the_stored_answers_that_name_the_volunteer(kit: Kit) -> None:
    team = kit.team()
    volunteer, other = kit.volunteer("欧阳澜珊"), kit.volunteer("李雷")
    path = f"/teams/{team['team_id']}/members"
    keys = {"naming": {**WRITER, "Idempotency-Key": "assign-a"}}
    keys["other"] = {**WRITER, "Idempotency-Key": "assign-b"}
    assert (
        kit.client.post(path, json={"volunteer_id": str(other)}, headers=keys["other"]).status_code
        == 201
    )
    answer = kit.client.post(path, json={"volunteer_id": str(volunteer)}, headers=keys["naming"])
    assert "欧阳澜珊" in answer.get_data(as_text=True)
    kit.deliver(withdrawn(volunteer, 2))
    with kit.context.database.reader() as session:
        stored = session.execute(select(idempotency_table.c.key, idempotency_table.c.body)).all()
    assert [key for key, _ in stored] == ["assign-b"]
    assert not [body for _, body in stored if "欧阳澜珊".encode() in body]
    replayed = kit.client.post(path, json={"volunteer_id": str(other)}, headers=keys["other"])
    assert replayed.headers["Idempotent-Replayed"] == "true"


def test_the_openapi_document_publishes_the_vocabularies(kit: Kit) -> None:
    spec = kit.client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert schemas["TeamIn"]["properties"]["kind"]["enum"] == [
        "professional",
        "university",
        "community",
        "youth",
        "enterprise",
    ]
    activity_kinds = schemas["ActivityIn"]["properties"]["kind"]
    assert "school_guard" in activity_kinds["enum"] and "护学岗" in activity_kinds["description"]
    for path in ("/teams", "/teams/{team_id}/members", "/activities/{activity_id}/completion"):
        assert path in spec["paths"]
    post = spec["paths"]["/teams"]["post"]
    assert post["x-required-scope"] == "teams:write"
    assert {"$ref": "#/components/parameters/IDEMPOTENCY_KEY"} in post["parameters"]
