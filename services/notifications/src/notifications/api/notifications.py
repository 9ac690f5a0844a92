"""`GET /volunteers/{id}/notifications`: what was written to a volunteer, and how it went out."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from notifications.adapters import notification_records
from notifications.api.errors import answering_errors
from notifications.api.schemas import NotificationPageSchema, PageQuerySchema
from notifications.domain.errors import UnknownVolunteer


def notifications_blueprint(context: ServiceContext) -> Blueprint:
    """The volunteer-facing read side."""
    blp = answering_errors(
        Blueprint("notifications", __name__, description="Messages to volunteers")
    )
    database = context.database

    @blp.route("/volunteers/<uuid:volunteer_id>/notifications")
    @require_scope("volunteers:read")
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, NotificationPageSchema)
    def volunteer_notifications(volunteer_id: uuid.UUID, after: int, limit: int) -> dict[str, Any]:
        """The volunteer's notifications, oldest first, with their status on each channel.

        404 when the service knows nothing of the volunteer (never heard of, or withdrawn).
        """
        with database.reader() as session:
            if not notification_records.knows_volunteer(session, str(volunteer_id)):
                raise UnknownVolunteer(f"no notifications for volunteer {volunteer_id}")
            found = notification_records.notifications_of(session, str(volunteer_id), after, limit)
        next_after = found[-1]["position"] if found else after
        return {"notifications": found, "next_after": next_after}

    return blp
