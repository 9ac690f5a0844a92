"""`/volunteers/{id}/hours`: a volunteer's total service hours, activity count and star level."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from teams.adapters.queries import last_record_of, service_hours_of
from teams.api.routes import reachable_volunteer
from teams.api.schemas import ServiceHoursOut
from teams.config import TeamsSettings
from teams.domain.hours import CENT, star_label


def hours_blueprint(context: ServiceContext) -> Blueprint:
    """The service-hours route; star thresholds come from the service's settings."""
    blp = Blueprint("service_hours", __name__, description="Service hours and star levels")
    config: TeamsSettings = context.config
    thresholds = config.star_thresholds
    database = context.database

    @blp.route("/volunteers/<uuid:volunteer_id>/hours", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.response(200, ServiceHoursOut)
    @blp.alt_response(404, description="The volunteer is not known here, or has withdrawn")
    def hours(volunteer_id: UUID) -> dict[str, Any]:
        """Total hours (exact decimals), completed activities and star level (星级志愿者), and
        who recorded the latest of those activities.

        A volunteer reads their own, a coordinator those of their organisation's volunteers."""
        with database.reader() as session:
            reachable_volunteer(session, volunteer_id)
            ledger = service_hours_of(session, volunteer_id)
            last_record = last_record_of(session, volunteer_id)
        level = thresholds.level(ledger.total)
        next_star = thresholds.next_threshold(ledger.total)
        return {
            "volunteer_id": str(volunteer_id),
            "total_hours": ledger.total,
            "activity_count": ledger.activity_count,
            "star_level": level,
            "star_label": star_label(level),
            "next_star_at": next_star.quantize(CENT) if next_star is not None else None,
            "last_record": last_record,
        }

    return blp
