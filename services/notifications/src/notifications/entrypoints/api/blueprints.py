"""The blueprints the service adds to the shared ones (`/health`, `/events`, `/openapi.json`)."""

from notifications.entrypoints.api import notifications_api, public_api, subscriptions_api

FACTORIES = (
    notifications_api.notifications_blueprint,
    subscriptions_api.subscriptions_blueprint,
    public_api.public_feed_blueprint,
)
