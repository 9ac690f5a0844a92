"""Login codes: registration's transient commands, each sent at once and never stored.

The worker consumes `notifications.login-codes` (see `association.messaging.commands`) and sends
each code by SMS, and by e-mail too when the command names a volunteer whose address is known
here. A send the other side does not take is tried again with the deliveries' backoff, held in
memory with its message unacknowledged, until it is sent, refused for good or the code expired
(then it is worth nothing); a worker that stops leaves it to the broker, which hands it to the
next one. Nothing here writes a code, a phone or an address to a log line or a table.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
from pika.exceptions import AMQPError

from association.db import Database
from association.messaging.backoff import Backoff
from association.messaging.commands import LOGIN_CODE_TTL_SECONDS, CommandTopology
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.sms import SmsGateway
from notifications.adapters.smtp import Mailer
from notifications.adapters.volunteer_records import contact_of
from notifications.domain import messages
from notifications.domain.retries import RetryPolicy

log = logging.getLogger(__name__)
REFUSED = (SmsGateway.Refused, Mailer.Refused)
FAILED = (SmsGateway.Failed, Mailer.Failed, smtplib.SMTPException, OSError)


@dataclass
class _Command:
    """One consumed command: acknowledged once each of its sends is over."""

    delivery_tag: int
    expires: float
    unfinished: int = 0


@dataclass(order=True)
class _Send:
    due: float
    order: int
    channel: str = field(compare=False)
    command: _Command = field(compare=False)
    send: Callable[[], None] = field(compare=False)
    attempts: int = field(compare=False, default=1)


class LoginCodeSender:
    """Consumes login-code commands and sends each code (a worker component)."""

    def __init__(
        self,
        amqp_url: str,
        topology: CommandTopology,
        gateway: SmsGateway | None,
        composer: MessageComposer,
        policy: RetryPolicy,
        *,
        database: Database | None = None,
        mailer: Mailer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.amqp_url = amqp_url
        self.topology = topology
        self.gateway = gateway
        self.composer = composer
        self.policy = policy
        self.database = database
        self.mailer = mailer
        self.clock = clock
        self.sent: dict[str, int] = {"sms": 0, "email": 0}
        self.expired = 0
        self._stop = threading.Event()
        self._due: list[_Send] = []
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
        self._due = []  # the unacknowledged commands of a lost connection come back
        try:
            channel = connection.channel()
            self.topology.declare(channel)
            channel.basic_qos(prefetch_count=50)
            channel.basic_consume(self.topology.login_codes_queue, self._on_message)
            backoff.reset()
            while not self._stop.is_set():
                connection.process_data_events(time_limit=0.2)
                while self._due and self._due[0].due <= self.clock() and not self._stop.is_set():
                    self._attempt(channel, heapq.heappop(self._due))
        finally:
            if connection.is_open:
                connection.close()

    def _on_message(self, channel: Any, method: Any, _properties: Any, body: bytes) -> None:
        try:
            fields = json.loads(body)
            phone, code = str(fields["phone"]), str(fields["code"])
            expires = datetime.fromisoformat(fields["expires_at"]).astimezone(UTC).timestamp()
            volunteer_id = fields.get("volunteer_id")
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("login codes: a malformed command was dropped")
            channel.basic_ack(method.delivery_tag)
            return
        command = _Command(method.delivery_tag, expires)
        message = messages.login_code(code, LOGIN_CODE_TTL_SECONDS // 60)
        sends: list[tuple[str, Callable[[], None]]] = []
        if self.gateway is not None:
            text = self.composer.render(message, None).body.strip()
            gateway = self.gateway
            sends.append(("sms", lambda: gateway.send(phone, text)))
        else:
            log.warning("login codes: no SMS channel (SMS_URL is not set); a code was not sent")
        recipient = self._email_of(volunteer_id)
        if recipient is not None and self.mailer is not None:
            sends.append(("email", self._mail(self.mailer, *recipient, message)))
        if not sends:
            channel.basic_ack(method.delivery_tag)
            return
        command.unfinished = len(sends)
        for kind, send in sends:
            self._attempt(channel, _Send(self.clock(), next(self._order), kind, command, send))

    def _mail(
        self, mailer: Mailer, address: str, name: str | None, message: messages.Message
    ) -> Callable[[], None]:
        rendered = self.composer.render(message, name)
        return lambda: mailer.send(address, name, rendered.subject, rendered.body)

    def _email_of(self, volunteer_id: Any) -> tuple[str, str | None] | None:
        """The volunteer's address and name when e-mail is on and an address is known."""
        if self.mailer is None or self.database is None or not isinstance(volunteer_id, str):
            return None
        with self.database.reader() as session:
            contact = contact_of(session, volunteer_id)
        return (contact.email, contact.name) if contact and contact.email else None

    def _attempt(self, channel: Any, attempt: _Send) -> None:
        command = attempt.command
        if command.expires <= self.clock():
            log.warning("login codes: a code expired before its %s went out", attempt.channel)
            self.expired += 1
        else:
            try:
                attempt.send()
            except REFUSED as error:
                log.warning("login codes: %s refused: %s", attempt.channel, error)
            except FAILED as error:
                delay = self.policy.delay(attempt.attempts)
                log.warning(
                    "login codes: %s failed (attempt %d): %s",
                    attempt.channel,
                    attempt.attempts,
                    type(error).__name__ if isinstance(error, OSError) else error,
                )
                attempt.attempts += 1
                attempt.due = self.clock() + delay
                heapq.heappush(self._due, attempt)
                return
            else:
                self.sent[attempt.channel] += 1
        command.unfinished -= 1
        if command.unfinished == 0:
            channel.basic_ack(command.delivery_tag)
