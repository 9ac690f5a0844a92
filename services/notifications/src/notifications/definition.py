"""The notifications service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition
from notifications.adapters.codec import notifications_registry
from notifications.adapters.tables import metadata
from notifications.api.health import health_checks
from notifications.api.notifications import notifications_blueprint
from notifications.api.public_feed import public_feed_blueprint
from notifications.api.subscriptions import subscriptions_blueprint
from notifications.config import NotificationSettings
from notifications.consumers import handlers
from notifications.worker import worker_components

SERVICE = ServiceDefinition(
    name="notifications",
    title="Notifications: messages to volunteers, partner webhooks, the public stream",
    port=8083,
    registry=notifications_registry(),
    metadata=(metadata,),
    migrations="notifications:migrations",
    blueprints=(notifications_blueprint, subscriptions_blueprint, public_feed_blueprint),
    handlers=handlers,
    worker_components=worker_components,
    health_checks=health_checks,
    relay=False,  # its own events (subscriptions) stay in the service: appended with publish=False
    config=NotificationSettings.from_env,
)
