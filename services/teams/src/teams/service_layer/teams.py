"""Commands on teams: create one, remove a member, assign a volunteer to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.store import EventStore
from teams.adapters.queries import team_name_taken
from teams.adapters.repository import load_team
from teams.adapters.volunteers import find_volunteer
from teams.domain.errors import DuplicateTeamName, Invalid, UnknownVolunteer
from teams.domain.events import TeamAssigned, TeamCreated, TeamMemberRemoved
from teams.domain.team import Team
from teams.domain.vocabularies import RemovalReason, TeamRole
from teams.service_layer.commands import change, start


def create_team(
    session: Session, store: EventStore, created: TeamCreated, reach: Reach = EVERYTHING
) -> TeamCreated:
    """Found the team `created` describes; its name must be free, and its organisation one the
    caller reaches (a coordinator's teams are always of their own organisation)."""

    def decide() -> TeamCreated:
        if not reach.reaches_team(created.organisation_id):
            message = "must be the organisation you coordinate"
            raise Invalid(message, {"organisation_id": [message]})
        if team_name_taken(session, created.name):
            raise DuplicateTeamName(f"a team named {created.name!r} already exists")
        return created

    return start(session, store, decide)


def remove_member(
    session: Session,
    store: EventStore,
    team_id: UUID,
    volunteer_id: UUID,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> TeamMemberRemoved:
    """Take a member out of a team at a coordinator's request (TeamMemberRemoved, "removed")."""

    def decide(team: Team) -> TeamMemberRemoved:
        return team.remove(volunteer_id, RemovalReason.REMOVED, now)

    return change(session, store, load_team, "team", team_id, decide, _team_within(reach))


def assign_member(
    session: Session,
    store: EventStore,
    team_id: UUID,
    volunteer_id: UUID,
    role: TeamRole,
    now: datetime,
    reach: Reach = EVERYTHING,
) -> TeamAssigned:
    """Put a known, active volunteer into a team that has room (TeamAssigned); a volunteer out
    of the caller's reach is answered as one unknown here."""

    def decide(team: Team) -> TeamAssigned:
        volunteer = find_volunteer(session, volunteer_id)
        if volunteer is not None and not reach.reaches_volunteer(
            volunteer_id, volunteer.organisation_id
        ):
            volunteer = None
        if volunteer is None or not volunteer.active:
            state = "has withdrawn" if volunteer else "is not known to the teams service yet"
            hint = "" if volunteer else " (a recent sign-up may not have arrived; retry shortly)"
            message = f"volunteer {volunteer_id} {state}{hint}"
            raise UnknownVolunteer(message, {"volunteer_id": [message]})
        return team.assign(volunteer_id, role, now)

    return change(session, store, load_team, "team", team_id, decide, _team_within(reach))


def _team_within(reach: Reach) -> Callable[[Team], bool]:
    return lambda team: reach.reaches_team(team.organisation_id)
