"""What makes a service: its definition, and the context a process of it runs in.

Each service declares one `ServiceDefinition` (name, port, events, handlers, tables, blueprints,
its own settings); `bootstrap` turns it into the `ServiceContext` of one process: the settings
read from the environment once, the database with its tables, the event store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import MetaData

from association.db import Database
from association.events import Envelope, EventRegistry, default_registry
from association.logging_context import configure_logging
from association.messaging.handlers import Handler
from association.messaging.worker import Runnable
from association.migrations import upgrade
from association.process_secrets import Process, ServiceNeeds, require_secrets
from association.settings import Settings
from association.store import EventStore, PayloadCodec
from association.store import metadata as store_metadata

BlueprintFactory = Callable[["ServiceContext"], Blueprint]
HandlerFactory = Callable[["ServiceContext"], Mapping[str, Handler]]
ComponentFactory = Callable[["ServiceContext"], Sequence[Runnable]]
HealthCheckFactory = Callable[["ServiceContext"], Mapping[str, Callable[[], dict[str, Any]]]]


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything the shared runtime needs to know about one service."""

    name: str
    title: str
    port: int
    registry: EventRegistry = field(default_factory=default_registry)
    metadata: Sequence[MetaData] = ()
    # The package resource of the service's Alembic history (e.g. "teams:migrations"), which
    # brings the database to the tables above; None: they are created as they stand (tests).
    migrations: str | None = None
    blueprints: Sequence[BlueprintFactory] = ()
    handlers: HandlerFactory | None = None
    # Further long-running parts of the worker (e.g. webhook delivery), each run on its own thread.
    worker_components: ComponentFactory | None = None
    # How stored payloads are sealed and opened (e.g. personal data encrypted at rest).
    codec: PayloadCodec | None = None
    # What of a stored event may leave the service (the relay and GET /events); None: nothing.
    outward: Callable[[Envelope], Envelope | None] | None = None
    # Further checks of `GET /health`, each returning a dict with an "ok" key.
    health_checks: HealthCheckFactory | None = None
    # False when none of the service's own events go out (all appended with publish=False): its
    # worker then runs no outbox relay polling an outbox that stays empty.
    relay: bool = True
    # The service's own settings, read once per process from the environment it is given.
    config: Callable[[Mapping[str, str]], Any] | None = None
    # The secrets the service's own processes need beyond the shared ones, by kind of process.
    secrets: ServiceNeeds = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceContext:
    """The wired-up pieces of a running service process."""

    definition: ServiceDefinition
    settings: Settings
    database: Database
    store: EventStore
    # The service's own settings (`ServiceDefinition.config`), None for a service without any.
    config: Any = None


def schema_of(definition: ServiceDefinition) -> tuple[MetaData, ...]:
    """Every table of the service's database: the event store's and the service's own."""
    return (store_metadata, *definition.metadata)


def process_settings(definition: ServiceDefinition, process: Process) -> Settings:
    """The shared settings of a process of the service, read from the environment, with its JSON
    logging configured at their level.

    A process lacking a secret its kind needs (`process`: web, worker, …) refuses to start here,
    with one line on stderr naming the variable, before it opens anything.
    """
    require_secrets(process, definition.secrets)
    settings = Settings.from_env(definition.name)
    configure_logging(definition.name, settings.log_level)
    return settings


def bootstrap(
    definition: ServiceDefinition, settings: Settings | None = None, config: Any = None
) -> ServiceContext:
    """Read the settings, open the database and bring it to the head of the service's history
    (under a lock; see `association.migrations`).

    The shared settings and the service's own (`definition.config`) are read from the
    environment here, once per process, unless the caller hands them in.
    """
    settings = settings or Settings.from_env(definition.name)
    if config is None and definition.config is not None:
        config = definition.config(os.environ)
    database = Database(settings.database_url)
    if definition.migrations is None:
        database.create_schema(*schema_of(definition))
    else:
        upgrade(database, definition.migrations)
    store = EventStore(definition.name, definition.registry, definition.codec)
    return ServiceContext(definition, settings, database, store, config)
