"""The consumer: applies events from the service's quorum queue to its database, exactly once.

Every delivery is checked against the inbox table of processed event ids and applied in the same
transaction that records it there; acks go out only after that transaction committed. Deliveries
are handled in small batches to keep commits and acks cheap: one transaction and one inbox
statement a batch, with a savepoint per event only once a handler failed. A `BatchHandler`
applies each run of consecutive events of its routing key in one call (a statement for the run
rather than one per event), and event by event, like any handler, once the batch failed.

A handler that raises sends its event back to the queue after a pause that doubles with each
attempt (so an event waiting for an earlier one gives it time to arrive); the broker dead-letters
it to `<service>.dead` after the delivery limit. An event that does not validate goes there at
once. A database outage is not the event's fault: the batch in hand is retried until the
database answers, without spending the events' attempts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pika
import psycopg
from marshmallow import ValidationError
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import DateTime, Insert, String, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope, EventRegistry, InvalidEvent
from association.logging_context import correlation
from association.messaging.backoff import Backoff
from association.messaging.topology import Topology
from association.statements import inserted
from association.store.tables import inbox_table

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
ManyHandler = Callable[[Session, Sequence[Envelope]], None]


class BatchHandler:
    """A handler that can also apply a run of its events in one call, set-based.

    Called with one event it is the plain handler (`per_event`). While a batch runs in one piece,
    the consumer gives `many` each run of consecutive events of this routing key instead (in
    delivery order, duplicates left out). Should anything in the batch fail, it is rolled back and
    every event is applied with `per_event` in a savepoint of its own, so that only the failing
    event is handed back: `many(session, events)` must therefore leave the database exactly as
    calling `per_event` on each event in turn would. It runs outside any one event's correlation
    id, as the run mixes them.
    """

    __slots__ = ("many", "per_event")

    def __init__(self, per_event: Handler, many: ManyHandler) -> None:
        self.per_event = per_event
        self.many = many

    def __call__(self, session: Session, event: Envelope) -> None:
        self.per_event(session, event)

    def apply_many(self, session: Session, events: Sequence[Envelope]) -> None:
        self.many(session, events)


@dataclass
class _Delivery:
    tag: int
    routing_key: str
    body: bytes
    attempt: int
    event: Envelope | None = None

    @property
    def valid_event(self) -> Envelope:
        """The event of a delivery that passed validation."""
        assert self.event is not None
        return self.event


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
        self._many = {
            key: handler.apply_many
            for key, handler in handlers.items()
            if isinstance(handler, BatchHandler)
        }
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
            except DBAPIError as error:
                if not _is_outage(error):
                    raise
                delay = backoff.next()
                log.warning("database unavailable (%s); retrying the batch in %.1fs", error, delay)
                connection.sleep(delay)  # keeps the broker connection's heartbeats going

    def _apply(self, batch: list[_Delivery]) -> set[int]:
        """Apply a batch; the tags of the deliveries whose handler failed.

        The common case runs the whole batch in one transaction with one inbox statement. Only
        when a handler fails is the batch run again, event by event in savepoints and with the
        per-event handlers, so that the failing event alone is handed back.
        """
        try:
            self._apply_all(batch)
            return set()
        except _HandlerFailed as failure:
            blamed = failure.delivery
            self._log_batch_failure(failure)
        # A blamed event has had its attempt; the others (all, if a set-based handler failed) are
        # applied around it, one by one.
        failed = set() if blamed is None else {blamed.tag}
        with self.database.transaction() as session:
            for delivery in batch:
                if delivery.tag in failed:
                    continue
                event = delivery.valid_event
                with correlation(_correlation_id(event)):
                    try:
                        apply_once(session, self.handlers[event.routing_key], event)
                    except Exception as error:  # a handler's failure costs this event an attempt
                        if _is_outage(error):
                            raise
                        failed.add(delivery.tag)
                        _log_failure(event, delivery, error, self.topology)
        return failed

    def _log_batch_failure(self, failure: _HandlerFailed) -> None:
        """Log why the batch is run again event by event.

        A failed run of a set-based handler blames no event: the per-event run finds (and logs)
        the failing one, so only its error is noted here.
        """
        if failure.delivery is not None:
            event = failure.delivery.valid_event
            _log_failure(event, failure.delivery, failure.__cause__, self.topology)  # type: ignore[arg-type]
        else:
            log.warning(
                "a set-based handler failed on a run of %d events (%r); applying the batch "
                "event by event",
                failure.run_length,
                failure.__cause__,
            )

    def _apply_all(self, batch: list[_Delivery]) -> None:
        """Apply the batch in one transaction, runs of a set-based handler's events in one call."""
        with self.database.transaction() as session:
            fresh = _unprocessed(session, batch)
            for run in _runs(fresh):
                self._apply_run(session, run)

    def _apply_run(self, session: Session, run: list[_Delivery]) -> None:
        """Apply consecutive deliveries of one routing key; _HandlerFailed if a handler raised."""
        routing_key = run[0].valid_event.routing_key
        many = self._many.get(routing_key)
        if many is not None and len(run) > 1:
            try:
                many(session, [delivery.valid_event for delivery in run])
            except Exception as error:
                if _is_outage(error):
                    raise
                raise _HandlerFailed(None, len(run)) from error
            return
        handler = self.handlers[routing_key]
        for delivery in run:
            event = delivery.valid_event
            with correlation(_correlation_id(event)):
                try:
                    handler(session, event)
                except Exception as error:
                    if _is_outage(error):
                        raise
                    raise _HandlerFailed(delivery) from error


def _unprocessed(session: Session, batch: list[_Delivery]) -> list[_Delivery]:
    """Record the batch's new events in the inbox; their deliveries, each event once, in order."""
    claimed = _claim(session, [delivery.valid_event for delivery in batch])
    fresh: list[_Delivery] = []
    for delivery in batch:
        event_id = delivery.valid_event.event_id
        if event_id in claimed:
            claimed.discard(event_id)
            fresh.append(delivery)
    return fresh


def _runs(deliveries: list[_Delivery]) -> list[list[_Delivery]]:
    """The deliveries cut into runs of consecutive ones with the same routing key, in order."""
    runs: list[list[_Delivery]] = []
    for delivery in deliveries:
        if runs and runs[-1][0].valid_event.routing_key == delivery.valid_event.routing_key:
            runs[-1].append(delivery)
        else:
            runs.append([delivery])
    return runs


def _correlation_id(event: Envelope) -> str:
    """The correlation id to handle an event under: its own, else its event id.

    An event published outside any request carries none; its id serves as well as a fresh
    uuid4 would (logs and the events it causes can be traced back to it) and costs nothing.
    """
    return event.correlation_id or event.event_id


class _HandlerFailed(Exception):
    """A handler raised while a batch ran in one piece; the batch is rolled back and split.

    `delivery` is the event whose handler raised, None when a set-based handler raised on a run
    of `run_length` events (which of them is at fault is not known).
    """

    def __init__(self, delivery: _Delivery | None, run_length: int = 1) -> None:
        super().__init__(delivery.routing_key if delivery else f"a run of {run_length}")
        self.delivery = delivery
        self.run_length = run_length


def apply_once(session: Session, handler: Handler, event: Envelope) -> bool:
    """Apply `event` with `handler` unless the inbox says it was; False for a duplicate.

    Runs in a savepoint of the caller's transaction, so a failing handler leaves nothing behind,
    and records the event id in the inbox in that same savepoint.
    """
    with session.begin_nested():
        if not _claim(session, [event]):
            return False
        handler(session, event)
    return True


def _claim_on_postgresql() -> Insert:
    """The inbox rows of a batch in one statement from arrays (unnest), the new ones returned.

    An executemany is a statement per row to psycopg, about six times the client CPU.
    """
    rows = (
        func.unnest(
            bindparam("event_ids", type_=ARRAY(String)),
            bindparam("event_types", type_=ARRAY(String)),
        )
        .table_valued("event_id", "event_type")
        .render_derived()
    )
    processed_at = bindparam("processed_at", type_=DateTime(timezone=True))
    return (
        postgresql.insert(inbox_table)
        .from_select(
            ["event_id", "event_type", "processed_at"],
            select(rows.c.event_id, rows.c.event_type, processed_at),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(inbox_table.c.event_id)
    )


# Built once: a batch costs its statements' execution, not their construction.
_CLAIM_ON_POSTGRESQL = _claim_on_postgresql()


def _claim(session: Session, events: Sequence[Envelope]) -> set[str]:
    """Record the events in the inbox unless it holds them already; the ids newly recorded.

    One statement for the whole batch (INSERT … ON CONFLICT DO NOTHING RETURNING), in the
    transaction that applies the events: it both tells which are new and records them, so a
    batch costs one round trip to the inbox, and a rolled-back batch leaves no claim behind.
    """
    if not events:
        return set()
    now = datetime.now(UTC)
    if session.get_bind().dialect.name == "postgresql":
        parameters = {
            "event_ids": [e.event_id for e in events],
            "event_types": [e.event_type for e in events],
            "processed_at": now,
        }
        return set(session.execute(_CLAIM_ON_POSTGRESQL, parameters).scalars())
    rows = [
        {"event_id": e.event_id, "event_type": e.event_type, "processed_at": now} for e in events
    ]
    return set(inserted(session, inbox_table, rows, ["event_id"], "event_id"))


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


def _is_outage(error: Exception) -> bool:
    """True when a handler's error is the database's absence, not the handler's failure."""
    return isinstance(error, DBAPIError) and _is_connection_problem(error)


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
