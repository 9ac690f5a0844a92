"""Delivering public events to partners' webhooks: signed, in order per subscription, retried.

Up to `concurrency` subscriptions are delivered to side by side, each on a thread of the pool and
strictly in order: its oldest pending delivery first, and nothing behind it until it succeeds.
Subscriptions are independent: whenever a thread is free, the next due subscription is leased and
handed to it, so a partner that answers slowly (up to the client's deadline per delivery) holds one
thread and nobody else's deliveries. A failure (no complete answer within the deadline, or a
non-2xx status) is retried with exponential backoff; after `pause_after` failures in a row the
subscription is paused, with the reason recorded.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any, Protocol

from association.db import Database
from association.store import EventStore
from notifications.adapters import webhook_deliveries as records
from notifications.adapters.database import utcnow
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.webhook_client import WebhookResponse
from notifications.domain.retries import RetryPolicy
from notifications.domain.signatures import signature
from notifications.service_layer import subscriptions
from notifications.service_layer.polling import PollingLoop

log = logging.getLogger(__name__)

USER_AGENT = "association-notifications/1"


class WebhookPoster(Protocol):
    """Posts a body to a URL and says how it went (WebhookClient)."""

    timeout: float

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> WebhookResponse: ...


def delivery_headers(delivery: dict[str, Any], secret: str, body: bytes) -> dict[str, str]:
    """A webhook delivery's headers: event type, delivery id (kept on retries), signature."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Association-Event": delivery["event_type"],
        "X-Association-Delivery": delivery["delivery_id"],
        "X-Association-Signature": signature(secret, body),
    }


class WebhookDispatcher(PollingLoop):
    """The worker component that delivers webhooks."""

    def __init__(
        self,
        database: Database,
        store: EventStore,
        public_log: PublicEventLog,
        client: WebhookPoster,
        policy: RetryPolicy,
        pause_after: int,
        *,
        concurrency: int = 4,
        batch_size: int = 20,
        poll_interval: float = 0.2,
    ) -> None:
        super().__init__(database, poll_interval)
        self.store = store
        self.public_log = public_log
        self.client = client
        self.policy = policy
        self.pause_after = pause_after
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.lease = timedelta(seconds=batch_size * (client.timeout + 1) + 30)
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.delivered = 0
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook")
        self._busy: set[str] = set()  # subscriptions a thread of the pool is delivering to
        self._busy_lock = threading.Lock()

    def work_once(self) -> int:
        """Lease due subscriptions for the pool's free threads and hand them over; no waiting."""
        with self._busy_lock:
            free = self.concurrency - len(self._busy)
        if free <= 0:
            return 0
        now = utcnow()
        with self.database.reader() as session:
            due = records.due_subscriptions(session, now, free)
        with self._busy_lock:  # one whose thread has released it but not yet returned waits
            due = [s for s in due if s not in self._busy]
        if not due:
            return 0
        with self.database.transaction() as session:
            claimed = [
                s for s in due if records.claim(session, s, self.owner, now, now + self.lease)
            ]
        for subscription_id in claimed:
            with self._busy_lock:
                self._busy.add(subscription_id)
            future = self._pool.submit(self._deliver_in_order, subscription_id)
            future.add_done_callback(lambda done, s=subscription_id: self._finished(s, done))
        return len(claimed)

    def _finished(self, subscription_id: str, done: Future[None]) -> None:
        with self._busy_lock:
            self._busy.discard(subscription_id)
        error = done.exception()
        if error is not None:  # the lease runs out and the subscription is tried again
            log.error("delivering to subscription %s failed", subscription_id, exc_info=error)

    def finish(self) -> None:
        self._pool.shutdown(wait=True)

    def _deliver_in_order(self, subscription_id: str) -> None:
        try:
            for _ in range(self.batch_size):
                if self.stopping or not self._deliver_head(subscription_id):
                    break
        finally:
            with self.database.transaction() as session:
                records.release(session, subscription_id, self.owner)

    def _deliver_head(self, subscription_id: str) -> bool:
        """Try the oldest pending delivery once; True when it succeeded and more may follow."""
        with self.database.reader() as session:
            head = records.head_delivery(session, subscription_id)
            if head is None or head["next_attempt_at"] > utcnow():
                return False
            event = self.public_log.at(session, head["public_position"])
        body = event.to_json()
        response = self.client.post(head["url"], body, delivery_headers(head, head["secret"], body))
        with self.database.transaction() as session:
            if response.ok:
                assert response.status_code is not None
                records.record_delivered(
                    session, head["position"], subscription_id, response.status_code
                )
                self.delivered += 1
                return True
            self._record_failure(session, head, response)
        return False

    def _record_failure(
        self, session: Any, head: dict[str, Any], response: WebhookResponse
    ) -> None:
        subscription_id = head["subscription_id"]
        error = response.error or f"HTTP {response.status_code}"
        attempts = head["attempts"] + 1
        retry_at = utcnow() + timedelta(seconds=self.policy.delay(attempts))
        failures = records.record_failed(
            session,
            head["position"],
            subscription_id,
            status_code=response.status_code,
            error=error,
            retry_at=retry_at,
        )
        log.warning(
            "webhook delivery %s to subscription %s failed (attempt %d): %s",
            head["delivery_id"],
            subscription_id,
            attempts,
            error,
        )
        if failures >= self.pause_after:
            reason = (
                f"paused after {failures} failed deliveries in a row (last: {error}); "
                f"fix the endpoint, then POST /subscriptions/{subscription_id}/resume"
            )
            subscriptions.pause(session, self.store, subscription_id, reason, failures)
            log.warning("webhook subscription %s paused: %s", subscription_id, reason)
