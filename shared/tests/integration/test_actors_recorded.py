"""Who did it, on SQLite and PostgreSQL: each event's actor in the store, in `GET /events` and on
the broker; the events a consumer's handler appends are the system's; events stored before
actors were recorded read back without one."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_smorest import Blueprint
from sqlalchemy import insert

from association.actors import current_actor
from association.auth import ROLE_SCOPES, issue_token
from association.db import Database
from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.relay import OutboxRelay
from association.messaging.topology import Topology
from association.store import EventStore, metadata
from association.store.tables import events_table
from association.web import events_feed_blueprint, request_session
from support.counters import apply_tick, counter_registry, projection_metadata, ticked
from support.polling import wait_for
from support.threads import consuming, running
from support.tokens import SECRET, bearer, role_bearer
from support.widgets import widgets_app

FEED_READER = bearer("events:read")


@pytest.fixture
def ticking_app(database: Database, store: EventStore) -> Flask:
    """The widgets app with a public route that ticks a counter (an event in `store`) and the
    store's `GET /events`."""
    app, api = widgets_app(database)
    blp = Blueprint("ticks", __name__)

    @blp.route("/ticks/<counter_id>", methods=["POST"])
    def tick(counter_id: str) -> tuple[dict[str, Any], int]:
        """Tick a counter: anyone may, with a token or without."""
        (stored,) = store.append(request_session(), [ticked(counter_id, 1)])
        return {"sequence": stored.sequence}, 201

    api.register_blueprint(blp)
    api.register_blueprint(events_feed_blueprint(store, database))
    return app


ACTORS = [
    pytest.param({}, {"kind": "public", "id": None}, id="no token"),
    pytest.param(
        {"Authorization": "Bearer not-a-token"}, {"kind": "public", "id": None}, id="bad token"
    ),
    pytest.param(role_bearer("volunteer", "v-7"), {"kind": "volunteer", "id": "v-7"}, id="self"),
    pytest.param(
        role_bearer("coordinator", "c-1", org="org-1"),
        {"kind": "staff", "id": "c-1"},
        id="coordinator",
    ),
    pytest.param(role_bearer("office", "f-2"), {"kind": "staff", "id": "f-2"}, id="office"),
    pytest.param(bearer("partner", sub="acme"), {"kind": "partner", "id": "acme"}, id="partner"),
    pytest.param(bearer("admin", sub="ops"), {"kind": "admin", "id": "ops"}, id="admin"),
    pytest.param(
        bearer("volunteers:write", sub="seed"), {"kind": "admin", "id": "seed"}, id="operator"
    ),
]


@pytest.mark.parametrize(("headers", "actor"), ACTORS)
def test_each_event_records_who_caused_it_in_the_store_and_the_feed(
    ticking_app: Flask,
    database: Database,
    store: EventStore,
    headers: dict[str, str],
    actor: dict[str, Any],
) -> None:
    counter = str(uuid.uuid4())
    client = ticking_app.test_client()
    response = client.post(f"/ticks/{counter}", headers=headers)
    assert response.status_code == 201, response.get_json()
    with database.reader() as session:
        (stored,) = store.load(session, counter)
    assert stored.actor == actor
    feed = client.get("/events?after=0&limit=1000", headers=FEED_READER).get_json()
    (served,) = [event for event in feed["events"] if event["aggregate_id"] == counter]
    assert served["actor"] == actor
    assert Envelope.from_json(json.dumps(served)).actor == actor


def test_a_request_leaves_no_actor_behind_for_the_next(ticking_app: Flask) -> None:
    client = ticking_app.test_client()
    assert client.post("/ticks/a", headers=bearer("admin", sub="ops")).status_code == 201
    assert client.post("/ticks/b").status_code == 201
    feed = client.get("/events?after=0&limit=10", headers=FEED_READER).get_json()
    assert [event["actor"] for event in feed["events"]] == [
        {"kind": "admin", "id": "ops"},
        {"kind": "public", "id": None},
    ]
    assert current_actor() is not None and current_actor().kind == "system"


def test_events_stored_before_actors_were_recorded_read_back_without_one(
    ticking_app: Flask, database: Database, store: EventStore
) -> None:
    counter = str(uuid.uuid4())
    with database.transaction() as session:  # the row an append made before this change
        session.execute(
            insert(events_table),
            {
                "event_id": str(uuid.uuid4()),
                "aggregate_id": counter,
                "aggregate_version": 1,
                "event_type": "CounterTicked",
                "schema_version": 1,
                "payload": {"counter_id": counter, "by": 1},
                "metadata": {"correlation_id": "req-1", "causation_id": None},
                "occurred_at": datetime.now(UTC),
            },
        )
    with database.reader() as session:
        (old,) = store.load(session, counter)
    assert (old.actor, old.correlation_id) == (None, "req-1")
    feed = ticking_app.test_client().get("/events?after=0", headers=FEED_READER).get_json()
    (served,) = feed["events"]
    assert served["actor"] is None
    assert Envelope.from_json(json.dumps(served)).actor is None


def test_the_actor_travels_on_the_broker_and_what_a_handler_appends_is_the_system_s(
    database: Database, store: EventStore, amqp_url: str, amqp_prefix: str, tmp_path: Path
) -> None:
    consumer_db = Database(f"sqlite:///{tmp_path / 'consumer.db'}")
    consumer_db.create_schema(metadata, projection_metadata)
    own_store = EventStore("projection", counter_registry())
    received: list[tuple[Any, Any]] = []

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        """Project the tick and append an event of the consumer's own, as teams' handlers do."""
        received.append((event.actor, current_actor()))
        apply_tick(session, event)
        own_store.append(session, [ticked(f"echo-{event.aggregate_id}", 1)])

    consumer = Consumer(
        consumer_db,
        amqp_url,
        Topology("projection", amqp_prefix),
        counter_registry(),
        {"counting.CounterTicked": handler},
    )
    relay = OutboxRelay(database, store, amqp_url, Topology("counting", amqp_prefix))
    staff = issue_token(SECRET, "c-3", ROLE_SCOPES["office"], role="office")
    app = widgets_app(database)[0]
    try:
        with consuming(consumer), running([relay]):
            with app.test_request_context(headers={"Authorization": f"Bearer {staff}"}):
                app.preprocess_request()  # the request's hooks: its actor is the token's
                with database.transaction() as session:
                    store.append(session, [ticked("c-1", 1), ticked("c-2", 1)])
            wait_for(lambda: consumer.applied == 2, timeout=20)
        with consumer_db.reader() as session:
            echoes = [own_store.load(session, f"echo-{c}") for c in ("c-1", "c-2")]
    finally:
        consumer_db.dispose()
    assert [sent for sent, _ in received] == [{"kind": "staff", "id": "c-3"}] * 2
    assert {acting.kind for _, acting in received} == {"system"}
    assert [echo.actor for (echo,) in echoes] == [{"kind": "system", "id": None}] * 2
