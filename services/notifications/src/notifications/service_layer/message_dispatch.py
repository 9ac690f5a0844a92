"""Sending stored notifications on their channels, in the worker, retried with backoff."""

from __future__ import annotations

import logging
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
    ) -> None:
        super().__init__(poll_interval)
        self.database = database
        self.channels = {channel.name: channel for channel in channels}
        self.policy = policy
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.sent = 0

    def work_once(self) -> int:
        """Lease a batch of due deliveries and send them."""
        now = utcnow()
        with self.database.transaction() as session:
            claimed = records.claim_due(
                session, list(self.channels), now, now + self.lease, self.batch_size
            )
        for done, (notification_id, channel) in enumerate(claimed):
            if self.stopping:
                with self.database.transaction() as session:
                    records.release(session, claimed[done:])
                break
            self._deliver(notification_id, channel)
        return len(claimed)

    def _deliver(self, notification_id: str, channel_name: str) -> None:
        with self.database.reader() as session:
            message = records.outgoing(session, notification_id)
            attempts = records.attempts_of(session, notification_id, channel_name)
        if message is None:
            return  # erased since (the volunteer withdrew); its deliveries went with it
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
        with self.database.transaction() as session:
            records.record_outcome(
                session,
                notification_id,
                channel_name,
                status=status,
                error=error,
                next_attempt_at=next_attempt_at,
            )
