"""The services' console scripts: the web and worker processes, catching up from producers' feeds
(`<service>-catch-up`) and rebuilding read models from the service's own store
(`<service>-rebuild-projections`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.auth import issue_token
from association.messaging.catch_up import catch_up, feed_pages
from association.process_secrets import Process
from association.service.definition import (
    ServiceContext,
    ServiceDefinition,
    bootstrap,
    process_settings,
)
from association.service.web import serve_web
from association.service.worker import run_worker
from association.store import inbox_table, serialise_writers


class ServiceCommands:
    """The console scripts every service has, bound to its definition.

    A service's `entrypoints.py` names them (`web = commands.web`) for its `[project.scripts]`.
    """

    def __init__(self, definition: ServiceDefinition) -> None:
        self.definition = definition

    def web(self) -> None:
        """`<service>-web`: the API under gunicorn on `PORT` (by default the service's port)."""
        serve_web(self.definition)

    def worker(self) -> None:
        """`<service>-worker`: the outbox relay, the consumer and the service's other parts."""
        run_worker(self.definition)

    def catch_up(self) -> None:
        """`<service>-catch-up --from URL …`: apply what producers' `GET /events` feeds hold."""
        catch_up_command(self.definition)


# Empties a service's read models and applies its stored events again; returns how many.
Rebuild = Callable[[Session, ServiceContext], int]


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
    context = bootstrap(definition, process_settings(definition, Process.CATCH_UP))
    handlers = definition.handlers(context) if definition.handlers else {}
    if reset is not None:
        with context.database.transaction() as session:
            reset(session)
            session.execute(delete(inbox_table))
    token = issue_token(
        context.settings.auth_secret, f"{definition.name}-catch-up", ["events:read"]
    )
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


def rebuild_projections_command(definition: ServiceDefinition, rebuild: Rebuild) -> None:
    """`<service>-rebuild-projections`: run `rebuild` in one bulk transaction, under the writers'
    lock so that no command appends while the read models are rebuilt, and say how many events
    it applied."""
    context = bootstrap(definition, process_settings(definition, Process.REBUILD))
    with context.database.bulk_transaction() as session:
        serialise_writers(session)
        applied = rebuild(session, context)
    print(f"rebuilt the {definition.name} read models from {applied} events")
