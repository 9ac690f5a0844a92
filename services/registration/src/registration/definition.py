"""The registration service as the shared runtime sees it: name, port, events, tables, routes."""

from association.service import ServiceDefinition
from registration import events
from registration.adapters.personal_data import PersonalDataCodec
from registration.adapters.tables import metadata
from registration.api.organisations import organisations_blueprint
from registration.api.volunteers import volunteers_blueprint

SERVICE = ServiceDefinition(
    name="registration",
    title="Registration: volunteers and member organisations",
    port=8081,
    registry=events.registry,
    metadata=(metadata,),
    blueprints=(volunteers_blueprint, organisations_blueprint),
    codec=PersonalDataCodec(),
    outward=events.outward,
)
