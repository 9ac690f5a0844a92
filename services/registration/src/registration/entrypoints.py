"""The processes of the registration service: `registration-web`, `registration-worker`,
`registration-rebuild-projections`."""

import logging

from flask import Flask

from association import service
from association.logging_context import configure_logging
from association.store import serialise_writers
from registration.adapters.projections import rebuild
from registration.config import RegistrationConfig
from registration.definition import SERVICE
from registration.service_layer.commands import Registration

log = logging.getLogger(__name__)


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
    configure_logging(SERVICE.name)
    context = service.bootstrap(SERVICE)
    config: RegistrationConfig = context.config
    projection = Registration.wired(context.store, config.identity_hash_key).projection
    with context.database.bulk_transaction() as session:
        serialise_writers(session)
        applied = rebuild(session, context.store, projection)
    log.info("rebuilt the projections from %d events", applied)
