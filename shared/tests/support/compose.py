"""The project's docker-compose.yml running for e2e tests (`compose_stack`, one per session).

Local images are built when public ones cannot be pulled (tools.local_images); every published
port is a free one and the project name is the run's own, so the stack collides with nothing on
the machine. Every container's logs are saved in var/compose-logs/<project>/ and the stack goes
down with its volumes at the end. No Docker engine: the tests skip, unless REQUIRE_DOCKER is set
(CI starts an engine), where they fail.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from association.testing import docker_answers
from support.ports import free_port
from tools.compose_stack import ROOT, ComposeStack
from tools.local_images import compose_files

PORTS = {
    "RABBITMQ_PORT": "amqp",
    "RABBITMQ_MANAGEMENT_PORT": "management",
    "POSTGRES_PORT": "postgres",
    "REGISTRATION_PORT": "registration",
    "TEAMS_PORT": "teams",
    "NOTIFICATIONS_PORT": "notifications",
    "WEB_PORT": "web",
}


@dataclass
class RunningCompose:
    stack: ComposeStack
    ports: dict[str, int]
    is_down: bool = False

    @property
    def urls(self) -> dict[str, str]:
        return {
            s: f"http://127.0.0.1:{self.ports[s]}"
            for s in ("registration", "teams", "notifications")
        }

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.ports['amqp']}/%2F"

    def pid(self, service: str) -> int:
        """The host PID of the service container's main process."""
        return int(self.inspect(service, "{{.State.Pid}}"))

    def down(self) -> None:
        """Save every container's logs, then take the stack down with its volumes (once)."""
        if self.is_down:
            return
        saved = self.stack.save_logs(ROOT / "var" / "compose-logs" / self.stack.project)
        print(f"compose logs: {saved[0].parent if saved else 'none'}")
        self.stack.down(volumes=True)
        self.is_down = True

    def inspect(self, service: str, template: str) -> str:
        container = self.stack.container(service)
        result = subprocess.run(
            ["docker", "inspect", "-f", template, container],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()


@pytest.fixture(scope="session")
def compose_stack() -> Iterator[RunningCompose]:
    """The stack up and healthy; down with its volumes, its logs saved, at the end of the run."""
    if not docker_answers():
        if os.environ.get("REQUIRE_DOCKER"):
            pytest.fail("REQUIRE_DOCKER is set but no Docker engine answers")
        pytest.skip("no Docker engine answers: the compose stack cannot start here")
    ports = {name: free_port() for name in PORTS.values()}
    environment = {
        **os.environ,
        **{variable: str(ports[name]) for variable, name in PORTS.items()},
        "STAR_THRESHOLDS": "2,300,600,1000,1500",
    }
    running = RunningCompose(
        ComposeStack(f"association{uuid.uuid4().hex[:8]}", compose_files(), environment), ports
    )
    try:
        running.stack.up()
        yield running
    finally:
        running.down()
