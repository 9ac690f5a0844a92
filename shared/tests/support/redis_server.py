"""A Redis for the tests of shared rate limits: `TEST_REDIS_URL`, else the local one, else a
container.

Like the broker and the database of `association.testing`, it is never skipped: with no Redis to
be found the test fails saying what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from association.testing import NO_SERVER, docker_answers

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"


def answers(url: str) -> bool:
    """Whether a Redis answers PING at `url`."""
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@contextmanager
def redis_for_tests() -> Iterator[str]:
    """The URL of a Redis the tests may write to (each test keeps its keys under its own prefix)."""
    url = os.environ.get("TEST_REDIS_URL")
    if url or answers(LOCAL_REDIS_URL):
        yield url or LOCAL_REDIS_URL
        return
    if not docker_answers():
        pytest.fail(NO_SERVER.format(what="Redis", var="TEST_REDIS_URL", example=LOCAL_REDIS_URL))
    from testcontainers.redis import RedisContainer

    with RedisContainer("redis:7") as container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
        yield f"redis://{host}:{port}/0"
