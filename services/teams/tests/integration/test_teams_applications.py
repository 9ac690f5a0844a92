"""Applications for activities through the HTTP API, on SQLite and PostgreSQL: slots and the
waiting list, every refusal changing nothing, reach, cancellations with promotion, the lists, a
volunteer's withdrawal, and the rebuild."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from applications_testkit import (
    adult,
    apply,
    cancel,
    coordinator_of,
    listed,
    open_activity,
    own_token,
)
from sqlalchemy import select

from teams.adapters.rebuild import rebuild
from teams.adapters.tables import applications_table
from teams_testkit import READER, WRITER, Kit, withdrawn


def _team_with(kit: Kit, *volunteers: uuid.UUID, **fields: object) -> str:
    team_id = kit.team(**fields)["team_id"]
    for volunteer in volunteers:
        assert kit.assign(team_id, volunteer).status_code == 201
    return team_id


def test_scheduling_takes_the_recruitment_fields(kit: Kit) -> None:
    team_id = _team_with(kit)
    starts = datetime.now(UTC) + timedelta(days=2)
    answer = kit.activity(
        team_id,
        hours_ago=-48,
        slots=3,
        open_to="all",
        adults_only=True,
        sign_up_until=(starts - timedelta(days=1)).isoformat(),
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["slots"], body["open_to"], body["adults_only"]) == (3, "all", True)
    assert body["sign_up_until"] is not None
    assert (body["accepted_count"], body["waitlisted_count"]) == (0, 0)
    late = kit.activity(
        team_id, hours_ago=-48, sign_up_until=(starts + timedelta(days=1)).isoformat()
    )
    assert late.status_code == 422 and "sign_up_until" in late.get_json()["errors"]["json"]
    plain = kit.activity(team_id, hours_ago=-48).get_json()
    assert (plain["slots"], plain["open_to"], plain["adults_only"]) == (None, "team", False)


def test_slots_then_the_waiting_list_and_promotion_in_order(kit: Kit) -> None:
    volunteers = [adult(kit) for _ in range(5)]
    team_id = _team_with(kit, *volunteers)
    activity_id = open_activity(kit, team_id, slots=2)
    answers = [apply(kit, activity_id, v) for v in volunteers]
    assert [a.status_code for a in answers] == [201] * 5
    assert [a.get_json()["status"] for a in answers] == ["accepted"] * 2 + ["waitlisted"] * 3
    assert [a.get_json()["position"] for a in answers] == [None, None, 1, 2, 3]
    assert answers[0].headers["Location"].endswith(f"/applications/{volunteers[0]}")

    assert apply(kit, activity_id, volunteers[0]).status_code == 409
    assert cancel(kit, activity_id, volunteers[0]).status_code == 204
    rows = listed(kit, activity_id)
    by_id = {row["volunteer_id"]: row for row in rows}
    assert by_id[str(volunteers[2])]["status"] == "accepted"
    assert [by_id[str(v)]["position"] for v in volunteers[3:]] == [1, 2]
    assert by_id[str(volunteers[0])]["status"] == "cancelled"
    assert rows[0]["name"] == "刘玉珠"

    # A waiting volunteer cancels: the others move up, nobody is promoted.
    assert cancel(kit, activity_id, volunteers[3]).status_code == 204
    assert [r["volunteer_id"] for r in listed(kit, activity_id, "waitlisted")] == [
        str(volunteers[4])
    ]
    assert listed(kit, activity_id, "waitlisted")[0]["position"] == 1
    # A cancelled one may apply again, at the end of the list.
    again = apply(kit, activity_id, volunteers[0])
    assert again.status_code == 201 and again.get_json()["position"] == 2
    assert cancel(kit, activity_id, volunteers[3]).status_code == 404

    detail = kit.client.get(f"/activities/{activity_id}", headers=READER).get_json()
    assert (detail["accepted_count"], detail["waitlisted_count"]) == (2, 2)
    types = kit.event_types()
    assert types.count("ApplicationAccepted") == 2 and types.count("ApplicationWaitlisted") == 4
    assert types.count("ApplicationPromoted") == 1 and types.count("ApplicationCancelled") == 2

    with kit.context.database.transaction() as session:
        before = sorted(map(tuple, session.execute(select(applications_table)).all()))
        rebuild(session, kit.context.store)
        after = sorted(map(tuple, session.execute(select(applications_table)).all()))
    assert before == after and len(after) == 5


def test_each_ineligibility_is_refused_naming_its_field_and_changes_nothing(kit: Kit) -> None:
    member, outsider, minor, unknown_age = (
        adult(kit),
        adult(kit),
        adult(kit, True),
        adult(kit, None),
    )
    team_id = _team_with(kit, member, minor, unknown_age)
    for_team = open_activity(kit, team_id)
    adults = open_activity(kit, team_id, adults_only=True)
    closed = open_activity(
        kit, team_id, sign_up_until=(datetime.now(UTC) - timedelta(hours=1)).isoformat()
    )
    started = kit.activity(team_id, hours_ago=1).get_json()["activity_id"]
    cancelled = open_activity(kit, team_id)
    assert (
        kit.client.post(
            f"/activities/{cancelled}/cancellation", json={"reason": "暴雨"}, headers=WRITER
        ).status_code
        == 201
    )
    gone = adult(kit)
    kit.deliver(withdrawn(gone, 2))
    cases = [
        (for_team, uuid.uuid4(), "volunteer_id", "not known"),
        (for_team, gone, "volunteer_id", "withdrawn"),
        (for_team, outsider, "volunteer_id", "members of its team"),
        (adults, minor, "volunteer_id", "is a minor"),
        (adults, unknown_age, "volunteer_id", "age is not known"),
        (closed, member, "sign_up_until", "closed"),
        (started, member, "sign_up_until", "closed"),
        (cancelled, member, "activity", "cancelled"),
    ]
    events = len(kit.event_types())
    for activity_id, volunteer, field, reason in cases:
        answer = apply(kit, activity_id, volunteer)
        assert answer.status_code == 422, (field, reason, answer.get_json())
        messages = answer.get_json()["errors"]["json"][field]
        assert any(reason in message for message in messages), messages
    assert len(kit.event_types()) == events
    assert apply(kit, str(uuid.uuid4()), member).status_code == 404
    assert apply(kit, adults, member).status_code == 201


def test_reach_of_volunteers_and_coordinators(kit: Kit) -> None:
    org, other_org = str(uuid.uuid4()), str(uuid.uuid4())
    ours, theirs = adult(kit, organisation=org), adult(kit, organisation=other_org)
    team_id = _team_with(kit, ours, theirs, organisation_id=org)
    activity_id = open_activity(kit, team_id)
    events = len(kit.event_types())
    assert apply(kit, activity_id, ours, coordinator_of(other_org)).status_code == 404
    assert apply(kit, activity_id, theirs, own_token(ours)).status_code == 404
    refused = apply(kit, activity_id, theirs, coordinator_of(org))
    assert refused.status_code == 422 and "volunteer_id" in refused.get_json()["errors"]["json"]
    assert len(kit.event_types()) == events
    assert apply(kit, activity_id, ours, own_token(ours)).status_code == 201
    assert cancel(kit, activity_id, ours, own_token(theirs)).status_code == 404
    assert cancel(kit, activity_id, ours, coordinator_of(other_org)).status_code == 404
    path = f"/activities/{activity_id}/applications"
    assert kit.client.get(path, headers=coordinator_of(other_org)).status_code == 404
    assert kit.client.get(path, headers=own_token(ours)).status_code == 403
    assert cancel(kit, activity_id, ours, own_token(ours)).status_code == 204


def test_a_volunteer_lists_what_they_may_apply_for_and_their_applications(kit: Kit) -> None:
    member, minor, stranger = adult(kit), adult(kit, True), adult(kit)
    team_id = _team_with(kit, member, minor)
    other_team = _team_with(kit)
    for_team = open_activity(kit, team_id)
    for_all = open_activity(kit, other_team, open_to="all", days_ahead=3)
    adults = open_activity(kit, team_id, adults_only=True, days_ahead=4)
    open_activity(kit, other_team, days_ahead=5)  # another team's only
    kit.activity(team_id, hours_ago=1)  # started
    assert apply(kit, for_all, member).status_code == 201

    def visible(volunteer: uuid.UUID, query: str = "") -> dict[str, object]:
        answer = kit.client.get(f"/activities{query}", headers=own_token(volunteer))
        assert answer.status_code == 200, answer.get_json()
        return {row["activity_id"]: row["application_status"] for row in answer.get_json()}

    assert visible(member) == {for_team: None, for_all: "accepted", adults: None}
    assert visible(member, "?open=true") == visible(member)
    assert visible(minor) == {for_team: None, for_all: None}
    assert visible(stranger) == {for_all: None}
    staff = kit.client.get("/activities?open=true&page_size=100", headers=READER).get_json()
    assert {row["activity_id"] for row in staff} >= {for_team, for_all, adults}
    assert all(row["status"] == "scheduled" for row in staff)

    mine = kit.client.get(f"/volunteers/{member}/applications", headers=own_token(member))
    assert mine.status_code == 200
    (entry,) = mine.get_json()
    assert entry["activity_id"] == for_all and entry["status"] == "accepted"
    assert entry["title"] and entry["location"] and entry["starts_at"]
    other = kit.client.get(f"/volunteers/{member}/applications", headers=own_token(minor))
    assert other.status_code == 404


def test_a_withdrawal_cancels_applications_and_promotes_the_first_waiting(kit: Kit) -> None:
    leaving, waiting = adult(kit), adult(kit)
    team_id = _team_with(kit, leaving, waiting)
    activity_id = open_activity(kit, team_id, slots=1)
    assert apply(kit, activity_id, leaving).get_json()["status"] == "accepted"
    assert apply(kit, activity_id, waiting).get_json()["status"] == "waitlisted"
    kit.deliver(withdrawn(leaving, 2))
    rows = {row["volunteer_id"]: row["status"] for row in listed(kit, activity_id)}
    assert rows == {str(leaving): "cancelled", str(waiting): "accepted"}


def test_no_cancellation_once_the_activity_is_cancelled(kit: Kit) -> None:
    member = adult(kit)
    team_id = _team_with(kit, member)
    activity_id = open_activity(kit, team_id)
    assert apply(kit, activity_id, member).status_code == 201
    called_off = kit.client.post(
        f"/activities/{activity_id}/cancellation", json={"reason": "暴雨"}, headers=WRITER
    )
    assert called_off.status_code == 201
    events = len(kit.event_types())
    assert cancel(kit, activity_id, member).status_code == 409
    assert len(kit.event_types()) == events
