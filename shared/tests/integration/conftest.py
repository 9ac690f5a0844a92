"""Fixtures of the shared library's integration tests: a database with the store and the test
projections, the counting service's store, a broker topology, the widgets app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from association.db import Database
from association.messaging.topology import Topology
from association.store import EventStore
from association.store import metadata as store_metadata
from support.counters import counter_registry, projection_metadata
from support.widgets import widgets_app, widgets_metadata


@pytest.fixture
def database(make_database: Callable[[], Database]) -> Database:
    """The store's tables, the counters and the widgets, on SQLite and on PostgreSQL in turn."""
    database = make_database()
    database.create_schema(store_metadata, projection_metadata, widgets_metadata)
    return database


@pytest.fixture
def store() -> EventStore:
    """The event store of a service named `counting` whose events tick counters."""
    return EventStore("counting", counter_registry())


@pytest.fixture
def topology(amqp_prefix: str) -> Topology:
    """A consuming service's queues under this test's prefix; the third delivery is its last."""
    return Topology("projection", amqp_prefix, max_delivery_attempts=3)


@pytest.fixture
def app(database: Database) -> Flask:
    """The widgets app on this test's database."""
    return widgets_app(database)[0]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
