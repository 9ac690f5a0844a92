"""`/volunteers`: sign-up (public, rate-limited), list, detail, profile changes, withdrawal."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from association.access import current_reach
from association.auth import require_scope
from association.masking import mask_name
from association.service import ServiceContext
from association.web import request_session
from registration.adapters.read_models import VolunteerFilter, VolunteerReadModel, described
from registration.api.errors import answering_errors
from registration.api.etags import etag, expected_version
from registration.api.rate_limit import signup_limits
from registration.api.schemas import VolunteerPageSchema, VolunteerSchema, volunteer_schemas
from registration.config import RegistrationConfig
from registration.domain.errors import VolunteerNotFound
from registration.domain.identity import mask_email, mask_phone
from registration.domain.volunteer import SignUp
from registration.service_layer.commands import Registration


def phone_masked(volunteer: dict[str, Any]) -> dict[str, Any]:
    """A volunteer in a list: the phone masked."""
    return volunteer | {"phone": mask_phone(volunteer["phone"]) if volunteer.get("phone") else None}


def anonymous_view(volunteer: dict[str, Any]) -> dict[str, Any]:
    """What the public sign-up answers (and keeps for replays): personal fields masked."""
    name, email = volunteer.get("name"), volunteer.get("email")
    return phone_masked(volunteer) | {
        "name": mask_name(name) if name else None,
        "email": mask_email(email) if email else None,
        "birth_date": None,
    }


# The README's sign-up; in the OpenAPI document it lets generated tests reach a real 201.
SIGN_UP_EXAMPLE = {
    "name": "刘明珠",
    "phone": "+86 138-1234-5678",
    "email": "liu@example.cn",
    "id_number": "11010519491231002X",
    "street": "jiangpu",
    "skills": ["first_aid"],
    "consent": True,
}


def _volunteer_id(value: uuid.UUID | str) -> str:
    """The id in the path as a canonical UUID; a path that is none names no volunteer."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise VolunteerNotFound(str(value)) from None


def volunteers_blueprint(context: ServiceContext) -> Blueprint:
    """The volunteer routes, wired to the service's store and its vocabularies."""
    config: RegistrationConfig = context.config
    commands = Registration.wired(context.store, config.identity_hash_key)
    volunteers = VolunteerReadModel(commands.keyring)
    schemas = volunteer_schemas(config.streets, config.skills)
    blp = answering_errors(
        Blueprint("volunteers", __name__, url_prefix="/volunteers", description="Volunteers")
    )
    limits = signup_limits(blp, context.settings)

    def one(session: Session, volunteer_id: str) -> dict[str, Any]:
        found = volunteers.get(session, volunteer_id, current_reach())
        if found is None:
            raise VolunteerNotFound(volunteer_id)
        return found

    @blp.route("")
    class Volunteers(MethodView):
        decorators = limits

        # An instance: given the class, webargs would build a schema for every request.
        @blp.arguments(schemas.sign_up(), example=SIGN_UP_EXAMPLE)
        @blp.response(201, VolunteerSchema)
        @blp.alt_response(409, description="The phone or ID number is already registered")
        @blp.doc(parameters=["IDEMPOTENCY_KEY"], security=[])
        def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Sign up as a volunteer (public). The answer shows name, phone and e-mail masked."""
            volunteer = commands.register_volunteer(request_session(), SignUp(**data))
            body = anonymous_view(described(volunteer))
            headers = {
                "Location": f"/volunteers/{volunteer.volunteer_id}",
                "ETag": etag(volunteer.version),
            }
            return body, 201, headers

        @require_scope("volunteers:read")
        @blp.arguments(schemas.query, location="query")
        @blp.response(200, VolunteerPageSchema)
        def get(self, query: dict[str, Any]) -> dict[str, Any]:
            """Active volunteers, filtered by street, skill or organisation; phones masked.

            A coordinator sees only the volunteers of their own organisation."""
            where = VolunteerFilter(
                street=query.get("street"),
                skill=query.get("skill"),
                organisation_id=str(query["organisation_id"])
                if query.get("organisation_id")
                else None,
            )
            with context.database.reader() as session:
                items, total = volunteers.page(
                    session, where, query["page"], query["page_size"], current_reach()
                )
            return {
                "items": [phone_masked(v) for v in items],
                "page": query["page"],
                "page_size": query["page_size"],
                "total": total,
            }

    # Only a UUID: /volunteers/imports and /volunteers/export are routes of their own.
    @blp.route("/<uuid:volunteer_id>")
    class Volunteer(MethodView):
        @require_scope("volunteers:read", or_self=True)
        @blp.response(200, VolunteerSchema)
        def get(self, volunteer_id: uuid.UUID) -> tuple[dict[str, Any], int, dict[str, str]]:
            """One volunteer with full contact data (the ID number only masked); a volunteer
            reads their own record, a coordinator those of their organisation."""
            with context.database.reader() as session:
                found = one(session, _volunteer_id(volunteer_id))
            return found, 200, {"ETag": etag(found["version"])}

        @require_scope("volunteers:write", or_self=True)
        @blp.arguments(schemas.profile_changes)
        @blp.response(200, VolunteerSchema)
        @blp.alt_response(412, description="If-Match names an older version")
        def patch(
            self, changes: dict[str, Any], volunteer_id: uuid.UUID
        ) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Change profile fields (a volunteer their own); send the ETag you read as If-Match."""
            updated = commands.update_volunteer(
                request_session(),
                _volunteer_id(volunteer_id),
                changes,
                expected_version(),
                current_reach(),
            )
            return described(updated), 200, {"ETag": etag(updated.version)}

        @require_scope("volunteers:write", or_self=True)
        @blp.response(204)
        def delete(self, volunteer_id: uuid.UUID) -> Response:
            """Withdraw (a volunteer themselves): the person's data is erased everywhere, the
            stored events included."""
            commands.withdraw_volunteer(
                request_session(), _volunteer_id(volunteer_id), current_reach()
            )
            return Response(status=204)

    return blp
