"""The same journey against `docker compose` (testcontainers), where a Docker engine answers.

There is none on the development machines; there this module is skipped and says why, while the
same journey runs against local processes in test_volunteer_journey.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from association.auth import issue_token
from association.settings import DEV_AUTH_SECRET
from association.testing import docker_answers
from test_volunteer_journey import walk_the_journey

ROOT = Path(__file__).resolve().parents[2]
URLS = {
    "registration": "http://127.0.0.1:8081",
    "teams": "http://127.0.0.1:8082",
    "notifications": "http://127.0.0.1:8083",
}

pytestmark = pytest.mark.skipif(
    not docker_answers(), reason="no Docker engine answers: the compose stack cannot start here"
)


def token(*scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(DEV_AUTH_SECRET, 'e2e', scopes)}"}


@pytest.mark.slow
def test_the_journey_on_the_compose_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    from testcontainers.compose import DockerCompose

    monkeypatch.setenv("STAR_THRESHOLDS", "2,300,600,1000,1500")
    with DockerCompose(str(ROOT), compose_file_name="docker-compose.yml", build=True, wait=True):
        for url in URLS.values():
            assert requests.get(f"{url}/health", timeout=10).status_code == 200
        # Webhooks are left out: the services run in containers, the receiver would not.
        walk_the_journey(
            URLS,
            token,
            os.environ.get("COMPOSE_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
            "association.public.stream",
            None,
        )
