"""Fixtures of registration's integration tests beyond the shared ones: a Redis for the limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.redis_server import redis_for_tests


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis shared by the web processes' rate limit in the tests that need one."""
    with redis_for_tests() as url:
        yield url
