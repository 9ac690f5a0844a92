"""HTTP sign-ups: `POST /volunteers` on `registration-web` vs a bare Flask endpoint, both gunicorn.

Ours: the real `registration-web` (gunicorn, WEB_CONCURRENCY workers × WEB_THREADS threads) on a
fresh SQLite file, SIGNUP_RATE_LIMIT=off, each request a valid sign-up with a phone of its own:
validated, its personal data encrypted, the duplicate checks, the event with its outbox row and
the read model written in one transaction, the masked volunteer answered. The reference: a bare
Flask endpoint (bench/bare_app.py) that parses the same body and answers 201 with a small JSON,
under the same gunicorn settings. The load comes from other processes (bench/load.py): the same
number of requests over keep-alive connections, as many as the servers have threads. Both servers
listen on 127.0.0.1 on free ports and are stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bench.load import LoadResult, run_load

WORKERS = 2
THREADS = 4
LOAD_PROCESSES = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(command: list[str], env: Mapping[str, str], log: Path) -> Iterator[int]:
    """Start a web process on a free port; yield the port once it answers; stop it on exit."""
    port = _free_port()
    environment = dict(os.environ) | dict(env) | {"PORT": str(port), "HOST": "127.0.0.1"}
    with log.open("wb") as output:
        # A session of its own, so that stopping the group stops gunicorn's workers too.
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=output, start_new_session=True
        )
    try:
        _wait_until_answering(port, process, log)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


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


def _gunicorn_settings() -> dict[str, str]:
    return {"WEB_CONCURRENCY": str(WORKERS), "WEB_THREADS": str(THREADS)}


def _load(port: int, requests: int, label: str) -> LoadResult:
    threads = WORKERS * THREADS // LOAD_PROCESSES
    result = run_load(port, "/volunteers", requests, processes=LOAD_PROCESSES, threads=threads)
    if set(result.statuses) != {201}:
        raise RuntimeError(f"{label} answered {dict(result.statuses)}, not only 201")
    return result


def _registration_web() -> list[str]:
    script = Path(sys.executable).with_name("registration-web")
    if not script.exists():
        raise RuntimeError(f"{script} is missing: install services/registration (`make install`)")
    return [str(script)]


def _measure(amqp_url: str, requests: int, directory: Path) -> tuple[LoadResult, LoadResult]:
    ours_env = _gunicorn_settings() | {
        "DATABASE_URL": f"sqlite:///{directory / 'registration.db'}",
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": f"bench-{uuid.uuid4().hex[:8]}.",
        "SIGNUP_RATE_LIMIT": "off",
    }
    bare_command = [sys.executable, "-m", "bench.bare_app"]
    bare_env = _gunicorn_settings() | {"PYTHONPATH": str(Path(__file__).parent.parent)}
    with _server(bare_command, bare_env, directory / "bare.log") as port:
        bare = _load(port, requests, "the bare endpoint")
    with _server(_registration_web(), ours_env, directory / "registration.log") as port:
        ours = _load(port, requests, "registration-web")
    return ours, bare


def _figures(result: LoadResult) -> str:
    return (
        f"{result.rate:,.0f} req/s, p50 {result.percentile(50):.1f} ms, "
        f"p99 {result.percentile(99):.1f} ms"
    )


def run(amqp_url: str, _postgres_url: str | None, requests: int = 2000) -> list[dict]:
    """One row: sign-ups per second and latency of registration-web vs the bare endpoint."""
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        ours, bare = _measure(amqp_url, requests, Path(directory))
    return [
        {
            "benchmark": "HTTP POST /volunteers (SQLite)",
            "ours": _figures(ours),
            "reference": f"{_figures(bare)}, bare Flask endpoint",
            "ratio": ours.rate / bare.rate,
            "target": 0.5,
            "note": f"{ours.requests:,} requests each over {WORKERS * THREADS} keep-alive "
            f"connections from {LOAD_PROCESSES} processes; gunicorn {WORKERS} workers × "
            f"{THREADS} threads",
        }
    ]
