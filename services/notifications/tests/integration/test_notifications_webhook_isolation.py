"""One partner cannot hold up the others, nor lead the platform elsewhere than it was checked.

A partner that trickles its answer a byte at a time is cut at the delivery's wall-clock deadline,
while another subscription's deliveries go through meanwhile; the connection goes to the address
the check passed, whatever the name would resolve to later.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient

from association.service import create_app
from association.settings import Settings
from notifications.adapters.webhook_client import WebhookClient
from notifications.definition import SERVICE
from notifications.service_layer.webhook_dispatch import WebhookDispatcher
from support.apps import context_of
from support.polling import wait_for
from support.threads import serving
from support.webhook_receiver import WebhookReceiver

DEADLINE = 3.0


@dataclass
class Trickler:
    """An endpoint that answers 200 with a long body, one byte every 50 ms, until cut off."""

    url: str = ""
    opened: list[float] = field(default_factory=list)
    closed: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def open_now(self) -> bool:
        return len(self.opened) > len(self.closed)


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    state = Trickler()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            state.opened.append(time.monotonic())
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                while not state.stop.wait(0.05):
                    self.wfile.write(b"x")
            except OSError:
                pass  # the client hung up: what the test waits for
            finally:
                state.closed.append(time.monotonic())
            self.close_connection = True

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/slow"
    with serving(server):
        try:
            yield state
        finally:
            state.stop.set()


def subscribe(client: FlaskClient, bearer, url: str, event_types: list[str]) -> str:
    response = client.post(
        "/subscriptions",
        json={"url": url, "event_types": event_types},
        headers=bearer("partner", sub="fzu"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def deliveries(client: FlaskClient, bearer, subscription_id: str) -> list[dict[str, Any]]:
    return client.get(
        f"/subscriptions/{subscription_id}/deliveries", headers=bearer("partner", sub="fzu")
    ).get_json()["deliveries"]


def test_a_trickling_partner_is_cut_at_the_deadline_while_another_is_served(
    make_service,
    offline_settings: Settings,
    trickler: Trickler,
    bearer,
    events,
    run_components,
    monkeypatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", str(DEADLINE))
    monkeypatch.setenv("DELIVERY_RETRY_BASE_SECONDS", "60")  # one attempt at the slow one
    service = make_service(offline_settings)
    app = create_app(SERVICE, offline_settings)
    client = app.test_client()
    try:
        with WebhookReceiver() as fast:
            slow_id = subscribe(client, bearer, trickler.url, ["VolunteerRegistered"])
            subscribe(client, bearer, fast.url, ["TeamCreated"])
            components = SERVICE.worker_components(service.context)  # type: ignore[misc]
            dispatcher = next(c for c in components if isinstance(c, WebhookDispatcher))
            with run_components([dispatcher]):
                service.apply(events.registered())
                wait_for(lambda: trickler.opened, timeout=10)
                service.apply(*(events.team_created(str(uuid.uuid4())) for _ in range(3)))
                wait_for(lambda: len(fast.received) == 3, timeout=DEADLINE / 2)
                assert trickler.open_now  # the slow answer is still trickling meanwhile
                wait_for(lambda: trickler.closed, timeout=DEADLINE + 5)
                slow = wait_for(
                    lambda: (d := deliveries(client, bearer, slow_id)) and d[0]["attempts"] and d,
                    timeout=5,
                )
    finally:
        context_of(app).database.dispose()
    held = trickler.closed[0] - trickler.opened[0]
    assert held < DEADLINE + 1.0, f"the slow partner held the delivery {held:.1f}s"
    assert slow[0]["status"] == "pending" and slow[0]["last_status_code"] is None
    assert "timed out" in slow[0]["last_error"]


def test_the_client_cuts_an_answer_that_trickles_past_the_deadline(trickler: Trickler) -> None:
    started = time.monotonic()
    response = WebhookClient(timeout=0.5, allow_loopback=True).post(trickler.url, b"{}", {})
    took = time.monotonic() - started
    assert not response.ok and response.status_code is None
    assert "timed out" in (response.error or "")
    assert took < 1.5
    wait_for(lambda: trickler.closed, timeout=5)


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    asked: list[str] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        return ["127.0.0.1"]  # the name itself resolves nowhere: only the pinned address works

    with WebhookReceiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        url = f"http://partner.invalid:{port}/hooks/association"
        response = WebhookClient(timeout=2, allow_loopback=True, resolve=resolve).post(
            url, b"{}", {"X-Association-Event": "Test"}
        )
        refused = WebhookClient(timeout=2, allow_loopback=False, resolve=resolve).post(
            url, b"{}", {}
        )
    assert response.ok and asked == ["partner.invalid", "partner.invalid"]
    assert len(receiver.received) == 1
    assert receiver.received[0][0]["Host"] == f"partner.invalid:{port}"
    assert refused.error == "refused: must be a public http(s) address"
