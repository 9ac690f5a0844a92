"""Idempotency-Key on POST, on SQLite and PostgreSQL: replay, mismatch, retry after failure,
concurrent repeats."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from association.db import Database
from association.store.tables import idempotency_table
from support.tokens import bearer
from support.widgets import widget_count

WRITER = bearer("teams:write", sub="ops")


def key_rows(db: Database) -> int:
    with db.reader() as session:
        return session.execute(select(func.count()).select_from(idempotency_table)).scalar_one()


def post(client: FlaskClient, body: dict, key: str | None, headers: dict | None = None):  # type: ignore[no-untyped-def]
    sent = dict(WRITER if headers is None else headers)
    if key is not None:
        sent["Idempotency-Key"] = key
    return client.post("/widgets", json=body, headers=sent)


def test_repeat_returns_the_first_response_and_writes_once(
    client: FlaskClient, database: Database
) -> None:
    first = post(client, {"name": "a"}, "key-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    again = post(client, {"name": "a"}, "key-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.mimetype == "application/json"
    assert "X-Unstored" not in again.headers
    assert widget_count(database) == 1
    assert key_rows(database) == 1


def test_without_key_each_post_is_a_new_request(client: FlaskClient, database: Database) -> None:
    assert post(client, {"name": "a"}, None).status_code == 201
    assert post(client, {"name": "b"}, None).status_code == 201
    assert widget_count(database) == 2
    assert key_rows(database) == 0


def test_same_key_different_body_is_422(client: FlaskClient, database: Database) -> None:
    assert post(client, {"name": "a"}, "key-1").status_code == 201
    response = post(client, {"name": "b"}, "key-1")
    assert response.status_code == 422
    body = response.get_json()
    assert "different request" in body["message"]
    assert "Idempotency-Key" in body["errors"]["headers"]
    assert widget_count(database) == 1


def test_same_key_from_another_subject_is_422(client: FlaskClient) -> None:
    assert post(client, {"name": "a"}, "key-1").status_code == 201
    other = bearer("teams:write", sub="someone-else")
    assert post(client, {"name": "a"}, "key-1", other).status_code == 422


def test_failed_first_attempt_leaves_no_record_and_may_be_retried(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    app.config["FAIL_NEXT_WIDGETS"] = 1
    failed = post(client, {"name": "a"}, "key-1")
    assert failed.status_code == 409
    assert key_rows(database) == 0
    assert widget_count(database) == 0
    retried = post(client, {"name": "a"}, "key-1")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert widget_count(database) == 1


def test_unauthenticated_or_invalid_first_attempts_leave_no_record(
    client: FlaskClient, database: Database
) -> None:
    assert post(client, {"name": "a"}, "key-1", headers={}).status_code == 401
    assert post(client, {"name": ""}, "key-1").status_code == 422
    assert key_rows(database) == 0
    assert post(client, {"name": "a"}, "key-1").status_code == 201


@pytest.mark.parametrize(
    ("headers", "status"), [({}, 401), (bearer("volunteers:read", sub="ops"), 403)]
)
def test_a_used_key_is_not_looked_at_before_the_token(
    client: FlaskClient, headers: dict[str, str], status: int
) -> None:
    """Found by schemathesis: an unauthorised repeat of a used key got the key's 422."""
    assert post(client, {"name": "a"}, "key-1").status_code == 201
    assert post(client, {"name": "b"}, "key-1", headers).status_code == status
    assert post(client, {"name": "a"}, "key-1", headers).status_code == status


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
def test_invalid_key_is_400_naming_the_header(
    client: FlaskClient, database: Database, key: str
) -> None:
    response = client.post(
        "/widgets", json={"name": "a"}, headers={**WRITER, "Idempotency-Key": key}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["message"]
    assert widget_count(database) == 0


def test_longest_printable_key_is_accepted(client: FlaskClient) -> None:
    assert post(client, {"name": "a"}, "~ !" + "k" * 252).status_code == 201


def test_key_is_ignored_on_other_methods(client: FlaskClient, database: Database) -> None:
    created = post(client, {"name": "a"}, None).get_json()
    reader = {**bearer("volunteers:read"), "Idempotency-Key": "key-1"}
    assert client.get(f"/widgets/{created['id']}", headers=reader).status_code == 200
    assert key_rows(database) == 0


def test_concurrent_repeats_write_exactly_once(app: Flask, database: Database) -> None:
    attempts = 6
    barrier = threading.Barrier(attempts)

    def attempt(_: int):  # type: ignore[no-untyped-def]
        client = app.test_client()
        barrier.wait()
        return post(client, {"name": "a", "slow": 0.3}, "same-key")

    with ThreadPoolExecutor(attempts) as pool:
        responses = list(pool.map(attempt, range(attempts)))
    assert [r.status_code for r in responses] == [201] * attempts
    assert len({r.get_data() for r in responses}) == 1
    replayed = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == attempts - 1
    assert widget_count(database) == 1
    assert key_rows(database) == 1
