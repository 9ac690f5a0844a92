"""Every operation of each service's OpenAPI document, fuzzed in-process by schemathesis.

Every answer must be no 5xx and have a documented status, content type, headers and body (all of
schemathesis's checks); requests that break the schema must be refused. Once with an admin token and
once without one (protected operations must then answer 401). Requests go to apps on fresh SQLite
files; the documents are read at collection time from apps on throwaway in-memory databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import settings

from association.auth.tokens import SECURITY_SCHEME
from association.service import ServiceDefinition
from notifications.definition import SERVICE as NOTIFICATIONS
from registration.definition import SERVICE as REGISTRATION
from support.apps import context_of, make_app
from support.tokens import token
from teams.definition import SERVICE as TEAMS

SERVICES: dict[str, ServiceDefinition] = {
    "registration": REGISTRATION,
    "teams": TEAMS,
    "notifications": NOTIFICATIONS,
}


def service_app(name: str, database_url: str, amqp_url: str) -> Flask:
    return make_app(
        SERVICES[name],
        database_url,
        amqp_url=amqp_url,
        amqp_prefix=f"contract-{uuid.uuid4().hex[:10]}.",
    )


# Schema-valid requests may still get a 422 (its body names the field) for what JSON Schema cannot
# state: an unknown organisation or team, an end before the start, a webhook host that does not
# resolve, an Idempotency-Key the fuzzer already used for another request.
ACCEPTED_VALID = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
# schemathesis's own list of refusals, and 413: a body over 64 KiB (say an attendance list past its
# maxItems) is refused for its size before anything reads it.
REFUSED_INVALID = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "422",
    "428",
    "429",
    "5xx",
]


def contract_config(token: str | None) -> schemathesis.Config:
    config: dict[str, Any] = {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ACCEPTED_VALID},
            "negative_data_rejection": {"expected-statuses": REFUSED_INVALID},
        }
    }
    if token is not None:
        config["auth"] = {"openapi": {SECURITY_SCHEME: {"bearer": token}}}
    return schemathesis.Config.from_dict(config)


DOCUMENT_APPS = {
    name: service_app(name, "sqlite://", "amqp://127.0.0.1:1/%2F") for name in SERVICES
}


def schemas(token: str | None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Parametrise a test by every operation of every service, authenticated with `token`."""
    return schemathesis.pytest.parametrize(
        **{
            name: schemathesis.openapi.from_wsgi(
                "/openapi.json", DOCUMENT_APPS[name], config=contract_config(token)
            )
            for name in SERVICES
        }
    )


SERVICE_OF_TITLE = {definition.title: name for name, definition in SERVICES.items()}
ADMIN_TOKEN = token("admin", sub="contract-tester")

bounded = settings(max_examples=50, deadline=None)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory, amqp_url: str) -> Iterator[dict[str, Flask]]:
    folder: Path = tmp_path_factory.mktemp("contract")
    made = {name: service_app(name, f"sqlite:///{folder / name}.db", amqp_url) for name in SERVICES}
    yield made
    for app in made.values():
        context_of(app).database.dispose()


def app_for(case: schemathesis.Case, apps: dict[str, Flask]) -> Flask:
    """The app of the service whose document the case was generated from."""
    return apps[SERVICE_OF_TITLE[case.operation.schema.raw_schema["info"]["title"]]]


@schemas(ADMIN_TOKEN)
@bounded
def test_with_an_admin_token(case: schemathesis.Case, apps: dict[str, Flask]) -> None:
    case.call_and_validate(app=app_for(case, apps))


@schemas(token=None)
@bounded
def test_without_a_token(case: schemathesis.Case, apps: dict[str, Flask]) -> None:
    case.call_and_validate(app=app_for(case, apps))


DEEP_BODIES = {
    "60,000 nested arrays": "[" * 60_000,
    "12,000 nested objects": '{"a":' * 12_000,
    "deep but complete": "[" * 5_000 + "]" * 5_000,
    "33 levels": "[" * 33 + "]" * 33,
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
def test_every_route_taking_a_body_answers_400_to_a_body_nested_too_deep(
    service: str, body: str, apps: dict[str, Flask]
) -> None:
    app = apps[service]
    urls = app.url_map.bind("localhost")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    taking_a_body = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"})
    ]
    assert taking_a_body
    for rule, method in taking_a_body:
        path = urls.build(rule.endpoint, {a: str(uuid.uuid4()) for a in rule.arguments}, method)
        response = client.open(path, method=method, data=body, headers=headers)
        assert response.status_code == 400, (method, path, response.get_data(as_text=True))
        assert response.get_json()["errors"] == {"json": ["JSON body nested deeper than 32 levels"]}
