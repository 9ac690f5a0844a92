"""The sign-up rate limit: shared by every web process pointing at one Redis, per client address,
where the client is whom the trusted proxies say (and no one else)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from flask import Flask

from registration.definition import SERVICE
from support.apps import context_of, make_app
from support.ports import free_port
from support.sign_ups import sign_up_form
from support.tokens import bearer


@pytest.fixture
def make_web() -> Iterator:
    """`make_web(**settings)`: a registration app standing for one web process."""
    with ExitStack() as made:

        def make(database_url: str, **options: object) -> Flask:
            app = make_app(SERVICE, database_url, signup_rate_limit="2/minute", **options)
            made.callback(context_of(app).database.dispose)
            return app

        yield make


def sign_up_status(app: Flask, n: int, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    form = sign_up_form(phone=f"1391234{n:04d}")
    return app.test_client().post("/volunteers", json=form, headers=headers).status_code


def test_two_web_processes_on_one_redis_share_one_count(
    make_web, database_url: str, amqp_url: str, redis_url: str
) -> None:
    shared = {
        "amqp_url": amqp_url,
        "amqp_prefix": f"limit-{uuid.uuid4().hex[:10]}.",  # this test's own keys in Redis
        "rate_limit_storage_url": redis_url,
    }
    first, second = make_web(database_url, **shared), make_web(database_url, **shared)
    codes = [sign_up_status(app, n) for n, app in enumerate([first, second, first, second])]
    assert codes == [201, 201, 429, 429]


def test_web_processes_counting_in_memory_count_apart(
    make_web, database_url: str, amqp_url: str
) -> None:
    first, second = (make_web(database_url, amqp_url=amqp_url) for _ in range(2))
    codes = [sign_up_status(app, n) for n, app in enumerate([first, second, first, second])]
    assert codes == [201, 201, 201, 201]


def test_sign_ups_go_on_counted_in_memory_while_the_shared_storage_is_down(
    make_web, database_url: str, amqp_url: str
) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    app = make_web(database_url, amqp_url=amqp_url, rate_limit_storage_url=down)
    assert [sign_up_status(app, n) for n in range(3)] == [201, 201, 429]


def test_without_trusted_proxies_x_forwarded_for_changes_nothing(
    make_web, database_url: str, amqp_url: str
) -> None:
    app = make_web(database_url, amqp_url=amqp_url)
    forged = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    assert [sign_up_status(app, n, f) for n, f in enumerate(forged)] == [201, 201, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(
    make_web, database_url: str, amqp_url: str
) -> None:
    app = make_web(database_url, amqp_url=amqp_url, trusted_proxy_count=1)
    # What the one proxy appended counts; an entry the client wrote before it does not.
    sent = ["203.0.113.1", "203.0.113.2", "6.6.6.6, 203.0.113.1", "7.7.7.7, 203.0.113.1"]
    assert [sign_up_status(app, n, f) for n, f in enumerate(sent)] == [201, 201, 201, 429]


def test_sign_ups_with_an_operator_token_are_not_counted(
    make_web, database_url: str, amqp_url: str
) -> None:
    app = make_web(database_url, amqp_url=amqp_url)
    client = app.test_client()
    operator, reader = bearer("volunteers:write"), bearer("volunteers:read")
    codes = [
        client.post(
            "/volunteers", json=sign_up_form(phone=f"1391234{n:04d}"), headers=headers
        ).status_code
        for n, headers in enumerate([operator] * 4 + [{}, {}, reader, {}])
    ]
    # Four operator sign-ups pass the limit of two; the public (and a reader's) are counted.
    assert codes == [201, 201, 201, 201, 201, 201, 429, 429]
