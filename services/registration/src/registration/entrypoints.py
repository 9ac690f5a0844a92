"""The console scripts of the registration service: web, worker and rebuild of projections."""

from collections.abc import Callable, Sequence

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


def rebuild_projections(argv: Sequence[str] | None = None) -> None:
    """Empty the volunteer and organisation read tables and rebuild them from the event store,
    under the writers' lock (sign-ups wait meanwhile); progress goes to stderr."""
    service.rebuild_projections_command(SERVICE, _rebuild, argv, described_by=rebuild_projections)


def _rebuild(session: Session, context: ServiceContext, progress: Callable[[int], None]) -> int:
    config: RegistrationConfig = context.config
    projection = Registration.wired(context.store, config.identity_hash_key).projection
    return rebuild(session, context.store, projection, progress)
