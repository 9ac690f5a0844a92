"""`/activities`: schedule an activity, list and show them, complete one with attendance, cancel
it, correct an attendee's hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from flask_smorest import Blueprint

from association.access import current_reach
from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.queries import activity_detail, list_activities
from teams.api.activity_schemas import (
    ActivitiesQuery,
    ActivityDetailOut,
    ActivityIn,
    ActivityOut,
    CancellationIn,
    CompletionIn,
    CorrectionIn,
)
from teams.api.errors import answering_errors
from teams.api.routes import Created, Resource, reading, writing
from teams.api.sign_up_view import sign_up_view
from teams.api.teams import offset_of
from teams.domain.events import ActivityScheduled, Attendance
from teams.service_layer.activities import (
    cancel_activity,
    complete_activity,
    correct_hours,
    schedule_activity,
)

ACTIVITIES = Resource("activity", "/activities", activity_detail)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


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
            slots=data["slots"],
            open_to=data["open_to"],
            sign_up_until=_utc(data["sign_up_until"]),
            adults_only=data["adults_only"],
        )
        schedule_activity(request_session(), store, plan, current_reach())
        return ACTIVITIES.created(plan.activity_id)

    @blp.route("/activities", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.arguments(ActivitiesQuery, location="query", as_kwargs=True)
    @blp.response(200, ActivityOut(many=True))
    @blp.paginate()
    def index(
        status: str | None, team_id: UUID | None, open: bool, pagination_parameters: Any
    ) -> list[dict[str, Any]]:
        """List the activities of the teams within reach, latest start first (paginated; see
        X-Pagination), optionally of one team or status; `overdue`: still scheduled more than 10
        working days after its end date; `open`: open for sign-up now.

        A volunteer's own token lists only what they may apply for now (scheduled, sign-up open,
        open to all or to a team of theirs, not for adults only unless known to be an adult),
        each with their own application's status."""
        now = datetime.now(UTC)
        with database.reader() as session:
            reach, where, columns = sign_up_view(session, current_reach(), open, now)
            rows, total = list_activities(
                session,
                status,
                team_id,
                now,
                offset_of(pagination_parameters),
                pagination_parameters.page_size,
                reach,
                where,
                columns,
            )
        pagination_parameters.item_count = total
        return rows

    @reading(blp, "/activities/<uuid:activity_id>", ActivityDetailOut)
    def show(activity_id: UUID) -> dict[str, Any]:
        """An activity with its attendance once completed."""
        with database.reader() as session:
            return ACTIVITIES.shown(session, activity_id)

    @writing(blp, "/activities/<uuid:activity_id>/completion", CompletionIn, ActivityDetailOut)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="Already completed or cancelled")
    def complete(data: dict[str, Any], activity_id: UUID) -> Created:
        """Complete the activity with each attendee's hours (emits ActivityCompleted).

        Only once it has ended (else 422 `ends_at`). Hours are exact decimals (> 0, two decimals
        at most, at most the activity's length); every attendee must be a member of the team,
        each listed once. Later than the 10th working day after the end date (`record_by`), a
        `late_reason` is required (else 422 `late_reason`).
        """
        attendance = [Attendance(a["volunteer_id"], a["hours"]) for a in data["attendance"]]
        complete_activity(
            request_session(),
            store,
            activity_id,
            attendance,
            datetime.now(UTC),
            current_reach(),
            data["late_reason"],
        )
        return ACTIVITIES.created(activity_id)

    @writing(blp, "/activities/<uuid:activity_id>/corrections", CorrectionIn, ActivityDetailOut)
    @blp.alt_response(404, description="No such activity")
    @blp.alt_response(409, description="The activity is not completed (scheduled or cancelled)")
    def correct(data: dict[str, Any], activity_id: UUID) -> Created:
        """Correct an attendee's hours at a completed activity, or credit a member of the team
        the completion left out (emits HoursCorrected); answers the activity as corrected.

        Hours are >= 0 (0 takes an attendee's hours back), two decimals at most, at most the
        activity's length, and not the current ones (422 `hours`); the volunteer must be an
        attendee or a member of the team (else 422 `volunteer_id`).
        """
        correct_hours(
            request_session(),
            store,
            activity_id,
            data["volunteer_id"],
            data["hours"],
            data["reason"],
            datetime.now(UTC),
            current_reach(),
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
