"""A service's `worker` process: the outbox relay, the consumer of other services' events and the
service's further long-running parts, each on its own thread until SIGTERM."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from association.events import Envelope
from association.messaging.worker import Runnable, build_components, run_until_signalled
from association.process_secrets import Process
from association.service.definition import (
    ServiceContext,
    ServiceDefinition,
    bootstrap,
    process_settings,
)
from association.service.web import GIL_SWITCH_INTERVAL


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
    settings = process_settings(definition, Process.WORKER)
    heartbeat = Path(settings.worker_heartbeat_file) if settings.worker_heartbeat_file else None
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    run_until_signalled(worker_components(bootstrap(definition, settings)), heartbeat)
