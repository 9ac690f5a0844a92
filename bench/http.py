"""HTTP sign-ups: `POST /volunteers` on `registration-web` vs a bare Flask endpoint, both gunicorn.

Ours: the real `registration-web` (gunicorn, WEB_CONCURRENCY workers × WEB_THREADS threads) on a
fresh SQLite file, then on a private PostgreSQL schema when one is named, SIGNUP_RATE_LIMIT=off,
each request a valid sign-up with a phone of its own: validated, its personal data encrypted, the
duplicate checks, the event with its outbox row and the read model written in one transaction,
the masked volunteer answered. The reference: a bare Flask endpoint (bench/bare_app.py) that
parses the same body and answers 201 with a small JSON, under the same gunicorn settings, measured
just before ours for each row. The load comes from other processes (bench/load.py): the same
number of requests over keep-alive connections, as many as the servers have threads. Both servers
listen on 127.0.0.1 on free ports and are stopped at the end.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from bench.databases import engines
from bench.load import LoadResult, run_load
from bench.servers import server

WORKERS = 2
THREADS = 4
LOAD_PROCESSES = 2


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


def _measure(
    amqp_url: str, database_url: str, requests: int, directory: Path
) -> tuple[LoadResult, LoadResult]:
    ours_env = _gunicorn_settings() | {
        "DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": f"bench-{uuid.uuid4().hex[:8]}.",
        "SIGNUP_RATE_LIMIT": "off",
    }
    bare_command = [sys.executable, "-m", "bench.bare_app"]
    bare_env = _gunicorn_settings() | {"PYTHONPATH": str(Path(__file__).parent.parent)}
    with server(bare_command, bare_env, directory / "bare.log") as served:
        bare = _load(served.port, requests, "the bare endpoint")
    with server(_registration_web(), ours_env, directory / "registration.log") as served:
        ours = _load(served.port, requests, "registration-web")
    return ours, bare


def _figures(result: LoadResult) -> str:
    return (
        f"{result.rate:,.0f} req/s, p50 {result.percentile(50):.1f} ms, "
        f"p99 {result.percentile(99):.1f} ms"
    )


def run(amqp_url: str, postgres_url: str | None, requests: int = 2000) -> list[dict]:
    """One row per database: sign-ups/s and latency of registration-web vs the bare endpoint."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with (
            tempfile.TemporaryDirectory(prefix="bench-http-") as directory,
            fresh_database() as database_url,
        ):
            ours, bare = _measure(amqp_url, database_url, requests, Path(directory))
        rows.append(
            {
                "benchmark": f"HTTP POST /volunteers ({label})",
                "ours": _figures(ours),
                "reference": f"{_figures(bare)}, bare Flask endpoint",
                "ratio": ours.rate / bare.rate,
                "target": 0.5,
                "note": f"{ours.requests:,} requests each over {WORKERS * THREADS} keep-alive "
                f"connections from {LOAD_PROCESSES} processes; gunicorn {WORKERS} workers × "
                f"{THREADS} threads",
            }
        )
    return rows
