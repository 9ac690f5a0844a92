"""The console scripts of the teams service: web, worker, catch-up and rebuild of projections."""

from association import service
from association.service import ServiceCommands
from teams.adapters.projections import rebuild
from teams.definition import SERVICE

commands = ServiceCommands(SERVICE)
web = commands.web
worker = commands.worker
catch_up = commands.catch_up


def rebuild_projections() -> None:
    """Rebuild the teams, members, activities and hours read models from the event store."""
    service.rebuild_projections_command(
        SERVICE, lambda session, context: rebuild(session, context.store)
    )
