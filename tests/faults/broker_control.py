"""The local RabbitMQ as a fault test disturbs it: rabbitmqctl, private vhosts, queue depths.

rabbitmqctl must reach the broker of `AMQP_URL` (it does on a machine whose RabbitMQ runs
locally, as in CI); `RABBITMQCTL` names another command, e.g. `docker exec rabbit rabbitmqctl`.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit

import pika

from association.messaging.topology import EVENTS_EXCHANGE
from support.broker import channel_on
from support.polling import wait_for


def rabbitmqctl(*args: str, timeout: float = 60) -> str:
    """Run rabbitmqctl with `args`; its standard output, or an AssertionError saying what failed."""
    command = [*shlex.split(os.environ.get("RABBITMQCTL", "rabbitmqctl")), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as error:
        raise AssertionError(
            f"{command[0]} is needed to disturb the broker: install it or set RABBITMQCTL"
        ) from error
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def vhost_of(amqp_url: str) -> str:
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def with_vhost(amqp_url: str, vhost: str) -> str:
    parts = urlsplit(amqp_url)
    return parts._replace(path="/" + quote(vhost, safe="")).geturl()


@contextmanager
def private_vhost(amqp_url: str) -> Iterator[str]:
    """A URL on a new vhost the URL's user may use fully, deleted (with its queues) on exit.

    Closing the connections of this vhost disturbs nothing else on a shared broker.
    """
    vhost = f"faults-{uuid.uuid4().hex[:10]}"
    user = unquote(urlsplit(amqp_url).username or "guest")
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield with_vhost(amqp_url, vhost)
    finally:
        rabbitmqctl("delete_vhost", vhost)


def close_all_connections(amqp_url: str) -> None:
    """Have the broker close every client connection of the URL's vhost."""
    rabbitmqctl("close_all_connections", "--vhost", vhost_of(amqp_url), "fault test")


def ready_counts(amqp_url: str, queues: list[str]) -> dict[str, int]:
    """Messages ready (not in a consumer's hands) in each queue, as the queue counts them now.

    The message counts `rabbitmqctl list_queues` shows for quorum queues are refreshed only every
    few seconds; a passive declare asks the queue itself. A queue not declared yet counts 0.
    """
    counts = {}
    with channel_on(amqp_url) as channel:
        for queue in queues:
            try:
                counts[queue] = channel.queue_declare(queue, passive=True).method.message_count
            except pika.exceptions.ChannelClosedByBroker:
                counts[queue] = 0
                channel = channel.connection.channel()
    return counts


def publish_events(
    amqp_url: str, prefix: str, events: list[dict], *, copies: int = 1, seed: int | None = None
) -> None:
    """Publish events as their producer's relay does (exchange, routing key, properties, confirms).

    `events` are envelopes as a producer's `GET /events` shows them; each goes out `copies` times,
    in the order given, or shuffled with `seed`.
    """
    messages = events * copies
    if seed is not None:
        random.Random(seed).shuffle(messages)
    with channel_on(amqp_url) as channel:
        channel.confirm_delivery()
        for event in messages:
            channel.basic_publish(
                prefix + EVENTS_EXCHANGE,
                f"{event['producer']}.{event['event_type']}",
                json.dumps(event, ensure_ascii=False).encode(),
                pika.BasicProperties(
                    message_id=event["event_id"],
                    type=event["event_type"],
                    content_type="application/json",
                    delivery_mode=2,
                    app_id=event["producer"],
                ),
                mandatory=True,
            )


def broker_answers(amqp_url: str) -> bool:
    """Whether the broker accepts an AMQP connection now."""
    parameters = pika.URLParameters(amqp_url)
    try:
        with socket.create_connection((parameters.host, parameters.port), timeout=1):
            pass
        parameters.connection_attempts = 1
        parameters.socket_timeout = 2
        pika.BlockingConnection(parameters).close()
    except (OSError, pika.exceptions.AMQPError):
        return False
    return True


@contextmanager
def broker_stopped(amqp_url: str, restart_within: float = 90) -> Iterator[None]:
    """Stop the broker application (every client loses it); always start it again on exit.

    This stops the whole local broker, not only one test's names: keep the body short.
    """
    rabbitmqctl("stop_app")
    try:
        assert not broker_answers(amqp_url), "rabbitmqctl stopped another broker (set RABBITMQCTL)"
        yield
    finally:
        rabbitmqctl("start_app", timeout=restart_within)
        rabbitmqctl("await_startup", "--timeout", str(int(restart_within)), timeout=restart_within)
        wait_for(lambda: broker_answers(amqp_url), timeout=restart_within, interval=0.2)
