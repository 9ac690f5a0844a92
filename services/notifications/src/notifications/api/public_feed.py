"""`GET /public/events`: the redacted events partners may read, as a feed (scope partner)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from association.web.events_feed import FeedPageSchema, FeedQuerySchema
from notifications.adapters.public_log import PublicEventLog


def public_feed_blueprint(context: ServiceContext) -> Blueprint:
    """The public feed, the same events as the `association.public` stream."""
    blp = Blueprint("public_feed", __name__, description="The public (redacted) event feed")
    database = context.database
    public_log = PublicEventLog()

    @blp.route("/public/events")
    @require_scope("partner")
    @blp.arguments(FeedQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, FeedPageSchema)
    def public_events(after: int, limit: int) -> dict[str, Any]:
        """Public events after the position `after`, in order; personal data removed."""
        with database.reader() as session:
            events = public_log.read_after(session, after, limit)
        next_after = events[-1].sequence if events else after
        return {"events": [event.to_dict() for event in events], "next_after": next_after}

    return blp
