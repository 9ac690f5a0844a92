"""The `worker` process of a service: its outbox relay and its consumer, each on a thread.

A component that crashes is restarted with backoff (`association.messaging.restarts`); one that
keeps crashing, or stops of its own accord, stops the worker, which then exits with status 1 so
that its supervisor restarts it. A worker never exits 0 after a crash.
"""

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
from association.messaging.restarts import RestartPolicy, Restarts
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


def run_until_signalled(
    components: list[Runnable],
    heartbeat: Path | None = None,
    policy: RestartPolicy | None = None,
) -> None:
    """Run each component on its own thread; SIGINT or SIGTERM stops them all cleanly.

    A crashed component is restarted as `policy` (by default `RestartPolicy()`) allows. Should
    one crash once too often, or return without being stopped, every component is stopped and
    SystemExit(1) raised. While every component runs, `heartbeat` (if given) is touched twice a
    second, so a container health check can tell a live worker from a stuck one.
    """
    policy = policy or RestartPolicy()
    stopping = threading.Event()
    failed = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    threads = [
        threading.Thread(
            target=_supervised(c, stopping, failed, policy), name=type(c).__name__, daemon=True
        )
        for c in components
    ]
    for thread in threads:
        thread.start()
    while not stopping.wait(0.5):
        if not all(t.is_alive() for t in threads):
            log.error("a worker component stopped unexpectedly; stopping the worker")
            failed.set()
            break
        if heartbeat is not None:
            heartbeat.touch()
    for component in components:
        component.stop()
    for thread in threads:
        thread.join(timeout=15)
    if failed.is_set():
        log.error("the worker stops after a failure; exiting with status 1")
        raise SystemExit(1)


def _supervised(  # type: ignore[no-untyped-def]
    component: Runnable, stopping: threading.Event, failed: threading.Event, policy: RestartPolicy
):
    """The body of a component's thread: run it, and run it again after each crash while the
    policy allows; else mark the worker failed and stop it."""
    name = type(component).__name__

    def run() -> None:
        restarts = Restarts(policy)
        while True:
            try:
                component.run()
                return
            except Exception:
                log.exception("%s crashed", name)
            if stopping.is_set():  # it crashed while stopping: nothing to restart, still a failure
                failed.set()
                return
            delay = restarts.after_crash()
            if delay is None:
                log.error(
                    "%s crashed more than %d times within %.0fs; stopping the worker",
                    name,
                    policy.limit,
                    policy.window,
                )
                failed.set()
                stopping.set()
                return
            log.warning("restarting %s in %.1fs", name, delay)
            if stopping.wait(delay):
                return

    return run
