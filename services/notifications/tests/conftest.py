"""Fixtures of the notifications tests: the service on a test database, events, the worker."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.worker import Runnable, build_components
from association.service import ServiceContext, bootstrap, create_app
from association.settings import Settings
from notifications.adapters.public_stream import PublicStreamRelay
from notifications.definition import SERVICE
from support.apps import context_of, settings_for
from support.polling import wait_for
from support.threads import running


@dataclass
class EventFactory:
    """Integration events as registration and teams would publish them, numbered in order."""

    sequences: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def envelope(
        self, producer: str, event_type: str, aggregate_id: str, payload: dict[str, Any]
    ) -> Envelope:
        self.sequences[producer] = self.sequences.get(producer, 0) + 1
        self.versions[aggregate_id] = self.versions.get(aggregate_id, 0) + 1
        return Envelope(
            event_type=event_type,
            aggregate_id=aggregate_id,
            aggregate_version=self.versions[aggregate_id],
            payload=payload,
            producer=producer,
            sequence=self.sequences[producer],
            correlation_id=str(uuid.uuid4()),
        )

    def registered(
        self,
        volunteer_id: str | None = None,
        name: str = "刘丽珠",
        phone: str = "13812345678",
        email: str | None = "liu.lizhu@example.com",
    ) -> Envelope:
        volunteer_id = volunteer_id or str(uuid.uuid4())
        payload = {
            "volunteer_id": volunteer_id,
            "name": name,
            "phone": phone,
            "email": email,
            "street": "五四路街道",
            "skills": ["垃圾分类"],
            "organisation_id": None,
            "registered_at": _now(),
            "source": "web",
            "id_verified": True,
        }
        return self.envelope("registration", "VolunteerRegistered", volunteer_id, payload)

    def profile_updated(self, volunteer_id: str, **changes: Any) -> Envelope:
        payload = {"volunteer_id": volunteer_id, "updated_at": _now(), **changes}
        return self.envelope("registration", "VolunteerProfileUpdated", volunteer_id, payload)

    def withdrawn(self, volunteer_id: str) -> Envelope:
        payload = {"volunteer_id": volunteer_id, "withdrawn_at": _now()}
        return self.envelope("registration", "VolunteerWithdrawn", volunteer_id, payload)

    def team_created(self, team_id: str, name: str = "五四路文明劝导队") -> Envelope:
        payload = {
            "team_id": team_id,
            "name": name,
            "kind": "community",
            "description": "",
            "required_skills": [],
            "capacity": None,
            "created_at": _now(),
        }
        return self.envelope("teams", "TeamCreated", team_id, payload)

    def assigned(
        self,
        volunteer_id: str,
        team_id: str,
        team_name: str = "五四路文明劝导队",
        role: str = "member",
    ) -> Envelope:
        payload = {
            "team_id": team_id,
            "team_name": team_name,
            "volunteer_id": volunteer_id,
            "role": role,
            "assigned_at": _now(),
        }
        return self.envelope("teams", "TeamAssigned", team_id, payload)

    def completed(
        self, team_id: str, attendance: list[tuple[str, str]], title: str = "垃圾分类督导"
    ) -> Envelope:
        activity_id = str(uuid.uuid4())
        start = datetime(2026, 8, 9, 9, 0, tzinfo=UTC)
        # Hours are at most the activity's length: 3 hours, or as long as the most credited.
        length = max([3, *(math.ceil(Decimal(hours)) for _, hours in attendance)])
        payload = {
            "activity_id": activity_id,
            "team_id": team_id,
            "title": title,
            "kind": "垃圾分类督导",
            "location": "五四广场",
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=length)).isoformat(),
            "completed_at": (start + timedelta(hours=length + 1)).isoformat(),
            "attendance": [{"volunteer_id": v, "hours": h} for v, h in attendance],
        }
        return self.envelope("teams", "ActivityCompleted", activity_id, payload)

    def hours_corrected(
        self,
        completed: Envelope,
        volunteer_id: str,
        previous_hours: str,
        hours: str,
        reason: str = "签到记录有误",
    ) -> Envelope:
        """A correction of a volunteer's hours at the completed activity `completed`."""
        activity = completed.payload
        payload = {
            "activity_id": activity["activity_id"],
            "team_id": activity["team_id"],
            "title": activity["title"],
            "volunteer_id": volunteer_id,
            "previous_hours": previous_hours,
            "hours": hours,
            "reason": reason,
            "corrected_at": _now(),
        }
        return self.envelope("teams", "HoursCorrected", activity["activity_id"], payload)

    def certificate_issued(
        self,
        volunteer_id: str,
        number: str = "ZM2026000001",
        period: tuple[str | None, str | None] = ("2026-03-01", "2026-08-31"),
        activities: tuple[tuple[str, str], ...] = (),
    ) -> Envelope:
        certificate_id = str(uuid.uuid4())
        total = sum((Decimal(hours) for _, hours in activities), Decimal("0"))
        payload = {
            "certificate_id": certificate_id,
            "number": number,
            "volunteer_id": volunteer_id,
            "name_masked": "刘*珠",
            "period_from": period[0],
            "period_to": period[1],
            "total_hours": f"{total:.2f}",
            "activity_count": len(activities),
            "issued_at": _now(),
            "issuer": "城市治理志愿者协会",
            "signature": "c2lnbmF0dXJlIG9mIHRoZSBjZXJ0aWZpY2F0ZQ==",
            "activities": [{"activity_id": a, "hours": h} for a, h in activities],
        }
        return self.envelope("teams", "CertificateIssued", certificate_id, payload)


def _now() -> str:
    return datetime.now(UTC).isoformat()


@pytest.fixture
def events() -> EventFactory:
    return EventFactory()


@pytest.fixture
def settings(database_url: str, amqp_url: str, amqp_prefix: str) -> Settings:
    """The service's settings on this test's database and broker prefix (loopback webhooks ok)."""
    return settings_for(
        "notifications",
        database_url,
        amqp_url=amqp_url,
        amqp_prefix=amqp_prefix,
        webhook_allow_loopback=True,
    )


@pytest.fixture
def offline_settings(database_url: str) -> Settings:
    """Settings for tests that need no broker."""
    return settings_for("notifications", database_url, webhook_allow_loopback=True)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after 50 ms (doubling), so the tests see them without waiting minutes."""
    monkeypatch.setenv("DELIVERY_RETRY_BASE_SECONDS", "0.05")
    monkeypatch.setenv("DELIVERY_RETRY_MAX_SECONDS", "0.4")


@dataclass
class Service:
    """The service wired as in production, with a way to apply events without the broker."""

    context: ServiceContext
    handlers: dict[str, Callable[..., None]]

    def apply(self, *events: Envelope) -> None:
        """Handle events as the consumer would: validated and upcast, one transaction each."""
        for event in events:
            upcast = self.context.definition.registry.upcast(event)
            with self.context.database.transaction() as session:
                self.handlers[event.routing_key](session, upcast)

    def apply_batch(self, *events: Envelope) -> None:
        """Handle events as the consumer handles a batch: upcast, then all in one transaction."""
        upcast = [self.context.definition.registry.upcast(event) for event in events]
        with self.context.database.transaction() as session:
            for event in upcast:
                self.handlers[event.routing_key](session, event)


@pytest.fixture
def make_service() -> Iterator[Callable[[Settings], Service]]:
    made: list[Service] = []

    def make(settings: Settings) -> Service:
        context = bootstrap(SERVICE, settings)
        assert SERVICE.handlers is not None
        service = Service(context, dict(SERVICE.handlers(context)))
        made.append(service)
        return service

    yield make
    for service in made:
        service.context.database.dispose()


@pytest.fixture
def service(make_service: Callable[[Settings], Service], offline_settings: Settings) -> Service:
    return make_service(offline_settings)


@pytest.fixture
def app(offline_settings: Settings) -> Iterator[Flask]:
    app = create_app(SERVICE, offline_settings)
    yield app
    context_of(app).database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Worker:
    """A running worker: its context and components (consumer, relays, dispatchers)."""

    context: ServiceContext
    components: list[Runnable]

    def component(self, kind: type) -> Any:
        return next(c for c in self.components if isinstance(c, kind))

    @property
    def inbox_queue(self) -> str:
        return self.component(Consumer).topology.inbox_queue


@pytest.fixture
def run_worker() -> Callable[[Settings], Any]:
    """Run the worker process's components in this process, as `notifications-worker` would."""

    @contextmanager
    def run(settings: Settings) -> Iterator[Worker]:
        context = bootstrap(SERVICE, settings)
        assert SERVICE.handlers is not None and SERVICE.worker_components is not None
        handlers = SERVICE.handlers(context)
        components: list[Runnable] = build_components(
            settings,
            context.database,
            context.store,
            SERVICE.registry,
            handlers,
            relay=SERVICE.relay,
        )
        components += list(SERVICE.worker_components(context))
        worker = Worker(context, components)
        try:
            with running(components):
                wait_for(worker.component(Consumer).consuming.is_set, timeout=20)
                wait_for(worker.component(PublicStreamRelay).relay.leading.is_set, timeout=20)
                yield worker
        finally:
            context.database.dispose()

    return run
