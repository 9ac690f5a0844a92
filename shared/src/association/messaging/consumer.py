"""The consumer: applies events from the service's quorum queue to its database, exactly once.

Every delivery is checked against the inbox of processed event ids and applied in the same
transaction that records it there (`association.messaging.inbox`); acks go out only after that
transaction committed. Deliveries are handled in small batches to keep commits and acks cheap
(`association.messaging.batches`): one transaction and one inbox statement a batch, runs of a
set-based handler's events in one call, and a savepoint per event only once a handler failed.

Whatever an event makes raise while it is decoded, validated, upcast, handled or committed
costs that event one attempt: it goes back to the queue after a pause that doubles with each
attempt (so an event waiting for an earlier one gives it time to arrive), and the broker
dead-letters it to `<service>.dead` after the delivery limit; the log line of each attempt says
what failed and why. An event that does not validate goes there at once. A database outage is
not the event's fault: the batch in hand is retried until the database answers, without
spending the events' attempts. Only broker errors (reconnect) and outages leave the loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import pika
from marshmallow import ValidationError
from pika.adapters.blocking_connection import BlockingChannel

from association.db import Database
from association.events import Envelope, EventRegistry, InvalidEvent
from association.messaging.backoff import Backoff
from association.messaging.batches import BatchApplier, Delivery, log_failed_attempt
from association.messaging.handlers import Handler
from association.messaging.topology import Topology

log = logging.getLogger(__name__)


class Consumer:
    """Consumes `<service>.inbox`, bound to the routing keys (`<producer>.<EventType>`) it handles.

    `handlers` is complete at construction: the queue is bound and consumption starts only in
    `run`, so no event is ever taken before its handler exists. A handler with an `apply_many`
    method (`SetBasedHandler`) is given runs of its events in one call. An event whose handler
    failed is handed back after `retry_delay` seconds, twice as long after each further attempt.
    """

    def __init__(
        self,
        database: Database,
        amqp_url: str,
        topology: Topology,
        registry: EventRegistry,
        handlers: Mapping[str, Handler],
        *,
        prefetch: int = 200,
        batch_size: int = 100,
        batch_wait: float = 0.005,
        retry_delay: float = 0.25,
    ) -> None:
        for routing_key in handlers:
            event_type = routing_key.rpartition(".")[2]
            if not registry.knows(event_type):
                raise ValueError(f"no schema registered for {routing_key}")
        self.database = database
        self.parameters = pika.URLParameters(amqp_url)
        self.topology = topology
        self.registry = registry
        self.handlers = dict(handlers)
        self.batches = BatchApplier(database, handlers, topology)
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.retry_delay = retry_delay
        self.applied = 0
        self.consuming = threading.Event()
        self._stop = threading.Event()
        self._held: list[tuple[float, int]] = []  # failed deliveries: (when to hand back, tag)

    def stop(self) -> None:
        """Finish the batch in hand (commit and ack), then close. Thread-safe."""
        self._stop.set()

    def run(self) -> None:
        """Declare the topology, consume, reconnect with backoff until stopped."""
        backoff = Backoff()
        while not self._stop.is_set():
            try:
                self._consume(backoff)
            except pika.exceptions.AMQPError as error:
                self.consuming.clear()
                if self._stop.is_set():
                    break
                delay = backoff.next()
                log.warning("consumer lost the broker (%r); reconnecting in %.1fs", error, delay)
                self._stop.wait(delay)
        self.consuming.clear()

    def _consume(self, backoff: Backoff) -> None:
        connection = pika.BlockingConnection(self.parameters)
        try:
            channel = connection.channel()
            self.topology.declare_inbox(channel, self.handlers)
            channel.basic_qos(prefetch_count=self.prefetch)
            self.consuming.set()
            backoff.reset()
            log.info("consuming %s", self.topology.inbox_queue)
            self._held = []  # the tags of a closed channel mean nothing on this one
            pending: list[Delivery] = []
            oldest = 0.0
            for method, properties, body in channel.consume(
                self.topology.inbox_queue, inactivity_timeout=self.batch_wait
            ):
                if method is not None:
                    if not pending:
                        oldest = time.monotonic()
                    attempt = _attempt(properties.headers)
                    pending.append(Delivery(method.delivery_tag, method.routing_key, body, attempt))
                full = len(pending) >= self.batch_size
                if pending and (
                    full or method is None or time.monotonic() - oldest > self.batch_wait
                ):
                    self._handle_batch(connection, channel, pending)
                    pending = []
                self._hand_back(channel)
                if self._stop.is_set() and not pending:
                    break
            self._hand_back(channel, everything=True)
            channel.cancel()
        finally:
            if connection.is_open:
                connection.close()

    # One batch

    def _handle_batch(
        self, connection: pika.BlockingConnection, channel: BlockingChannel, batch: list[Delivery]
    ) -> None:
        valid = self._validate(channel, batch)
        if not valid:
            return
        # connection.sleep keeps the broker connection's heartbeats going while the database is down
        failed = self.batches.apply_until_committed(valid, connection.sleep)
        done = [d for d in valid if d.tag not in failed]
        if len(done) == len(batch) and not self._held:  # else a multiple ack would take them too
            channel.basic_ack(batch[-1].tag, multiple=True)
        else:
            for delivery in done:
                channel.basic_ack(delivery.tag)
            for delivery in valid:
                if delivery.tag in failed:
                    self._hold(delivery)
        self.applied += len(done)

    def _hold(self, delivery: Delivery) -> None:
        """Keep a failed delivery a while (unacked) before it goes back to the queue.

        Handed back at once, an event that waits for another (a volunteer's change before their
        sign-up) would spend its attempts in milliseconds; the pause doubles with each attempt.
        The last attempt goes at once: the broker dead-letters it.
        """
        final = delivery.attempt >= self.topology.max_delivery_attempts
        delay = 0.0 if final else self.retry_delay * 2 ** (delivery.attempt - 1)
        self._held.append((time.monotonic() + delay, delivery.tag))

    def _hand_back(self, channel: BlockingChannel, *, everything: bool = False) -> None:
        """Return the held deliveries whose pause is over (all of them when stopping)."""
        if not self._held:
            return
        now = time.monotonic()
        due = [tag for when, tag in self._held if everything or when <= now]
        if due:
            self._held = [(when, tag) for when, tag in self._held if tag not in due]
            for tag in due:
                channel.basic_nack(tag, requeue=True)

    def _validate(self, channel: BlockingChannel, batch: list[Delivery]) -> list[Delivery]:
        """The deliveries holding a valid event this consumer handles, their `event` set.

        Invalid ones are dead-lettered at once: no attempt would make them valid. Those whose
        decoding or validation raised anything else are held, at the cost of an attempt. The
        envelopes are checked one by one, the payloads of the batch together (`_upcast_all`).
        """
        parsed: list[Delivery] = []
        envelopes: list[Envelope] = []
        for delivery in batch:
            try:
                envelope = Envelope.from_json(delivery.body)
            except ValidationError as error:
                _reject(channel, delivery, f"invalid envelope: {error.messages}")
                continue
            except Exception as error:  # the decoder's own failure: this event's, not the loop's
                self._fail("decoding", delivery, error)
                continue
            if envelope.routing_key not in self.handlers:
                _reject(channel, delivery, f"no handler for {envelope.routing_key}")
                continue
            parsed.append(delivery)
            envelopes.append(envelope)
        valid: list[Delivery] = []
        for delivery, result in zip(parsed, self._upcast_all(envelopes), strict=True):
            if isinstance(result, InvalidEvent):
                _reject(channel, delivery, f"{result}: {result.errors}")
            elif isinstance(result, Exception):
                self._fail("validation", delivery, result)
            else:
                delivery.event = result
                valid.append(delivery)
        return valid

    def _upcast_all(self, envelopes: list[Envelope]) -> list[Envelope | Exception]:
        """`EventRegistry.upcast_all`; should it raise, each envelope's own verdict or error."""
        try:
            return list(self.registry.upcast_all(envelopes))
        except Exception:  # one of them broke a schema's dump or an upcaster: find which
            verdicts: list[Envelope | Exception] = []
            for envelope in envelopes:
                try:
                    verdicts.append(self.registry.upcast(envelope))
                except Exception as error:
                    verdicts.append(error)
            return verdicts

    def _fail(self, step: str, delivery: Delivery, error: Exception) -> None:
        """`step` raised on this delivery: log why and hold it, at the cost of an attempt."""
        log_failed_attempt(step, delivery, error, self.topology.max_delivery_attempts)
        self._hold(delivery)


def _reject(channel: BlockingChannel, delivery: Delivery, reason: str) -> None:
    """Dead-letter an invalid event at once (the inbox queue dead-letters what is rejected)."""
    log.error("dead-lettering an invalid event (%s): %s", delivery.routing_key, reason)
    channel.basic_reject(delivery.tag, requeue=False)


def _attempt(headers: Mapping[str, Any] | None) -> int:
    """Which delivery this is: the broker's x-delivery-count plus one.

    A publisher can set the header too (the broker keeps it on a first delivery): anything but a
    non-negative integer counts as a first delivery.
    """
    count = (headers or {}).get("x-delivery-count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return 1
    return count + 1
