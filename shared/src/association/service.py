"""What makes a service: its definition, and the `web` and `worker` processes built from it.

Each service declares one `ServiceDefinition` (name, port, events, handlers, tables, blueprints);
this module turns it into the Flask app under gunicorn and into the worker (relay + consumer), so
the three services start, configure and stop the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pika
from flask import Flask
from flask_smorest import Blueprint
from gunicorn.app.base import BaseApplication
from sqlalchemy import MetaData, delete
from sqlalchemy.orm import Session

from association.auth import issue_token
from association.db import Database
from association.events import Envelope, EventRegistry, default_registry
from association.logging_context import configure_logging
from association.messaging.catch_up import catch_up, feed_pages
from association.messaging.handlers import Handler
from association.messaging.topology import Topology
from association.messaging.worker import Runnable, build_components, run_until_signalled
from association.settings import Settings
from association.store import EventStore, PayloadCodec, inbox_table
from association.store import metadata as store_metadata
from association.web import create_service_app, events_feed_blueprint
from association.web.metrics import install_metrics

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
    blueprints: Sequence[BlueprintFactory] = ()
    handlers: HandlerFactory | None = None
    # Further long-running parts of the worker (e.g. webhook delivery), each run on its own thread.
    worker_components: ComponentFactory | None = None
    # How stored payloads are sealed and opened (e.g. personal data encrypted at rest).
    codec: PayloadCodec | None = None
    # What of a stored event may leave the service, on the broker and in `GET /events`.
    # What of a stored event may leave the service (the relay and GET /events); None: nothing.
    outward: Callable[[Envelope], Envelope | None] | None = None
    # Further checks of `GET /health`, each returning a dict with an "ok" key.
    health_checks: HealthCheckFactory | None = None
    # False when none of the service's own events go out (all appended with publish=False): its
    # worker then runs no outbox relay polling an outbox that stays empty.
    relay: bool = True
    # The service's own settings, read once per process from the environment it is given.
    config: Callable[[Mapping[str, str]], Any] | None = None


@dataclass(frozen=True)
class ServiceContext:
    """The wired-up pieces of a running service process."""

    definition: ServiceDefinition
    settings: Settings
    database: Database
    store: EventStore
    # The service's own settings (`ServiceDefinition.config`), None for a service without any.
    config: Any = None


def bootstrap(
    definition: ServiceDefinition, settings: Settings | None = None, config: Any = None
) -> ServiceContext:
    """Read the settings, open the database and create its tables (under a lock).

    The shared settings and the service's own (`definition.config`) are read from the
    environment here, once per process, unless the caller hands them in.
    """
    settings = settings or Settings.from_env(definition.name)
    if config is None and definition.config is not None:
        config = definition.config(os.environ)
    database = Database(settings.database_url)
    database.create_schema(store_metadata, *definition.metadata)
    store = EventStore(definition.name, definition.registry, definition.codec)
    return ServiceContext(definition, settings, database, store, config)


def create_app(definition: ServiceDefinition, settings: Settings | None = None) -> Flask:
    """The service's Flask app with its blueprints, `/events`, `/health` and `/openapi.json`."""
    context = bootstrap(definition, settings)
    topology = Topology(definition.name, context.settings.amqp_prefix)
    broker = BrokerProbe(
        context.settings.amqp_url,
        {"inbox": topology.inbox_queue, "dead": topology.dead_letter_queue}
        if definition.handlers
        else {},
    )

    def outbox() -> dict[str, Any]:
        with context.database.reader() as session:
            return {"ok": True, "backlog": context.store.outbox_backlog(session)}

    app, api = create_service_app(
        context.settings,
        context.database,
        title=definition.title,
        health_checks={
            "broker": broker.health,
            "outbox": outbox,
            **(definition.health_checks(context) if definition.health_checks else {}),
        },
    )
    api.register_blueprint(
        events_feed_blueprint(context.store, context.database, definition.outward)
    )
    for factory in definition.blueprints:
        api.register_blueprint(factory(context))
    install_metrics(app, definition.name, _state_reader(context, broker))
    app.extensions["association"]["context"] = context
    return app


class BrokerProbe:
    """Whether the broker accepts a connection, and the depth of the service's queues.

    One connection per `ttl` seconds at most; the answers are kept in between.
    """

    def __init__(self, amqp_url: str, queues: dict[str, str], ttl: float = 5.0) -> None:
        self.parameters = pika.URLParameters(amqp_url)
        self.parameters.socket_timeout = 2
        self.parameters.blocked_connection_timeout = 2
        self.parameters.connection_attempts = 1
        self.queues = queues
        self.ttl = ttl
        self._lock = threading.Lock()
        self._answer: tuple[float, dict[str, Any], dict[str, int]] | None = None

    def health(self) -> dict[str, Any]:
        return self._probe()[0]

    def queue_depths(self) -> dict[str, int]:
        """Messages waiting per queue label (queues not declared yet are left out)."""
        return self._probe()[1]

    def _probe(self) -> tuple[dict[str, Any], dict[str, int]]:
        with self._lock:
            if self._answer and time.monotonic() - self._answer[0] < self.ttl:
                return self._answer[1], self._answer[2]
            depths: dict[str, int] = {}
            try:
                connection = pika.BlockingConnection(self.parameters)
                try:
                    for label, queue in self.queues.items():
                        channel = connection.channel()
                        try:
                            declared = channel.queue_declare(queue, passive=True)
                            depths[label] = declared.method.message_count
                            channel.close()
                        except pika.exceptions.ChannelClosedByBroker:
                            continue  # not declared yet: its consumer has not started
                finally:
                    connection.close()
                health: dict[str, Any] = {"ok": True}
            except pika.exceptions.AMQPError as error:
                health = {"ok": False, "error": repr(error)}
            self._answer = (time.monotonic(), health, depths)
            return health, depths


def _state_reader(context: ServiceContext, broker: BrokerProbe):  # type: ignore[no-untyped-def]
    def read() -> list[tuple[str, str, float]]:
        with context.database.reader() as session:
            backlog = context.store.outbox_backlog(session)
            oldest = context.store.oldest_unpublished_at(session)
            stored = context.store.last_sequence(session)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        gauges = [
            ("events_stored", "Position of the last event in the service's log", float(stored)),
            ("outbox_backlog", "Events waiting to be published", float(backlog)),
            ("outbox_oldest_age_seconds", "Age of the oldest unpublished event", age),
        ]
        depths = broker.queue_depths()
        if "inbox" in depths:
            gauges.append(("consumer_lag_messages", "Events waiting in the inbox", depths["inbox"]))
        if "dead" in depths:
            gauges.append(("dead_letters", "Events in the dead-letter queue", depths["dead"]))
        return gauges

    return read


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app_factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings differ between gunicorn releases
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app_factory()


# Python hands the GIL to another thread every 5 ms by default. A thread back from the database,
# holding its write lock (SQLite) or the events-table lock (PostgreSQL), then waits up to that long
# behind a thread parsing JSON, and every writer queues behind it: 1 ms measured about a third
# more sign-ups/s at lower latency on both databases (`python -m bench http`). Web and worker
# processes alike run several threads.
GIL_SWITCH_INTERVAL = 0.001


def _tune_worker(_server: Any, _worker: Any) -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def serve_web(definition: ServiceDefinition) -> None:
    """Run the service's web process under gunicorn on 127.0.0.1:`PORT` (default: its port)."""
    settings = Settings.from_env(definition.name)
    configure_logging(definition.name, settings.log_level)
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Set before the workers fork and import prometheus_client, so their counters add up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
            prefix=f"{definition.name}-metrics-"
        )
    bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', definition.port)}"
    options = {
        "bind": bind,
        "workers": int(os.environ.get("WEB_CONCURRENCY", 2)),
        "worker_class": "gthread",
        "threads": int(os.environ.get("WEB_THREADS", 4)),
        "accesslog": None,
        "graceful_timeout": 10,
        "control_socket_disable": True,
        "post_fork": _tune_worker,
    }
    _Gunicorn(lambda: create_app(definition, settings), options).run()


def _outward_json(
    outward: Callable[[Envelope], Envelope | None],
) -> Callable[[Envelope], bytes | None]:
    """The relay's encoding of what may leave of each event (None: not published)."""

    def encode(event: Envelope) -> bytes | None:
        leaving = outward(event)
        return leaving.to_json() if leaving is not None else None

    return encode


def worker_components(context: ServiceContext) -> list[Runnable]:
    """The worker's parts: the relay (publishing outward events) if it has one, the consumer, any
    others."""
    definition = context.definition
    handlers = definition.handlers(context) if definition.handlers else {}
    outward = definition.outward
    components = build_components(
        context.settings,
        context.database,
        context.store,
        definition.registry,
        handlers,
        encode=_outward_json(outward) if outward else Envelope.to_json,
        relay=definition.relay,
    )
    if definition.worker_components:
        components += list(definition.worker_components(context))
    return components


def run_worker(definition: ServiceDefinition) -> None:
    """Run the worker process: the outbox relay and, if the service handles events, its consumer."""
    settings = Settings.from_env(definition.name)
    configure_logging(definition.name, settings.log_level)
    heartbeat = Path(settings.worker_heartbeat_file) if settings.worker_heartbeat_file else None
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    run_until_signalled(worker_components(bootstrap(definition, settings)), heartbeat)


def catch_up_command(
    definition: ServiceDefinition,
    argv: list[str] | None = None,
    *,
    reset: Callable[[Session], None] | None = None,
    prog: str | None = None,
) -> None:
    """`<service>-catch-up --from URL [--from URL …] [--after N]`: apply producers' feeds.

    With `reset`, the read models it empties are rebuilt: `reset` runs first, together with
    forgetting which events the inbox had seen, in one transaction.
    """
    parser = argparse.ArgumentParser(
        prog=prog or f"{definition.name}-catch-up",
        description="Apply the events of producers' GET /events feeds this service has missed.",
    )
    parser.add_argument("--from", dest="feeds", action="append", required=True, metavar="URL")
    parser.add_argument("--after", type=int, default=0)
    args = parser.parse_args(argv)
    settings = Settings.from_env(definition.name)
    configure_logging(definition.name, settings.log_level)
    context = bootstrap(definition, settings)
    handlers = definition.handlers(context) if definition.handlers else {}
    if reset is not None:
        with context.database.transaction() as session:
            reset(session)
            session.execute(delete(inbox_table))
    token = issue_token(settings.auth_secret, f"{definition.name}-catch-up", ["events:read"])
    failures = 0
    for feed in args.feeds:
        report = catch_up(
            context.database, definition.registry, handlers, feed_pages(feed, token, args.after)
        )
        print(
            f"{feed}: read {report.read}, applied {report.applied}, already applied or not "
            f"handled {report.skipped}, invalid (left out) {report.invalid}, "
            f"failed {len(report.failed)}, up to sequence {report.last_sequence}"
        )
        for event_id in report.failed:
            print(f"  not applied (see the log; run again once fixed): {event_id}")
        failures += len(report.failed)
    if failures:
        sys.exit(1)
