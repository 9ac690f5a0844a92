"""The services' console scripts: the web and worker processes, catching up from producers' feeds
(`<service>-catch-up`) and rebuilding read models from the service's own store
(`<service>-rebuild-projections`)."""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.auth import issue_token
from association.messaging.catch_up import catch_up, feed_pages
from association.process_secrets import Process
from association.progress import Progress, counted
from association.service.definition import (
    ServiceContext,
    ServiceDefinition,
    bootstrap,
    process_settings,
)
from association.service.web import serve_web
from association.service.worker import run_worker
from association.store import inbox_table, serialise_writers


def command_parser(
    definition: ServiceDefinition, command: str, described_by: Callable[..., object] | str
) -> argparse.ArgumentParser:
    """The parser of the console script `<service>-<command>`: `prog` names it, the description is
    the docstring of `described_by` (or `described_by` itself), `<service>` in it replaced by the
    service's name. Parsing comes first, so `--help` and bad arguments open nothing."""
    text = described_by if isinstance(described_by, str) else inspect.getdoc(described_by) or ""
    return argparse.ArgumentParser(
        prog=f"{definition.name}-{command}",
        description=text.replace("<service>", definition.name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


class ServiceCommands:
    """The console scripts every service has, bound to its definition.

    A service's `entrypoints.py` names them (`web = commands.web`) for its `[project.scripts]`.
    """

    def __init__(self, definition: ServiceDefinition) -> None:
        self.definition = definition

    def web(self, argv: Sequence[str] | None = None) -> None:
        """The <service> API under gunicorn on HOST:PORT (by default 127.0.0.1 and the service's
        port); its settings come from the environment (see the README's configuration table)."""
        command_parser(self.definition, "web", self.web).parse_args(argv)
        serve_web(self.definition)

    def worker(self, argv: Sequence[str] | None = None) -> None:
        """The <service> worker: the outbox relay, the consumer and the service's other parts,
        until SIGTERM or SIGINT; its settings come from the environment."""
        command_parser(self.definition, "worker", self.worker).parse_args(argv)
        run_worker(self.definition)

    def catch_up(self, argv: Sequence[str] | None = None) -> None:
        """Apply the events of producers' GET /events feeds that <service> has missed (each
        event at most once: the inbox remembers which were applied)."""
        catch_up_command(self.definition, argv, described_by=self.catch_up)


# Empties a service's read models and applies its stored events again, telling the callback how
# many events each page held; returns how many it applied.
Rebuild = Callable[[Session, ServiceContext, Callable[[int], None]], int]


def catch_up_command(
    definition: ServiceDefinition,
    argv: Sequence[str] | None = None,
    *,
    described_by: Callable[..., object],
    reset: Callable[[Session], None] | None = None,
    command: str = "catch-up",
) -> None:
    """`<service>-catch-up --from URL [--from URL …] [--after N]`: apply producers' feeds.

    With `reset`, the read models it empties are rebuilt: `reset` runs first, together with
    forgetting which events the inbox had seen, in one transaction. Progress (events read, rate)
    goes to stderr as the pages come.
    """
    parser = command_parser(definition, command, described_by)
    parser.add_argument(
        "--from",
        dest="feeds",
        action="append",
        required=True,
        metavar="URL",
        help="a producer's base URL (its GET /events is read); repeat for several",
    )
    parser.add_argument(
        "--after", type=int, default=0, help="start after this sequence number (default: 0)"
    )
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
        with Progress(f"reading {feed}") as progress:
            pages = counted(feed_pages(feed, token, args.after), progress)
            report = catch_up(context.database, definition.registry, handlers, pages)
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


def rebuild_projections_command(
    definition: ServiceDefinition,
    rebuild: Rebuild,
    argv: Sequence[str] | None = None,
    *,
    described_by: Callable[..., object],
) -> None:
    """`<service>-rebuild-projections`: run `rebuild` in one bulk transaction, under the writers'
    lock so that no command appends while the read models are rebuilt, showing its progress
    through the store on stderr, and say how many events it applied."""
    command_parser(definition, "rebuild-projections", described_by).parse_args(argv)
    context = bootstrap(definition, process_settings(definition, Process.REBUILD))
    with context.database.bulk_transaction() as session:
        serialise_writers(session)
        total = context.store.last_sequence(session)
        with Progress(f"rebuilding {definition.name}", total) as progress:
            applied = rebuild(session, context, progress.advance)
    print(f"rebuilt the {definition.name} read models from {applied} events")
