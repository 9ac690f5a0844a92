"""The notifications service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifications",
    title="Notifications: messages to volunteers, partner webhooks, the public stream",
    port=8083,
)
