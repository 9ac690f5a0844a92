"""Registration's events: published on the real broker as the contract says; projections rebuild."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from association.events import Envelope, default_registry
from association.service import worker_components
from registration.adapters.projections import rebuild
from registration.adapters.tables import (
    identities_table,
    organisations_table,
    volunteer_skills_table,
    volunteers_table,
)
from registration.definition import SERVICE
from registration.service_layer.commands import Registration
from support.apps import context_of, make_app
from support.broker import channel_on, drain, probe_queue
from support.sign_ups import sign_up_form
from support.threads import running
from support.tokens import bearer, role_bearer


def test_volunteer_registered_arrives_on_the_events_exchange_without_the_id_number(
    database_url: str, amqp_url: str, amqp_prefix: str
) -> None:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url, amqp_prefix=amqp_prefix)
    context = context_of(app)
    client = app.test_client()
    with channel_on(amqp_url) as channel:
        queue = probe_queue(channel, amqp_prefix + "association.events", "registration.*")
        response = client.post(
            "/volunteers",
            json=sign_up_form(id_number="11010519491231002X", email="liu@example.cn"),
        )
        assert response.status_code == 201
        with running(worker_components(context)):
            [(method, properties, body)] = drain(channel, queue, 1)
    assert method.routing_key == "registration.VolunteerRegistered"
    assert "11010519491231002X" not in body.decode()
    envelope = default_registry().validate(Envelope.from_json(body))
    assert envelope.producer == "registration"
    assert envelope.payload["phone"] == "13812345678"
    assert envelope.payload["email"] == "liu@example.cn"
    assert envelope.payload["id_verified"] is True
    assert envelope.schema_version == 2
    assert envelope.payload["minor"] is False
    assert envelope.payload["id_number_masked"] == "1101**********002X"
    assert not {"id_number", "birth_date", "gender", "consent"} & envelope.payload.keys()
    assert envelope.actor == {"kind": "public", "id": None}  # a resident, without a token
    assert properties.message_id == envelope.event_id
    assert json.loads(body)["aggregate_id"] == response.get_json()["volunteer_id"]
    context.database.dispose()


def test_each_event_names_who_caused_it(database_url: str, amqp_url: str) -> None:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    client = app.test_client()
    try:
        operator = bearer("volunteers:write", sub="seed")
        signed = client.post("/volunteers", json=sign_up_form(), headers=operator)
        assert signed.status_code == 201, signed.get_json()
        volunteer_id = signed.get_json()["volunteer_id"]
        changed = client.patch(
            f"/volunteers/{volunteer_id}",
            json={"street": "qiaolin"},
            headers=role_bearer("office", "clerk-3"),
        )
        assert changed.status_code == 200, changed.get_json()
        feed = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    finally:
        context_of(app).database.dispose()
    assert [(e["event_type"], e["actor"]) for e in feed] == [
        ("VolunteerRegistered", {"kind": "admin", "id": "seed"}),
        ("VolunteerProfileUpdated", {"kind": "staff", "id": "clerk-3"}),
    ]


def snapshot(app: Flask) -> dict[str, list]:
    """Every read table's rows; a volunteer's sealed column as the personal data it opens to."""
    context = context_of(app)
    projection = Registration.wired(context.store, context.config.identity_hash_key).projection
    tables = (volunteers_table, volunteer_skills_table, identities_table, organisations_table)
    with context.database.reader() as session:
        result = {}
        for table in tables:
            rows = []
            for row in session.execute(select(table)).mappings():
                row = dict(row)
                if "sealed" in row:
                    row["sealed"] = projection.personal_data(session, row["volunteer_id"])
                rows.append(repr(sorted(row.items())))
            result[table.name] = sorted(rows)
        return result


def test_rebuilt_projections_equal_the_live_ones(database_url: str, amqp_url: str) -> None:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    client = app.test_client()
    admin, writer = bearer("admin"), bearer("volunteers:write")
    org = client.post(
        "/organisations", json={"name": "浦口区团委", "kind": "government"}, headers=admin
    )
    ids = []
    for n in range(6):
        created = client.post(
            "/volunteers",
            json=sign_up_form(
                phone=f"1391234567{n}",
                organisation_id=org.get_json()["organisation_id"] if n % 2 else None,
                id_number="11010519491231002X" if n == 0 else None,
            ),
        )
        ids.append(created.get_json()["volunteer_id"])
    client.patch(
        f"/volunteers/{ids[1]}",
        json={"phone": "13700000001", "skills": ["medical"]},
        headers=writer,
    )
    client.patch(
        f"/volunteers/{ids[2]}", json={"name": "王芳", "email": "w@example.cn"}, headers=writer
    )
    client.delete(f"/volunteers/{ids[3]}", headers=writer)
    live = snapshot(app)
    context = context_of(app)
    with context.database.transaction() as session:
        projection = Registration.wired(context.store, context.config.identity_hash_key).projection
        applied = rebuild(session, context.store, projection)
    assert applied == 1 + 6 + 2 + 1
    rebuilt = snapshot(app)
    assert rebuilt == live
    assert len(live["volunteers"]) == 6
    reader = bearer("volunteers:read")
    assert client.get(f"/volunteers/{ids[2]}", headers=reader).get_json()["name"] == "王芳"
    assert client.get(f"/volunteers/{ids[3]}", headers=reader).status_code == 404
    context.database.dispose()
