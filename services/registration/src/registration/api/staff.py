"""`/staff`: coordinators and the office (admin only). Answers show the phone masked but to a
listing."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from association.auth import require_scope
from association.masking import mask_name
from association.service import ServiceContext
from association.web import request_session
from association.web.declarations import idempotent_create
from registration.adapters.identities import IdentityIndex
from registration.adapters.staff_records import all_staff
from registration.api.errors import answering_errors
from registration.api.login_schemas import StaffInSchema, StaffListSchema, StaffSchema
from registration.config import RegistrationConfig
from registration.domain.identity import mask_phone
from registration.service_layer.staff import Staff


def staff_blueprint(context: ServiceContext) -> Blueprint:
    config: RegistrationConfig = context.config
    staff = Staff(IdentityIndex(config.identity_hash_key))
    blp = answering_errors(
        Blueprint("staff", __name__, url_prefix="/staff", description="Coordinators and office")
    )

    @blp.route("")
    class StaffMembers(MethodView):
        @idempotent_create(blp, StaffInSchema, StaffSchema, "admin")
        def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Add a coordinator (of an organisation) or an office member; they log in by phone."""
            member = staff.add(request_session(), data).described()
            body = member | {
                "name": mask_name(member["name"]),
                "phone": mask_phone(member["phone"]),
            }
            return body, 201, {"Location": f"/staff/{member['staff_id']}"}

        @require_scope("admin")
        @blp.response(200, StaffListSchema)
        def get(self) -> dict[str, Any]:
            """Every staff member, with name and phone."""
            with context.database.reader() as session:
                return {"items": [member.described() for member in all_staff(session)]}

    @blp.route("/<staff_id>")
    class StaffMember(MethodView):
        @require_scope("admin")
        @blp.response(204)
        def delete(self, staff_id: str) -> Response:
            """Remove a member: their data is erased and their refresh tokens stop at once."""
            staff.remove(request_session(), staff_id)
            return Response(status=204)

    return blp
