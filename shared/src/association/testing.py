"""Pytest plugin: real RabbitMQ and PostgreSQL for integration tests, isolated per test.

Servers come from `AMQP_URL` / `TEST_DATABASE_URL` when set, else from testcontainers when a Docker
engine answers; otherwise the tests that need them fail with a message saying so (never a skip).
Each test gets its own PostgreSQL schema or SQLite file and its own broker name prefix. The run
makes its own secrets (`TEST_SECRETS`) and puts them in the environment of every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pika
import pytest
from sqlalchemy import create_engine, text

from association.db import Database, normalise_url
from association.messaging.commands import COMMANDS_EXCHANGE, LOGIN_CODES_QUEUE
from association.messaging.topology import (
    EVENTS_EXCHANGE,
    PUBLIC_EXCHANGE,
    PUBLIC_STREAM_QUEUE,
    Topology,
)
from association.process_secrets import ALL_SECRETS

NO_SERVER = (
    "{what} is needed: set {var} (e.g. {example}) or start a Docker engine for testcontainers."
)

# This run's value of every secret: the processes and apps under test are given these, never a
# value written in the repository.
TEST_SECRETS = {secret.variable: secret.generate() for secret in ALL_SECRETS}


@pytest.fixture(scope="session", autouse=True)
def test_secrets_in_the_environment() -> Iterator[dict[str, str]]:
    """This run's secrets in the environment for the whole run (whatever the shell had), so that
    every process a test starts and every service config it reads gets them."""
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in TEST_SECRETS.items():
            patch.setenv(variable, value)
        yield TEST_SECRETS


def docker_answers() -> bool:
    """Whether a Docker engine answers (testcontainers can start containers)."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """The broker for the whole run."""
    url = os.environ.get("AMQP_URL")
    if url:
        yield url
        return
    if not docker_answers():
        pytest.fail(
            NO_SERVER.format(
                what="RabbitMQ", var="AMQP_URL", example="amqp://guest:guest@127.0.0.1:5672/%2F"
            )
        )
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-management") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/%2F"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL server for the whole run (tests each get a schema of their own)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield normalise_url(url)
        return
    if not docker_answers():
        pytest.fail(
            NO_SERVER.format(
                what="PostgreSQL",
                var="TEST_DATABASE_URL",
                example="postgresql+psycopg://postgres@127.0.0.1:5432/test",
            )
        )
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15-alpine", driver="psycopg") as container:
        yield container.get_connection_url()


@contextmanager
def private_schema(postgres_url: str) -> Iterator[str]:
    """A URL whose connections use a fresh schema of their own, dropped on exit."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    try:
        yield f"{normalise_url(postgres_url)}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose connections use a fresh, private schema, dropped after the test."""
    with private_schema(postgres_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One test, run once on a SQLite file and once on a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def make_database(database_url: str) -> Iterator:
    """A factory of Database objects on this test's database, all disposed after the test."""
    made: list[Database] = []

    def make() -> Database:
        database = Database(database_url)
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


@pytest.fixture
def amqp_prefix(amqp_url: str) -> Iterator[str]:
    """A broker name prefix of this test's own; its queues and exchanges are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    yield prefix
    delete_broker_names(amqp_url, prefix)


SERVICES_IN_TESTS = ("registration", "teams", "notifications", "projection", "peer")


def delete_broker_names(
    amqp_url: str, prefix: str, services: tuple[str, ...] = SERVICES_IN_TESTS
) -> None:
    """Delete every queue and exchange the topology of `services` names under `prefix`."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        for service in services:
            topology = Topology(service, prefix)
            for queue in (topology.inbox_queue, topology.dead_letter_queue):
                channel.queue_delete(queue)
        # Lock queues are exclusive and vanish with their connection; the rest must be deleted.
        channel.queue_delete(prefix + PUBLIC_STREAM_QUEUE)
        channel.exchange_delete(prefix + EVENTS_EXCHANGE)
        channel.exchange_delete(prefix + PUBLIC_EXCHANGE)
        channel.queue_delete(prefix + LOGIN_CODES_QUEUE)
        channel.exchange_delete(prefix + COMMANDS_EXCHANGE)
    finally:
        connection.close()
