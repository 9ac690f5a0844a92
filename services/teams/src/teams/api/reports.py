"""`GET /reports/hours`: service hours by month, team, organisation or street, as JSON, CSV or
XLSX, answered from the hours reports' read model.

The office (and an operator's token) reads every organisation's; a coordinator only their own:
another organisation, or a team of one, is answered 404 as if it did not exist, and without
`organisation_id` they get their own organisation's.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Response
from flask_smorest import Blueprint, abort

from association.access import Reach, current_reach
from association.auth import require_scope
from association.service import ServiceContext
from teams.adapters.report_files import CSV_TYPE, XLSX_TYPE, report_csv, report_xlsx
from teams.adapters.report_queries import ReportFilter, hours_report, team_names, team_within
from teams.api.errors import answering_errors
from teams.api.report_schemas import HoursReportOut, HoursReportQuery
from teams.domain.reports import file_name, report_rows, total_row

# The JSON answer, or the same as a file (`format`); flask-smorest's own 200 names only JSON.
_ANSWERS = {
    "description": "The report: JSON, or with `format` a CSV or XLSX file of the same table",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/HoursReportOut"}},
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    },
}


def reports_blueprint(context: ServiceContext) -> Blueprint:
    """The reports route, reading the hours reports' read model."""
    blp = answering_errors(Blueprint("reports", __name__, description="Hours reports"))
    database = context.database

    @blp.route("/reports/hours", methods=["GET"])
    @require_scope("teams:write")
    @blp.arguments(HoursReportQuery, location="query")
    @blp.response(200, HoursReportOut)
    @blp.doc(responses={"200": _ANSWERS})
    @blp.alt_response(
        404, description="The organisation or team is not one the caller reaches, or unknown"
    )
    def hours(query: dict[str, Any]) -> Any:
        """Service hours (as corrected) of the completed activities that started (China date)
        from `from` to `to`, by `group_by`: `month` (YYYY-MM, in order), `team`, `organisation`
        or `street` (the volunteer's when the hours were recorded; most hours first). Each row:
        hours, distinct volunteers, attendances and activities; `total` for the whole.
        `format=csv` (UTF-8 with BOM) or `xlsx` answer the same as a file with Chinese headers
        and a total row 合计."""
        reach = current_reach()
        organisation_id = _organisation_asked(query["organisation_id"], reach)
        team_id = _team_asked(database, query["team_id"], reach)
        chosen = ReportFilter(query["from_"], query["to"], organisation_id, team_id, reach)
        with database.reader() as session:
            groups, total = hours_report(session, query["group_by"], chosen)
            names: dict[str, str] = {}
            if query["group_by"] == "team":
                names = team_names(session, [key for key, _ in groups if key is not None])
        rows = report_rows(query["group_by"], groups, names)
        if query["format"] != "json":
            return _file(query, rows, total_row(total))
        return {
            "group_by": query["group_by"],
            "from_": query["from_"],
            "to": query["to"],
            "organisation_id": organisation_id,
            "team_id": team_id,
            "rows": [{"key": row.key, "label": row.label, **row.figures()} for row in rows],
            "total": total_row(total).figures(),
        }

    return blp


def _organisation_asked(asked: UUID | None, reach: Reach) -> str | None:
    """The organisation the report is of: the one asked, which a coordinator may only ask of
    their own (404 otherwise), and a coordinator's own when none is asked."""
    if asked is None:
        return reach.coordinating
    if not reach.reaches_team(str(asked)):
        abort(404, message=f"no organisation {asked}")
    return str(asked)


def _team_asked(database: Any, asked: UUID | None, reach: Reach) -> str | None:
    """The team the report is of, when one is asked: 404 when unknown or out of reach."""
    if asked is None:
        return None
    with database.reader() as session:
        reached = team_within(session, str(asked), reach)
    if not reached:
        abort(404, message=f"no team {asked}")
    return str(asked)


def _file(query: dict[str, Any], rows: list[Any], total: Any) -> Response:
    since: date | None = query["from_"]
    until: date | None = query["to"]
    if query["format"] == "xlsx":
        body, media_type, suffix = report_xlsx(query["group_by"], rows, total), XLSX_TYPE, "xlsx"
    else:
        body, media_type, suffix = report_csv(query["group_by"], rows, total), CSV_TYPE, "csv"
    name = file_name(query["group_by"], since, until, suffix)
    return Response(
        body,
        content_type=media_type,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
