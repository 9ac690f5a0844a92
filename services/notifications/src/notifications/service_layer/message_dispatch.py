"""Sending stored notifications on their channels, in the worker, retried with backoff."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import timedelta

from association.db import Database
from notifications.adapters import message_deliveries as records
from notifications.adapters.channels import Channel, DeliveryRefused, Undeliverable
from notifications.adapters.database import utcnow
from notifications.domain.retries import RetryPolicy
from notifications.service_layer.polling import PollingLoop

log = logging.getLogger(__name__)


class MessageDispatcher(PollingLoop):
    """Sends due deliveries on `channels`; a failure is retried until `max_attempts`.

    Deliveries are leased before they are sent, so two workers never send the same one at once;
    a worker that dies mid-send leaves a lease that expires after `lease_seconds`.

    The outcomes of a batch are written in one transaction once the batch is through (or stopped);
    earlier once a quarter of the lease has gone by, so a slow batch does not hold a sent delivery
    unwritten for long while its lease runs down. Outcomes the database failed to take are kept
    and written before the next batch is claimed (their leases keep other workers off them).

    The messages of a batch are read with its claim, in one query. None goes out on a reading
    older than `max_read_age` seconds: past that, what is left of the batch is read again, so a
    volunteer who withdrew (or changed address) meanwhile is not written to (at the old address).
    """

    def __init__(
        self,
        database: Database,
        channels: Sequence[Channel],
        policy: RetryPolicy,
        max_attempts: int,
        *,
        poll_interval: float = 0.2,
        batch_size: int = 20,
        lease_seconds: float = 600.0,
        max_read_age: float = 0.05,
    ) -> None:
        super().__init__(database, poll_interval)
        self.channels = {channel.name: channel for channel in channels}
        self.policy = policy
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.max_read_age = max_read_age
        self.sent = 0
        self._unrecorded: list[records.Outcome] = []  # sent (or tried), not written down yet

    def work_once(self) -> int:
        """Lease a batch of due deliveries, send them, and write down how each went."""
        if self._unrecorded:
            self._record()  # what the database failed to take last round, before anything new
        now = utcnow()
        lease_until = now + self.lease
        record_by = now + self.lease / 4
        with self.database.transaction() as session:
            claimed = records.claim_due(
                session, list(self.channels), now, lease_until, self.batch_size
            )
            messages = records.outgoing(session, claimed)
        read_at = time.monotonic()
        unsent: list[tuple[str, str]] = []
        try:
            for done, key in enumerate(claimed):
                if self.stopping:
                    unsent = claimed[done:]
                    break
                if time.monotonic() - read_at > self.max_read_age:
                    messages = self._read(claimed[done:])
                    read_at = time.monotonic()
                outcome = self._deliver(key, messages.get(key))
                if outcome is not None:
                    self._unrecorded.append(outcome)
                    if utcnow() >= record_by:
                        self._record()
        finally:
            self._record(release=unsent)
        return len(claimed)

    def finish(self) -> None:
        if self._unrecorded:
            try:
                self._record()
            except Exception:  # stopping anyway: their leases expire and they are sent again
                log.exception("could not write down %d outcomes", len(self._unrecorded))

    def _record(self, release: Sequence[tuple[str, str]] = ()) -> None:
        """Write the outcomes held (and give back `release`) in one transaction."""
        if self._unrecorded or release:
            with self.database.transaction() as session:
                records.record_outcomes(session, self._unrecorded)
                records.release(session, release)
        self._unrecorded = []

    def _read(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[records.OutgoingMessage, int]]:
        """A fresh reading of the deliveries still to send (see the class docstring)."""
        with self.database.reader() as session:
            return records.outgoing(session, keys)

    def _deliver(
        self, key: tuple[str, str], found: tuple[records.OutgoingMessage, int] | None
    ) -> records.Outcome | None:
        if found is None:
            return None  # erased since (the volunteer withdrew); its deliveries went with it
        notification_id, channel_name = key
        message, attempts = found
        error: str | None = None
        next_attempt_at = None
        try:
            self.channels[channel_name].send(message)
            status = records.SENT
            self.sent += 1
        except Undeliverable as problem:
            status, error = records.SKIPPED, str(problem)
        except DeliveryRefused as problem:
            status, error = records.FAILED, str(problem)
        except Exception as problem:  # any other failure of a channel is worth another attempt
            error = f"{type(problem).__name__}: {problem}"
            if attempts + 1 >= self.max_attempts:
                status = records.FAILED
            else:
                status = records.RETRYING
                next_attempt_at = utcnow() + timedelta(seconds=self.policy.delay(attempts + 1))
            log.warning(
                "%s delivery of notification %s failed (attempt %d): %s",
                channel_name,
                notification_id,
                attempts + 1,
                error,
            )
        return records.Outcome(notification_id, channel_name, status, error, next_attempt_at)
