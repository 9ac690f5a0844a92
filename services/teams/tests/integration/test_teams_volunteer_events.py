"""Registration's volunteer events applied to the teams projection, in order, on both databases."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from teams.adapters.tables import volunteers_table
from teams.domain.volunteer import VolunteerEventOutOfOrder
from teams_testkit import READER, Kit, profile_updated, registered, withdrawn


def row(kit: Kit, volunteer_id: uuid.UUID) -> dict | None:
    with kit.context.database.reader() as session:
        found = session.execute(
            select(volunteers_table).where(volunteers_table.c.volunteer_id == str(volunteer_id))
        )
        first = found.mappings().first()
        return dict(first) if first else None


def test_registration_keeps_no_phone_and_a_repeat_changes_nothing(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    kit.deliver(registered(volunteer, "刘玉珠", street="五一街道", skills=["first_aid"]))
    kit.deliver(registered(volunteer, "别的名字"))
    stored = row(kit, volunteer)
    assert stored is not None
    assert (stored["name"], stored["street"], stored["skills"]) == (
        "刘玉珠",
        "五一街道",
        ["first_aid"],
    )
    assert (stored["active"], stored["version"]) == (True, 1)
    assert "13812345678" not in str(stored)


def test_updates_apply_in_version_order_and_a_gap_waits(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    kit.deliver(registered(volunteer, "王芳"))
    kit.deliver(profile_updated(volunteer, 2, name="王小芳", phone="13900000000"))
    kit.deliver(profile_updated(volunteer, 2, name="重复"))
    with pytest.raises(VolunteerEventOutOfOrder):
        kit.deliver(profile_updated(volunteer, 4, street="东风街道"))
    assert (row(kit, volunteer) or {})["version"] == 2
    kit.deliver(profile_updated(volunteer, 3, skills=["translation"]))
    kit.deliver(profile_updated(volunteer, 4, street="东风街道"))
    stored = row(kit, volunteer) or {}
    assert (stored["name"], stored["street"], stored["skills"], stored["version"]) == (
        "王小芳",
        "东风街道",
        ["translation"],
        4,
    )


def test_an_update_before_the_registration_waits(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    with pytest.raises(VolunteerEventOutOfOrder):
        kit.deliver(profile_updated(volunteer, 2, name="早到"))
    assert row(kit, volunteer) is None


def test_a_withdrawal_erases_the_person_even_across_a_gap(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    kit.deliver(registered(volunteer, "李雷"))
    kit.deliver(withdrawn(volunteer, 5))
    kit.deliver(profile_updated(volunteer, 3, name="李雷雷"))
    stored = row(kit, volunteer) or {}
    assert (stored["name"], stored["street"], stored["skills"]) == (None, None, [])
    assert (stored["active"], stored["version"]) == (False, 5)


def test_a_withdrawal_before_the_registration_leaves_a_tombstone(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    team = kit.team()
    kit.deliver(withdrawn(volunteer, 2))
    kit.deliver(registered(volunteer, "韩梅梅"))
    stored = row(kit, volunteer) or {}
    assert (stored["name"], stored["active"]) == (None, False)
    assert kit.assign(team["team_id"], volunteer).status_code == 422


def test_a_repeated_withdrawal_emits_nothing_more(kit: Kit) -> None:
    team = kit.team()
    volunteer = kit.volunteer()
    kit.assign(team["team_id"], volunteer)
    kit.deliver(withdrawn(volunteer, 2))
    kit.deliver(withdrawn(volunteer, 2))
    assert kit.event_types() == ["TeamCreated", "TeamAssigned", "TeamMemberRemoved"]
    members = kit.client.get(f"/teams/{team['team_id']}", headers=READER).get_json()["members"]
    assert members == []
