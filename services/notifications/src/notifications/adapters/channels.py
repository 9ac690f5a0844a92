"""The channels a stored notification goes out on, behind one small interface.

Every notification is stored (that is what `GET /volunteers/{id}/notifications` reads) and then
sent on each outward channel: the log always, e-mail when `SMTP_URL` is set, SMS when `SMS_URL`
is. A channel raises
`Undeliverable` when the message cannot go out on it at all (no address) and `DeliveryRefused`
when the other side refused it for good; any other exception is worth a retry.
"""

from __future__ import annotations

import logging
from typing import Protocol

from notifications.adapters.message_deliveries import OutgoingMessage
from notifications.adapters.sms import SmsGateway
from notifications.adapters.smtp import Mailer, SmtpServer

log = logging.getLogger("notifications.messages")


class Undeliverable(Exception):
    """The message has no way out on this channel (e.g. the volunteer gave no e-mail address)."""


class DeliveryRefused(Exception):
    """The other side refused the message permanently; trying again would not help."""


class Channel(Protocol):
    """Sends one notification; raises on failure (see the module docstring)."""

    name: str

    def send(self, message: OutgoingMessage) -> None: ...


class LogChannel:
    """Writes one log line per notification (ids, kind and subject; no contact data)."""

    name = "log"

    def send(self, message: OutgoingMessage) -> None:
        log.info(
            "notification %s to volunteer %s (%s): %s",
            message.notification_id,
            message.volunteer_id,
            message.kind,
            message.subject,
        )


class EmailChannel:
    """Sends notifications by e-mail through a `Mailer`."""

    name = "email"

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    def send(self, message: OutgoingMessage) -> None:
        if not message.email:
            raise Undeliverable("the volunteer has no e-mail address")
        try:
            self.mailer.send(message.email, message.name, message.subject, message.body)
        except Mailer.Refused as error:
            raise DeliveryRefused(str(error)) from error


class SmsChannel:
    """Sends notifications by SMS through an HTTP gateway (their text: the message's body)."""

    name = "sms"

    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway

    def send(self, message: OutgoingMessage) -> None:
        if not message.phone:
            raise Undeliverable("the volunteer's phone is not known here")
        try:
            self.gateway.send(message.phone, message.body.strip())
        except SmsGateway.Refused as error:
            raise DeliveryRefused(str(error)) from error


def outward_channels(smtp_url: str | None, sms: SmsGateway | None = None) -> list[Channel]:
    """The outward channels: the log always, e-mail when an SMTP server is given, SMS when a
    gateway is."""
    found: list[Channel] = [LogChannel()]
    if smtp_url:
        found.append(EmailChannel(Mailer(SmtpServer.from_url(smtp_url))))
    if sms is not None:
        found.append(SmsChannel(sms))
    return found
