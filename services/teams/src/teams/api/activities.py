"""`/activities`: schedule an activity, show it, complete it with attendance, cancel it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from flask_smorest import Blueprint

from association.access import current_reach
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.queries import activity_detail
from teams.api.errors import answering_errors
from teams.api.routes import Created, Resource, reading, writing
from teams.api.schemas import ActivityDetailOut, ActivityIn, CancellationIn, CompletionIn
from teams.domain.events import ActivityScheduled, Attendance
from teams.service_layer.activities import cancel_activity, complete_activity, schedule_activity

ACTIVITIES = Resource("activity", "/activities", activity_detail)


def activities_blueprint(context: ServiceContext) -> Blueprint:
    """The activity routes, reading and writing through `context`."""
    blp = answering_errors(
        Blueprint("activities", __name__, description="Activities and their completion")
    )
    store, database = context.store, context.database

    @writing(blp, "/activities", ActivityIn, ActivityDetailOut)
    def schedule(data: dict[str, Any]) -> Created:
        """Schedule an activity for a team (emits ActivityScheduled); times are kept in UTC."""
        plan = ActivityScheduled(
            activity_id=uuid4(),
            team_id=data["team_id"],
            title=data["title"],
            kind=data["kind"],
            location=data["location"],
            starts_at=data["starts_at"].astimezone(UTC),
            ends_at=data["ends_at"].astimezone(UTC),
            content=data["content"],
            organising_unit=data["organising_unit"],
            person_in_charge=data["person_in_charge"],
            scheduled_at=datetime.now(UTC),
        )
        schedule_activity(request_session(), store, plan, current_reach())
        return ACTIVITIES.created(plan.activity_id)

    @reading(blp, "/activities/<uuid:activity_id>", ActivityDetailOut)
    def show(activity_id: UUID) -> dict[str, Any]:
        """An activity with its attendance once completed."""
        with database.reader() as session:
            return ACTIVITIES.shown(session, activity_id)

    @writing(blp, "/activities/<uuid:activity_id>/completion", CompletionIn, ActivityDetailOut)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="Already completed or cancelled, or not started yet")
    def complete(data: dict[str, Any], activity_id: UUID) -> Created:
        """Complete the activity with each attendee's hours (emits ActivityCompleted).

        Hours are exact decimals (> 0, two decimals at most, at most the activity's length);
        every attendee must be a member of the team, each listed once.
        """
        attendance = [Attendance(a["volunteer_id"], a["hours"]) for a in data["attendance"]]
        complete_activity(
            request_session(), store, activity_id, attendance, datetime.now(UTC), current_reach()
        )
        return ACTIVITIES.created(activity_id)

    @writing(blp, "/activities/<uuid:activity_id>/cancellation", CancellationIn, ActivityDetailOut)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="Already completed or cancelled")
    def cancel(data: dict[str, Any], activity_id: UUID) -> Created:
        """Cancel a scheduled activity (emits ActivityCancelled)."""
        cancel_activity(
            request_session(),
            store,
            activity_id,
            data["reason"],
            datetime.now(UTC),
            current_reach(),
        )
        return ACTIVITIES.created(activity_id)

    return blp
