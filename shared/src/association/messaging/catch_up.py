"""Catch up from a producer's `GET /events` feed, without the broker.

A new or rebuilt consumer pages through the producer's log and applies every event it handles
exactly as the queue consumer would (validated, upcast, once per event id through the inbox). Run
it as often as needed: events already applied are skipped.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from association.actors import SYSTEM_ACTOR, acting_as
from association.db import Database
from association.events import Envelope, EventRegistry, InvalidEvent
from association.logging_context import correlation
from association.messaging.handlers import Handler
from association.messaging.inbox import apply_once

log = logging.getLogger(__name__)


@dataclass
class CatchUpReport:
    read: int = 0
    applied: int = 0
    skipped: int = 0
    invalid: int = 0
    failed: list[str] = field(default_factory=list)
    last_sequence: int = 0


def feed_pages(
    feed_url: str, token: str, after: int = 0, limit: int = 500
) -> Iterator[list[Envelope]]:
    """Pages of `GET {feed_url}/events?after=&limit=` until the feed has nothing more."""
    while True:
        query = urllib.parse.urlencode({"after": after, "limit": limit})
        request = urllib.request.Request(
            f"{feed_url.rstrip('/')}/events?{query}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            page = json.load(response)
        events = [Envelope(**event) for event in page["events"]]
        if not events:
            return
        yield events
        after = page["next_after"]


def catch_up(
    database: Database,
    registry: EventRegistry,
    handlers: Mapping[str, Handler],
    pages: Iterator[list[Envelope]],
) -> CatchUpReport:
    """Apply each event of `pages` a handler is registered for, one transaction per page.

    An event that does not validate is left out and counted, as the queue consumer dead-letters
    it. An event whose handler raises is left unapplied (its savepoint rolled back, its id not in
    the inbox) while the events after it still apply, and it is tried once more after the last
    page, as the queue consumer hands a failed event back to be tried after the ones behind it:
    an event that waited for a later one (the change to a volunteer whose erased sign-up the
    producer left out, waiting for their withdrawal) then applies. One that fails again is
    listed in `failed`, as the queue consumer would dead-letter it; a later run tries it again.
    """
    report = CatchUpReport()
    waiting: list[Envelope] = []
    for events in pages:
        with database.transaction() as session:
            for event in events:
                report.read += 1
                report.last_sequence = event.sequence or report.last_sequence
                handler = handlers.get(event.routing_key)
                if handler is None:
                    report.skipped += 1
                    continue
                try:
                    event = registry.upcast(event)
                except InvalidEvent as error:
                    report.invalid += 1
                    log.warning(
                        "left out invalid event %s: %s %s", event.event_id, error, error.errors
                    )
                    continue
                if not _applied(session, handler, event, report):
                    waiting.append(event)
        log.info("caught up to sequence %d (%d applied)", report.last_sequence, report.applied)
    if waiting:
        with database.transaction() as session:
            for event in waiting:
                if not _applied(session, handlers[event.routing_key], event, report):
                    log.error("event %s could not be applied", event.event_id)
                    report.failed.append(event.event_id)
    return report


def _applied(session: Session, handler: Handler, event: Envelope, report: CatchUpReport) -> bool:
    """Apply `event` once (counted as applied or skipped); False when its handler raised.

    The handler acts as the system, as the queue consumer's do (`association.actors`).
    """
    with correlation(event.correlation_id), acting_as(SYSTEM_ACTOR):
        try:
            applied = apply_once(session, handler, event)
        except Exception:  # like a failed delivery: logged, and tried again
            log.warning("event %s could not be applied yet", event.event_id, exc_info=True)
            return False
    report.applied += applied
    report.skipped += not applied
    return True
