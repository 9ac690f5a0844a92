"""The teams service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition
from teams.adapters.tables import metadata
from teams.api.activities import activities_blueprint
from teams.api.applications import applications_blueprint
from teams.api.calendars import calendars_blueprint
from teams.api.certificates import certificates_blueprint
from teams.api.hours import hours_blueprint
from teams.api.presences import presences_blueprint
from teams.api.records import records_blueprint
from teams.api.reports import reports_blueprint
from teams.api.teams import teams_blueprint
from teams.config import SECRETS_NEEDED, TeamsSettings
from teams.consumers import volunteer_handlers

SERVICE = ServiceDefinition(
    name="teams",
    title="Teams: teams, assignments, activities and service hours",
    port=8082,
    metadata=(metadata,),
    migrations="teams:migrations",
    blueprints=(
        teams_blueprint,
        activities_blueprint,
        hours_blueprint,
        records_blueprint,
        certificates_blueprint,
        applications_blueprint,
        presences_blueprint,
        reports_blueprint,
        calendars_blueprint,
    ),
    handlers=lambda context: volunteer_handlers(context.store),
    config=TeamsSettings.from_env,
    secrets=SECRETS_NEEDED,
)
