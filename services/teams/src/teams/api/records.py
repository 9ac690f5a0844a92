"""`/volunteers/{id}/records`: a volunteer's service record (志愿服务记录), activity by activity."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from teams.adapters.queries import records_of
from teams.api.record_schemas import RecordOut, RecordsQuery
from teams.api.routes import reachable_volunteer
from teams.api.teams import offset_of

MAX_PAGE_SIZE = 100


def records_blueprint(context: ServiceContext) -> Blueprint:
    """The service-record route."""
    blp = Blueprint("service_records", __name__, description="Service records")
    database = context.database

    @blp.route("/volunteers/<uuid:volunteer_id>/records", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.arguments(RecordsQuery, location="query", as_kwargs=True)
    @blp.response(200, RecordOut(many=True))
    @blp.alt_response(404, description="The volunteer is not known here, or has withdrawn")
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    def records(
        volunteer_id: UUID, from_: date | None, to: date | None, pagination_parameters: Any
    ) -> list[dict[str, Any]]:
        """The activities the volunteer has hours at (as corrected), latest start first, with
        the record's fields (content, organising unit, person in charge, who recorded it and
        when, why late) and each correction, oldest first; `from`/`to`: China dates of the
        start, inclusive (paginated; see X-Pagination).

        A volunteer reads their own, a coordinator those of their organisation's volunteers."""
        with database.reader() as session:
            reachable_volunteer(session, volunteer_id)
            entries, total = records_of(
                session,
                volunteer_id,
                from_,
                to,
                offset_of(pagination_parameters),
                pagination_parameters.page_size,
            )
        pagination_parameters.item_count = total
        return entries

    return blp
