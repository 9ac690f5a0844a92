"""The e-mail channel against a real SMTP server (aiosmtpd) on a free loopback port."""

from __future__ import annotations

import email
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from association.settings import Settings
from notifications.adapters.notification_records import notifications_of
from notifications.service_layer.message_dispatch import MessageDispatcher
from support.broker import publish
from support.polling import wait_for


class Mailbox:
    """An aiosmtpd handler keeping what it accepts; it can answer with failures first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.answers: list[str] = []  # answers to give before accepting again
        self.refusing_recipients = False  # refuse every recipient, quoting the address
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refusing_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.answers:
                return self.answers.pop(0)
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(free_port) -> Iterator[tuple[Mailbox, str]]:
    """A real SMTP server on 127.0.0.1 and the SMTP_URL that reaches it."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, f"smtp://127.0.0.1:{port}?from=notice@association.test"
    finally:
        controller.stop()


def with_smtp(settings: Settings, smtp_url: str) -> Settings:
    return Settings(**{**vars(settings), "smtp_url": smtp_url})


def email_channel(database: Any, volunteer_id: str) -> dict[str, Any] | None:
    with database.reader() as session:
        found = notifications_of(session, volunteer_id, 0, 10)
    channels = {c["channel"]: c for c in found[0]["channels"]} if found else {}
    return channels.get("email")


def message_dispatcher(service: Any) -> MessageDispatcher:
    """The worker's message dispatcher, as the service's definition builds it."""
    components = service.context.definition.worker_components(service.context)
    return next(c for c in components if isinstance(c, MessageDispatcher))


def test_a_volunteer_with_an_address_gets_the_welcome_by_e_mail(
    settings: Settings, mailbox, events, run_worker
) -> None:
    box, smtp_url = mailbox
    volunteer = events.registered(name="刘丽珠", email="liu.lizhu@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    without_address = events.registered(phone="13900000001", email=None)
    with run_worker(with_smtp(settings, smtp_url)) as worker:
        exchange = settings.amqp_prefix + "association.events"
        for event in (volunteer, without_address):
            publish(settings.amqp_url, exchange, event.routing_key, [event.to_json()])
        wait_for(lambda: len(box.messages) == 1, timeout=20)
        sent = wait_for(
            lambda: (
                (c := email_channel(worker.context.database, volunteer_id))
                and c["status"] == "sent"
                and c
            ),
            timeout=10,
        )
    [message] = box.messages
    assert box.envelopes[0].rcpt_tos == ["liu.lizhu@example.com"]
    assert message["Subject"] == "欢迎加入城市治理志愿者协会"
    assert message["From"] == "notice@association.test"
    assert "liu.lizhu@example.com" in message["To"] and "刘丽珠" in message["To"]
    assert message.get_content().startswith("刘丽珠，您好！")
    assert sent["attempts"] == 1 and sent["sent_at"] is not None


def test_a_failed_send_is_retried_with_backoff_and_its_status_is_visible(
    offline_settings: Settings, mailbox, events, make_service, run_components, monkeypatch
) -> None:
    monkeypatch.setenv("DELIVERY_RETRY_BASE_SECONDS", "0.3")
    box, smtp_url = mailbox
    box.answers = ["451 4.3.0 mailbox busy, try again", "421 4.7.0 slow down"]
    service = make_service(with_smtp(offline_settings, smtp_url))
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer)
    database = service.context.database
    dispatcher = message_dispatcher(service)
    with run_components([dispatcher]):
        retrying = wait_for(
            lambda: (c := email_channel(database, volunteer_id)) and c["status"] == "retrying" and c
        )
        assert retrying["attempts"] >= 1 and "451" in retrying["last_error"]
        assert retrying["next_attempt_at"] is not None
        sent = wait_for(
            lambda: (c := email_channel(database, volunteer_id)) and c["status"] == "sent" and c,
            timeout=15,
        )
    assert sent["attempts"] == 3
    assert len(box.messages) == 1


def test_a_send_that_keeps_failing_ends_failed_after_the_last_attempt(
    offline_settings: Settings,
    mailbox,
    events,
    make_service,
    run_components,
    fast_retries,
    monkeypatch,
) -> None:
    monkeypatch.setenv("EMAIL_MAX_ATTEMPTS", "3")
    box, smtp_url = mailbox
    box.answers = ["451 4.3.0 try again"] * 10
    service = make_service(with_smtp(offline_settings, smtp_url))
    volunteer = events.registered()
    service.apply(volunteer)
    database = service.context.database
    dispatcher = message_dispatcher(service)
    with run_components([dispatcher]):
        failed = wait_for(
            lambda: (
                (c := email_channel(database, volunteer.payload["volunteer_id"]))
                and c["status"] == "failed"
                and c
            ),
            timeout=15,
        )
    assert failed["attempts"] == 3 and "451" in failed["last_error"]
    assert failed["next_attempt_at"] is None
    assert box.messages == [] and len(box.answers) == 7


def test_a_permanent_refusal_is_not_retried(
    offline_settings: Settings, mailbox, events, make_service, run_components, fast_retries
) -> None:
    box, smtp_url = mailbox
    box.answers = ["550 5.1.1 no such mailbox"]
    service = make_service(with_smtp(offline_settings, smtp_url))
    volunteer = events.registered()
    service.apply(volunteer)
    dispatcher = message_dispatcher(service)
    with run_components([dispatcher]):
        failed = wait_for(
            lambda: (
                (c := email_channel(service.context.database, volunteer.payload["volunteer_id"]))
                and c["status"] == "failed"
                and c
            ),
        )
    assert failed["attempts"] == 1 and "550" in failed["last_error"]


def test_smtp_errors_name_no_recipient_in_the_delivery_or_the_logs(
    offline_settings: Settings,
    mailbox,
    events,
    make_service,
    run_components,
    fast_retries,
    caplog: pytest.LogCaptureFixture,
) -> None:
    box, smtp_url = mailbox
    address = "qiu.yue@example.cn"
    box.answers = [f"451 4.2.0 <{address}> mailbox of 邱悦 over quota"]
    service = make_service(with_smtp(offline_settings, smtp_url))
    first = events.registered(name="邱悦", email=address)
    service.apply(first)
    database = service.context.database
    with run_components([message_dispatcher(service)]):
        sent = wait_for(
            lambda: (
                (c := email_channel(database, first.payload["volunteer_id"]))
                and c["status"] == "sent"
                and c
            )
        )
        box.refusing_recipients = True
        third = events.registered(name="邱悦", email=address.upper())
        service.apply(third)
        refused = wait_for(
            lambda: (
                (c := email_channel(database, third.payload["volunteer_id"]))
                and c["status"] == "failed"
                and c
            )
        )
    assert sent["attempts"] == 2 and refused["attempts"] == 1
    assert "550" in refused["last_error"]
    with database.reader() as session:
        errors = " ".join(
            str(error)
            for error in session.execute(text("SELECT last_error FROM message_deliveries"))
            .scalars()
            .all()
        )
    logged = caplog.text + errors
    assert "451" in caplog.text and "550" in errors
    assert errors and address not in logged.lower() and "邱悦" not in logged
