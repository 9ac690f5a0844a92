"""A thin driver of the compose stack, for `make up/down/logs/reset` and the compose test.

It runs `docker compose` (v2) where it exists, else `docker-compose` (1.29, which has no `--wait`):
`up` builds and starts the stack, then waits until every container is healthy.
testcontainers' DockerCompose needs v2 (`ps --format json`, `up --wait`), hence this driver.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UP_TIMEOUT = 600.0


def compose_command() -> list[str]:
    """`docker compose` when the v2 plugin answers, else `docker-compose`."""
    v2 = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return ["docker", "compose"] if v2.returncode == 0 else ["docker-compose"]


def with_web_defaults(environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` with the web pages' addresses derived from the published ports where it does
    not set them: where the browser finds each API (`WEB_*_URL`), the origins the APIs let the
    pages call from (`CORS_ORIGINS`) and the base URL of the check-in QR codes (`WEB_BASE_URL`)."""

    def port(variable: str, default: int) -> str:
        return environment.get(variable) or str(default)

    web = f"http://localhost:{port('WEB_PORT', 8080)}"
    defaults = {
        "WEB_REGISTRATION_URL": f"http://localhost:{port('REGISTRATION_PORT', 8081)}",
        "WEB_TEAMS_URL": f"http://localhost:{port('TEAMS_PORT', 8082)}",
        "WEB_NOTIFICATIONS_URL": f"http://localhost:{port('NOTIFICATIONS_PORT', 8083)}",
        "WEB_BASE_URL": web,
        "CORS_ORIGINS": f"{web},{web.replace('localhost', '127.0.0.1')}",
    }
    return {**defaults, **{name: value for name, value in environment.items() if value}}


@dataclass
class ComposeStack:
    """One compose project: its name, its files and the environment compose reads."""

    project: str
    files: Sequence[Path]
    environment: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def run(self, *args: str, capture: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one compose command in the project; raise with its output when it fails."""
        options = [item for path in self.files for item in ("-f", str(path))]
        command = [*compose_command(), "-p", self.project, "--project-directory", str(ROOT)]
        result = subprocess.run(
            [*command, *options, *args],
            capture_output=capture,
            text=True,
            env=with_web_defaults(self.environment),
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            output = "" if result.stdout is None else result.stdout + result.stderr
            raise RuntimeError(f"compose {' '.join(args)} failed\n{output}")
        return result

    def services(self) -> list[str]:
        """The services the compose files define."""
        return self.run("config", "--services").stdout.split()

    def container(self, service: str) -> str:
        """The id of the service's container."""
        return self.run("ps", "-q", service).stdout.strip()

    def health(self) -> dict[str, str]:
        """Each service's container health (`healthy`, `starting`, ..., or its state)."""
        states = {}
        for service in self.services():
            container = self.container(service)
            template = (
                "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}"
            )
            result = subprocess.run(
                ["docker", "inspect", "-f", template, container] if container else ["true"],
                capture_output=True,
                text=True,
                check=False,
            )
            states[service] = result.stdout.strip() or "absent"
        return states

    def wait_healthy(self, timeout: float = UP_TIMEOUT) -> dict[str, str]:
        """Wait until every service's container is healthy; raise saying which are not."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.health()
            if all(state == "healthy" for state in states.values()):
                return states
            if time.monotonic() > deadline:
                raise RuntimeError(f"not healthy within {timeout:.0f}s: {states}")
            time.sleep(2)

    def up(self, timeout: float = UP_TIMEOUT) -> dict[str, str]:
        """Build the images, start the stack and wait until every container is healthy."""
        self.run("up", "--build", "-d", capture=False)
        return self.wait_healthy(timeout)

    def logs(self, follow: bool = False) -> str:
        """Every container's logs, or follow them on the terminal."""
        if follow:
            self.run("logs", "-f", capture=False)
            return ""
        return self.run("logs", "--no-color", "--timestamps").stdout

    def save_logs(self, directory: Path) -> list[Path]:
        """Each service's logs in `directory/<service>.log`."""
        directory.mkdir(parents=True, exist_ok=True)
        saved = []
        for service in self.services():
            path = directory / f"{service}.log"
            path.write_text(self.run("logs", "--no-color", "--timestamps", service).stdout)
            saved.append(path)
        return saved

    def down(self, volumes: bool = False) -> None:
        """Stop and remove the containers and network (and the volumes when asked)."""
        self.run("down", "--remove-orphans", *(["-v"] if volumes else []), capture=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("up", "down", "reset", "logs"))
    parser.add_argument("--project", default="association")
    parser.add_argument("-f", "--file", action="append", type=Path, dest="files")
    args = parser.parse_args(argv)
    stack = ComposeStack(args.project, args.files or [ROOT / "docker-compose.yml"])
    if args.action == "up":
        for service, state in stack.up().items():
            print(f"{service}: {state}")
    elif args.action == "logs":
        stack.logs(follow=True)
    else:
        stack.down(volumes=args.action == "reset")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        sys.exit(str(error))
