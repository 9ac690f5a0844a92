"""HTTP sign-ups: `POST /volunteers` on `registration-web` vs a conventional sign-up, both gunicorn.

Ours: the real `registration-web` (gunicorn, WEB_CONCURRENCY workers × WEB_THREADS threads) on a
fresh SQLite file, then on a private PostgreSQL schema when one is named, SIGNUP_RATE_LIMIT=off,
each request a valid sign-up with a phone of its own: validated, its personal data encrypted, the
duplicate checks, the event with its outbox row and the read model written in one transaction,
the masked volunteer answered. The reference: the conventional sign-up on the same stack
(bench/conventional_app.py: flask-smorest, registration's own sign-up schema, one SQLAlchemy
INSERT into a plain table) on a fresh database of the same engine, under the same gunicorn
settings, measured just before ours for each row. The load comes from other processes
(bench/load.py): the same number of requests over keep-alive connections, as many as the servers
have threads. Both servers listen on 127.0.0.1 on free ports and are stopped at the end; the CPU
time of each server's processes per request is given beside.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from bench.databases import DatabaseFactory, engines
from bench.load import LoadResult, run_load
from bench.servers import Served, group_cpu_seconds, server

WORKERS = 2
THREADS = 4
LOAD_PROCESSES = 2
WARM_UP = 10  # untimed requests per connection


def _gunicorn_settings() -> dict[str, str]:
    return {"WEB_CONCURRENCY": str(WORKERS), "WEB_THREADS": str(THREADS)}


def _load(served: Served, requests: int, label: str) -> tuple[LoadResult, float]:
    """The load's result, and the server's CPU milliseconds per request (warm-up included)."""
    threads = WORKERS * THREADS // LOAD_PROCESSES
    before = group_cpu_seconds(served.pid)
    result = run_load(
        served.port,
        "/volunteers",
        requests,
        processes=LOAD_PROCESSES,
        threads=threads,
        warm_up=WARM_UP,
    )
    cpu = group_cpu_seconds(served.pid) - before
    if set(result.statuses) != {201}:
        raise RuntimeError(f"{label} answered {dict(result.statuses)}, not only 201")
    sent = result.requests + WARM_UP * WORKERS * THREADS
    return result, cpu * 1000 / sent


def _registration_web() -> list[str]:
    script = Path(sys.executable).with_name("registration-web")
    if not script.exists():
        raise RuntimeError(f"{script} is missing: install services/registration (`make install`)")
    return [str(script)]


Measured = tuple[LoadResult, float]  # the load's result, server CPU ms per request


def _measure(
    amqp_url: str, fresh_database: DatabaseFactory, requests: int, directory: Path
) -> tuple[Measured, Measured]:
    ours_env = _gunicorn_settings() | {
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": f"bench-{uuid.uuid4().hex[:8]}.",
        "SIGNUP_RATE_LIMIT": "off",
    }
    conventional_command = [sys.executable, "-m", "bench.conventional_app"]
    conventional_env = _gunicorn_settings() | {"PYTHONPATH": str(Path(__file__).parent.parent)}
    with fresh_database() as database_url:
        env = conventional_env | {"DATABASE_URL": database_url}
        with server(conventional_command, env, directory / "conventional.log") as served:
            conventional = _load(served, requests, "the conventional sign-up")
    with fresh_database() as database_url:
        env = ours_env | {"DATABASE_URL": database_url}
        with server(_registration_web(), env, directory / "registration.log") as served:
            ours = _load(served, requests, "registration-web")
    return ours, conventional


def _figures(measured: Measured) -> str:
    result, cpu = measured
    return (
        f"{result.rate:,.0f} req/s, p50 {result.percentile(50):.1f} ms, "
        f"p99 {result.percentile(99):.1f} ms, server CPU {cpu:.1f} ms/req"
    )


def run(amqp_url: str, postgres_url: str | None, requests: int = 2000) -> list[dict]:
    """One row per database: sign-ups/s and latency of registration-web vs the conventional one."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
            ours, conventional = _measure(amqp_url, fresh_database, requests, Path(directory))
        rows.append(
            {
                "benchmark": f"HTTP POST /volunteers ({label})",
                "ours": _figures(ours),
                "reference": f"{_figures(conventional)}, conventional sign-up "
                "(flask-smorest, the same schema, one SQLAlchemy INSERT)",
                "ratio": ours[0].rate / conventional[0].rate,
                "target": 0.6,
                "note": f"{ours[0].requests:,} requests each over {WORKERS * THREADS} keep-alive "
                f"connections from {LOAD_PROCESSES} processes; gunicorn {WORKERS} workers × "
                f"{THREADS} threads",
            }
        )
    return rows
