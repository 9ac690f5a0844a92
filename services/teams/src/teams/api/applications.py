"""Applications for activities: apply (a slot or a place on the waiting list), cancel, and list
an activity's or a volunteer's applications."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask_smorest import Blueprint, abort

from association.access import current_reach
from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.application_queries import (
    application_of,
    applications_of_activity,
    applications_of_volunteer,
)
from teams.adapters.queries import activity_detail
from teams.api.application_schemas import (
    ActivityApplicationOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationsQuery,
    VolunteerApplicationOut,
)
from teams.api.errors import answering_errors
from teams.api.routes import reachable_volunteer
from teams.api.teams import offset_of
from teams.service_layer.applications import apply, cancel_application


def applications_blueprint(context: ServiceContext) -> Blueprint:
    """The application routes, reading and writing through `context`."""
    blp = answering_errors(
        Blueprint("applications", __name__, description="Applications for activities")
    )
    store, database = context.store, context.database

    @blp.route("/activities/<uuid:activity_id>/applications", methods=["POST"])
    @require_scope("teams:write", or_self=True)
    @blp.doc(parameters=["IDEMPOTENCY_KEY"])
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @blp.alt_response(404, description="No such activity, or out of reach")
    @blp.alt_response(409, description="The volunteer's application is accepted or waiting")
    def create(data: dict[str, Any], activity_id: UUID) -> tuple[dict[str, Any], int, dict]:
        """Apply a volunteer for an activity (emits ApplicationAccepted, or ApplicationWaitlisted
        with the place on the waiting list once every slot is taken).

        A volunteer applies for themselves (another id: 404); a coordinator for the volunteers
        of their organisation, to their organisation's activities. 422 naming `volunteer_id`
        (unknown or withdrawn, not a member of the team of an activity open to its team, a
        minor or of unknown age for an adults-only one), `sign_up_until` (sign-up closed: after
        it, or after the start without one) or `activity` (completed or cancelled)."""
        volunteer_id = data["volunteer_id"]
        session = request_session()
        apply(session, store, activity_id, volunteer_id, datetime.now(UTC), current_reach())
        answer = application_of(session, activity_id, volunteer_id)
        location = f"/activities/{activity_id}/applications/{volunteer_id}"
        return answer, 201, {"Location": location}

    @blp.route(
        "/activities/<uuid:activity_id>/applications/<uuid:volunteer_id>", methods=["DELETE"]
    )
    @require_scope("teams:write", or_self=True)
    @blp.response(204)
    @blp.alt_response(404, description="No accepted or waiting application, or out of reach")
    @blp.alt_response(409, description="The activity has started, completed or been cancelled")
    def remove(activity_id: UUID, volunteer_id: UUID) -> None:
        """Cancel an accepted or waiting application (emits ApplicationCancelled); a slot it
        frees goes to the first waiting (ApplicationPromoted), and the others waiting move up.
        Answers 204 with no body. A volunteer cancels their own only."""
        cancel_application(
            request_session(),
            store,
            activity_id,
            volunteer_id,
            datetime.now(UTC),
            current_reach(),
        )

    @blp.route("/activities/<uuid:activity_id>/applications", methods=["GET"])
    @require_scope("teams:write")
    @blp.arguments(ApplicationsQuery, location="query", as_kwargs=True)
    @blp.response(200, ActivityApplicationOut(many=True))
    @blp.alt_response(404, description="No such activity, or out of reach")
    @blp.paginate()
    def of_activity(
        activity_id: UUID, status: str | None, pagination_parameters: Any
    ) -> list[dict[str, Any]]:
        """The activity's applications in the order they came (paginated; see X-Pagination),
        with each volunteer's name, status and place on the waiting list."""
        with database.reader() as session:
            if activity_detail(session, activity_id, current_reach()) is None:
                abort(404, message=f"no activity {activity_id}")
            rows, total = applications_of_activity(
                session,
                activity_id,
                status,
                offset_of(pagination_parameters),
                pagination_parameters.page_size,
            )
        pagination_parameters.item_count = total
        return rows

    @blp.route("/volunteers/<uuid:volunteer_id>/applications", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.response(200, VolunteerApplicationOut(many=True))
    @blp.alt_response(404, description="The volunteer is not known here, or has withdrawn")
    @blp.paginate()
    def of_volunteer(volunteer_id: UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """The volunteer's applications, latest activity first (paginated; see X-Pagination),
        with each activity's title, times, location and status."""
        with database.reader() as session:
            reachable_volunteer(session, volunteer_id)
            rows, total = applications_of_volunteer(
                session,
                volunteer_id,
                offset_of(pagination_parameters),
                pagination_parameters.page_size,
            )
        pagination_parameters.item_count = total
        return rows

    return blp
