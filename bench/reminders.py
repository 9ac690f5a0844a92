"""Reminders: 10,000 due in the same minute (all at one instant, the worst of it), and the
scheduler's lag from the due time to the reminder's notification stored (committed), p50/p99.

Ours: the notifications worker's `ReminderScheduler` running on its own thread as in the worker
(polling every 0.2 s, batches of 200 claimed, written and marked sent in one transaction each) on
10,000 reminders of 10,000 volunteers inserted beforehand and falling due half a second after it
starts. The reference, in the same run and on
the same database: the same 10,000 reminder notifications written by the same `Notifier` in one
loop, starting at the due time, committed every 200 as well — no claim, no marking, no polling.
Each runs on a fresh database of its own. A notification's lag is the commit of its batch less
the due time.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update

from association.db import Database
from bench.databases import DatabaseFactory, engines
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.recruitment_tables import reminders_table
from notifications.definition import SERVICE
from notifications.domain import messages
from notifications.domain.reminders import REMINDER_LEAD, china_time, reminder_event_id
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.reminders import ReminderScheduler
from support.apps import context_of, make_app

REMINDERS = 10_000
BATCH = 200
TITLE = "五四广场垃圾分类督导"
PLACE = "五四广场东门"


class _TimedScheduler(ReminderScheduler):
    """The scheduler, noting when each batch committed and how many reminders it held."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.commits: list[tuple[float, int]] = []

    def work_once(self) -> int:
        written = super().work_once()
        if written:
            self.commits.append((time.time(), written))
        return written


def _lags(commits: list[tuple[float, int]], due: float) -> list[float]:
    return [committed - due for committed, count in commits for _ in range(count)]


def _insert_reminders(database: Database) -> datetime:
    """The reminders, inserted due in an hour, then made due half a second from now in one
    statement: the scheduler is already polling when they fall due. Returns the due time."""
    volunteers = [str(uuid.uuid4()) for _ in range(REMINDERS)]
    activity_id = str(uuid.uuid4())
    later = datetime.now(UTC) + timedelta(hours=1)
    rows = [
        {
            "activity_id": activity_id,
            "volunteer_id": volunteer_id,
            "due_at": later,
            "starts_at": later + REMINDER_LEAD,
            "title": TITLE,
            "location": PLACE,
            "sent_at": None,
        }
        for volunteer_id in volunteers
    ]
    with database.transaction() as session:
        session.execute(insert(reminders_table), rows)
    due_at = datetime.now(UTC) + timedelta(seconds=0.5)
    with database.transaction() as session:
        session.execute(
            update(reminders_table).values(due_at=due_at, starts_at=due_at + REMINDER_LEAD)
        )
    if datetime.now(UTC) >= due_at:
        raise RuntimeError("the reminders fell due before the scheduler started")
    return due_at


def _ours(database: Database, notifier: Notifier) -> list[float]:
    scheduler = _TimedScheduler(database, notifier, poll_interval=0.2, batch_size=BATCH)
    thread = threading.Thread(target=scheduler.run, name="reminders")
    due_at = _insert_reminders(database)
    thread.start()
    deadline = time.monotonic() + 600
    while scheduler.written < REMINDERS and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    thread.join()
    if scheduler.written != REMINDERS:
        raise RuntimeError(f"the scheduler wrote {scheduler.written} of {REMINDERS} reminders")
    return _lags(scheduler.commits, due_at.timestamp())


def _reference(database: Database, notifier: Notifier) -> list[float]:
    due_at = datetime.now(UTC)
    activity_id = str(uuid.uuid4())
    starts_at = due_at + REMINDER_LEAD
    volunteers = [str(uuid.uuid4()) for _ in range(REMINDERS)]
    commits: list[tuple[float, int]] = []
    due = time.time()
    for first in range(0, REMINDERS, BATCH):
        batch = volunteers[first : first + BATCH]
        with database.transaction() as session:
            for volunteer_id in batch:
                message = messages.activity_reminder(TITLE, china_time(starts_at), PLACE)
                event_id = reminder_event_id(activity_id, volunteer_id, due_at)
                notifier.notify(session, event_id, volunteer_id, message)
        commits.append((time.time(), len(batch)))
    return _lags(commits, due)


def _measured(
    database_url: DatabaseFactory, measure: Callable[[Database, Notifier], list[float]]
) -> list[float]:
    """The lags `measure` finds on a fresh database of its own."""
    with database_url() as url:
        app = make_app(SERVICE, url, amqp_url="amqp://127.0.0.1:1/%2F")
        database = context_of(app).database
        try:
            return measure(database, Notifier(MessageComposer("zh"), ["log"]))
        finally:
            database.dispose()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(_amqp_url: str, postgres_url: str | None) -> list[dict]:
    """One row per database: the scheduler's lag against the Notifier's loop alone."""
    rows = []
    for label, database_url in engines(postgres_url):
        ours = _measured(database_url, _ours)
        reference = _measured(database_url, _reference)
        ours_p50, ours_p99 = _percentile(ours, 0.5), _percentile(ours, 0.99)
        ref_p50, ref_p99 = _percentile(reference, 0.5), _percentile(reference, 0.99)
        rows.append(
            {
                "benchmark": f"{REMINDERS:,} reminders due at once → stored ({label})",
                "ours": f"lag p50 {ours_p50:.2f} s, p99 {ours_p99:.2f} s "
                f"(mean {statistics.fmean(ours):.2f} s)",
                "reference": f"p50 {ref_p50:.2f} s, p99 {ref_p99:.2f} s, the Notifier "
                f"writing the same {REMINDERS:,} in one loop",
                "ratio": ref_p99 / ours_p99,
                "target": None,
                "note": f"scheduler thread polling every 0.2 s, batches of {BATCH} per "
                "transaction; ratio = reference p99 / ours p99",
            }
        )
        print(
            f"{label}: ours p50 {ours_p50:.3f} s p99 {ours_p99:.3f} s; "
            f"reference p50 {ref_p50:.3f} s p99 {ref_p99:.3f} s; "
            f"ratio (p99) {ref_p99 / ours_p99:.2f}",
            flush=True,
        )
    return rows
