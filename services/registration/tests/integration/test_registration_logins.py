"""Logging in by phone and one-time code, for volunteers and staff, on SQLite and PostgreSQL with
the real broker: the code travels as a transient command, and is found nowhere else."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, select, update

from association.auth import decode_token
from association.messaging.commands import CommandTopology
from registration.adapters.tables import login_codes_table, refresh_tokens_table
from registration.definition import SERVICE
from support.apps import context_of, make_app
from support.broker import channel_on
from support.sign_ups import sign_up_form
from support.tokens import SECRET, bearer

PHONE = "13812345678"


@pytest.fixture
def app(database_url: str, amqp_url: str, amqp_prefix: str, monkeypatch) -> Iterator[Flask]:
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "off")
    made = make_app(SERVICE, database_url, amqp_url=amqp_url, amqp_prefix=amqp_prefix)
    yield made
    context_of(made).database.dispose()


@pytest.fixture
def codes(app: Flask, amqp_url: str, amqp_prefix: str) -> Iterator:
    """`codes()`: the login-code commands on the queue so far (each taken off it)."""
    with channel_on(amqp_url) as channel:
        topology = CommandTopology(amqp_prefix)
        topology.declare(channel)

        def take() -> list[dict]:
            found = []
            while True:
                method, properties, body = channel.basic_get(topology.login_codes_queue, True)
                if method is None:
                    return found
                assert properties.delivery_mode != 2  # transient, never persisted
                found.append(json.loads(body))

        yield take


def sign_up(client: FlaskClient, phone: str = PHONE) -> str:
    answer = client.post("/volunteers", json=sign_up_form(phone=phone))
    assert answer.status_code == 201, answer.json
    return answer.json["volunteer_id"]


def code_for(client: FlaskClient, codes, phone: str = PHONE, audience: str = "volunteer") -> str:
    answer = client.post("/sessions/codes", json={"phone": phone, "as": audience})
    assert answer.status_code == 202, answer.json
    (command,) = codes()
    assert command["phone"] == f"+86{phone}"
    return command["code"]


def log_in(client: FlaskClient, code: str, phone: str = PHONE, audience: str = "volunteer"):
    return client.post("/sessions", json={"phone": phone, "code": code, "as": audience})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_volunteer_logs_in_with_the_code_sent_for_their_phone(app: Flask, codes) -> None:
    client = app.test_client()
    volunteer_id = sign_up(client)
    answer = log_in(client, code_for(client, codes))
    assert answer.status_code == 201
    assert answer.json["token_type"] == "Bearer" and 0 < answer.json["expires_in"] <= 3600
    principal = decode_token(SECRET, answer.json["access_token"])
    assert (principal.sub, principal.role, principal.scopes) == (
        volunteer_id,
        "volunteer",
        frozenset({"self"}),
    )
    assert principal.sid
    assert "Idempotent-Replayed" not in answer.headers


def test_staff_log_in_as_coordinator_and_office(app: Flask, codes) -> None:
    client = app.test_client()
    admin = bearer("admin")
    organisation = client.post(
        "/organisations", json={"name": "江浦街道", "kind": "community"}, headers=admin
    ).json["organisation_id"]
    coordinator = client.post(
        "/staff",
        json={
            "name": "王协调",
            "phone": "13900001111",
            "role": "coordinator",
            "organisation_id": organisation,
        },
        headers=admin,
    )
    assert coordinator.status_code == 201, coordinator.json
    office = client.post(
        "/staff", json={"name": "李办公", "phone": "13900002222", "role": "office"}, headers=admin
    )
    assert office.status_code == 201
    listed = client.get("/staff", headers=admin).json["items"]
    assert {m["phone"] for m in listed} == {"13900001111", "13900002222"}

    as_coordinator = log_in(
        client, code_for(client, codes, "13900001111", "staff"), "13900001111", "staff"
    )
    principal = decode_token(SECRET, as_coordinator.json["access_token"])
    assert (principal.role, principal.org) == ("coordinator", organisation)
    assert principal.scopes == frozenset({"volunteers:read", "teams:write"})
    assert principal.sub == coordinator.json["staff_id"]

    as_office = log_in(
        client, code_for(client, codes, "13900002222", "staff"), "13900002222", "staff"
    )
    principal = decode_token(SECRET, as_office.json["access_token"])
    assert principal.role == "office" and principal.org is None
    assert "volunteers:write" in principal.scopes

    # A staff phone is no volunteer's: asking as a volunteer sends nothing.
    assert client.post("/sessions/codes", json={"phone": "13900001111"}).status_code == 202
    assert codes() == []


def test_staff_needs_admin_and_coordinators_an_existing_organisation(app: Flask) -> None:
    client = app.test_client()
    form = {"name": "王协调", "phone": "13900001111", "role": "coordinator"}
    assert client.post("/staff", json=form).status_code == 401
    assert client.post("/staff", json=form, headers=bearer("volunteers:write")).status_code == 403
    missing = client.post("/staff", json=form, headers=bearer("admin"))
    assert missing.status_code == 422 and "organisation_id" in missing.json["errors"]["json"]
    unknown = form | {"organisation_id": "00000000-0000-4000-8000-000000000000"}
    refused = client.post("/staff", json=unknown, headers=bearer("admin"))
    assert refused.status_code == 422 and "organisation_id" in refused.json["errors"]["json"]
    office = {"name": "李办公", "phone": "13900002222", "role": "office"}
    assert client.post("/staff", json=office, headers=bearer("admin")).status_code == 201
    again = client.post("/staff", json=office, headers=bearer("admin"))
    assert again.status_code == 409 and "phone" in again.json["errors"]["json"]
    assert client.get("/staff", headers=bearer("admin")).json["items"][0]["name"] == "李办公"


def test_unknown_phones_get_the_same_answer_and_no_code(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    known = client.post("/sessions/codes", json={"phone": PHONE})
    unknown = client.post("/sessions/codes", json={"phone": "13987654321"})
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert [c["phone"] for c in codes()] == [f"+86{PHONE}"]
    # Their minute's limit is the same too.
    assert client.post("/sessions/codes", json={"phone": "13987654321"}).status_code == 429
    assert client.post("/sessions/codes", json={"phone": PHONE}).status_code == 429


def set_code_row(app: Flask, **values) -> None:
    with context_of(app).database.transaction() as session:
        session.execute(update(login_codes_table).values(**values))


def test_one_code_a_minute_per_phone(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    first = code_for(client, codes)
    refused = client.post("/sessions/codes", json={"phone": PHONE})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    assert codes() == []
    set_code_row(app, requested_at=datetime.now(UTC) - timedelta(seconds=61))
    second = code_for(client, codes)
    assert log_in(client, first).status_code == 401 or first == second
    assert log_in(client, second).status_code == 201


def test_a_code_expires_after_five_minutes(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    code = code_for(client, codes)
    set_code_row(app, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    answer = log_in(client, code)
    assert answer.status_code == 401


def test_five_wrong_tries_end_a_code_and_every_refusal_reads_alike(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    code = code_for(client, codes)
    answers = [log_in(client, wrong(code)) for _ in range(5)]
    assert {a.status_code for a in answers} == {401}
    assert log_in(client, code).status_code == 401  # the right code, too late
    messages = {a.json["message"] for a in answers}
    set_code_row(app, requested_at=datetime.now(UTC) - timedelta(seconds=61))
    fresh = code_for(client, codes)
    assert log_in(client, fresh).status_code == 201
    used = log_in(client, fresh)
    assert used.status_code == 401 and {used.json["message"]} == messages


def test_refresh_rotates_and_a_spent_token_revokes_the_whole_login(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    first = log_in(client, code_for(client, codes)).json
    second = client.post("/sessions/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 201
    third = client.post("/sessions/refresh", json={"refresh_token": second.json["refresh_token"]})
    assert third.status_code == 201
    reused = client.post("/sessions/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    latest = client.post("/sessions/refresh", json={"refresh_token": third.json["refresh_token"]})
    assert latest.status_code == 401  # the whole family is revoked


def test_logging_out_ends_the_login(app: Flask, codes) -> None:
    client = app.test_client()
    sign_up(client)
    pair = log_in(client, code_for(client, codes)).json
    assert client.delete("/sessions/current").status_code == 401
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.delete("/sessions/current", headers=headers).status_code == 204
    refresh = client.post("/sessions/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401


def test_removing_staff_stops_their_refresh_tokens_at_once(app: Flask, codes) -> None:
    client = app.test_client()
    admin = bearer("admin")
    staff = client.post(
        "/staff", json={"name": "李办公", "phone": "13900002222", "role": "office"}, headers=admin
    ).json
    pair = log_in(
        client, code_for(client, codes, "13900002222", "staff"), "13900002222", "staff"
    ).json
    assert client.delete(f"/staff/{staff['staff_id']}", headers=admin).status_code == 204
    refresh = client.post("/sessions/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    assert client.get("/staff", headers=admin).json["items"] == []
    assert client.delete(f"/staff/{staff['staff_id']}", headers=admin).status_code == 404


def test_without_a_broker_no_code_is_stored_as_sent(
    database_url: str, amqp_prefix: str, monkeypatch
) -> None:
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "off")
    app = make_app(
        SERVICE,
        database_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        amqp_prefix=amqp_prefix,
    )
    try:
        client = app.test_client()
        answer = client.post("/sessions/codes", json={"phone": PHONE})
        assert answer.status_code == 503
        with context_of(app).database.reader() as session:
            assert session.execute(select(login_codes_table)).all() == []
    finally:
        context_of(app).database.dispose()


def test_the_code_is_in_no_event_log_line_or_stored_answer(
    app: Flask, codes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    sign_up(client)
    key = {"Idempotency-Key": "login-1"}
    answer = client.post("/sessions/codes", json={"phone": PHONE}, headers=key)
    assert answer.status_code == 202
    (command,) = codes()
    code = command["code"]
    session_answer = client.post(
        "/sessions", json={"phone": PHONE, "code": code}, headers={"Idempotency-Key": "login-2"}
    )
    assert session_answer.status_code == 201
    tokens = session_answer.json
    secrets_ = (code, tokens["access_token"], tokens["refresh_token"])
    assert not [r for r in caplog.records if any(s in r.getMessage() for s in secrets_)]
    # Every row of every table, the event store and stored answers included.
    database = context_of(app).database
    tables = MetaData()
    with database.reader() as session:
        tables.reflect(bind=session.connection())
        for table in tables.sorted_tables:
            for row in session.execute(select(table)):
                text = " ".join(
                    value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    for value in row
                )
                assert not [s for s in secrets_ if s in text], table.name
    events = client.get("/events?after=0&limit=100", headers=bearer("events:read")).json
    assert code not in json.dumps(events)


def test_the_login_routes_are_limited_per_client_address(
    database_url: str, amqp_url: str, amqp_prefix: str, monkeypatch
) -> None:
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "3/minute")
    app = make_app(
        SERVICE,
        database_url,
        amqp_url=amqp_url,
        amqp_prefix=amqp_prefix,
        signup_rate_limit="1/minute",
    )
    try:
        client = app.test_client()
        # The sign-up limit counts apart.
        assert client.post("/volunteers", json=sign_up_form()).status_code == 201
        assert client.post("/volunteers", json=sign_up_form(phone="13900000009")).status_code == 429
        statuses = [
            client.post("/sessions/codes", json={"phone": f"1391234{n:04d}"}).status_code
            for n in range(3)
        ]
        statuses.append(
            client.post("/sessions", json={"phone": PHONE, "code": "123456"}).status_code
        )
        other = {"REMOTE_ADDR": "192.0.2.7"}
        statuses.append(
            client.post("/sessions/codes", json={"phone": PHONE}, environ_base=other).status_code
        )
        assert statuses == [202, 202, 202, 429, 202]
    finally:
        context_of(app).database.dispose()


def test_a_withdrawal_ends_the_volunteers_logins(app: Flask, codes) -> None:
    client = app.test_client()
    volunteer_id = sign_up(client)
    pair = log_in(client, code_for(client, codes)).json
    withdrawn = client.delete(f"/volunteers/{volunteer_id}", headers=bearer("volunteers:write"))
    assert withdrawn.status_code == 204
    refresh = client.post("/sessions/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    # The phone is nobody's now: no code goes out for it.
    set_code_row(app, requested_at=datetime.now(UTC) - timedelta(seconds=61))
    assert client.post("/sessions/codes", json={"phone": PHONE}).status_code == 202
    assert codes() == []


def test_an_expired_refresh_token_is_refused_and_forgotten_at_the_next_login(
    app: Flask, codes
) -> None:
    client = app.test_client()
    sign_up(client)
    pair = log_in(client, code_for(client, codes)).json
    with context_of(app).database.transaction() as session:
        session.execute(
            update(refresh_tokens_table).values(expires_at=datetime.now(UTC) - timedelta(1))
        )
    refresh = client.post("/sessions/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    set_code_row(app, requested_at=datetime.now(UTC) - timedelta(seconds=61))
    assert log_in(client, code_for(client, codes)).status_code == 201
    with context_of(app).database.reader() as session:
        assert len(session.execute(select(refresh_tokens_table)).all()) == 1
