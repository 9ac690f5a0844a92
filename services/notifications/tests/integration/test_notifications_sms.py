"""The SMS channel against a real HTTP gateway that checks each request's signature: the
volunteers' messages, and the login codes registration sends as transient commands."""

from __future__ import annotations

import email
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from association.messaging.commands import LOGIN_CODE, CommandPublisher
from association.settings import Settings
from notifications.adapters.login_codes import LoginCodeSender
from notifications.adapters.notification_records import notifications_of
from support.broker import publish
from support.polling import wait_for
from support.sms_receiver import SmsReceiver

SMS_SECRET = "s" * 40


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsReceiver]:
    with SmsReceiver(SMS_SECRET) as receiver:
        monkeypatch.setenv("SMS_URL", receiver.url)
        monkeypatch.setenv("SMS_SECRET", SMS_SECRET)
        yield receiver


def sms_channel(database, volunteer_id: str) -> dict | None:  # type: ignore[no-untyped-def]
    with database.reader() as session:
        found = notifications_of(session, volunteer_id, 0, 10)
    channels = {c["channel"]: c for c in found[0]["channels"]} if found else {}
    return channels.get("sms")


def send_code(
    settings: Settings,
    phone: str,
    code: str,
    expires_in: float = 300,
    volunteer_id: str | None = None,
) -> None:
    publisher = CommandPublisher(settings.amqp_url, settings.amqp_prefix)
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
    try:
        publisher.publish(
            LOGIN_CODE,
            {
                "phone": phone,
                "code": code,
                "expires_at": expires_at.isoformat(),
                "volunteer_id": volunteer_id,
            },
        )
    finally:
        publisher.close()


def test_a_volunteer_gets_the_welcome_by_signed_sms(
    settings: Settings, gateway: SmsReceiver, events, run_worker
) -> None:
    volunteer = events.registered(name="刘丽珠", phone="13812345678")
    volunteer_id = volunteer.payload["volunteer_id"]
    with run_worker(settings) as worker:
        exchange = settings.amqp_prefix + "association.events"
        publish(settings.amqp_url, exchange, volunteer.routing_key, [volunteer.to_json()])
        wait_for(lambda: len(gateway.messages) == 1, timeout=20)
        sent = wait_for(
            lambda: (
                (c := sms_channel(worker.context.database, volunteer_id))
                and c["status"] == "sent"
                and c
            ),
            timeout=10,
        )
    [message] = gateway.messages
    assert message["phone"] == "+8613812345678"
    assert message["text"].startswith("刘丽珠，您好！")
    assert sent["attempts"] == 1 and gateway.refused == 0


def test_a_login_code_goes_by_sms_is_retried_and_is_logged_nowhere(
    settings: Settings, gateway: SmsReceiver, run_worker, fast_retries, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway.failures = [503, 503]
    with run_worker(settings) as worker:
        send_code(settings, "+8613912345678", "482913")
        wait_for(lambda: len(gateway.messages) == 1, timeout=20)
        sender = worker.component(LoginCodeSender)
        assert wait_for(lambda: sender.sent["sms"] == 1, timeout=5)
    [message] = gateway.messages
    assert message["phone"] == "+8613912345678"
    assert "482913" in message["text"] and "5" in message["text"]
    assert gateway.refused == 0
    lines = [record.getMessage() for record in caplog.records]
    assert not [line for line in lines if "482913" in line or "13912345678" in line]
    with worker.context.database.reader() as session:
        assert notifications_of(session, "+8613912345678", 0, 10) == []


def test_a_code_that_expires_before_the_gateway_takes_it_is_dropped(
    settings: Settings, gateway: SmsReceiver, run_worker, fast_retries
) -> None:
    gateway.failures = [503] * 1000
    with run_worker(settings) as worker:
        send_code(settings, "+8613912345678", "111222", expires_in=0.5)
        wait_for(lambda: len(gateway.failures) < 1000, timeout=20)
        sender = worker.component(LoginCodeSender)
        assert wait_for(lambda: sender.expired == 1, timeout=10)
        failures_left = len(gateway.failures)
    assert gateway.messages == [] and failures_left > 1000 - 50


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def test_a_volunteer_with_an_address_gets_the_code_by_e_mail_too(
    settings: Settings, gateway: SmsReceiver, events, run_worker, free_port
) -> None:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    volunteer = events.registered(name="刘丽珠", phone="13812345678", email="liu@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    try:
        mail = {"smtp_url": f"smtp://127.0.0.1:{port}?from=notice@association.test"}
        with run_worker(Settings(**{**vars(settings), **mail})):
            exchange = settings.amqp_prefix + "association.events"
            publish(settings.amqp_url, exchange, volunteer.routing_key, [volunteer.to_json()])
            wait_for(lambda: len(gateway.messages) == 1 and len(inbox.messages) == 1, timeout=20)
            send_code(settings, "+8613812345678", "735102", volunteer_id=volunteer_id)
            wait_for(lambda: len(gateway.messages) == 2 and len(inbox.messages) == 2, timeout=20)
    finally:
        controller.stop()
    assert "735102" in gateway.messages[1]["text"]
    recipients, content = inbox.messages[1]
    assert recipients == ["liu@example.com"]
    mail = email.message_from_string(content, policy=default)
    assert "刘丽珠" in mail["To"] and "735102" in mail.get_content()
