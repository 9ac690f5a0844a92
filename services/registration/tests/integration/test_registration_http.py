"""The registration API over HTTP (Flask test client), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from association.events import default_registry
from association.store import events_table, outbox_table
from association.web.app_factory import MAX_BODY_BYTES
from registration.api.volunteers import anonymous_view
from registration.definition import SERVICE
from support.apps import context_of, make_app
from support.sign_ups import sign_up_form
from support.tokens import bearer

READER = bearer("volunteers:read")
WRITER = bearer("volunteers:write", "volunteers:read")
ADMIN = bearer("admin")


@pytest.fixture
def app(database_url: str, amqp_url: str) -> Flask:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    yield app
    context_of(app).database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def event_count(app: Flask) -> int:
    with context_of(app).database.reader() as session:
        return session.execute(select(func.count()).select_from(events_table)).scalar_one()


def sign_up(client: FlaskClient, **overrides) -> dict:
    response = client.post("/volunteers", json=sign_up_form(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_sign_up_answers_201_with_personal_data_masked_and_a_location(client: FlaskClient) -> None:
    response = client.post(
        "/volunteers", json=sign_up_form(id_number="11010519491231002X", email="liu@example.cn")
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["phone"] == "138****5678"
    assert body["name"] == "刘*珠"
    assert body["email"] == "l***@example.cn"
    assert body["birth_date"] is None
    assert body["id_number_masked"] == "110***********002X"
    assert "id_number" not in body
    assert body["id_verified"] is True
    assert response.headers["Location"] == f"/volunteers/{body['volunteer_id']}"
    assert response.headers["ETag"] == '"1"'


def test_the_answers_to_sign_up_and_change_are_what_a_read_gives_back(
    app: Flask, client: FlaskClient
) -> None:
    organisation = client.post(
        "/organisations", json={"name": "南京大学", "kind": "university"}, headers=ADMIN
    ).get_json()
    created = sign_up(
        client,
        id_number="11010519491231002X",
        email="liu@example.cn",
        organisation_id=organisation["organisation_id"],
    )
    url = f"/volunteers/{created['volunteer_id']}"
    read = client.get(url, headers=READER).get_json()
    assert created == anonymous_view(read) | {"id_number_masked": read["id_number_masked"]}
    changed = client.patch(url, json={"name": "刘明", "skills": []}, headers=WRITER)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json() == client.get(url, headers=READER).get_json()


def test_detail_with_the_scope_shows_the_full_phone_but_never_the_id_number(
    client: FlaskClient,
) -> None:
    created = sign_up(client, id_number="11010519491231002X", email="liu@example.cn")
    response = client.get(f"/volunteers/{created['volunteer_id']}", headers=READER)
    assert response.status_code == 200
    body = response.get_json()
    assert body["phone"] == "13812345678"
    assert body["email"] == "liu@example.cn"
    assert body["id_number_masked"] == "110***********002X"
    assert "11010519491231002X" not in response.get_data(as_text=True)
    assert client.get(f"/volunteers/{created['volunteer_id']}").status_code == 401
    assert (
        client.get(f"/volunteers/{created['volunteer_id']}", headers=bearer("partner")).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": "王\x07芳"}, "name"),
        ({"name": 42}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": None}, "phone"),
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"email": "not-an-email"}, "email"),
        ({"street": "nowhere"}, "street"),
        ({"skills": ["juggling"]}, "skills"),
        ({"skills": ["first_aid", "first_aid"]}, "skills"),
        ({"skills": "first_aid"}, "skills"),
        ({"consent": False}, "consent"),
        ({"birth_date": "2012-01-01"}, "guardian_consent"),
        ({"birth_date": "1990-02-30"}, "birth_date"),
        ({"id_number": "11010519491231002X", "birth_date": "1950-01-01"}, "birth_date"),
        ({"organisation_id": str(uuid.uuid4())}, "organisation_id"),
        ({"favourite_colour": "red"}, "favourite_colour"),
    ],
)
def test_each_rule_answers_422_naming_the_field_and_stores_nothing(
    app: Flask, client: FlaskClient, overrides: dict, field: str
) -> None:
    response = client.post("/volunteers", json=sign_up_form(**overrides))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert event_count(app) == 0


def test_missing_fields_are_named(client: FlaskClient) -> None:
    response = client.post("/volunteers", json={})
    assert response.status_code == 422
    assert {"name", "phone", "street", "consent"} <= set(response.get_json()["errors"]["json"])


def test_malformed_and_non_json_bodies(app: Flask, client: FlaskClient) -> None:
    assert client.post("/volunteers", data="{", content_type="application/json").status_code == 400
    assert client.post("/volunteers", data="name=x", content_type="text/plain").status_code == 415
    big = sign_up_form(name="x" * MAX_BODY_BYTES)
    assert client.post("/volunteers", json=big).status_code == 413
    assert event_count(app) == 0


def test_a_phone_or_id_number_registered_twice_is_409_without_saying_who(
    app: Flask, client: FlaskClient
) -> None:
    first = sign_up(client, id_number="11010519491231002X")
    again = client.post("/volunteers", json=sign_up_form(phone="13812345678", name="别人"))
    assert again.status_code == 409
    assert "phone" in again.get_json()["errors"]["json"]
    assert first["volunteer_id"] not in again.get_data(as_text=True)
    same_id = client.post(
        "/volunteers", json=sign_up_form(phone="13912345678", id_number="11010519491231002x")
    )
    assert same_id.status_code == 409
    assert "id_number" in same_id.get_json()["errors"]["json"]
    assert event_count(app) == 1
    # the refused sign-ups claimed nothing: their new phone is free
    sign_up(client, phone="13912345678")


def test_a_repeated_post_with_the_same_idempotency_key_creates_one_volunteer(
    app: Flask, client: FlaskClient
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/volunteers", json=sign_up_form(), headers=key)
    second = client.post("/volunteers", json=sign_up_form(), headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert event_count(app) == 1


def test_list_filters_and_pages_with_phones_masked(client: FlaskClient) -> None:
    org = client.post(
        "/organisations", json={"name": "南京工业大学", "kind": "university"}, headers=ADMIN
    )
    assert org.status_code == 201
    org_id = org.get_json()["organisation_id"]
    for n in range(5):
        sign_up(
            client,
            phone=f"1381234560{n}",
            street="jiangpu" if n % 2 else "dingshan",
            skills=["medical"] if n < 2 else ["waste_sorting"],
            organisation_id=org_id if n == 4 else None,
        )
    everyone = client.get("/volunteers?page_size=2", headers=READER).get_json()
    assert everyone["total"] == 5 and len(everyone["items"]) == 2
    assert all("****" in v["phone"] for v in everyone["items"])
    third_page = client.get("/volunteers?page_size=2&page=3", headers=READER).get_json()
    assert len(third_page["items"]) == 1
    assert client.get("/volunteers?street=jiangpu", headers=READER).get_json()["total"] == 2
    assert client.get("/volunteers?skill=medical", headers=READER).get_json()["total"] == 2
    by_org = client.get(f"/volunteers?organisation_id={org_id}", headers=READER).get_json()
    assert [v["phone"] for v in by_org["items"]] == ["138****5604"]
    bad = client.get("/volunteers?street=mars&page=0", headers=READER)
    assert bad.status_code == 422
    assert {"street", "page"} <= set(bad.get_json()["errors"]["query"])


def test_patch_needs_the_current_version_and_rechecks_the_phone(
    app: Flask, client: FlaskClient
) -> None:
    mine = sign_up(client)
    other = sign_up(client, phone="13900000000")
    url = f"/volunteers/{mine['volunteer_id']}"
    changed = client.patch(
        url,
        json={"street": "taishan", "phone": "13700000000"},
        headers=WRITER | {"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.headers["ETag"] == '"2"'
    assert changed.get_json()["phone"] == "13700000000"
    stale = client.patch(url, json={"street": "jiangpu"}, headers=WRITER | {"If-Match": '"1"'})
    assert stale.status_code == 412
    taken = client.patch(
        url, json={"phone": other["phone"].replace("****", "0000")}, headers=WRITER
    )
    assert taken.status_code == 409
    assert client.patch(url, json={"blood_type": "O"}, headers=WRITER).status_code == 422
    assert client.patch(url, json={}, headers=WRITER).status_code == 422
    assert client.get(url, headers=READER).get_json()["street"] == "taishan"
    assert event_count(app) == 3
    # the old phone is free again
    sign_up(client, phone="13812345678")


def test_concurrent_patches_on_one_version_give_one_change_and_412s(
    app: Flask, client: FlaskClient
) -> None:
    """Found by tests/faults: on PostgreSQL the losers met the clash at the append (409)."""
    url = f"/volunteers/{sign_up(client)['volunteer_id']}"
    barrier = threading.Barrier(8)
    outcomes: list[int] = []

    def patch(n: int) -> None:
        other = app.test_client()
        barrier.wait()
        answer = other.patch(url, json={"name": f"改名{n}"}, headers=WRITER | {"If-Match": '"1"'})
        outcomes.append(answer.status_code)

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200] + [412] * 7
    assert client.get(url, headers=READER).headers["ETag"] == '"2"'


def test_withdrawal_erases_the_person_and_later_calls_are_404(
    app: Flask, client: FlaskClient, database_url: str
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    created = client.post(
        "/volunteers",
        json=sign_up_form(
            phone="13812345678", email="liu@example.cn", id_number="11010519491231002X"
        ),
        headers=key,
    ).get_json()
    url = f"/volunteers/{created['volunteer_id']}"
    client.patch(url, json={"name": "刘明"}, headers=WRITER)
    assert client.delete(url, headers=WRITER).status_code == 204
    assert client.get(url, headers=READER).status_code == 404
    assert client.patch(url, json={"street": "jiangpu"}, headers=WRITER).status_code == 404
    assert client.delete(url, headers=WRITER).status_code == 404
    traces = ["13812345678", "liu@example.cn", "11010519491231002X", "刘明珠", "刘明"]
    assert_nothing_left(app, database_url, traces)
    # the feed leaves out the erased sign-up and keeps the rest without the person in them
    feed = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    assert [e["event_type"] for e in feed] == ["VolunteerProfileUpdated", "VolunteerWithdrawn"]
    assert "name" not in feed[0]["payload"]
    # the same phone and ID number may sign up again
    sign_up(client, phone="13812345678", id_number="11010519491231002X")


def assert_nothing_left(app: Flask, database_url: str, traces: list[str]) -> None:
    """Scan every table (and on SQLite the database files) for any trace of the person."""
    database = context_of(app).database
    with database.reader() as session:
        for table in [*context_of(app).definition.metadata[0].sorted_tables, events_table]:
            for row in session.execute(select(table)).all():
                text_of_row = repr(tuple(row))
                assert not [t for t in traces if t in text_of_row], (table.name, text_of_row)
        dumped = repr(session.execute(text("SELECT * FROM idempotency_keys")).all())
        assert not [t for t in traces if t in dumped]
    if database.is_sqlite:  # the files as they are, write-ahead log included
        path = Path(database.engine.url.database)
        for file in path.parent.glob(path.name + "*"):
            data = file.read_bytes()
            for trace in traces:
                assert trace.encode() not in data, (file.name, trace)


def test_organisations_join_with_admin_and_list_publicly(app: Flask, client: FlaskClient) -> None:
    form = {"name": "浦口区人民医院", "kind": "hospital"}
    assert client.post("/organisations", json=form).status_code == 401
    assert client.post("/organisations", json=form, headers=WRITER).status_code == 403
    assert (
        client.post("/organisations", json=form | {"kind": "bank"}, headers=ADMIN).status_code
        == 422
    )
    assert client.post("/organisations", json=form, headers=ADMIN).status_code == 201
    assert client.post("/organisations", json=form, headers=ADMIN).status_code == 409
    listed = client.get("/organisations").get_json()["items"]
    assert [o["name"] for o in listed] == ["浦口区人民医院"]
    created = sign_up(client, organisation_id=listed[0]["organisation_id"])
    assert created["organisation_id"] == listed[0]["organisation_id"]


def test_every_accepted_command_leaves_one_outbox_row_per_event(
    app: Flask, client: FlaskClient
) -> None:
    sign_up(client)
    with context_of(app).database.reader() as session:
        assert session.execute(select(func.count()).select_from(outbox_table)).scalar_one() == 1


def test_the_feed_serves_the_outward_events_only(client: FlaskClient) -> None:
    sign_up(client, id_number="11010519491231002X")
    feed = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    assert "id_number" not in feed[0]["payload"]
    assert "birth_date" not in feed[0]["payload"]
    from association.events import Envelope

    default_registry().validate(Envelope(**feed[0]))


def test_the_feed_leaves_out_the_sign_up_of_a_volunteer_who_withdrew(client: FlaskClient) -> None:
    kept = sign_up(client, phone="13900000001")
    gone = sign_up(client, phone="13900000002")
    url = f"/volunteers/{gone['volunteer_id']}"
    assert client.delete(url, headers=WRITER).status_code == 204
    page = client.get("/events", headers=bearer("events:read")).get_json()
    shown = [(e["event_type"], e["aggregate_id"]) for e in page["events"]]
    assert shown == [
        ("VolunteerRegistered", kept["volunteer_id"]),
        ("VolunteerWithdrawn", gone["volunteer_id"]),
    ]
    assert page["next_after"] == page["events"][-1]["sequence"]


def test_the_openapi_document_lists_the_vocabularies(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    signup = spec["components"]["schemas"]["SignUp"]["properties"]
    assert "jiangpu" in signup["street"]["enum"]
    assert "first_aid" in signup["skills"]["items"]["enum"]
    assert "江浦街道" in signup["street"]["description"]


def test_sign_ups_are_rate_limited_per_client(database_url: str, amqp_url: str) -> None:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url, signup_rate_limit="2/minute")
    client = app.test_client()
    codes = [
        client.post("/volunteers", json=sign_up_form(phone=f"1381234567{n}")).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
    assert client.get("/organisations").status_code == 200
    context_of(app).database.dispose()


def test_concurrent_sign_ups_with_one_phone_register_one_volunteer(app: Flask) -> None:
    outcomes: list[int] = []
    barrier = threading.Barrier(8)

    def post(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        outcomes.append(
            client.post("/volunteers", json=sign_up_form(name=f"志愿者{n}")).status_code
        )

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [201] + [409] * 7
    assert event_count(app) == 1
