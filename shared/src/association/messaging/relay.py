"""The outbox relay: publishes stored events to RabbitMQ with publisher confirms, many in flight.

Events leave the outbox only after the broker confirmed them, so a crash anywhere means an event
is sent again (consumers drop the duplicate), never lost. An event the broker returns as
unroutable (no queue bound for its key yet, or a restarted broker that has not recovered its
queues) is confirmed too, but stays in the outbox and is sent again after a pause. Only the relay
holding the exclusive lock queue of its service publishes; a second one stands by until the first
one's connection goes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pika
from pika.adapters.select_connection import SelectConnection
from pika.channel import Channel
from pika.spec import Basic

from association.db import Database
from association.events import Envelope
from association.messaging.backoff import Backoff
from association.messaging.confirms import InFlight
from association.messaging.outbox import Outbox, message_properties
from association.messaging.topology import Topology

log = logging.getLogger(__name__)

RESOURCE_LOCKED = 405


class OutboxRelay:
    """Publishes a service's unpublished events in sequence order; `run` until `stop` is called.

    `outbox` is usually the service's EventStore; `exchange` defaults to `association.events`
    and `lock_name` tells apart two relays of one service publishing different outboxes. `encode`
    gives an event's message body, or None when nothing of it may leave: that event is taken out
    of the outbox unpublished. An event `encode` raises on stays in the outbox, logged, and the
    events after it are published (it is tried again on the next connection).
    `batch_size` events are read per query and up to `max_in_flight` wait for confirms at once;
    confirmed events are deleted from the outbox in one transaction per `flush_interval` seconds
    (the cursor keeps them from being sent again meanwhile; a crash sends them again, and consumers
    drop the duplicates). An idle relay looks for new events every `poll_interval` seconds.
    """

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        amqp_url: str,
        topology: Topology,
        *,
        exchange: str | None = None,
        lock_name: str = "relay",
        batch_size: int = 500,
        max_in_flight: int = 2000,
        poll_interval: float = 0.02,
        flush_interval: float = 0.05,
        encode: Callable[[Envelope], bytes | None] = Envelope.to_json,
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.exchange = exchange or topology.events_exchange
        self.lock_name = lock_name
        self.parameters = pika.URLParameters(amqp_url)
        self.topology = topology
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.poll_interval = poll_interval
        self.flush_interval = flush_interval
        self.encode = encode
        self.published = 0
        self.returned = 0
        self.leading = threading.Event()
        self._stop = threading.Event()
        self._connection: SelectConnection | None = None
        self._channel: Channel | None = None
        self._reset_connection_state()

    def _reset_connection_state(self) -> None:
        self._in_flight = InFlight()
        self._confirmed: list[int] = []
        self._cursor = 0
        self._flush_scheduled = False

    # Lifecycle

    def run(self) -> None:
        """Connect, take the lock, publish; reconnect with backoff until stopped."""
        backoff = Backoff()
        while not self._stop.is_set():
            self._reset_connection_state()
            self._connection = SelectConnection(
                self.parameters,
                on_open_callback=self._on_connection_open,
                on_open_error_callback=self._on_connection_error,
                on_close_callback=self._on_connection_closed,
            )
            self._connection.ioloop.start()
            self._connection = None
            self._flush_confirmed()  # confirmed before the connection went: not to be sent again
            was_leading = self.leading.is_set()
            self.leading.clear()
            if self._stop.is_set():
                break
            delay = backoff.reset() if was_leading else backoff.next()
            log.info("relay reconnects in %.1fs", delay)
            self._stop.wait(delay)

    def stop(self) -> None:
        """Ask the relay to finish: wait briefly for confirms in flight, then close. Thread-safe."""
        self._stop.set()
        connection = self._connection
        if connection is not None:
            try:
                connection.ioloop.add_callback_threadsafe(self._close_when_drained)
            except Exception:  # the loop is already gone
                log.debug("relay loop already stopped", exc_info=True)

    def _close_when_drained(self, deadline: float | None = None) -> None:
        deadline = deadline or time.monotonic() + 5.0
        connection = self._connection
        if connection is None or connection.is_closed or connection.is_closing:
            return
        if self._in_flight and time.monotonic() < deadline:
            connection.ioloop.call_later(0.01, lambda: self._close_when_drained(deadline))
            return
        self._flush_confirmed()
        connection.close()

    # Connection and channel setup

    def _on_connection_open(self, connection: SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_error(self, connection: SelectConnection, error: BaseException) -> None:
        log.warning("relay cannot reach the broker: %s", error)
        connection.ioloop.stop()

    def _on_connection_closed(self, connection: SelectConnection, reason: BaseException) -> None:
        if not self._stop.is_set():
            log.warning("relay connection closed: %s", reason)
        connection.ioloop.stop()

    def _on_channel_open(self, channel: Channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: self._declare())

    def _on_channel_closed(self, channel: Channel, reason: BaseException) -> None:
        code = getattr(reason, "reply_code", None)
        if code == RESOURCE_LOCKED:
            log.info("another relay of %s publishes; standing by", self.topology.service)
        elif self._stop.is_set():
            log.info("relay channel closed: %s", reason)
        else:
            log.warning("relay channel closed: %s", reason)
        connection = self._connection
        if connection is not None and connection.is_open:
            connection.close()

    def _declare(self) -> None:
        assert self._channel is not None
        self.topology.declare_exchange(self._channel, self.exchange, then=self._take_lock)

    def _take_lock(self) -> None:
        assert self._channel is not None
        self.topology.declare_lock_queue(self._channel, self.lock_name, then=self._on_leading)

    def _on_leading(self) -> None:
        log.info("relay of %s publishes to %s", self.topology.service, self.exchange)
        self.leading.set()
        self._pump()

    # Publishing

    def _pump(self) -> None:
        connection, channel = self._connection, self._channel
        if self._stop.is_set() or connection is None or channel is None or not channel.is_open:
            return
        room = self.max_in_flight - len(self._in_flight)
        fetched = 0
        if room > 0:
            try:
                with self.database.reader() as session:
                    events = self.outbox.unpublished(
                        session, self._cursor, min(room, self.batch_size)
                    )
            except Exception:
                log.exception("relay cannot read the outbox")
                connection.ioloop.call_later(1.0, self._pump)
                return
            for event in events:
                self._publish(channel, event)
                self._cursor = event.sequence or self._cursor
            fetched = len(events)
        busy = fetched == self.batch_size and len(self._in_flight) < self.max_in_flight
        connection.ioloop.call_later(0 if busy else self.poll_interval, self._pump)

    def _publish(self, channel: Channel, event: Envelope) -> None:
        try:
            body = self.encode(event)
        except Exception:  # one event that cannot be written must not stop the others
            log.exception(
                "relay cannot encode event %s (%s); it stays in the outbox",
                event.event_id,
                event.routing_key,
            )
            return
        if body is None:  # nothing of this event may leave: done with it, as if confirmed
            self._confirmed.append(event.sequence or 0)
            self._schedule_flush()
            return
        channel.basic_publish(
            self.exchange,
            event.routing_key,
            body,
            message_properties(event),
            mandatory=True,
        )
        self._in_flight.sent(event.sequence or 0, event.event_id)

    def _send_again_later(self, sequence: int) -> None:
        """Publish an event that came back unroutable again after a pause (doubling each time)."""
        delay = self._in_flight.pause_before_sending_again(sequence)
        if self._connection is not None:
            self._connection.ioloop.call_later(delay, lambda: self._send_again(sequence))

    def _send_again(self, sequence: int) -> None:
        channel = self._channel
        if self._stop.is_set() or channel is None or not channel.is_open:
            return  # a new connection starts from the outbox's first event anyway
        try:
            with self.database.reader() as session:
                events = self.outbox.unpublished(session, sequence - 1, 1)
        except Exception:
            log.exception("relay cannot read the outbox")
            self._send_again_later(sequence)
            return
        if events and events[0].sequence == sequence:
            self._publish(channel, events[0])

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        # The broker confirms a returned message too, though it delivered nothing.
        sequences, returned = self._in_flight.settle(method.delivery_tag, method.multiple)
        for sequence in returned:
            self._send_again_later(sequence)
        if isinstance(method, Basic.Nack):
            log.warning("broker refused events %s; they will be sent again", sequences)
            # Publish again from the first refused event on; duplicates are dropped by consumers.
            self._cursor = min([self._cursor, *(s - 1 for s in sequences)])
            return
        self._in_flight.delivered(sequences)
        self._confirmed.extend(sequences)
        self.published += len(sequences)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled and self._connection is not None:
            self._flush_scheduled = True
            # Not at once: a trickle of single confirms would cost a write transaction each.
            self._connection.ioloop.call_later(self.flush_interval, self._flush_confirmed)

    def _flush_confirmed(self) -> None:
        self._flush_scheduled = False
        if not self._confirmed:
            return
        confirmed, self._confirmed = self._confirmed, []
        try:
            with self.database.transaction() as session:
                self.outbox.mark_published(session, confirmed)
        except Exception:
            log.exception("relay cannot mark %d events published; will retry", len(confirmed))
            self._confirmed = confirmed + self._confirmed
            if self._connection is not None and not self._flush_scheduled:
                self._flush_scheduled = True
                self._connection.ioloop.call_later(1.0, self._flush_confirmed)

    def _on_return(self, _channel: Channel, method: Any, properties: Any, _body: bytes) -> None:
        # Unroutable: no queue is bound for this key yet, or the broker is still recovering its
        # queues after a restart. Its confirm follows; the event stays in the outbox.
        self.returned += 1
        self._in_flight.returned(properties.message_id)
        log.warning(
            "no queue bound for %s (event %s): %s; it will be sent again",
            method.routing_key,
            properties.message_id,
            method.reply_text,
        )
