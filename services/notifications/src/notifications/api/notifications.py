"""`GET /volunteers/{id}/notifications`: what was written to a volunteer, and how it went out."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from association.access import current_reach
from association.auth import require_scope
from association.service import ServiceContext
from notifications.adapters import notification_records
from notifications.adapters.volunteer_organisations import organisation_of
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
    @require_scope("volunteers:read", or_self=True)
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, NotificationPageSchema)
    def volunteer_notifications(volunteer_id: uuid.UUID, after: int, limit: int) -> dict[str, Any]:
        """The volunteer's notifications, oldest first, with their status on each channel.

        404 when the service knows nothing of the volunteer (never heard of, or withdrawn), or
        when they are out of the caller's reach: a volunteer reads their own, a coordinator those
        of their organisation's volunteers.
        """
        reach = current_reach()
        with database.reader() as session:
            known = notification_records.knows_volunteer(session, str(volunteer_id))
            organisation = organisation_of(session, str(volunteer_id)) if known else None
            if not known or not reach.reaches_volunteer(volunteer_id, organisation):
                raise UnknownVolunteer(f"no notifications for volunteer {volunteer_id}")
            found = notification_records.notifications_of(session, str(volunteer_id), after, limit)
        next_after = found[-1]["position"] if found else after
        return {"notifications": found, "next_after": next_after}

    return blp
