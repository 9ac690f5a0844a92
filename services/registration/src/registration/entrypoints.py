"""The processes of the registration service: `registration-web`, `registration-worker`,
`registration-rebuild-projections`."""

from flask import Flask
from sqlalchemy.orm import Session

from association import service
from association.service import ServiceContext
from registration.adapters.projections import rebuild
from registration.config import RegistrationConfig
from registration.definition import SERVICE
from registration.service_layer.commands import Registration


def create_app() -> Flask:
    """The registration app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    """`registration-web`: the API under gunicorn."""
    service.serve_web(SERVICE)


def worker() -> None:
    """`registration-worker`: the outbox relay (registration consumes no other service's events)."""
    service.run_worker(SERVICE)


def rebuild_projections() -> None:
    """Empty the volunteer and organisation read tables and rebuild them from the event store."""
    service.rebuild_projections_command(SERVICE, _rebuild)


def _rebuild(session: Session, context: ServiceContext) -> int:
    config: RegistrationConfig = context.config
    projection = Registration.wired(context.store, config.identity_hash_key).projection
    return rebuild(session, context.store, projection)
