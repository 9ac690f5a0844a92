"""The Team aggregate: founded by TeamCreated, members by fold, capacity and membership rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from teams.domain.errors import AlreadyMember, NotAMember, TeamFull
from teams.domain.events import TeamAssigned, TeamMemberRemoved
from teams.domain.team import Team
from teams.domain.vocabularies import RemovalReason, TeamKind, TeamRole

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def founded(capacity: int | None = 2) -> Team:
    created = Team.create(
        uuid.uuid4(), "护学岗队", TeamKind.COMMUNITY, "", ["traffic"], capacity, NOW
    )
    return Team.from_events([created])


def test_a_new_team_has_no_members_and_version_one() -> None:
    team = founded()
    assert (team.members, team.version, team.is_full) == ({}, 1, False)


def test_assignments_fold_into_members_until_full() -> None:
    team = founded(capacity=2)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for volunteer in (a, b):
        event = team.assign(volunteer, TeamRole.MEMBER, NOW)
        assert event == TeamAssigned(team.team_id, "护学岗队", volunteer, TeamRole.MEMBER, NOW)
        team.apply(event)
    assert set(team.members) == {a, b} and team.version == 3 and team.is_full
    with pytest.raises(TeamFull):
        team.assign(c, TeamRole.MEMBER, NOW)
    with pytest.raises(AlreadyMember):
        team.assign(a, TeamRole.LEADER, NOW)


def test_a_removal_frees_a_place() -> None:
    team = founded(capacity=1)
    volunteer = uuid.uuid4()
    team.apply(team.assign(volunteer, TeamRole.LEADER, NOW))
    removal = team.remove(volunteer, RemovalReason.WITHDRAWN, NOW)
    assert removal == TeamMemberRemoved(team.team_id, volunteer, RemovalReason.WITHDRAWN, NOW)
    team.apply(removal)
    assert not team.is_full and team.version == 3
    with pytest.raises(NotAMember):
        team.remove(volunteer, RemovalReason.REMOVED, NOW)


def test_a_team_without_capacity_is_never_full() -> None:
    team = founded(capacity=None)
    for _ in range(100):
        team.apply(team.assign(uuid.uuid4(), TeamRole.MEMBER, NOW))
    assert not team.is_full


def test_rebuilding_from_the_same_events_gives_the_same_team() -> None:
    created = Team.create(uuid.uuid4(), "队", TeamKind.YOUTH, "", [], 3, NOW)
    team = Team.from_events([created])
    history: list = [created]
    for _ in range(3):
        event = team.assign(uuid.uuid4(), TeamRole.MEMBER, NOW)
        team.apply(event)
        history.append(event)
    history.append(team.remove(next(iter(team.members)), RemovalReason.REMOVED, NOW))
    team.apply(history[-1])
    assert Team.from_events(history) == team


def test_a_history_must_start_with_the_creation() -> None:
    with pytest.raises(ValueError, match="TeamCreated"):
        Team.from_events(
            [TeamMemberRemoved(uuid.uuid4(), uuid.uuid4(), RemovalReason.REMOVED, NOW)]
        )
