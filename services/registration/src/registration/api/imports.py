"""`/volunteers/imports`: the office signs up a file of volunteers at once, and reads its report.

Not rate-limited: it needs an operator's token (`volunteers:write`).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint

from association.auth import require_scope
from association.service import ServiceContext
from association.web import error_response
from association.web.idempotency import reservation_committed
from association.web.request_body import accepts_upload
from registration.adapters import import_reports
from registration.adapters.roster_files import MAX_ROWS, read_roster
from registration.api.errors import answering_errors
from registration.api.schemas import (
    ImportFileSchema,
    ImportReportQuerySchema,
    ImportReportSchema,
    volunteer_schemas,
)
from registration.config import RegistrationConfig
from registration.domain.errors import ImportNotFound, RosterRefused
from registration.domain.roster import HEADERS, IGNORED, REQUIRED
from registration.service_layer.commands import Registration
from registration.service_layer.imports import BATCH_ROWS, VolunteerImports

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_COLUMN_MEANINGS = {
    "name": "1-50 characters",
    "phone": "mainland mobile, +86 accepted",
    "id_number": "18-character resident ID, verified",
    "email": "",
    "birth_date": "2008-05-01, 2008/5/1, 2008年5月1日 or a date cell; else from the ID number",
    "gender": "男 or 女",
    "street": "the street's label (江浦街道 or 江浦) or code",
    "skills": "labels or codes separated by 、 ; , or spaces",
    "organisation_id": "the member unit's name or id",
    "guardian_consent": "是 or 否: required 是 for a volunteer under 18",
}
IMPORT_DESCRIPTION = "\n".join(
    [
        "A CSV (UTF-8, with or without BOM; GB18030 is read too) or XLSX file (its first sheet) in "
        f"the multipart field `file`, request up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB and "
        f"{MAX_ROWS:,} rows. The first non-blank row is the header; each column is named by a "
        "Chinese header or the field name:",
        "",
        "| header | field | |",
        "|---|---|---|",
        *(
            f"| {' / '.join(headers)} | `{field}`{' (required)' if field in REQUIRED else ''} "
            f"| {_COLUMN_MEANINGS[field]} |"
            for field, headers in HEADERS.items()
        ),
        "",
        f"Columns headed {' or '.join(IGNORED)} are read past; any other column refuses the file "
        "(422 naming `file`), as does a missing required one.",
        "",
        "Every row is checked exactly as `POST /volunteers` checks a sign-up (source `import`). "
        "Consent to the privacy notice is given by the office's upload (it collected the forms); "
        "a minor's guardian consent is not: under 18, the row needs 是 in 监护人同意. Each row "
        "answers `accepted` (its `volunteer_id`), `refused` (reasons by field) or "
        "`already_registered` (its phone or ID number is someone's already, an earlier row's "
        "included): uploading the same file again creates nothing twice. Rows commit "
        f"{BATCH_ROWS} at a time; the report is kept (`GET /volunteers/imports/{{id}}`) with "
        "row numbers and reasons, never what a row held.",
    ]
)


def _import_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ImportNotFound(value) from None


def roster_refused_response(refusal: RosterRefused) -> Response:
    """422 naming the uploaded file, where the form puts it."""
    return error_response(422, refusal.message, {"files": refusal.errors})


def imports_blueprint(context: ServiceContext) -> Blueprint:
    """The import routes, wired to the service's store, schema and vocabularies."""
    config: RegistrationConfig = context.config
    imports = VolunteerImports(
        context.database,
        Registration.wired(context.store, config.identity_hash_key),
        volunteer_schemas(config.streets, config.skills).sign_up(),
        config.streets,
        config.skills,
    )
    blp = answering_errors(
        Blueprint(
            "volunteer_imports",
            __name__,
            url_prefix="/volunteers/imports",
            description="Volunteers in bulk",
        )
    )
    blp.register_error_handler(RosterRefused, roster_refused_response)

    @blp.route("")
    class Imports(MethodView):
        @require_scope("volunteers:write")
        @accepts_upload(MAX_UPLOAD_BYTES)
        @blp.arguments(ImportFileSchema, location="files")
        @blp.response(201, ImportReportSchema, description="The import's report")
        @blp.alt_response(413, description="The request is over 10 MiB")
        @blp.alt_response(415, description="The body is not multipart/form-data")
        @blp.doc(parameters=["IDEMPOTENCY_KEY"], description=IMPORT_DESCRIPTION)
        def post(self, files: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Sign up the volunteers of a CSV or XLSX file; answers each row's outcome."""
            roster = read_roster(files["file"].read())
            # The batches commit on their own: the request's transaction must not hold on.
            with reservation_committed():
                import_id = imports.run(roster, g.principal.sub)
            with context.database.reader() as session:
                report = import_reports.report(session, import_id)
            return report, 201, {"Location": f"/volunteers/imports/{import_id}"}

    @blp.route("/<import_id>")
    class Import(MethodView):
        @require_scope("volunteers:write")
        @blp.arguments(ImportReportQuerySchema, location="query")
        @blp.response(200, ImportReportSchema)
        def get(self, query: dict[str, Any], import_id: str) -> dict[str, Any]:
            """An import's report: counts, status and each row's outcome (`outcome=` filters)."""
            with context.database.reader() as session:
                found = import_reports.report(session, _import_id(import_id), query.get("outcome"))
            if found is None:
                raise ImportNotFound(import_id)
            return found

    return blp
