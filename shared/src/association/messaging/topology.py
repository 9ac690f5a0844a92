"""The association's exchanges and queues: their names, with an optional prefix, and declarations.

Every exchange and queue a process uses is declared here, so that two declarations of one queue
never differ (the broker refuses a second declaration with other arguments). The prefix
(`AMQP_PREFIX`) lets a test run or a second stack share one broker without ever seeing another's
messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel
from pika.channel import Channel

EVENTS_EXCHANGE = "association.events"
PUBLIC_EXCHANGE = "association.public"
PUBLIC_STREAM_QUEUE = "association.public.stream"
EXCHANGE_KIND: dict[str, Any] = {"exchange_type": "topic", "durable": True}  # every exchange's


@dataclass(frozen=True)
class Topology:
    """The broker names one service uses, and the declarations of what it uses."""

    service: str
    prefix: str = ""
    max_delivery_attempts: int = 5

    @property
    def events_exchange(self) -> str:
        return self.prefix + EVENTS_EXCHANGE

    @property
    def public_exchange(self) -> str:
        return self.prefix + PUBLIC_EXCHANGE

    @property
    def public_stream_queue(self) -> str:
        return self.prefix + PUBLIC_STREAM_QUEUE

    @property
    def inbox_queue(self) -> str:
        return f"{self.prefix}{self.service}.inbox"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.prefix}{self.service}.dead"

    def lock_queue(self, name: str = "relay") -> str:
        """The exclusive queue whose holder is the one `name` process of this service."""
        return f"{self.prefix}{self.service}.{name}-lock"

    def inbox_arguments(self) -> dict[str, Any]:
        """A quorum queue that dead-letters (at least once) after the last allowed attempt."""
        return {
            "x-queue-type": "quorum",
            # The broker dead-letters once a message was returned more than this many times.
            "x-delivery-limit": self.max_delivery_attempts - 1,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": self.dead_letter_queue,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    @staticmethod
    def dead_letter_arguments() -> dict[str, Any]:
        return {"x-queue-type": "quorum"}

    @staticmethod
    def stream_arguments(max_age: str) -> dict[str, Any]:
        """The arguments of the stream queue: a stream keeping messages for `max_age` (e.g. 30D)."""
        return {"x-queue-type": "stream", "x-max-age": max_age}

    # Declarations on a blocking channel

    def declare_inbox(self, channel: BlockingChannel, routing_keys: Iterable[str]) -> None:
        """Declare the events exchange, the dead-letter queue, and the inbox bound to the keys."""
        channel.exchange_declare(self.events_exchange, **EXCHANGE_KIND)
        channel.queue_declare(
            self.dead_letter_queue, durable=True, arguments=self.dead_letter_arguments()
        )
        channel.queue_declare(self.inbox_queue, durable=True, arguments=self.inbox_arguments())
        for routing_key in routing_keys:
            channel.queue_bind(self.inbox_queue, self.events_exchange, routing_key=routing_key)

    def declare_public_stream(self, channel: BlockingChannel, max_age: str) -> None:
        """Declare the public exchange and the stream queue bound to it with `#`."""
        channel.exchange_declare(self.public_exchange, **EXCHANGE_KIND)
        channel.queue_declare(
            self.public_stream_queue, durable=True, arguments=self.stream_arguments(max_age)
        )
        self.bind_public_stream(channel)

    def bind_public_stream(self, channel: BlockingChannel) -> None:
        """Bind the (existing) stream queue to the public exchange with `#`."""
        channel.queue_bind(self.public_stream_queue, self.public_exchange, routing_key="#")

    # Declarations on an asynchronous channel (the relay's): each calls `then` once done

    @staticmethod
    def declare_exchange(channel: Channel, exchange: str, then: Callable[[], None]) -> None:
        """Declare `exchange` (the events or the public one), then call `then`."""
        channel.exchange_declare(exchange, **EXCHANGE_KIND, callback=lambda _frame: then())

    def declare_lock_queue(self, channel: Channel, name: str, then: Callable[[], None]) -> None:
        """Take the `name` lock of this service, then call `then` (the broker refuses a second
        holder with RESOURCE_LOCKED, closing its channel)."""
        # An exclusive queue lives as long as this connection: it is the single-holder lock.
        channel.queue_declare(
            self.lock_queue(name), exclusive=True, auto_delete=True, callback=lambda _f: then()
        )
