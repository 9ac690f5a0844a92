"""The consumer: applies events from the service's quorum queue to its database, exactly once.

Every delivery is checked against the inbox table of processed event ids and applied in the same
transaction that records it there; acks go out only after that transaction committed. Deliveries
are handled in small batches to keep commits and acks cheap: one transaction, one inbox query and
one inbox insert a batch, with a savepoint per event only once a handler failed. A handler that
raises sends its event back to the queue after a pause that doubles with each attempt (so an
event waiting for an earlier one gives it time to arrive); the broker dead-letters it to
`<service>.dead` after the delivery limit. An event that does not validate goes there at once. A
database outage is not the event's fault: the batch in hand is retried until the database
answers, without spending the events' attempts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pika
import psycopg
from marshmallow import ValidationError
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import String, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope, EventRegistry, InvalidEvent
from association.logging_context import correlation
from association.messaging.backoff import Backoff
from association.messaging.topology import Topology
from association.store.tables import inbox_table

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]


@dataclass
class _Delivery:
    tag: int
    routing_key: str
    body: bytes
    attempt: int
    event: Envelope | None = None


class Consumer:
    """Consumes `<service>.inbox`, bound to the routing keys (`<producer>.<EventType>`) it handles.

    `handlers` is complete at construction: the queue is bound and consumption starts only in
    `run`, so no event is ever taken before its handler exists. An event whose handler failed is
    handed back after `retry_delay` seconds, twice as long after each further attempt.
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
            declare_topology(channel, self.topology, self.handlers)
            channel.basic_qos(prefetch_count=self.prefetch)
            self.consuming.set()
            backoff.reset()
            log.info("consuming %s", self.topology.inbox_queue)
            self._held = []  # the tags of a closed channel mean nothing on this one
            pending: list[_Delivery] = []
            oldest = 0.0
            for method, properties, body in channel.consume(
                self.topology.inbox_queue, inactivity_timeout=self.batch_wait
            ):
                if method is not None:
                    if not pending:
                        oldest = time.monotonic()
                    attempt = _attempt(properties.headers)
                    pending.append(
                        _Delivery(method.delivery_tag, method.routing_key, body, attempt)
                    )
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
        self, connection: pika.BlockingConnection, channel: BlockingChannel, batch: list[_Delivery]
    ) -> None:
        valid = self._validate(channel, batch)
        if not valid:
            return
        failed = self._apply_until_committed(connection, valid)
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

    def _hold(self, delivery: _Delivery) -> None:
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

    def _validate(self, channel: BlockingChannel, batch: list[_Delivery]) -> list[_Delivery]:
        """The deliveries holding a valid event this consumer handles, their `event` set.

        The others are dead-lettered at once: no attempt would make them valid. The envelopes
        are checked one by one, the payloads of the batch together (`EventRegistry.upcast_all`).
        """
        parsed: list[_Delivery] = []
        envelopes: list[Envelope] = []
        for delivery in batch:
            try:
                envelope = Envelope.from_json(delivery.body)
            except ValidationError as error:
                _reject(channel, delivery, f"invalid envelope: {error.messages}")
                continue
            if envelope.routing_key not in self.handlers:
                _reject(channel, delivery, f"no handler for {envelope.routing_key}")
                continue
            parsed.append(delivery)
            envelopes.append(envelope)
        valid: list[_Delivery] = []
        for delivery, result in zip(parsed, self.registry.upcast_all(envelopes), strict=True):
            if isinstance(result, InvalidEvent):
                _reject(channel, delivery, f"{result}: {result.errors}")
            else:
                delivery.event = result
                valid.append(delivery)
        return valid

    def _apply_until_committed(
        self, connection: pika.BlockingConnection, batch: list[_Delivery]
    ) -> set[int]:
        """Apply the batch in one transaction, retrying while the database is unreachable."""
        backoff = Backoff()
        while True:
            try:
                return self._apply(batch)
            except (OperationalError, DBAPIError) as error:
                if not _is_connection_problem(error):
                    raise
                delay = backoff.next()
                log.warning("database unavailable (%s); retrying the batch in %.1fs", error, delay)
                connection.sleep(delay)  # keeps the broker connection's heartbeats going

    def _apply(self, batch: list[_Delivery]) -> set[int]:
        """Apply a batch; the tags of the deliveries whose handler failed.

        The common case runs the whole batch in one transaction with one inbox query and one
        inbox insert. Only when a handler fails is the batch run again, event by event in
        savepoints, so that the failing event alone is handed back.
        """
        try:
            self._apply_all(batch)
            return set()
        except _HandlerFailed as failure:
            # That event has had its attempt; the others are applied around it, one by one.
            first = failure.delivery
            _log_failure(first.event, first, failure.__cause__, self.topology)  # type: ignore[arg-type]
        failed: set[int] = {first.tag}
        with self.database.transaction() as session:
            for delivery in batch:
                event = delivery.event
                assert event is not None
                if delivery.tag == first.tag:
                    continue
                with correlation(event.correlation_id):
                    try:
                        apply_once(session, self.handlers[event.routing_key], event)
                    except (OperationalError, DBAPIError) as error:
                        if _is_connection_problem(error):
                            raise
                        failed.add(delivery.tag)
                        _log_failure(event, delivery, error, self.topology)
                    except Exception as error:  # a handler's failure costs this event an attempt
                        failed.add(delivery.tag)
                        _log_failure(event, delivery, error, self.topology)
        return failed

    def _apply_all(self, batch: list[_Delivery]) -> None:
        with self.database.transaction() as session:
            seen = _processed_among(session, [d.event.event_id for d in batch if d.event])
            applied: list[Envelope] = []
            for delivery in batch:
                event = delivery.event
                assert event is not None
                if event.event_id in seen:
                    continue
                seen.add(event.event_id)
                with correlation(event.correlation_id):
                    try:
                        self.handlers[event.routing_key](session, event)
                    except (OperationalError, DBAPIError) as error:
                        if _is_connection_problem(error):
                            raise
                        raise _HandlerFailed(delivery) from error
                    except Exception as error:
                        raise _HandlerFailed(delivery) from error
                applied.append(event)
            _record_processed(session, applied)


class _HandlerFailed(Exception):
    """A handler raised while a batch ran in one piece; the batch is rolled back and split."""

    def __init__(self, delivery: _Delivery) -> None:
        super().__init__(delivery.routing_key)
        self.delivery = delivery


def apply_once(session: Session, handler: Handler, event: Envelope) -> bool:
    """Apply `event` with `handler` unless the inbox says it was; False for a duplicate.

    Runs in a savepoint of the caller's transaction, so a failing handler leaves nothing behind,
    and records the event id in the inbox in that same savepoint.
    """
    with session.begin_nested():
        if _processed_among(session, [event.event_id]):
            return False
        handler(session, event)
        _record_processed(session, [event])
    return True


# Built once: a batch costs its statements' execution, not their construction. PostgreSQL is
# given the ids as one array: an IN list of a hundred parameters costs it twice the CPU.
_PROCESSED_AMONG = select(inbox_table.c.event_id).where(
    inbox_table.c.event_id.in_(bindparam("event_ids", expanding=True))
)
_PROCESSED_AMONG_ON_POSTGRESQL = select(inbox_table.c.event_id).where(
    inbox_table.c.event_id == any_(bindparam("event_ids", type_=ARRAY(String)))
)
_RECORD_PROCESSED = insert(inbox_table)


def _processed_among(session: Session, event_ids: list[str]) -> set[str]:
    """Which of these event ids the inbox already holds: one query for the whole batch."""
    if not event_ids:
        return set()
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _PROCESSED_AMONG_ON_POSTGRESQL if on_postgresql else _PROCESSED_AMONG
    return set(session.execute(statement, {"event_ids": event_ids}).scalars())


def _record_processed(session: Session, events: list[Envelope]) -> None:
    """Record the events in the inbox: one executemany for the whole batch."""
    if events:
        now = datetime.now(UTC)
        session.execute(
            _RECORD_PROCESSED,
            [
                {"event_id": e.event_id, "event_type": e.event_type, "processed_at": now}
                for e in events
            ],
        )


def declare_topology(
    channel: BlockingChannel, topology: Topology, handlers: Mapping[str, Handler]
) -> None:
    """Declare the events exchange, the dead-letter queue, and the inbox bound to the handlers."""
    channel.exchange_declare(topology.events_exchange, exchange_type="topic", durable=True)
    channel.queue_declare(
        topology.dead_letter_queue, durable=True, arguments=topology.dead_letter_arguments()
    )
    channel.queue_declare(topology.inbox_queue, durable=True, arguments=topology.inbox_arguments())
    for routing_key in handlers:
        channel.queue_bind(topology.inbox_queue, topology.events_exchange, routing_key=routing_key)


def _reject(channel: BlockingChannel, delivery: _Delivery, reason: str) -> None:
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


def _is_connection_problem(error: DBAPIError) -> bool:
    """True when the database, not the event, is at fault (lost connection, SQLite locked)."""
    if error.connection_invalidated:
        return True
    orig = error.orig
    if type(orig).__module__.startswith("psycopg"):
        return isinstance(orig, psycopg.OperationalError)
    message = str(orig).lower()
    return isinstance(error, OperationalError) and (
        "locked" in message or "unable to open" in message
    )


def _log_failure(
    event: Envelope, delivery: _Delivery, error: Exception, topology: Topology
) -> None:
    final = delivery.attempt >= topology.max_delivery_attempts
    log.error(
        "handler failed on attempt %d of %d for %s%s",
        delivery.attempt,
        topology.max_delivery_attempts,
        event.routing_key,
        " (goes to the dead-letter queue)" if final else "",
        exc_info=error,
        extra={"event_id": event.event_id, "event_type": event.event_type},
    )
