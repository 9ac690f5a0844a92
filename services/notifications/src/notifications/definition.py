"""The notifications service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition
from notifications import bootstrap
from notifications.adapters.tables import metadata
from notifications.entrypoints.api import blueprints
from notifications.subscription_events import notifications_registry

SERVICE = ServiceDefinition(
    name="notifications",
    title="Notifications: messages to volunteers, partner webhooks, the public stream",
    port=8083,
    registry=notifications_registry(),
    metadata=(metadata,),
    blueprints=blueprints.FACTORIES,
    handlers=bootstrap.handlers,
    worker_components=bootstrap.worker_components,
    health_checks=bootstrap.health_checks,
    relay=False,  # its own events (subscriptions) stay in the service: appended with publish=False
)
