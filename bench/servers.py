"""The benchmarks' processes: web servers on free loopback ports, workers; stopped as groups.

Every process is given this run's own secrets (`BENCH_SECRETS`), as none has a built-in one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from association.process_secrets import ALL_SECRETS
from support.ports import free_port

BENCH_SECRETS = {secret.variable: secret.generate() for secret in ALL_SECRETS}


@dataclass(frozen=True)
class Served:
    port: int
    pid: int  # the leader of the server's process group


@contextmanager
def server(command: list[str], env: Mapping[str, str], log: Path) -> Iterator[Served]:
    """Start a web process on a free port; yield it once it answers; stop it on exit."""
    port = free_port()
    environment = (
        dict(os.environ) | BENCH_SECRETS | dict(env) | {"PORT": str(port), "HOST": "127.0.0.1"}
    )
    with log.open("wb") as output:
        # A session of its own, so that stopping the group stops gunicorn's workers too.
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=output, start_new_session=True
        )
    try:
        _wait_until_answering(port, process, log)
        yield Served(port, process.pid)
    finally:
        stop_group(process)


@contextmanager
def process_group(
    command: list[str], env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen]:
    """Start a process (a worker) in a session of its own; stop its group on exit."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env=dict(os.environ) | BENCH_SECRETS | dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process's group, SIGKILL it if it has not gone 20 s later."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(leader: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of `leader`'s session.

    Every benchmark process starts a session of its own, so this covers a gunicorn master and
    its workers alike.
    """
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        # After the command's closing parenthesis: state, ppid, pgrp, session, … utime, stime.
        if int(fields[3]) == leader:
            total += int(fields[11]) + int(fields[12])
    return total / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle since boot, over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / _CLOCK_TICKS


def _wait_until_answering(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if connection.recv(12).startswith(b"HTTP/"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{process.args} did not answer on port {port}")
