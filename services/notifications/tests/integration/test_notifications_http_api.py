"""The HTTP API with Flask's test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from association.service import create_app
from association.settings import Settings
from notifications.definition import SERVICE
from notifications.domain.public_events import PUBLIC_EVENT_TYPES
from support.apps import context_of


def apply(app: Flask, *events: Any) -> None:
    """Handle events as the worker's consumer would, on the app's database."""
    context = context_of(app)
    assert context.definition.handlers is not None
    handlers = context.definition.handlers(context)
    for event in events:
        with context.database.transaction() as session:
            handlers[event.routing_key](session, context.definition.registry.upcast(event))


def subscribe(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["TeamAssigned"], **body}
    return client.post("/subscriptions", json=body, headers=headers)


# Subscriptions


def test_a_partner_subscribes_and_sees_the_secret_only_once(client: FlaskClient, bearer) -> None:
    partner = bearer("partner", sub="fzu")
    response = subscribe(client, partner, event_types=["VolunteerRegistered", "ActivityCompleted"])
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"] == f"/subscriptions/{created['id']}"
    assert len(created["secret"]) >= 40
    assert created["status"] == "active"
    assert created["event_types"] == ["ActivityCompleted", "VolunteerRegistered"]
    listed = client.get("/subscriptions", headers=partner).get_json()["subscriptions"]
    one = client.get(f"/subscriptions/{created['id']}", headers=partner).get_json()
    assert [s["id"] for s in listed] == [created["id"]]
    for shown in (listed[0], one):
        assert "secret" not in shown
        assert created["secret"] not in str(shown)


def test_partners_see_only_their_own_subscriptions_and_an_admin_sees_all(
    client: FlaskClient, bearer
) -> None:
    fzu, mju = bearer("partner", sub="fzu"), bearer("partner", sub="mju")
    mine = subscribe(client, fzu).get_json()["id"]
    theirs = subscribe(client, mju).get_json()["id"]
    assert [
        s["id"] for s in client.get("/subscriptions", headers=fzu).get_json()["subscriptions"]
    ] == [mine]
    assert client.get(f"/subscriptions/{theirs}", headers=fzu).status_code == 404
    assert client.delete(f"/subscriptions/{theirs}", headers=fzu).status_code == 404
    assert client.get(f"/subscriptions/{theirs}/deliveries", headers=fzu).status_code == 404
    every = client.get("/subscriptions", headers=bearer("admin")).get_json()["subscriptions"]
    assert {s["id"] for s in every} == {mine, theirs}


def test_delete_removes_a_subscription(client: FlaskClient, bearer) -> None:
    partner = bearer("partner")
    subscription_id = subscribe(client, partner).get_json()["id"]
    assert client.delete(f"/subscriptions/{subscription_id}", headers=partner).status_code == 204
    assert client.delete(f"/subscriptions/{subscription_id}", headers=partner).status_code == 404
    assert client.get(f"/subscriptions/{subscription_id}", headers=partner).status_code == 404
    assert client.get("/subscriptions", headers=partner).get_json() == {"subscriptions": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://files.example.com/x"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({"url": "http://[fe80::1]/hook"}, "url"),
        ({"event_types": ["VolunteerSneezed"]}, "event_types"),
        ({"event_types": []}, "event_types"),
        ({"event_types": "TeamAssigned"}, "event_types"),
        ({"url": None}, "url"),
    ],
)
def test_bad_subscriptions_are_refused_with_the_field_named(
    client: FlaskClient, bearer, body: dict[str, Any], field: str
) -> None:
    response = subscribe(client, bearer("partner"), **body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert client.get("/subscriptions", headers=bearer("partner")).get_json() == {
        "subscriptions": []
    }


def test_missing_fields_are_named(client: FlaskClient, bearer) -> None:
    response = client.post("/subscriptions", json={}, headers=bearer("partner"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"url", "event_types"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://[::1]/hook",
        "http://10.0.0.5:5432/",
        "http://172.17.0.2:15672/api",
        "http://192.168.1.1/",
        "http://100.100.100.200/latest/meta-data",
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/",
        "https://localhost/hook",
        "https://nowhere.invalid/hook",
    ],
)
def test_a_url_off_the_public_internet_gets_one_answer_that_tells_nothing_more(
    offline_settings: Settings, bearer, url: str
) -> None:
    strict = Settings(**{**vars(offline_settings), "webhook_allow_loopback": False})
    app = create_app(SERVICE, strict)
    client = app.test_client()
    try:
        response = subscribe(client, bearer("partner"), url=url)
        assert response.status_code == 422
        assert response.get_json()["errors"] == {
            "json": {"url": ["must be a public http(s) address"]}
        }
        assert client.get("/subscriptions", headers=bearer("partner")).get_json() == {
            "subscriptions": []
        }
    finally:
        context_of(app).database.dispose()


def test_loopback_urls_are_accepted_when_the_setting_allows_them(
    client: FlaskClient, bearer
) -> None:
    for url in ("http://127.0.0.1:8080/", "http://[::1]:8080/", "http://localhost:8080/"):
        assert subscribe(client, bearer("partner"), url=url).status_code == 201


def test_a_partner_has_at_most_the_configured_number_of_subscriptions(
    offline_settings: Settings, bearer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_MAX_SUBSCRIPTIONS", "2")
    app = create_app(SERVICE, offline_settings)
    client = app.test_client()
    fzu, mju = bearer("partner", sub="fzu"), bearer("partner", sub="mju")
    try:
        made = [subscribe(client, fzu).get_json()["id"] for _ in range(2)]
        refused = subscribe(client, fzu, url="http://127.0.0.1:9/third")
        assert refused.status_code == 409
        assert "at most 2 subscriptions" in refused.get_json()["message"]
        listed = client.get("/subscriptions", headers=fzu).get_json()["subscriptions"]
        assert [s["id"] for s in listed] == made
        log = client.get("/events", headers=bearer("events:read")).get_json()["events"]
        assert [e["event_type"] for e in log] == ["SubscriptionCreated"] * 2
        assert subscribe(client, mju).status_code == 201  # the cap is per partner
        assert client.delete(f"/subscriptions/{made[0]}", headers=fzu).status_code == 204
        assert subscribe(client, fzu).status_code == 201  # room again
    finally:
        context_of(app).database.dispose()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/subscriptions"),
        ("get", "/subscriptions"),
        ("get", f"/subscriptions/{uuid.uuid4()}"),
        ("delete", f"/subscriptions/{uuid.uuid4()}"),
        ("get", f"/subscriptions/{uuid.uuid4()}/deliveries"),
        ("post", f"/subscriptions/{uuid.uuid4()}/resume"),
        ("get", "/public/events"),
    ],
)
def test_partner_routes_need_a_token_with_the_partner_scope(
    client: FlaskClient, bearer, method: str, path: str
) -> None:
    call = getattr(client, method)
    assert call(path).status_code == 401
    assert call(path, headers=bearer("volunteers:read", "events:read")).status_code == 403


def test_unknown_ids_are_404(client: FlaskClient, bearer) -> None:
    partner = bearer("partner")
    unknown = uuid.uuid4()
    assert client.get(f"/subscriptions/{unknown}", headers=partner).status_code == 404
    assert client.get(f"/subscriptions/{unknown}/deliveries", headers=partner).status_code == 404
    assert client.post(f"/subscriptions/{unknown}/resume", headers=partner).status_code == 404
    assert client.get("/subscriptions/not-a-uuid", headers=partner).status_code == 404


def test_an_active_subscription_cannot_be_resumed(client: FlaskClient, bearer) -> None:
    partner = bearer("partner")
    subscription_id = subscribe(client, partner).get_json()["id"]
    assert (
        client.post(f"/subscriptions/{subscription_id}/resume", headers=partner).status_code == 409
    )


def test_a_repeated_post_with_the_same_idempotency_key_creates_one_subscription(
    client: FlaskClient, bearer
) -> None:
    headers = {**bearer("partner"), "Idempotency-Key": "subscribe-once"}
    first, again = subscribe(client, headers), subscribe(client, headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(client.get("/subscriptions", headers=headers).get_json()["subscriptions"]) == 1


def test_subscription_changes_are_recorded_in_the_service_s_own_log(
    client: FlaskClient, bearer
) -> None:
    partner = bearer("partner")
    subscription_id = subscribe(client, partner).get_json()["id"]
    client.delete(f"/subscriptions/{subscription_id}", headers=partner)
    log = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    assert [(e["event_type"], e["aggregate_version"]) for e in log] == [
        ("SubscriptionCreated", 1),
        ("SubscriptionCancelled", 2),
    ]
    assert "secret" not in str(log)


def test_deliveries_are_listed_with_their_status(
    app: Flask, client: FlaskClient, bearer, events
) -> None:
    partner = bearer("partner")
    subscription_id = subscribe(client, partner, event_types=["TeamAssigned"]).get_json()["id"]
    volunteer = events.registered()
    team_id = str(uuid.uuid4())
    assignments = [
        events.assigned(volunteer.payload["volunteer_id"], team_id),
        events.assigned(volunteer.payload["volunteer_id"], str(uuid.uuid4())),
    ]
    apply(app, volunteer, *assignments)
    page = client.get(f"/subscriptions/{subscription_id}/deliveries", headers=partner).get_json()
    assert [d["event_id"] for d in page["deliveries"]] == [e.event_id for e in assignments]
    first = page["deliveries"][0]
    assert (first["status"], first["attempts"], first["event_type"]) == (
        "pending",
        0,
        "TeamAssigned",
    )
    rest = client.get(
        f"/subscriptions/{subscription_id}/deliveries?after={first['position']}&limit=5",
        headers=partner,
    ).get_json()
    assert [d["event_id"] for d in rest["deliveries"]] == [assignments[1].event_id]
    bad = client.get(f"/subscriptions/{subscription_id}/deliveries?limit=0", headers=partner)
    assert bad.status_code == 422
    # Found by schemathesis: a position beyond a BIGINT was a 500.
    beyond = client.get(
        f"/subscriptions/{subscription_id}/deliveries?after={2**63}", headers=partner
    )
    assert beyond.status_code == 422
    assert client.get(f"/public/events?after={2**63}", headers=partner).status_code == 422


# The public feed


def test_the_public_feed_serves_redacted_events_in_pages(
    app: Flask, client: FlaskClient, bearer, events
) -> None:
    volunteers = [
        events.registered(phone=f"1381234567{n}", email=f"v{n}@example.com") for n in range(3)
    ]
    apply(app, *volunteers)
    partner = bearer("partner")
    first = client.get("/public/events?limit=2", headers=partner).get_json()
    rest = client.get(f"/public/events?after={first['next_after']}", headers=partner).get_json()
    served = first["events"] + rest["events"]
    assert [e["event_id"] for e in served] == [v.event_id for v in volunteers]
    assert [e["sequence"] for e in served] == sorted(e["sequence"] for e in served)
    assert served[0]["payload"]["name"] == "刘*珠"
    assert all(
        set(e["payload"])
        == {
            "volunteer_id",
            "name",
            "street",
            "skills",
            "organisation_id",
            "registered_at",
            "source",
        }
        for e in served
    )
    assert "1381234567" not in str(served) and "example.com" not in str(served)
    assert client.get(f"/public/events?after={rest['next_after']}", headers=partner).get_json() == {
        "events": [],
        "next_after": rest["next_after"],
    }


# Notifications of a volunteer


def test_a_volunteer_s_notifications_are_listed_with_their_channels(
    app: Flask, client: FlaskClient, bearer, events
) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    apply(app, volunteer, events.assigned(volunteer_id, str(uuid.uuid4())))
    reader = bearer("volunteers:read")
    response = client.get(f"/volunteers/{volunteer_id}/notifications", headers=reader)
    assert response.status_code == 200
    found = response.get_json()["notifications"]
    assert [n["kind"] for n in found] == ["welcome", "team_assigned"]
    assert found[0]["subject"] == "欢迎加入城市治理志愿者协会"
    assert found[0]["event_id"] == volunteer.event_id
    assert found[0]["channels"] == [
        {
            "channel": "log",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": found[0]["channels"][0]["next_attempt_at"],
            "last_error": None,
            "sent_at": None,
        }
    ]
    second_page = client.get(
        f"/volunteers/{volunteer_id}/notifications?after={response.get_json()['next_after']}",
        headers=reader,
    ).get_json()
    assert second_page["notifications"] == []


def test_notifications_need_volunteers_read_and_a_known_volunteer(
    app: Flask, client: FlaskClient, bearer, events
) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    apply(app, volunteer)
    path = f"/volunteers/{volunteer_id}/notifications"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer("partner")).status_code == 403
    reader = bearer("volunteers:read")
    assert (
        client.get(f"/volunteers/{uuid.uuid4()}/notifications", headers=reader).status_code == 404
    )
    apply(app, events.withdrawn(volunteer_id))
    assert client.get(path, headers=reader).status_code == 404


def test_the_openapi_document_lists_the_routes_and_the_event_type_vocabulary(
    client: FlaskClient,
) -> None:
    spec = client.get("/openapi.json").get_json()
    assert {
        "/volunteers/{volunteer_id}/notifications",
        "/subscriptions",
        "/subscriptions/{subscription_id}",
        "/subscriptions/{subscription_id}/deliveries",
        "/subscriptions/{subscription_id}/resume",
        "/public/events",
        "/events",
    } <= set(spec["paths"])
    schema = spec["components"]["schemas"]["SubscriptionIn"]
    assert schema["properties"]["event_types"]["items"]["enum"] == list(PUBLIC_EVENT_TYPES)
    assert spec["paths"]["/subscriptions"]["post"]["security"] == [{"bearerAuth": []}]
