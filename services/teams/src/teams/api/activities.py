"""`/activities`: schedule an activity, show it, complete it with attendance, cancel it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from flask_smorest import Blueprint, abort
from sqlalchemy.orm import Session

from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.queries import activity_detail
from teams.api.errors import answering_domain_errors
from teams.api.schemas import ActivityDetailOut, ActivityIn, CancellationIn, CompletionIn
from teams.domain.events import ActivityScheduled, Attendance
from teams.service_layer.activities import cancel_activity, complete_activity, schedule_activity

IDEMPOTENT = {"parameters": ["IDEMPOTENCY_KEY"]}


def activities_blueprint(context: ServiceContext) -> Blueprint:
    """The activity routes, reading and writing through `context`."""
    blp = answering_domain_errors(
        Blueprint("activities", __name__, description="Activities and their completion")
    )
    store, database = context.store, context.database

    def _detail(session: Session, activity_id: UUID) -> dict[str, Any]:
        activity = activity_detail(session, activity_id)
        if activity is None:
            abort(404, message=f"no activity {activity_id}")
        return activity

    def _created(activity_id: UUID) -> tuple[dict[str, Any], int, dict[str, str]]:
        body = _detail(request_session(), activity_id)
        return body, 201, {"Location": f"/activities/{activity_id}"}

    @blp.route("/activities", methods=["POST"])
    @require_scope("teams:write")
    @blp.arguments(ActivityIn)
    @blp.response(201, ActivityDetailOut)
    @blp.doc(**IDEMPOTENT)
    def schedule(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
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
        schedule_activity(request_session(), store, plan)
        return _created(plan.activity_id)

    @blp.route("/activities/<uuid:activity_id>", methods=["GET"])
    @require_scope("volunteers:read")
    @blp.response(200, ActivityDetailOut)
    def show(activity_id: UUID) -> dict[str, Any]:
        """An activity with its attendance once completed."""
        with database.reader() as session:
            return _detail(session, activity_id)

    @blp.route("/activities/<uuid:activity_id>/completion", methods=["POST"])
    @require_scope("teams:write")
    @blp.arguments(CompletionIn)
    @blp.response(201, ActivityDetailOut)
    @blp.doc(**IDEMPOTENT)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="Already completed or cancelled, or not started yet")
    def complete(
        data: dict[str, Any], activity_id: UUID
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Complete the activity with each attendee's hours (emits ActivityCompleted).

        Hours are exact decimals (> 0, two decimals at most, at most the activity's length);
        every attendee must be a member of the team, each listed once.
        """
        attendance = [Attendance(a["volunteer_id"], a["hours"]) for a in data["attendance"]]
        complete_activity(request_session(), store, activity_id, attendance, datetime.now(UTC))
        return _created(activity_id)

    @blp.route("/activities/<uuid:activity_id>/cancellation", methods=["POST"])
    @require_scope("teams:write")
    @blp.arguments(CancellationIn)
    @blp.response(201, ActivityDetailOut)
    @blp.doc(**IDEMPOTENT)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="Already completed or cancelled")
    def cancel(
        data: dict[str, Any], activity_id: UUID
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Cancel a scheduled activity (emits ActivityCancelled)."""
        cancel_activity(request_session(), store, activity_id, data["reason"], datetime.now(UTC))
        return _created(activity_id)

    return blp
