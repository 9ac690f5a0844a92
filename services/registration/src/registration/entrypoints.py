"""The console scripts of the registration service: web, worker and rebuild of projections."""

from sqlalchemy.orm import Session

from association import service
from association.service import ServiceCommands, ServiceContext
from registration.adapters.projections import rebuild
from registration.config import RegistrationConfig
from registration.definition import SERVICE
from registration.service_layer.commands import Registration

commands = ServiceCommands(SERVICE)
web = commands.web
worker = commands.worker


def rebuild_projections() -> None:
    """Empty the volunteer and organisation read tables and rebuild them from the event store."""
    service.rebuild_projections_command(SERVICE, _rebuild)


def _rebuild(session: Session, context: ServiceContext) -> int:
    config: RegistrationConfig = context.config
    projection = Registration.wired(context.store, config.identity_hash_key).projection
    return rebuild(session, context.store, projection)
