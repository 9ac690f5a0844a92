"""`GET /teams/{id}/calendar.ics`: a team's activities as an iCalendar file."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from flask import Response
from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from teams.adapters.team_calendar import CALENDAR_TYPE, calendar_activities, team_calendar
from teams.api.errors import answering_errors
from teams.api.teams import TEAMS

_CALENDAR_RESPONSE = {
    "description": "The team's activities, a VEVENT each (RFC 5545)",
    "content": {"text/calendar": {"schema": {"type": "string"}}},
}


def calendars_blueprint(context: ServiceContext) -> Blueprint:
    """The team calendar route."""
    blp = answering_errors(Blueprint("calendars", __name__, description="Team calendars"))
    database = context.database

    @blp.route("/teams/<uuid:team_id>/calendar.ics", methods=["GET"])
    @require_scope("teams:write")
    @blp.doc(responses={"200": _CALENDAR_RESPONSE})
    @blp.alt_response(404, description="No such team, or not one the caller reaches")
    def calendar(team_id: UUID) -> Response:
        """The team's activities as iCalendar: UID `<activity_id>@association`, start and end
        in UTC, title, location, content, CONFIRMED or CANCELLED; the calendar named after the
        team (X-WR-CALNAME). A coordinator reads their organisation's teams', the office all."""
        with database.reader() as session:
            team = TEAMS.shown(session, team_id)
            activities = calendar_activities(session, team_id)
        return Response(
            team_calendar(team["name"], activities),
            content_type=CALENDAR_TYPE,
            headers={
                "Content-Disposition": f"inline; filename=team-{team_id}.ics; "
                f"filename*=UTF-8''{quote(team['name'])}.ics"
            },
        )

    return blp
