"""Volunteers in bulk: `POST /volunteers/imports` of a 2,000-row CSV vs the same rows as single
`POST /volunteers` sign-ups, both on the real `registration-web` under gunicorn.

Ours: one upload of a CSV of 2,000 valid rows (Chinese headers, a phone of their own each),
signed up row by row as sign-ups are, in batches of 200 rows a transaction, the report stored;
its rows/s is the rows over the request's wall time. The reference: 2,000 single sign-ups with
the same fields from other processes (bench/load.py) over as many keep-alive connections as the
server has threads, on the same server and database just before. The ratio says how much faster
a file goes in than the same people signing up one request at a time at full concurrency.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import time
import uuid
from pathlib import Path

from association.auth import issue_token
from bench.databases import engines
from bench.http import THREADS, WORKERS, _gunicorn_settings, _load, _registration_web
from bench.servers import BENCH_SECRETS, server

ROWS = 2_000
BOUNDARY = "bench-imports-boundary"
# Phones of the file start here: bench/load.py's sign-ups use 13000000000 upwards.
FIRST_PHONE = 15_000_000_000


def roster_csv(rows: int) -> bytes:
    """A CSV of `rows` valid volunteers as the office would upload it (UTF-8 with BOM)."""
    lines = ["姓名,手机号,街道,技能"]
    lines += [f"刘明珠,{FIRST_PHONE + n},江浦街道,急救、文明交通劝导" for n in range(rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def _multipart(content: bytes) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="roster.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def _import(port: int, content: bytes) -> tuple[float, dict]:
    token = issue_token(BENCH_SECRETS["AUTH_SECRET"], "bench", ["volunteers:write"])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        started = time.perf_counter()
        connection.request(
            "POST",
            "/volunteers/imports",
            _multipart(content),
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 201:
        raise RuntimeError(f"the import answered {response.status}: {body[:300]!r}")
    return seconds, json.loads(body)


def run(amqp_url: str, postgres_url: str | None, rows: int = ROWS) -> list[dict]:
    """One row per database: imported rows/s vs single sign-ups/s of the same rows."""
    results = []
    for label, fresh_database in engines(postgres_url):
        with (
            tempfile.TemporaryDirectory(prefix="bench-imports-") as directory,
            fresh_database() as database_url,
        ):
            environment = _gunicorn_settings() | {
                "DATABASE_URL": database_url,
                "AMQP_URL": amqp_url,
                "AMQP_PREFIX": f"bench-{uuid.uuid4().hex[:8]}.",
                "SIGNUP_RATE_LIMIT": "off",
            }
            log = Path(directory) / "registration.log"
            with server(_registration_web(), environment, log) as served:
                single = _load(served.port, rows, "registration-web")
                seconds, report = _import(served.port, roster_csv(rows))
        accepted = report["counts"]["accepted"]
        if accepted != rows:
            raise RuntimeError(f"the import accepted {accepted} of {rows} rows: {report['counts']}")
        rate = rows / seconds
        results.append(
            {
                "benchmark": f"import of a {rows:,}-row CSV ({label})",
                "ours": f"{rate:,.0f} rows/s ({seconds:.1f} s, one request)",
                "reference": f"{single.rate:,.0f} sign-ups/s, the same rows as single "
                f"POST /volunteers over {WORKERS * THREADS} connections",
                "ratio": rate / single.rate,
                "target": 1.0,
                "note": f"batches of 200 rows a transaction; gunicorn {WORKERS} workers × "
                f"{THREADS} threads",
            }
        )
    return results
