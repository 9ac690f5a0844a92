"""The registration service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="registration",
    title="Registration: volunteers and member organisations",
    port=8081,
)
