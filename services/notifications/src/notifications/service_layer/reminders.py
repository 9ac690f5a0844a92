"""The scheduler of reminders: a worker component writing each due reminder's notification once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from association.db import Database
from notifications.adapters import recruitment_records as records
from notifications.adapters.database import utcnow
from notifications.domain import messages
from notifications.domain.reminders import china_time, reminder_event_id
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.polling import PollingLoop

log = logging.getLogger(__name__)


class ReminderScheduler(PollingLoop):
    """Claims the due, unsent reminders of activities not started yet, up to `batch_size` at a
    time, and in one transaction writes each one's notification (queued on the channels like any
    other) and marks it sent: a worker killed before the commit leaves the batch unsent, one
    killed after it has nothing left to do, so a restart neither loses nor repeats a reminder.

    The notification's event id is derived from the reminder, so even a reminder claimed twice
    (which the claim's row locks prevent on PostgreSQL, and SQLite's single writer prevents) would
    be stored once. Unsent reminders of activities that have started are dropped: too late.
    """

    def __init__(
        self,
        database: Database,
        notifier: Notifier,
        *,
        poll_interval: float = 0.2,
        batch_size: int = 200,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(database, poll_interval)
        self.notifier = notifier
        self.batch_size = batch_size
        self.clock = clock
        self.written = 0

    def work_once(self) -> int:
        """Write one batch of due reminders; how many were claimed."""
        now = self.clock()
        with self.database.transaction() as session:
            due = records.claim_due(session, now, self.batch_size)
            for reminder in due:
                message = messages.activity_reminder(
                    reminder.title, china_time(reminder.starts_at), reminder.location
                )
                event_id = reminder_event_id(
                    reminder.activity_id, reminder.volunteer_id, reminder.due_at
                )
                self.notifier.notify(session, event_id, reminder.volunteer_id, message)
            records.mark_sent(session, due, now)
            missed = records.drop_missed(session, now) if len(due) < self.batch_size else 0
        if missed:
            log.info("dropped %d reminders of activities that had started", missed)
        self.written += len(due)
        return len(due)
