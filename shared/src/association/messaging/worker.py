"""The `worker` process of a service: its outbox relay and its consumer, each on a thread."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from association.db import Database
from association.events import Envelope, EventRegistry
from association.messaging.consumer import Consumer
from association.messaging.handlers import Handler
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.settings import Settings
from association.store import EventStore

log = logging.getLogger(__name__)


class Runnable(Protocol):
    def run(self) -> None: ...

    def stop(self) -> None: ...


def build_components(
    settings: Settings,
    database: Database,
    store: EventStore,
    registry: EventRegistry,
    handlers: Mapping[str, Handler],
    encode: Callable[[Envelope], bytes | None] = Envelope.to_json,
    *,
    relay: bool = True,
) -> list[Runnable]:
    """The relay (publishing each event as `encode` renders it) unless `relay` is False, and a
    consumer if any handlers."""
    topology = Topology(settings.service, settings.amqp_prefix, settings.max_delivery_attempts)
    components: list[Runnable] = []
    if relay:
        components.append(OutboxRelay(database, store, settings.amqp_url, topology, encode=encode))
    if handlers:
        components.append(Consumer(database, settings.amqp_url, topology, registry, handlers))
    return components


def run_until_signalled(components: list[Runnable], heartbeat: Path | None = None) -> None:
    """Run each component on its own thread; SIGINT or SIGTERM stops them all cleanly.

    While every component runs, `heartbeat` (if given) is touched twice a second, so a container
    health check can tell a live worker from a stuck one.
    """
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    threads = [
        threading.Thread(target=_guarded(c, stopping), name=type(c).__name__, daemon=True)
        for c in components
    ]
    for thread in threads:
        thread.start()
    while not stopping.wait(0.5):
        if not all(t.is_alive() for t in threads):
            log.error("a worker component stopped unexpectedly; stopping the worker")
            break
        if heartbeat is not None:
            heartbeat.touch()
    for component in components:
        component.stop()
    for thread in threads:
        thread.join(timeout=15)


def _guarded(component: Runnable, stopping: threading.Event):  # type: ignore[no-untyped-def]
    def run() -> None:
        try:
            component.run()
        except Exception:
            log.exception("%s crashed", type(component).__name__)
            stopping.set()

    return run
