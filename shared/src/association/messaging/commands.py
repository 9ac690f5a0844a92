"""Transient command messages between services: the login codes registration hands to
notifications.

A command is not an event: it is never stored (no event store, outbox or log line holds it),
travels as a non-persistent message on the direct exchange `association.commands` and expires in
the queue after `LOGIN_CODE_TTL_SECONDS` (a code is worth nothing after that). Publisher and
consumer declare the exchange and the queue alike, so either may come first.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

COMMANDS_EXCHANGE = "association.commands"
LOGIN_CODES_QUEUE = "notifications.login-codes"
LOGIN_CODE = "login-code"
# Routed nowhere: what is published for a phone nobody holds, so that both take the same path.
DISCARDED = "login-code.discarded"
LOGIN_CODE_TTL_SECONDS = 300
QUEUE_EXPIRES_SECONDS = 3600


class CommandNotSent(Exception):
    """The broker did not take the command (unreachable, or it did not confirm it)."""


@dataclass(frozen=True)
class CommandTopology:
    """The names of the command exchange and queues under the stack's `AMQP_PREFIX`."""

    prefix: str = ""

    @property
    def exchange(self) -> str:
        return self.prefix + COMMANDS_EXCHANGE

    @property
    def login_codes_queue(self) -> str:
        return self.prefix + LOGIN_CODES_QUEUE

    def declare(self, channel: BlockingChannel) -> None:
        """Declare the exchange and the login-code queue bound to it (idempotent)."""
        channel.exchange_declare(self.exchange, exchange_type="direct", durable=True)
        channel.queue_declare(
            self.login_codes_queue,
            durable=True,
            arguments={
                "x-message-ttl": LOGIN_CODE_TTL_SECONDS * 1000,
                # Unused for an hour (no consumer, no declaration), it holds nothing of worth.
                "x-expires": QUEUE_EXPIRES_SECONDS * 1000,
            },
        )
        channel.queue_bind(self.login_codes_queue, self.exchange, routing_key=LOGIN_CODE)


def connection_parameters(amqp_url: str, timeout: float = 3.0) -> pika.URLParameters:
    """The broker at `amqp_url`, given up on after one attempt of `timeout` seconds."""
    parameters = pika.URLParameters(amqp_url)
    parameters.connection_attempts = 1
    parameters.socket_timeout = timeout
    parameters.stack_timeout = timeout * 2
    parameters.blocked_connection_timeout = timeout * 2
    return parameters


class CommandPublisher:
    """Publishes commands with publisher confirms, one connection per thread of the process.

    A connection the broker dropped meanwhile (an idle web thread answers no heartbeats) is
    replaced once; when that fails too, `CommandNotSent`.
    """

    def __init__(self, amqp_url: str, prefix: str = "") -> None:
        self.amqp_url = amqp_url
        self.topology = CommandTopology(prefix)
        self._local = threading.local()

    def publish(self, routing_key: str, command: dict[str, Any]) -> None:
        body = json.dumps(command, separators=(",", ":")).encode()
        properties = pika.BasicProperties(
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Transient,
            expiration=str(LOGIN_CODE_TTL_SECONDS * 1000),
        )
        for attempt in range(2):
            try:
                channel = self._channel()
                channel.basic_publish(self.topology.exchange, routing_key, body, properties)
                return
            except (AMQPError, OSError) as error:
                self._drop()
                if attempt:
                    raise CommandNotSent(type(error).__name__) from None

    def _channel(self) -> BlockingChannel:
        channel: BlockingChannel | None = getattr(self._local, "channel", None)
        if channel is not None and channel.is_open:
            return channel
        self._drop()
        connection = pika.BlockingConnection(connection_parameters(self.amqp_url))
        self._local.connection = connection
        channel = connection.channel()
        channel.confirm_delivery()
        self.topology.declare(channel)
        self._local.channel = channel
        return channel

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.channel = None
        if connection is not None and connection.is_open:
            with contextlib.suppress(Exception):  # closing what is broken anyway
                connection.close()

    def close(self) -> None:
        self._drop()
