"""A service's `web` process: its Flask app, the broker probe behind `/health` and `/metrics`, and
gunicorn serving it with the GIL tuned for its threads."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pika
from flask import Flask
from gunicorn.app.base import BaseApplication

from association.messaging.topology import Topology
from association.process_secrets import Process
from association.service.definition import (
    ServiceContext,
    ServiceDefinition,
    bootstrap,
    process_settings,
)
from association.settings import Settings
from association.web import create_service_app, events_feed_blueprint
from association.web.health import OK, UNREACHABLE
from association.web.metrics import StateGauge, install_metrics

# Python hands the GIL to another thread every 5 ms by default. A thread back from the database,
# holding its write lock (SQLite) or the events-table lock (PostgreSQL), then waits up to that long
# behind a thread parsing JSON, and every writer queues behind it: 1 ms measured about a third
# more sign-ups/s at lower latency on both databases (`python -m bench http`). Web and worker
# processes alike run several threads.
GIL_SWITCH_INTERVAL = 0.001

log = logging.getLogger("association.health")


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
    install_metrics(
        app,
        definition.name,
        _state_reader(context, broker),
        multiprocess_dir=context.settings.prometheus_multiproc_dir,
    )
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
        """The broker check of `GET /health`: {"ok": True, "state": "ok"} or {"ok": False,
        "state": "unreachable"}; why it is unreachable goes to the log, not to the public answer."""
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
                health: dict[str, Any] = {"ok": True, "state": OK}
            except pika.exceptions.AMQPError as error:
                log.warning("health check broker failed: %r", error)
                health = {"ok": False, "state": UNREACHABLE}
            self._answer = (time.monotonic(), health, depths)
            return health, depths


def _state_reader(context: ServiceContext, broker: BrokerProbe) -> Callable[[], list[StateGauge]]:
    def read() -> list[StateGauge]:
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


class GunicornApplication(BaseApplication):  # type: ignore[misc]
    """A Flask app made by `app_factory` in each gunicorn worker, under `options`."""

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


def _tune_worker(_server: Any, _worker: Any) -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def serve_web(definition: ServiceDefinition) -> None:
    """Run the service's web process under gunicorn on `HOST`:`PORT` (default: 127.0.0.1 and its
    port)."""
    settings = process_settings(definition, Process.WEB)
    if not settings.prometheus_multiproc_dir:
        directory = tempfile.mkdtemp(prefix=f"{definition.name}-metrics-")
        settings = replace(settings, prometheus_multiproc_dir=directory)
    # prometheus_client reads it in the workers, so it is set before they fork and import it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = settings.prometheus_multiproc_dir
    port = definition.port if settings.port is None else settings.port
    options = {**gunicorn_options(settings, port), "post_fork": _tune_worker}
    GunicornApplication(lambda: create_app(definition, settings), options).run()


def gunicorn_options(settings: Settings, port: int) -> dict[str, Any]:
    """How a web process is served: gthread workers on `HOST`:`port`, no access log."""
    return {
        "bind": f"{settings.host}:{port}",
        "workers": settings.web_concurrency,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "accesslog": None,
        "graceful_timeout": 10,
        "control_socket_disable": True,
    }
