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

from association.db import Database
from association.events import Envelope, EventRegistry, InvalidEvent
from association.logging_context import correlation
from association.messaging.consumer import Handler, apply_once

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
    the inbox) and listed in `failed`, as the queue consumer would dead-letter it after its
    attempts; the events after it still apply (e.g. the withdrawal that follows a change to a
    volunteer whose erased sign-up the producer left out). A later run tries the failed ones again.
    """
    report = CatchUpReport()
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
                with correlation(event.correlation_id):
                    try:
                        applied = apply_once(session, handler, event)
                    except Exception:  # like a dead letter: logged, listed, tried again next run
                        log.exception("event %s could not be applied", event.event_id)
                        report.failed.append(event.event_id)
                        continue
                report.applied += applied
                report.skipped += not applied
        log.info("caught up to sequence %d (%d applied)", report.last_sequence, report.applied)
    return report
