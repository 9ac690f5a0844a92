"""Small AMQP helpers for tests: a probe queue on an exchange, publishing raw messages, counts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pika


@contextmanager
def channel_on(amqp_url: str) -> Iterator[pika.adapters.blocking_connection.BlockingChannel]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        yield connection.channel()
    finally:
        if connection.is_open:
            connection.close()


def probe_queue(channel, exchange: str, binding: str = "#") -> str:  # type: ignore[no-untyped-def]
    """A server-named, exclusive queue bound to `exchange`, gone when the channel closes."""
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange, routing_key=binding)
    return queue


def drain(channel, queue: str, count: int, timeout: float = 10.0) -> list:  # type: ignore[no-untyped-def]
    """Take `count` messages (method, properties, body) off `queue`, failing after `timeout`."""
    taken: list = []
    deadline = time.monotonic() + timeout
    while len(taken) < count:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"got {len(taken)} of {count} messages within {timeout}s")
            channel.connection.sleep(0.01)
            continue
        taken.append((method, properties, body))
    return taken


def message_count(amqp_url: str, queue: str) -> int:
    with channel_on(amqp_url) as channel:
        return channel.queue_declare(queue, passive=True).method.message_count


def publish(amqp_url: str, exchange: str, routing_key: str, bodies: list[bytes]) -> None:
    with channel_on(amqp_url) as channel:
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(
                exchange,
                routing_key,
                body,
                pika.BasicProperties(delivery_mode=2, content_type="application/json"),
            )


def publish_events(amqp_url: str, exchange: str, events) -> None:  # type: ignore[no-untyped-def]
    """Publish envelopes in this order on one channel, each on its routing key, as a relay would."""
    with channel_on(amqp_url) as channel:
        channel.confirm_delivery()
        for event in events:
            channel.basic_publish(
                exchange,
                event.routing_key,
                event.to_json(),
                pika.BasicProperties(delivery_mode=2, content_type="application/json"),
            )
