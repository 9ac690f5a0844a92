"""Commands on teams: create one, assign a volunteer to it, remove a member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from teams.adapters.queries import team_name_taken
from teams.adapters.repository import load_team, record
from teams.adapters.volunteers import find_volunteer
from teams.domain.errors import DuplicateTeamName, NotFound, UnknownVolunteer
from teams.domain.events import TeamAssigned, TeamMemberRemoved
from teams.domain.team import Team
from teams.domain.vocabularies import RemovalReason, TeamKind, TeamRole
from teams.service_layer.retry import with_retries


@dataclass(frozen=True)
class NewTeam:
    name: str
    kind: TeamKind
    description: str
    required_skills: tuple[str, ...]
    capacity: int | None


def create_team(session: Session, store: EventStore, new: NewTeam, now: datetime) -> UUID:
    """Found a team (TeamCreated); its name must be free. Returns the new team's id."""
    team_id = uuid4()

    def attempt() -> None:
        serialise_writers(session)
        if team_name_taken(session, new.name):
            raise DuplicateTeamName(f"a team named {new.name!r} already exists")
        event = Team.create(
            team_id,
            new.name,
            new.kind,
            new.description,
            new.required_skills,
            new.capacity,
            now,
        )
        record(session, store, [(event, 1)])

    with_retries(session, attempt)
    return team_id


def _team(session: Session, store: EventStore, team_id: UUID) -> Team:
    team = load_team(session, store, team_id)
    if team is None:
        raise NotFound(f"no team {team_id}")
    return team


def assign_member(
    session: Session,
    store: EventStore,
    team_id: UUID,
    volunteer_id: UUID,
    role: TeamRole,
    now: datetime,
) -> TeamAssigned:
    """Put a known, active volunteer into a team that has room (TeamAssigned)."""

    def attempt() -> TeamAssigned:
        serialise_writers(session)
        team = _team(session, store, team_id)
        volunteer = find_volunteer(session, volunteer_id)
        if volunteer is None or not volunteer.active:
            state = "has withdrawn" if volunteer else "is not known to the teams service yet"
            hint = "" if volunteer else " (a recent sign-up may not have arrived; retry shortly)"
            message = f"volunteer {volunteer_id} {state}{hint}"
            raise UnknownVolunteer(message, {"volunteer_id": [message]})
        event = team.assign(volunteer_id, role, now)
        record(session, store, [(event, team.version + 1)])
        return event

    return with_retries(session, attempt)


def remove_member(
    session: Session,
    store: EventStore,
    team_id: UUID,
    volunteer_id: UUID,
    now: datetime,
) -> TeamMemberRemoved:
    """Take a member out of a team at a coordinator's request (TeamMemberRemoved, "removed")."""

    def attempt() -> TeamMemberRemoved:
        serialise_writers(session)
        team = _team(session, store, team_id)
        event = team.remove(volunteer_id, RemovalReason.REMOVED, now)
        record(session, store, [(event, team.version + 1)])
        return event

    return with_retries(session, attempt)
