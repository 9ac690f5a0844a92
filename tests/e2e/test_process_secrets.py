"""No built-in secrets: every process that needs a secret refuses to start without it, or with one
under 32 bytes, in one line naming the variable, before it listens or writes anything; the
processes that need none start without any."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from association.process_secrets import ALL_SECRETS
from support.polling import wait_for
from support.ports import free_port
from support.processes import BIN, ServiceProcess

# A feed nobody serves: the catch-up commands must refuse before they would read it.
FEED = "http://127.0.0.1:9"
# Each console script, its arguments, and each secret it needs.
NEEDS = [
    ("registration-web", [], "AUTH_SECRET"),
    ("registration-web", [], "IDENTITY_HASH_KEY"),
    ("teams-web", [], "AUTH_SECRET"),
    ("teams-web", [], "CERTIFICATE_SIGNING_KEY"),
    ("notifications-web", [], "AUTH_SECRET"),
    ("registration-rebuild-projections", [], "IDENTITY_HASH_KEY"),
    ("teams-catch-up", ["--from", FEED], "AUTH_SECRET"),
    ("notifications-catch-up", ["--from", FEED], "AUTH_SECRET"),
    ("notifications-rebuild-projections", ["--from", FEED], "AUTH_SECRET"),
    ("association-token", [], "AUTH_SECRET"),
    ("association-announce", [], "AUTH_SECRET"),
]
SHORT = "s" * 31
DEADLINE_SECONDS = 30


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("given", ["missing", "short"])
@pytest.mark.parametrize(("command", "arguments", "variable"), NEEDS)
def test_a_process_refuses_to_start_without_a_full_length_secret(
    command: str,
    arguments: list[str],
    variable: str,
    given: str,
    tmp_path: Path,
    amqp_url: str,
    amqp_prefix: str,
) -> None:
    workdir, scratch = tmp_path / "workdir", tmp_path / "scratch"
    workdir.mkdir()
    scratch.mkdir()
    port = free_port()
    environment = os.environ | {
        "DATABASE_URL": f"sqlite:///{scratch / 'service.db'}",
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": amqp_prefix,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "WORKER_HEARTBEAT_FILE": str(scratch / "heartbeat"),
        "ANNOUNCE_TIMEOUT": "5",
        "TMPDIR": str(scratch),  # where a web process would make its metrics folder
    }
    if given == "missing":
        del environment[variable]
    else:
        environment[variable] = SHORT

    finished = subprocess.run(
        [str(BIN / command), *arguments],
        env=environment,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )

    expected = f"{variable} is not set: " if given == "missing" else f"{variable} must be at least"
    if given == "short" and variable == "CERTIFICATE_SIGNING_KEY":
        expected = f"{variable} is not an Ed25519 private key"  # a key, not a length, is checked
    lines = finished.stderr.splitlines()
    assert finished.returncode != 0
    assert len(lines) == 1 and lines[0].startswith(expected), finished.stderr
    assert SHORT not in finished.stderr
    assert finished.stdout == ""  # no token printed, no feed read
    assert not listening(port)
    assert list(workdir.iterdir()) == [] and list(scratch.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("service", ["registration", "teams", "notifications"])
def test_a_worker_needs_no_secret(
    service: str, tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    heartbeat = tmp_path / "heartbeat"
    worker = ServiceProcess(
        f"{service}-worker",
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'service.db'}",
            "AMQP_URL": amqp_url,
            "AMQP_PREFIX": amqp_prefix,
            "WORKER_HEARTBEAT_FILE": str(heartbeat),
        },
        tmp_path / "worker.log",
        unset=tuple(secret.variable for secret in ALL_SECRETS),
    )
    worker.start()
    try:
        wait_for(heartbeat.exists, timeout=60)
    finally:
        code = worker.stop()
    assert code == 0, worker.output()


def test_teams_rebuilds_its_read_models_without_any_secret(tmp_path: Path) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {secret.variable for secret in ALL_SECRETS}
    }
    finished = subprocess.run(
        [str(BIN / "teams-rebuild-projections")],
        env=environment | {"DATABASE_URL": f"sqlite:///{tmp_path / 'teams.db'}"},
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    assert finished.returncode == 0, finished.stderr
    assert "rebuilt the teams read models from 0 events" in finished.stdout
