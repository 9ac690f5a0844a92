"""The teams service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="teams",
    title="Teams: teams, assignments, activities and service hours",
    port=8082,
)
