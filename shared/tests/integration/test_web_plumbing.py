"""The shared Flask plumbing on SQLite and PostgreSQL: auth, JSON errors, context, transactions,
health, OpenAPI and the events feed."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema, fields

from association.db import Database
from association.events import EventRegistry, new_event
from association.service.web import BrokerProbe
from association.store import EventStore
from association.web import create_service_app, events_feed_blueprint
from association.web.app_factory import MAX_BODY_BYTES
from association.web.request_body import MAX_JSON_DEPTH, json_depth_exceeds
from support.apps import settings_for
from support.ports import free_port
from support.tokens import bearer, expired_bearer
from support.widgets import widget_count, widgets_app

JSON = "application/json"


def assert_error(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == JSON
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


# --- auth -----------------------------------------------------------------------------------------


def test_missing_token_is_401_with_challenge(client: FlaskClient) -> None:
    response = client.post("/widgets", json={"name": "a"})
    body = assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "missing" in body["message"]


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "token"])
def test_malformed_authorization_is_401(client: FlaskClient, header: str) -> None:
    response = client.get("/whoami", headers={"Authorization": header})
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_401(client: FlaskClient) -> None:
    response = client.get("/whoami", headers=expired_bearer("partner"))
    assert "expired" in assert_error(response, 401)["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bad_signature_is_401(client: FlaskClient) -> None:
    forged = bearer("admin", sub="mallory", secret="not-the-secret-" + "x" * 40)
    response = client.get("/whoami", headers=forged)
    assert "signature" in assert_error(response, 401)["message"]


def test_wrong_scope_is_403_naming_the_scope(client: FlaskClient, database: Database) -> None:
    response = client.post("/widgets", json={"name": "a"}, headers=bearer("volunteers:read"))
    assert "teams:write" in assert_error(response, 403)["message"]
    response = client.get("/widgets/1", headers=bearer("teams:write"))
    assert "volunteers:read" in assert_error(response, 403)["message"]
    assert widget_count(database) == 0


def test_scope_is_checked_before_the_body_is_validated(client: FlaskClient) -> None:
    assert_error(client.post("/widgets", json={}), 401)


def test_admin_passes_every_scope(client: FlaskClient) -> None:
    admin = bearer("admin", sub="root")
    created = client.post("/widgets", json={"name": "a"}, headers=admin)
    assert created.status_code == 201
    widget_id = created.get_json()["id"]
    assert client.get(f"/widgets/{widget_id}", headers=admin).get_json()["name"] == "a"
    assert client.get("/whoami", headers=admin).get_json() == {"sub": "root", "scopes": ["admin"]}


def test_principal_is_available_to_the_view(client: FlaskClient) -> None:
    response = client.get("/whoami", headers=bearer("partner", "events:read", sub="uni-1"))
    assert response.get_json() == {"sub": "uni-1", "scopes": ["events:read", "partner"]}


# --- JSON errors ----------------------------------------------------------------------------------


def test_unknown_route_is_404_json(client: FlaskClient) -> None:
    assert_error(client.get("/nowhere"), 404)
    assert_error(client.post("/nowhere", data="not json", content_type="text/plain"), 404)


def test_abort_404_keeps_its_message(client: FlaskClient) -> None:
    response = client.get("/widgets/999", headers=bearer("volunteers:read"))
    assert assert_error(response, 404)["message"] == "no widget 999"


def test_wrong_method_is_405_json_with_allow(client: FlaskClient) -> None:
    response = client.delete("/widgets")
    assert_error(response, 405)
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client: FlaskClient, database: Database) -> None:
    response = client.post(
        "/widgets", data='{"name": ', content_type=JSON, headers=bearer("teams:write")
    )
    assert "JSON" in assert_error(response, 400)["message"]
    assert widget_count(database) == 0


@pytest.mark.parametrize(
    "body",
    [
        "[" * 60_000,
        "[" * 30_000 + "]" * 30_000,
        '{"name":' * 8_000,
        '{"name": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["60,000 open arrays", "30,000 closed arrays", "8,000 objects", "41 levels"],
)
def test_a_body_nested_too_deep_is_400_and_changes_nothing(
    client: FlaskClient, database: Database, body: str
) -> None:
    response = client.post("/widgets", data=body, content_type=JSON, headers=bearer("teams:write"))
    assert assert_error(response, 400)["errors"] == {
        "json": [f"JSON body nested deeper than {MAX_JSON_DEPTH} levels"]
    }
    assert widget_count(database) == 0


def test_nesting_up_to_the_limit_reaches_validation(client: FlaskClient) -> None:
    body = '{"name": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = client.post("/widgets", data=body, content_type=JSON, headers=bearer("teams:write"))
    assert "name" in assert_error(response, 422)["errors"]["json"]


def test_json_depth_is_measured_without_recursion() -> None:
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth_exceeds(deep, 32)
    assert not json_depth_exceeds({"a": [[1, {"b": []}]]}, 5)
    assert json_depth_exceeds({"a": [[1, {"b": []}]]}, 4)


def test_non_json_body_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/widgets",
        data="name=a",
        content_type="application/x-www-form-urlencoded",
        headers=bearer("teams:write"),
    )
    assert_error(response, 415)
    response = client.post("/widgets", data="name", headers=bearer("teams:write"))
    assert_error(response, 415)


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    big = json.dumps({"name": "a" * MAX_BODY_BYTES})
    response = client.post("/widgets", data=big, content_type=JSON, headers=bearer("teams:write"))
    assert_error(response, 413)


def test_validation_error_is_422_with_field_names(client: FlaskClient) -> None:
    response = client.post("/widgets", json={"name": ""}, headers=bearer("teams:write"))
    assert "name" in assert_error(response, 422)["errors"]["json"]
    response = client.post("/widgets", json={"colour": 1}, headers=bearer("teams:write"))
    errors = assert_error(response, 422)["errors"]["json"]
    assert set(errors) == {"name", "colour"}


def test_unexpected_exception_is_500_json_without_traceback(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    assert_error(response, 500)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret internal detail" not in text
    logged = [r for r in caplog.records if r.exc_info and "secret internal" in str(r.exc_info[1])]
    assert logged, "the exception is logged with its traceback"


# --- correlation id and access log ----------------------------------------------------------------


def test_correlation_id_is_echoed(client: FlaskClient) -> None:
    response = client.get("/health", headers={"X-Correlation-ID": "req-42.a_b"})
    assert response.headers["X-Correlation-ID"] == "req-42.a_b"


@pytest.mark.parametrize("sent", [None, "", "bad id!", "x" * 65, "ü"])
def test_correlation_id_is_generated_when_absent_or_invalid(
    client: FlaskClient, sent: str | None
) -> None:
    headers = {} if sent is None else {"X-Correlation-ID": sent}
    generated = client.get("/nowhere", headers=headers).headers["X-Correlation-ID"]
    assert str(uuid.UUID(generated)) == generated


def test_one_access_log_line_per_request(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="association.access"):
        client.get("/health", headers={"X-Correlation-ID": "trace-me"})
    lines = [r for r in caplog.records if r.name == "association.access"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.path, line.status) == ("GET", "/health", 200)
    assert isinstance(line.duration_ms, float)


# --- one request = one transaction ----------------------------------------------------------------


def test_success_commits(client: FlaskClient, database: Database) -> None:
    response = client.post("/widgets", json={"name": "a"}, headers=bearer("teams:write"))
    assert response.status_code == 201
    assert response.headers["Location"] == f"/widgets/{response.get_json()['id']}"
    assert widget_count(database) == 1


def test_error_status_rolls_back(app: Flask, client: FlaskClient, database: Database) -> None:
    app.config["FAIL_NEXT_WIDGETS"] = 1
    response = client.post("/widgets", json={"name": "a"}, headers=bearer("teams:write"))
    assert_error(response, 409)
    assert widget_count(database) == 0


@pytest.mark.parametrize("when", ["view", "commit"])
def test_integrity_error_is_409_and_changes_nothing(
    client: FlaskClient, database: Database, when: str
) -> None:
    response = client.post(f"/duplicate/{when}")
    assert "conflict" in assert_error(response, 409)["message"]
    assert widget_count(database) == 0


# --- health ---------------------------------------------------------------------------------------


def test_health_is_public_and_ok(client: FlaskClient, database: Database) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["service"] == "testsvc"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["dialect"] == database.dialect


def test_failing_extra_check_degrades_but_stays_200(database: Database) -> None:
    def broker() -> dict:
        raise ConnectionError("broker refused")

    checks = {
        "broker": broker,
        "outbox": lambda: {"ok": False, "backlog": 12},
        "cache": lambda: {"ok": True},
    }
    app, _ = widgets_app(database, health_checks=checks)
    response = app.test_client().get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {"ok": False, "state": "failing"}
    assert body["checks"]["outbox"] == {"ok": False, "backlog": 12}
    assert body["checks"]["cache"] == {"ok": True}


def test_health_is_503_when_the_database_is_unreachable() -> None:
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:1/test")
    settings = settings_for("testsvc", unreachable.url)
    app, _ = create_service_app(settings, unreachable, title="Down")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {
        "ok": False,
        "state": "unreachable",
        "dialect": "postgresql",
    }
    unreachable.dispose()


def test_health_answers_states_without_addresses_or_driver_messages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database_port, broker_port = free_port(), free_port()
    unreachable = Database(f"postgresql+psycopg://postgres@127.0.0.1:{database_port}/test")
    broker = BrokerProbe(f"amqp://guest:guest@127.0.0.1:{broker_port}/%2F", {})

    def cache() -> dict:
        raise ConnectionRefusedError(f"cache at 10.0.0.7:{database_port} refused")

    settings = settings_for("testsvc", unreachable.url)
    app, _ = create_service_app(
        settings, unreachable, title="Down", health_checks={"broker": broker.health, "cache": cache}
    )
    with caplog.at_level(logging.WARNING, logger="association.health"):
        response = app.test_client().get("/health")
    unreachable.dispose()
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": {"ok": False, "state": "unreachable", "dialect": "postgresql"},
        "broker": {"ok": False, "state": "unreachable"},
        "cache": {"ok": False, "state": "failing"},
    }
    text = response.get_data(as_text=True)
    for secret in ("127.0.0.1", "10.0.0.7", str(database_port), str(broker_port), "guest"):
        assert secret not in text
    for word in ("Error", "refused", "connection", "psycopg", "pika", "AMQP"):
        assert word.lower() not in text.lower()
    logged = caplog.text  # the operator still learns what failed
    assert "database failed" in logged and "broker failed" in logged and "cache" in logged


# --- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_document_is_public_and_documents_bearer_auth(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["title"] == "Test service"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    post = spec["paths"]["/widgets"]["post"]
    assert post["security"] == [{"bearerAuth": []}]
    assert post["x-required-scope"] == "teams:write"
    assert {"201", "401", "403", "422"} <= set(post["responses"])
    assert post["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHORIZED"}
    assert "requestBody" in post
    get = spec["paths"]["/widgets/{widget_id}"]["get"]
    assert get["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/health"]["get"]
    whoami = spec["paths"]["/whoami"]["get"]
    assert whoami["security"] == [{"bearerAuth": []}]
    assert whoami["x-required-scope"] == "partner"
    assert whoami["description"] == "Who the token speaks for."
    assert whoami["operationId"] == "whoami"
    assert "UNAUTHORIZED" in spec["components"]["responses"]


# --- events feed ----------------------------------------------------------------------------------


class WidgetMadeV1(Schema):
    name = fields.String(required=True)


@pytest.fixture
def feed_client(database: Database) -> tuple[FlaskClient, list[int]]:
    registry = EventRegistry()
    registry.register("WidgetMade", 1, WidgetMadeV1)
    store = EventStore("testsvc", registry)
    with database.transaction() as session:
        stored = store.append(
            session,
            [new_event("WidgetMade", f"w-{i}", 1, {"name": f"w{i}"}) for i in range(5)],
        )
    app, api = widgets_app(database)
    api.register_blueprint(events_feed_blueprint(store, database))
    return app.test_client(), [event.sequence for event in stored]


def test_feed_pages_through_the_log(feed_client: tuple[FlaskClient, list[int]]) -> None:
    client, sequences = feed_client
    reader = bearer("events:read")
    first = client.get("/events?limit=2", headers=reader).get_json()
    assert [e["sequence"] for e in first["events"]] == sequences[:2]
    assert first["next_after"] == sequences[1]
    event = first["events"][0]
    assert event["event_type"] == "WidgetMade"
    assert event["producer"] == "testsvc"
    assert event["payload"] == {"name": "w0"}
    assert event["aggregate_version"] == 1
    rest = client.get(f"/events?after={first['next_after']}&limit=1000", headers=reader).get_json()
    assert [e["sequence"] for e in rest["events"]] == sequences[2:]
    assert rest["next_after"] == sequences[-1]
    end = client.get(f"/events?after={sequences[-1]}", headers=reader).get_json()
    assert end == {"events": [], "next_after": sequences[-1]}
    default = client.get("/events", headers=bearer("admin")).get_json()
    assert [e["sequence"] for e in default["events"]] == sequences


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=x", "limit"),
        ("after=-1", "after"),
        (f"after={2**63}", "after"),  # found by schemathesis: beyond a BIGINT it was a 500
    ],
)
def test_feed_validates_its_query(
    feed_client: tuple[FlaskClient, list[int]], query: str, field: str
) -> None:
    client, _ = feed_client
    response = client.get(f"/events?{query}", headers=bearer("events:read"))
    assert field in assert_error(response, 422)["errors"]["query"]


def test_feed_requires_events_read(feed_client: tuple[FlaskClient, list[int]]) -> None:
    client, _ = feed_client
    assert_error(client.get("/events"), 401)
    assert_error(client.get("/events", headers=bearer("teams:write")), 403)
