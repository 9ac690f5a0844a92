"""The public stream: `association.public` and the stream queue partners replay it from.

The worker declares the stream queue (x-queue-type stream, bound with `#`, retention x-max-age)
before the public relay publishes anything, so no public event is ever unroutable.
"""

from __future__ import annotations

import logging
import threading

import pika

from association.db import Database
from association.messaging.backoff import Backoff
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from notifications.adapters.public_log import PublicEventLog

log = logging.getLogger(__name__)

PRECONDITION_FAILED = 406
PUBLIC_RELAY_LOCK = "public-relay"


class PublicStreamRelay:
    """Declares the stream, then relays the public log to `association.public` until stopped."""

    def __init__(
        self,
        database: Database,
        public_log: PublicEventLog,
        amqp_url: str,
        topology: Topology,
        max_age: str,
    ) -> None:
        self.parameters = pika.URLParameters(amqp_url)
        self.topology = topology
        self.max_age = max_age
        self.declared = threading.Event()
        self.relay = OutboxRelay(
            database,
            public_log,
            amqp_url,
            topology,
            exchange=topology.public_exchange,
            lock_name=PUBLIC_RELAY_LOCK,
        )
        self._stop = threading.Event()

    def run(self) -> None:
        """Declare the stream (retrying with backoff while the broker is away), then relay."""
        backoff = Backoff()
        while not self._stop.is_set() and not self.declared.is_set():
            try:
                self._declare()
                self.declared.set()
            except pika.exceptions.AMQPError as error:
                delay = backoff.next()
                log.warning(
                    "cannot declare the public stream (%r); retrying in %.1fs", error, delay
                )
                self._stop.wait(delay)
        if not self._stop.is_set():
            self.relay.run()

    def stop(self) -> None:
        """Stop declaring or relaying. Thread-safe."""
        self._stop.set()
        self.relay.stop()

    def _declare(self) -> None:
        connection = pika.BlockingConnection(self.parameters)
        try:
            try:
                self.topology.declare_public_stream(connection.channel(), self.max_age)
            except pika.exceptions.ChannelClosedByBroker as error:
                if error.reply_code != PRECONDITION_FAILED:
                    raise
                # Retention of an existing stream changes through a policy, not a redeclaration.
                log.error(
                    "%s exists with other arguments (%s); keeping it as it is",
                    self.topology.public_stream_queue,
                    error.reply_text,
                )
                self.topology.bind_public_stream(connection.channel())
            log.info("public stream %s declared", self.topology.public_stream_queue)
        finally:
            if connection.is_open:
                connection.close()
