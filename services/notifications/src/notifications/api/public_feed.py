"""`GET /public/events`: the redacted events partners may read, as a feed (scope partner)."""

from __future__ import annotations

from flask_smorest import Blueprint

from association.service import ServiceContext
from association.web.events_feed import feed_blueprint
from notifications.adapters.public_log import PublicEventLog


def public_feed_blueprint(context: ServiceContext) -> Blueprint:
    """The public feed, the same events as the `association.public` stream."""
    return feed_blueprint(
        Blueprint("public_feed", __name__, description="The public (redacted) event feed"),
        "/public/events",
        "partner",
        "Public events after the position `after`, in order; personal data removed.",
        PublicEventLog().read_after,
        context.database,
    )
