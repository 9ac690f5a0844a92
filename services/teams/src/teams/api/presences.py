"""Presence on site: the check-in code of an activity (as digits and as a QR code), check-ins
and check-outs, the presences so far, and attendance recorded ahead of the completion."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import segno
from flask import Response
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import Session

from association.access import EVERYTHING, current_reach
from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.presence_queries import (
    activity_in_reach,
    presences,
    recorded_attendance,
)
from teams.api.errors import answering_errors
from teams.api.presence_schemas import (
    AttendanceBatchIn,
    AttendanceRecordedOut,
    CheckInCodeOut,
    PresenceIn,
    PresenceOut,
)
from teams.api.routes import writing
from teams.config import TeamsSettings
from teams.domain.check_in_codes import CheckInCodes, check_in_key
from teams.domain.events import Attendance
from teams.domain.vocabularies import ActivityStatus
from teams.service_layer.attendance import record_attendance
from teams.service_layer.presences import check_in, check_out

_PNG_RESPONSE = {
    "description": "The QR code of the check-in link, as a PNG image",
    "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
}
_PRESENCE_NOT_FOUND = (
    "No such activity within reach, or (with a volunteer's own token) another volunteer"
)
_PRESENCE_CONFLICT = (
    "The activity is completed or cancelled, or already checked in (out), or a check-out "
    "without a check-in"
)


def presences_blueprint(context: ServiceContext) -> Blueprint:
    """The presence routes; the codes' key derives from the service's AUTH_SECRET."""
    blp = answering_errors(
        Blueprint("presences", __name__, description="Check-in, check-out and attendance")
    )
    config: TeamsSettings = context.config
    store, database = context.store, context.database
    codes = CheckInCodes(check_in_key(context.settings.auth_secret), config.check_in_code_seconds)

    def scheduled(session: Session, activity_id: UUID) -> Any:
        activity = activity_in_reach(session, activity_id, current_reach())
        if activity is None:
            abort(404, message=f"no activity {activity_id}")
        if activity.status != ActivityStatus.SCHEDULED.value:
            abort(409, message=f"the activity is {activity.status}: it takes no check-ins")
        return activity

    def current_code(activity_id: UUID) -> dict[str, Any]:
        with database.reader() as session:
            scheduled(session, activity_id)
        code, expires_at = codes.current(activity_id, datetime.now(UTC))
        return {"code": code, "expires_at": expires_at, "rotates_every": codes.seconds}

    @blp.route("/activities/<uuid:activity_id>/check-in-code", methods=["GET"])
    @require_scope("teams:write")
    @blp.response(200, CheckInCodeOut)
    @blp.alt_response(404, description="No such activity within reach")
    @blp.alt_response(409, description="The activity is completed or cancelled")
    def code(activity_id: UUID) -> dict[str, Any]:
        """The activity's current check-in code, to show on site: six digits, accepted until
        `expires_at` (the end of the next window); a new one every `rotates_every` seconds."""
        return current_code(activity_id)

    @blp.route("/activities/<uuid:activity_id>/check-in-code.png", methods=["GET"])
    @require_scope("teams:write")
    @blp.doc(responses={"200": _PNG_RESPONSE})
    @blp.alt_response(404, description="No such activity within reach")
    @blp.alt_response(409, description="The activity is completed or cancelled")
    def code_image(activity_id: UUID) -> Response:
        """The current check-in code as a QR code of the volunteers' check-in link
        (`<WEB_BASE_URL>/me?activity=<id>&code=<code>`)."""
        current = current_code(activity_id)
        link = f"{config.web_base_url}/me?activity={activity_id}&code={current['code']}"
        image = io.BytesIO()
        segno.make(link, error="m").save(image, kind="png", scale=8, border=4)
        return Response(
            image.getvalue(), content_type="image/png", headers={"Cache-Control": "no-store"}
        )

    def presence_answer(activity_id: UUID, volunteer_id: UUID) -> tuple[Any, int, dict]:
        session = request_session()
        activity = activity_in_reach(session, activity_id, EVERYTHING)
        rows = presences(session, activity_id, activity.starts_at, activity.ends_at, volunteer_id)
        return rows[0], 201, {"Location": f"/activities/{activity_id}/presences"}

    @blp.route("/activities/<uuid:activity_id>/check-ins", methods=["POST"])
    @require_scope("teams:write", or_self=True)
    @blp.doc(parameters=["IDEMPOTENCY_KEY"])
    @blp.arguments(PresenceIn)
    @blp.response(201, PresenceOut)
    @blp.alt_response(404, description=_PRESENCE_NOT_FOUND)
    @blp.alt_response(409, description=_PRESENCE_CONFLICT)
    def arrive(data: dict[str, Any], activity_id: UUID) -> tuple[Any, int, dict]:
        """Check a volunteer in (emits CheckedIn), from an hour before the start until the end
        (else 422 `starts_at` / `ends_at`); once (else 409).

        With a volunteer's own token: only themselves, and `code` (the current one shown on
        site, or the one before) is required (422 `code`). A coordinator's or the office's token
        checks in at a roll call, without a code. The volunteer must be a member of the team or
        an accepted applicant (422 `volunteer_id`).
        """
        volunteer_id = data["volunteer_id"]
        check_in(
            request_session(),
            store,
            activity_id,
            volunteer_id,
            datetime.now(UTC),
            codes,
            data["code"],
            current_reach(),
        )
        return presence_answer(activity_id, volunteer_id)

    @blp.route("/activities/<uuid:activity_id>/check-outs", methods=["POST"])
    @require_scope("teams:write", or_self=True)
    @blp.doc(parameters=["IDEMPOTENCY_KEY"])
    @blp.arguments(PresenceIn)
    @blp.response(201, PresenceOut)
    @blp.alt_response(404, description=_PRESENCE_NOT_FOUND)
    @blp.alt_response(409, description=_PRESENCE_CONFLICT)
    def leave(data: dict[str, Any], activity_id: UUID) -> tuple[Any, int, dict]:
        """Check a volunteer out (emits CheckedOut) after their check-in (else 409), until an
        hour after the end (else 422 `ends_at`); once (else 409). Tokens and codes as for a
        check-in."""
        volunteer_id = data["volunteer_id"]
        check_out(
            request_session(),
            store,
            activity_id,
            volunteer_id,
            datetime.now(UTC),
            codes,
            data["code"],
            current_reach(),
        )
        return presence_answer(activity_id, volunteer_id)

    @blp.route("/activities/<uuid:activity_id>/presences", methods=["GET"])
    @require_scope("teams:write")
    @blp.response(200, PresenceOut(many=True))
    @blp.alt_response(404, description="No such activity within reach")
    def listed(activity_id: UUID) -> list[dict[str, Any]]:
        """Who checked in and out, when and how (`code` or `roll_call`), earliest check-in
        first, with the hours each presence would credit."""
        with database.reader() as session:
            activity = activity_in_reach(session, activity_id, current_reach())
            if activity is None:
                abort(404, message=f"no activity {activity_id}")
            return presences(session, activity_id, activity.starts_at, activity.ends_at)

    @writing(
        blp, "/activities/<uuid:activity_id>/attendance", AttendanceBatchIn, AttendanceRecordedOut
    )
    @blp.alt_response(404, description="No such activity within reach")
    @blp.alt_response(409, description="The activity is completed or cancelled")
    def record(data: dict[str, Any], activity_id: UUID) -> tuple[Any, int, dict]:
        """Record up to 500 attendees' hours ahead of the completion (emits AttendanceRecorded);
        an attendee recorded again has the entry replaced, and the completion counts them.

        Only once the activity has ended (else 422 `ends_at`) and while it is scheduled (else
        409). Each attendee a member of the team or an accepted applicant, listed once, hours as
        in a completion (422 under `attendance.<index>`).
        """
        attendance = [Attendance(a["volunteer_id"], a["hours"]) for a in data["attendance"]]
        event = record_attendance(
            request_session(), store, activity_id, attendance, datetime.now(UTC), current_reach()
        )
        answer = {
            "activity_id": str(activity_id),
            "recorded_at": event.recorded_at,
            "attendance": [
                {"volunteer_id": str(e.volunteer_id), "hours": e.hours} for e in event.attendance
            ],
            "recorded_count": len(recorded_attendance(request_session(), activity_id)),
        }
        return answer, 201, {"Location": f"/activities/{activity_id}"}

    return blp
