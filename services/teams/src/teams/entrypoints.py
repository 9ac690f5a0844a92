"""The console scripts of the teams service: web, worker, catch-up and rebuild of projections."""

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from association import service
from association.service import ServiceCommands, ServiceContext
from teams.adapters.rebuild import rebuild
from teams.definition import SERVICE

commands = ServiceCommands(SERVICE)
web = commands.web
worker = commands.worker
catch_up = commands.catch_up


def rebuild_projections(argv: Sequence[str] | None = None) -> None:
    """Rebuild the teams, members, activities and hours read models from the event store, under
    the writers' lock (commands wait meanwhile); progress goes to stderr."""
    service.rebuild_projections_command(SERVICE, _rebuild, argv, described_by=rebuild_projections)


def _rebuild(session: Session, context: ServiceContext, progress: Callable[[int], None]) -> int:
    return rebuild(session, context.store, progress=progress)
