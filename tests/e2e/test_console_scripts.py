"""Every console script of the project's packages (read from the installed entry points, so a new
one is covered at once) and `python -m tools.seed`: `--help` prints its usage and exits 0 leaving
nothing behind — no file, no database, no queue or exchange — and a bad option exits 2 saying so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from importlib.metadata import entry_points
from pathlib import Path

import pika
import pytest

from association.messaging.topology import Topology
from association.testing import SERVICES_IN_TESTS, TEST_SECRETS
from support.processes import BIN

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = {
    "association-shared",
    "association-registration",
    "association-teams",
    "association-notifications",
}


def project_scripts() -> list[list[str]]:
    """The command line of every console script this project's packages install, and the seed."""
    scripts = sorted(
        script.name
        for script in entry_points(group="console_scripts")
        if script.dist is not None and script.dist.name in PACKAGES
    )
    return [[str(BIN / name)] for name in scripts] + [[sys.executable, "-m", "tools.seed"]]


SCRIPTS = project_scripts()


def run(
    command: list[str], option: str, directory: Path, prefix: str
) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        **TEST_SECRETS,
        "DATABASE_URL": f"sqlite:///{directory / 'service.db'}",
        "AMQP_PREFIX": prefix,
        "PYTHONPATH": str(REPOSITORY),  # `python -m tools.seed` from any directory
    }
    return subprocess.run(
        [*command, option],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def broker_names_left(amqp_url: str, prefix: str) -> list[str]:
    """The durable queues and exchanges under `prefix` that exist (declared passively)."""
    topologies = [Topology(service, prefix) for service in SERVICES_IN_TESTS]
    names = [q for t in topologies for q in (t.inbox_queue, t.dead_letter_queue)]
    names.append(topologies[0].public_stream_queue)
    exchanges = [topologies[0].events_exchange, topologies[0].public_exchange]
    found = []
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        for name in [*names, *exchanges]:
            channel = connection.channel()
            try:
                if name in exchanges:
                    channel.exchange_declare(name, passive=True)
                else:
                    channel.queue_declare(name, passive=True)
                found.append(name)
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:  # 404: not there
                pass
    finally:
        connection.close()
    return found


def test_every_script_of_the_project_is_listed() -> None:
    names = {Path(command[-1]).name for command in SCRIPTS}
    assert {"registration-web", "teams-rebuild-projections", "association-token", "tools.seed"} <= (
        names
    )


@pytest.mark.parametrize("command", SCRIPTS, ids=lambda command: Path(command[-1]).name)
def test_help_prints_usage_and_leaves_nothing_behind(
    command: list[str], tmp_path: Path, amqp_url: str
) -> None:
    prefix = f"help-{uuid.uuid4().hex[:10]}."
    finished = run(command, "--help", tmp_path, prefix)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("usage: ")
    assert list(tmp_path.iterdir()) == []
    assert broker_names_left(amqp_url, prefix) == []


@pytest.mark.parametrize("command", SCRIPTS, ids=lambda command: Path(command[-1]).name)
def test_an_unknown_option_exits_2_saying_so(command: list[str], tmp_path: Path) -> None:
    finished = run(command, "--no-such-option", tmp_path, f"bad-{uuid.uuid4().hex[:10]}.")
    assert finished.returncode == 2
    assert finished.stderr.startswith("usage: ")
    assert "error: " in finished.stderr
    assert list(tmp_path.iterdir()) == []
