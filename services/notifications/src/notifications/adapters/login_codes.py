"""Login codes: registration's transient commands, each sent at once by SMS and never stored.

The worker consumes `notifications.login-codes` (see `association.messaging.commands`). A code
the gateway does not take is tried again with the deliveries' backoff, held in memory and
unacknowledged, until it is sent, refused for good or expired (then it is worth nothing); a worker
that stops leaves it to the broker, which hands it to the next one. Nothing here writes a code or
a phone to a log line or a table.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
from pika.exceptions import AMQPError

from association.messaging.backoff import Backoff
from association.messaging.commands import LOGIN_CODE_TTL_SECONDS, CommandTopology
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.sms import SmsGateway
from notifications.domain import messages
from notifications.domain.retries import RetryPolicy

log = logging.getLogger(__name__)


@dataclass(order=True)
class _Pending:
    due: float
    order: int
    delivery_tag: int = field(compare=False)
    phone: str = field(compare=False)
    text: str = field(compare=False)
    expires: float = field(compare=False)
    attempts: int = field(compare=False, default=1)


class LoginCodeSender:
    """Consumes login-code commands and sends each by SMS (a worker component)."""

    def __init__(
        self,
        amqp_url: str,
        topology: CommandTopology,
        gateway: SmsGateway | None,
        composer: MessageComposer,
        policy: RetryPolicy,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.amqp_url = amqp_url
        self.topology = topology
        self.gateway = gateway
        self.composer = composer
        self.policy = policy
        self.clock = clock
        self.sent = 0
        self.expired = 0
        self._stop = threading.Event()
        self._pending: list[_Pending] = []
        self._order = itertools.count()

    def run(self) -> None:
        backoff = Backoff()
        while not self._stop.is_set():
            try:
                self._consume(backoff)
            except (AMQPError, OSError) as error:
                delay = backoff.next()
                log.warning("login codes: broker unavailable (%s); again in %.1fs", error, delay)
                self._stop.wait(delay)

    def stop(self) -> None:
        self._stop.set()

    def _consume(self, backoff: Backoff) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        self._pending = []  # unacknowledged ones of a lost connection come back from the broker
        try:
            channel = connection.channel()
            self.topology.declare(channel)
            channel.basic_qos(prefetch_count=50)
            channel.basic_consume(self.topology.login_codes_queue, self._on_message)
            backoff.reset()
            while not self._stop.is_set():
                connection.process_data_events(time_limit=0.2)
                self._retry_due(channel)
        finally:
            if connection.is_open:
                connection.close()

    def _on_message(self, channel: Any, method: Any, _properties: Any, body: bytes) -> None:
        try:
            command = json.loads(body)
            phone, code = str(command["phone"]), str(command["code"])
            expires = datetime.fromisoformat(command["expires_at"]).astimezone(UTC).timestamp()
        except (ValueError, KeyError, TypeError):
            log.warning("login codes: a malformed command was dropped")
            channel.basic_ack(method.delivery_tag)
            return
        if self.gateway is None:
            log.warning("login codes: no SMS channel (SMS_URL is not set); a code was dropped")
            channel.basic_ack(method.delivery_tag)
            return
        minutes = LOGIN_CODE_TTL_SECONDS // 60
        text = self.composer.render(messages.login_code(code, minutes), None).body.strip()
        pending = _Pending(
            self.clock(), next(self._order), method.delivery_tag, phone, text, expires
        )
        self._attempt(channel, pending)

    def _retry_due(self, channel: Any) -> None:
        while self._pending and self._pending[0].due <= self.clock() and not self._stop.is_set():
            self._attempt(channel, heapq.heappop(self._pending))

    def _attempt(self, channel: Any, pending: _Pending) -> None:
        if pending.expires <= self.clock():
            log.warning("login codes: a code expired before the SMS gateway took it")
            self.expired += 1
            channel.basic_ack(pending.delivery_tag)
            return
        assert self.gateway is not None
        try:
            self.gateway.send(pending.phone, pending.text)
        except SmsGateway.Refused as error:
            log.warning("login codes: %s; the code was dropped", error)
        except SmsGateway.Failed as error:
            delay = self.policy.delay(pending.attempts)
            log.warning("login codes: %s (attempt %d)", error, pending.attempts)
            pending.attempts += 1
            pending.due = self.clock() + delay
            heapq.heappush(self._pending, pending)
            return
        else:
            self.sent += 1
        channel.basic_ack(pending.delivery_tag)
