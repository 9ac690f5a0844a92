"""`GET /volunteers/export`: the list of active volunteers as CSV or XLSX, phones masked.

A coordinator's token (role `coordinator`) gets only the volunteers of its own organisation (its
`org` claim; none without one); any other token with `volunteers:read` gets them all. The file is
written and sent page by page, never the whole table in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from association.access import Reach, current_reach
from association.auth import require_scope
from association.service import ServiceContext
from registration.adapters.personal_data import volunteer_keyring
from registration.adapters.read_models import VolunteerFilter, VolunteerReadModel, organisations
from registration.adapters.volunteer_export import (
    CSV_TYPE,
    XLSX_TYPE,
    ExportRows,
    csv_chunks,
    xlsx_chunks,
)
from registration.api.schemas import ExportQuerySchema
from registration.config import RegistrationConfig

PAGE_ROWS = 500
FILE_NAME = "志愿者名单"
_FILE_RESPONSE = {
    "description": "The volunteers, one a row, under Chinese headers",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    },
}


def export_blueprint(context: ServiceContext) -> Blueprint:
    """The export route, reading the volunteers' read model page by page."""
    config: RegistrationConfig = context.config
    volunteers = VolunteerReadModel(volunteer_keyring())
    blp = Blueprint(
        "volunteer_export", __name__, url_prefix="/volunteers/export", description="Export"
    )

    def pages(reach: Reach, rows: ExportRows) -> Iterator[list[list[str]]]:
        last: dict[str, Any] | None = None
        while True:
            with context.database.reader() as session:
                page = volunteers.after(session, VolunteerFilter(), last, PAGE_ROWS, reach)
            if not page:
                return
            yield [rows.row(volunteer) for volunteer in page]
            last = page[-1]

    @blp.route("")
    class Export(MethodView):
        @require_scope("volunteers:read")
        @blp.arguments(ExportQuerySchema, location="query")
        @blp.doc(responses={"200": _FILE_RESPONSE})
        def get(self, query: dict[str, Any]) -> Response:
            """The active volunteers as CSV (UTF-8 with BOM) or XLSX; phones and e-mails masked.

            A coordinator gets only the volunteers of its own organisation.
            """
            with context.database.reader() as session:
                units = {o["organisation_id"]: o["name"] for o in organisations(session)}
            rows = ExportRows(config.streets, config.skills, units)
            chosen = pages(current_reach(), rows)
            if query["format"] == "xlsx":
                body, media_type, suffix = xlsx_chunks(chosen), XLSX_TYPE, "xlsx"
            else:
                body, media_type, suffix = csv_chunks(chosen), CSV_TYPE, "csv"
            disposition = (
                f"attachment; filename=volunteers.{suffix}; "
                f"filename*=UTF-8''{quote(FILE_NAME)}.{suffix}"
            )
            return Response(
                body,
                content_type=media_type,
                headers={"Content-Disposition": disposition},
            )

    return blp
