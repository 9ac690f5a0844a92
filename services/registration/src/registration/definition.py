"""The registration service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition
from registration.adapters.codec import outward, registry
from registration.adapters.personal_data import PersonalDataCodec
from registration.adapters.tables import metadata
from registration.api.export import export_blueprint
from registration.api.imports import imports_blueprint
from registration.api.organisations import organisations_blueprint
from registration.api.sessions import sessions_blueprint
from registration.api.staff import staff_blueprint
from registration.api.volunteers import volunteers_blueprint
from registration.config import SECRETS_NEEDED, RegistrationConfig

SERVICE = ServiceDefinition(
    name="registration",
    title="Registration: volunteers and member organisations",
    port=8081,
    registry=registry,
    metadata=(metadata,),
    migrations="registration:migrations",
    blueprints=(
        imports_blueprint,
        export_blueprint,
        volunteers_blueprint,
        organisations_blueprint,
        sessions_blueprint,
        staff_blueprint,
    ),
    codec=PersonalDataCodec(),
    outward=outward,
    config=RegistrationConfig.from_environ,
    secrets=SECRETS_NEEDED,
)
