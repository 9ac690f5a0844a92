"""Fixtures of the teams tests; their helpers live in teams_testkit beside this file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from teams_testkit import Kit, teams_kit


@pytest.fixture
def kit(database_url: str, amqp_url: str) -> Iterator[Kit]:
    """The teams app on this test's database (SQLite, then PostgreSQL)."""
    with teams_kit(database_url, amqp_url) as made:
        yield made
