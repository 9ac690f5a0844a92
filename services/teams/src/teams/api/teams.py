"""`/teams`: create and list teams, show one with its members, assign and remove members."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from flask_smorest import Blueprint

from association.access import current_reach
from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.queries import activities_of_team, list_teams, team_detail
from teams.api.activity_schemas import ActivityOut
from teams.api.errors import answering_errors
from teams.api.routes import Created, Resource, reading, writing
from teams.api.schemas import MemberIn, TeamDetailOut, TeamIn, TeamOut, TeamsQuery
from teams.domain.team import Team
from teams.domain.vocabularies import TeamKind
from teams.service_layer.teams import assign_member, create_team, remove_member

TEAMS = Resource("team", "/teams", team_detail)
# An OFFSET must fit a BIGINT; any page past the last row is empty all the same.
LAST_OFFSET = 2**63 - 1


def offset_of(pagination_parameters: Any) -> int:
    """The first row of the requested page, clamped to what the database accepts."""
    return min(pagination_parameters.first_item, LAST_OFFSET)


def teams_blueprint(context: ServiceContext) -> Blueprint:
    """The teams routes, reading and writing through `context`."""
    blp = answering_errors(Blueprint("teams", __name__, description="Teams and their members"))
    store, database = context.store, context.database

    @writing(blp, "/teams", TeamIn, TeamDetailOut)
    @blp.alt_response(409, description="A team with this name exists")
    def create(data: dict[str, Any]) -> Created:
        """Create a team (emits TeamCreated); a coordinator's team is of their organisation."""
        created = Team.create(
            uuid4(),
            data["name"],
            data["kind"],
            data["description"],
            data["required_skills"],
            data["capacity"],
            datetime.now(UTC),
            data["organisation_id"],
        )
        create_team(request_session(), store, created, current_reach())
        return TEAMS.created(created.team_id)

    @blp.route("/teams", methods=["GET"])
    @require_scope("volunteers:read")
    @blp.arguments(TeamsQuery, location="query", as_kwargs=True)
    @blp.response(200, TeamOut(many=True))
    @blp.paginate()
    def index(kind: TeamKind | None, pagination_parameters: Any) -> list[dict[str, Any]]:
        """List teams by name, optionally of one kind (paginated; see X-Pagination)."""
        with database.reader() as session:
            teams, total = list_teams(
                session,
                kind.value if kind else None,
                offset_of(pagination_parameters),
                pagination_parameters.page_size,
                current_reach(),
            )
        pagination_parameters.item_count = total
        return teams

    @reading(blp, "/teams/<uuid:team_id>", TeamDetailOut)
    def show(team_id: UUID) -> dict[str, Any]:
        """A team with its members."""
        with database.reader() as session:
            return TEAMS.shown(session, team_id)

    @writing(blp, "/teams/<uuid:team_id>/members", MemberIn, TeamDetailOut)
    @blp.alt_response(404, description="No such team")
    @blp.alt_response(409, description="Already a member, or the team is full")
    def assign(data: dict[str, Any], team_id: UUID) -> Created:
        """Assign a known, active volunteer to the team (emits TeamAssigned).

        422 when the volunteer is unknown here (a recent sign-up may not have arrived yet) or
        withdrawn; 409 when already a member or the team is at capacity.
        """
        now = datetime.now(UTC)
        assign_member(
            request_session(),
            store,
            team_id,
            data["volunteer_id"],
            data["role"],
            now,
            current_reach(),
        )
        return TEAMS.created(team_id)

    @blp.route("/teams/<uuid:team_id>/members/<uuid:volunteer_id>", methods=["DELETE"])
    @require_scope("teams:write")
    @blp.response(204)
    @blp.alt_response(404, description="No such team, or not a member")
    def remove(team_id: UUID, volunteer_id: UUID) -> None:
        """Remove a member from the team (emits TeamMemberRemoved with reason "removed")."""
        remove_member(
            request_session(), store, team_id, volunteer_id, datetime.now(UTC), current_reach()
        )

    @blp.route("/teams/<uuid:team_id>/activities", methods=["GET"])
    @require_scope("volunteers:read")
    @blp.response(200, ActivityOut(many=True))
    @blp.paginate()
    def activities(team_id: UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """The team's activities, latest start first (paginated; see X-Pagination)."""
        with database.reader() as session:
            TEAMS.shown(session, team_id)
            rows, total = activities_of_team(
                session, team_id, offset_of(pagination_parameters), pagination_parameters.page_size
            )
        pagination_parameters.item_count = total
        return rows

    return blp
