"""The processes of the teams service: `teams-web`, `teams-worker`, `teams-rebuild-projections`."""

from flask import Flask

from association import service
from teams.adapters.projections import rebuild
from teams.definition import SERVICE


def create_app() -> Flask:
    """The teams app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    """`teams-web`: the API under gunicorn."""
    service.serve_web(SERVICE)


def worker() -> None:
    """`teams-worker`: the outbox relay and the consumer of registration's volunteer events."""
    service.run_worker(SERVICE)


def rebuild_projections() -> None:
    """Rebuild the teams, members, activities and hours read models from the event store."""
    service.rebuild_projections_command(
        SERVICE, lambda session, context: rebuild(session, context.store)
    )


def catch_up() -> None:
    """`teams-catch-up --from URL`: apply what a producer's `GET /events` feed holds."""
    service.catch_up_command(SERVICE)
