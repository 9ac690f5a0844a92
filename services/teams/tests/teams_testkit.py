"""Helpers of the teams tests: the real app on both databases, tokens, registration events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from association.events import Envelope, default_registry
from association.messaging.handlers import SetBasedHandler
from association.service import ServiceContext
from association.store import events_table, outbox_table
from support.apps import context_of, make_app
from support.tokens import bearer
from teams.consumers import volunteer_handlers
from teams.definition import SERVICE

REGISTRY = default_registry()


def registration_event(
    event_type: str, volunteer_id: uuid.UUID, version: int, payload: dict[str, Any]
) -> Envelope:
    """A volunteer event as registration's relay publishes it, validated against its schema."""
    envelope = Envelope(
        event_type=event_type,
        aggregate_id=str(volunteer_id),
        aggregate_version=version,
        payload=payload,
        producer="registration",
        sequence=version,
    )
    return REGISTRY.upcast(envelope)


def registered(
    volunteer_id: uuid.UUID, name: str = "刘玉珠", version: int = 1, **fields: Any
) -> Envelope:
    payload = {
        "volunteer_id": str(volunteer_id),
        "name": name,
        "phone": "13812345678",
        "email": None,
        "street": fields.pop("street", "五一街道"),
        "skills": fields.pop("skills", ["first_aid"]),
        "organisation_id": None,
        "registered_at": datetime.now(UTC).isoformat(),
        "source": "web",
        "id_verified": False,
    }
    return registration_event("VolunteerRegistered", volunteer_id, version, payload)


def profile_updated(volunteer_id: uuid.UUID, version: int, **changes: Any) -> Envelope:
    payload = {
        "volunteer_id": str(volunteer_id),
        "updated_at": datetime.now(UTC).isoformat(),
        **changes,
    }
    return registration_event("VolunteerProfileUpdated", volunteer_id, version, payload)


def withdrawn(volunteer_id: uuid.UUID, version: int) -> Envelope:
    payload = {"volunteer_id": str(volunteer_id), "withdrawn_at": datetime.now(UTC).isoformat()}
    return registration_event("VolunteerWithdrawn", volunteer_id, version, payload)


WRITER = bearer("teams:write")
READER = bearer("volunteers:read")


@dataclass
class Kit:
    """The app under test and shortcuts to drive it as a coordinator would."""

    app: Flask
    client: FlaskClient
    context: ServiceContext

    def deliver(self, envelope: Envelope) -> None:
        """Apply a registration event as the consumer does: the handler, in one transaction."""
        handler = volunteer_handlers(self.context.store)[envelope.routing_key]
        with self.context.database.transaction() as session:
            handler(session, envelope)

    def deliver_run(self, envelopes: Sequence[Envelope]) -> None:
        """Apply a run of events of one routing key as the consumer does within a batch."""
        handler = volunteer_handlers(self.context.store)[envelopes[0].routing_key]
        assert isinstance(handler, SetBasedHandler)
        with self.context.database.transaction() as session:
            handler.apply_many(session, envelopes)

    def volunteer(self, name: str = "刘玉珠") -> uuid.UUID:
        volunteer_id = uuid.uuid4()
        self.deliver(registered(volunteer_id, name))
        return volunteer_id

    def team(self, **fields: Any) -> dict[str, Any]:
        body = {"name": f"文明劝导队 {uuid.uuid4().hex[:6]}", "kind": "community", **fields}
        response = self.client.post("/teams", json=body, headers=WRITER)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def assign(self, team_id: str, volunteer_id: uuid.UUID, role: str = "member") -> Any:
        return self.client.post(
            f"/teams/{team_id}/members",
            json={"volunteer_id": str(volunteer_id), "role": role},
            headers=WRITER,
        )

    def activity(self, team_id: str, hours_ago: float = 3, length: float = 2, **fields: Any) -> Any:
        starts = datetime.now(UTC) - timedelta(hours=hours_ago)
        body = {
            "team_id": team_id,
            "title": "五一广场文明交通劝导",
            "kind": "civilised_traffic",
            "location": "五一广场东北角",
            "content": "早高峰路口文明交通劝导\n劝导行人遵守信号灯",
            "organising_unit": "五一街道办事处",
            "person_in_charge": "王建国",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=length)).isoformat(),
            **fields,
        }
        return self.client.post("/activities", json=body, headers=WRITER)

    def complete(self, activity_id: str, attendance: list[tuple[Any, Any]], **fields: Any) -> Any:
        body = {
            "attendance": [{"volunteer_id": str(v), "hours": h} for v, h in attendance],
            **fields,
        }
        return self.client.post(f"/activities/{activity_id}/completion", json=body, headers=WRITER)

    def event_types(self) -> list[str]:
        with self.context.database.reader() as session:
            rows = session.execute(select(events_table.c.event_type).order_by("sequence"))
            return list(rows.scalars())

    def outbox_size(self) -> int:
        with self.context.database.reader() as session:
            return session.execute(select(func.count()).select_from(outbox_table)).scalar_one()


@contextmanager
def teams_kit(database_url: str, amqp_url: str) -> Iterator[Kit]:
    """The teams app on `database_url`, its database disposed of afterwards."""
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    context = context_of(app)
    try:
        yield Kit(app, app.test_client(), context)
    finally:
        context.database.dispose()
