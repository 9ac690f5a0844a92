"""`/organisations`: the member units (listing is public; joining needs admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from association.service import ServiceContext
from association.web import request_session
from association.web.declarations import idempotent_create
from registration.adapters.codec import payload_of
from registration.adapters.read_models import organisations
from registration.api.errors import answering_errors
from registration.api.schemas import (
    OrganisationInSchema,
    OrganisationListSchema,
    OrganisationSchema,
)
from registration.config import RegistrationConfig
from registration.service_layer.commands import Registration


def organisations_blueprint(context: ServiceContext) -> Blueprint:
    """The organisation routes, wired to the service's store."""
    config: RegistrationConfig = context.config
    commands = Registration.wired(context.store, config.identity_hash_key)
    blp = answering_errors(
        Blueprint(
            "organisations", __name__, url_prefix="/organisations", description="Member units"
        )
    )

    @blp.route("")
    class Organisations(MethodView):
        @idempotent_create(blp, OrganisationInSchema, OrganisationSchema, "admin")
        def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
            """A member unit joins the association."""
            joined = commands.add_organisation(request_session(), data["name"], data["kind"])
            return payload_of(joined), 201

        @blp.response(200, OrganisationListSchema)
        @blp.doc(security=[])
        def get(self) -> dict[str, Any]:
            """Every member unit (public)."""
            with context.database.reader() as session:
                return {"items": organisations(session)}

    return blp
