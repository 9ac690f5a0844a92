"""Webhook delivery to a real HTTP receiver on a free loopback port: signed, retried, in order."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient

from association.service import create_app
from association.settings import Settings
from notifications.adapters.webhook_client import WebhookClient
from notifications.definition import SERVICE
from notifications.domain.signatures import signature_matches
from notifications.service_layer.webhook_dispatch import WebhookDispatcher
from support.apps import context_of
from support.broker import publish
from support.polling import wait_for
from support.threads import serving


@dataclass
class Receiver:
    """What the partner's endpoint saw, and how it is told to answer."""

    url: str = ""
    secret: str = ""
    failures_per_event: int = 0  # answer 503 to the first attempts at each event
    mode: str = "normal"  # normal | fail | stall | redirect
    attempts: dict[str, int] = field(default_factory=dict)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    redirects: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: Any, body: bytes) -> int:
        if self.mode == "stall":
            self.release.wait(10)  # longer than the dispatcher's timeout
            return 200
        if self.mode == "redirect":
            self.redirects += 1
            return 307
        with self.lock:
            if not signature_matches(self.secret, body, headers["X-Association-Signature"]):
                self.bad_signatures += 1
                return 401
            event = json.loads(body)
            tried = self.attempts[event["event_id"]] = self.attempts.get(event["event_id"], 0) + 1
            if self.mode == "fail" or tried <= self.failures_per_event:
                return 503
            self.accepted.append({"event": event, "headers": dict(headers)})
            return 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A partner endpoint (http.server) on 127.0.0.1, stopped after the test."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.answer(self.headers, body)
            self.send_response(status)
            if status == 307:
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/association/hook"
    with serving(server):
        try:
            yield state
        finally:
            state.release.set()  # a stalled answer must not hold up the shutdown


def subscribe(client: FlaskClient, bearer, receiver: Receiver, event_types: list[str]) -> str:
    response = client.post(
        "/subscriptions",
        json={"url": receiver.url, "event_types": event_types},
        headers=bearer("partner", sub="fzu"),
    )
    assert response.status_code == 201, response.get_json()
    receiver.secret = response.get_json()["secret"]
    return response.get_json()["id"]


def deliveries(client: FlaskClient, bearer, subscription_id: str) -> list[dict[str, Any]]:
    response = client.get(
        f"/subscriptions/{subscription_id}/deliveries", headers=bearer("partner", sub="fzu")
    )
    return response.get_json()["deliveries"]


def status_of(client: FlaskClient, bearer, subscription_id: str) -> dict[str, Any]:
    return client.get(
        f"/subscriptions/{subscription_id}", headers=bearer("partner", sub="fzu")
    ).get_json()


def webhook_dispatcher(service: Any) -> WebhookDispatcher:
    components = service.context.definition.worker_components(service.context)
    return next(c for c in components if isinstance(c, WebhookDispatcher))


def test_events_reach_the_partner_signed_once_each_in_order_after_retries(
    settings: Settings, receiver: Receiver, bearer, events, run_worker, fast_retries
) -> None:
    app = create_app(SERVICE, settings)
    client = app.test_client()
    subscription_id = subscribe(
        client, bearer, receiver, ["VolunteerRegistered", "TeamAssigned", "ActivityCompleted"]
    )
    receiver.failures_per_event = 2
    volunteers = [events.registered(phone=f"1351234567{n}") for n in range(3)]
    team_id = str(uuid.uuid4())
    ids = [v.payload["volunteer_id"] for v in volunteers]
    sent = [
        *volunteers,
        events.team_created(team_id),  # not subscribed to
        *(events.assigned(v, team_id) for v in ids),
        events.completed(team_id, [(v, "3") for v in ids]),
    ]
    expected = [e for e in sent if e.event_type != "TeamCreated"]
    try:
        with run_worker(settings):
            exchange = settings.amqp_prefix + "association.events"
            for event in sent:
                publish(settings.amqp_url, exchange, event.routing_key, [event.to_json()])
            wait_for(lambda: len(receiver.accepted) == len(expected), timeout=30)
            listed = wait_for(
                lambda: (
                    (d := deliveries(client, bearer, subscription_id))
                    and all(x["status"] == "delivered" for x in d)
                    and d
                ),
            )
    finally:
        context_of(app).database.dispose()
    assert [a["event"]["event_id"] for a in receiver.accepted] == [e.event_id for e in expected]
    assert all(receiver.attempts[e.event_id] == 3 for e in expected)
    assert receiver.bad_signatures == 0
    first = receiver.accepted[0]
    assert first["headers"]["X-Association-Event"] == "VolunteerRegistered"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["X-Association-Signature"].startswith("sha256=")
    assert first["event"]["payload"]["name"] == "刘*珠"
    assert "phone" not in first["event"]["payload"] and "email" not in first["event"]["payload"]
    assert [d["id"] for d in listed] == [
        a["headers"]["X-Association-Delivery"] for a in receiver.accepted
    ]
    assert [(d["attempts"], d["last_status_code"]) for d in listed] == [(3, 200)] * len(expected)


def test_a_subscription_that_keeps_failing_is_paused_queues_nothing_and_resumes_in_order(
    make_service,
    offline_settings: Settings,
    receiver: Receiver,
    bearer,
    events,
    run_components,
    fast_retries,
    monkeypatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_PAUSE_AFTER", "3")
    service = make_service(offline_settings)
    app = create_app(SERVICE, offline_settings)
    client = app.test_client()
    subscription_id = subscribe(client, bearer, receiver, ["VolunteerRegistered"])
    receiver.mode = "fail"
    volunteers = [events.registered(phone=f"1361234567{n}") for n in range(3)]
    service.apply(*volunteers)
    try:
        with run_components([webhook_dispatcher(service)]):
            paused = wait_for(
                lambda: (
                    (s := status_of(client, bearer, subscription_id))["status"] == "paused" and s
                ),
                timeout=15,
            )
            assert (
                "paused after 3 failed deliveries in a row (last: HTTP 503)"
                in paused["status_reason"]
            )
            assert paused["paused_at"] is not None and paused["consecutive_failures"] == 3
            listed = deliveries(client, bearer, subscription_id)
            assert [(d["status"], d["attempts"]) for d in listed] == [
                ("pending", 3),
                ("pending", 0),
                ("pending", 0),
            ]
            assert listed[0]["last_status_code"] == 503 and listed[0]["last_error"] == "HTTP 503"
            service.apply(events.registered(phone="13712345670"))  # while paused: not queued
            assert len(deliveries(client, bearer, subscription_id)) == 3
            receiver.mode = "normal"
            resumed = client.post(
                f"/subscriptions/{subscription_id}/resume", headers=bearer("partner", sub="fzu")
            )
            assert resumed.status_code == 200 and resumed.get_json()["status"] == "active"
            wait_for(lambda: len(receiver.accepted) == 3, timeout=15)
            after_resume = events.registered(phone="13712345671")
            service.apply(after_resume)  # active again: queued and delivered
            wait_for(lambda: len(receiver.accepted) == 4, timeout=15)
        log = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    finally:
        context_of(app).database.dispose()
    assert [a["event"]["event_id"] for a in receiver.accepted] == [
        *(v.event_id for v in volunteers),
        after_resume.event_id,
    ]
    assert [e["event_type"] for e in log] == [
        "SubscriptionCreated",
        "SubscriptionPaused",
        "SubscriptionResumed",
    ]


def test_a_partner_that_does_not_answer_in_time_is_retried(
    make_service,
    offline_settings: Settings,
    receiver: Receiver,
    bearer,
    events,
    run_components,
    fast_retries,
    monkeypatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "0.3")
    service = make_service(offline_settings)
    app = create_app(SERVICE, offline_settings)
    client = app.test_client()
    subscription_id = subscribe(client, bearer, receiver, ["VolunteerRegistered"])
    receiver.mode = "stall"
    volunteer = events.registered()
    service.apply(volunteer)
    try:
        with run_components([webhook_dispatcher(service)]):
            timed_out = wait_for(
                lambda: (
                    (d := deliveries(client, bearer, subscription_id)[0])["attempts"] >= 1 and d
                ),
                timeout=10,
            )
            assert "timed out" in timed_out["last_error"]
            assert timed_out["status"] == "pending" and timed_out["last_status_code"] is None
            receiver.mode = "normal"
            receiver.release.set()
            wait_for(lambda: len(receiver.accepted) == 1, timeout=10)
    finally:
        context_of(app).database.dispose()
    assert receiver.accepted[0]["event"]["event_id"] == volunteer.event_id


def test_the_client_refuses_a_loopback_url_at_delivery_when_loopback_is_not_allowed(
    receiver: Receiver,
) -> None:
    response = WebhookClient(timeout=1.0, allow_loopback=False).post(receiver.url, b"{}", {})
    assert not response.ok and response.status_code is None
    assert response.error == "refused: must be a public http(s) address"
    assert receiver.attempts == {} and receiver.accepted == []


def test_the_client_does_not_follow_redirects(receiver: Receiver) -> None:
    receiver.mode = "redirect"
    response = WebhookClient(timeout=1.0, allow_loopback=True).post(receiver.url, b"{}", {})
    assert not response.ok and response.status_code == 307
    assert receiver.redirects == 1


def test_an_endpoint_nobody_listens_on_is_a_failed_attempt(free_port) -> None:
    response = WebhookClient(timeout=1.0, allow_loopback=True).post(
        f"http://127.0.0.1:{free_port()}/hook", b"{}", {}
    )
    assert not response.ok and response.status_code is None
    assert "ConnectionRefusedError" in (response.error or "")
