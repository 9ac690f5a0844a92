"""Logins: code request + session (`POST /sessions/codes`, then `POST /sessions` with the code)
per second on `registration-web`, next to sign-ups per second on the same server in the same run.

The server is the real `registration-web` (gunicorn, 2 workers × 4 threads) on a fresh SQLite
file, then on a private PostgreSQL schema when one is named, with the sign-up and login limits
off. First the sign-ups are measured (bench/load.py, every phone its own); then each of 8 client
threads logs in the phones it signed up, one after the other: it asks for a code, takes it off the
`notifications.login-codes` queue (a consumer in this process stands for notifications) and logs
in with it. A login is thus two writes and a round trip through the broker; its rate is the
logins completed over the wall-clock time from the first code request to the last session.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pika

from association.messaging.commands import CommandTopology
from bench.databases import engines
from bench.http import LOAD_PROCESSES, THREADS, WORKERS, _figures, _registration_web
from bench.load import LoadResult, run_load
from bench.servers import server

WARM_UP = 10
HEADERS = {"Content-Type": "application/json", "Connection": "keep-alive"}


class Codes:
    """The codes on the login-code queue, by phone, as notifications would receive them."""

    def __init__(self, amqp_url: str, prefix: str) -> None:
        self.amqp_url = amqp_url
        self.topology = CommandTopology(prefix)
        self.codes: dict[str, str] = {}
        self.arrived = threading.Condition()
        self.ready = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            channel = connection.channel()
            self.topology.declare(channel)
            channel.basic_qos(prefetch_count=500)
            channel.basic_consume(self.topology.login_codes_queue, self._take, auto_ack=True)
            self.ready.set()
            while not self.stopping.is_set():
                connection.process_data_events(time_limit=0.1)
            channel.queue_delete(self.topology.login_codes_queue)
            channel.exchange_delete(self.topology.exchange)
        finally:
            connection.close()

    def _take(self, _channel: object, _method: object, _properties: object, body: bytes) -> None:
        command = json.loads(body)
        with self.arrived:
            self.codes[command["phone"].removeprefix("+86")] = command["code"]
            self.arrived.notify_all()

    def code_for(self, phone: str, timeout: float = 30) -> str:
        with self.arrived:
            if not self.arrived.wait_for(lambda: phone in self.codes, timeout):
                raise RuntimeError(f"no login code arrived for {phone} within {timeout} s")
            return self.codes.pop(phone)


@contextmanager
def codes_on(amqp_url: str, prefix: str) -> Iterator[Codes]:
    codes = Codes(amqp_url, prefix)
    thread = threading.Thread(target=codes.run, daemon=True)
    thread.start()
    if not codes.ready.wait(20):
        raise RuntimeError("the login-code queue could not be consumed")
    try:
        yield codes
    finally:
        codes.stopping.set()
        thread.join(20)


def _post(connection: http.client.HTTPConnection, path: str, form: dict) -> int:
    connection.request("POST", path, json.dumps(form).encode(), HEADERS)
    response = connection.getresponse()
    response.read()
    return response.status


def _log_in(port: int, phones: list[str], codes: Codes, out: list, barrier: threading.Barrier):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses: list[int] = []
    try:
        barrier.wait(120)
        for phone in phones:
            statuses.append(_post(connection, "/sessions/codes", {"phone": phone}))
            form = {"phone": phone, "code": codes.code_for(phone)}
            statuses.append(_post(connection, "/sessions", form))
    except BaseException:
        barrier.abort()
        raise
    finally:
        connection.close()
        out.append(statuses)


def _logins(port: int, phones: list[str], codes: Codes, threads: int) -> tuple[int, float]:
    """Log every phone in from `threads` connections; (logins, seconds)."""
    shares = [phones[n::threads] for n in range(threads)]
    barrier = threading.Barrier(threads + 1)
    out: list[list[int]] = []
    clients = [
        threading.Thread(target=_log_in, args=(port, share, codes, out, barrier))
        for share in shares
    ]
    for client in clients:
        client.start()
    barrier.wait(120)
    started = time.monotonic()
    for client in clients:
        client.join()
    seconds = time.monotonic() - started
    statuses = [status for report in out for status in report]
    if len(out) != threads or set(statuses) != {201, 202}:
        raise RuntimeError(f"logins answered {sorted(set(statuses))} from {len(out)} clients")
    return len(phones), seconds


def _measure(
    amqp_url: str, database_url: str, requests: int, directory: Path
) -> tuple[LoadResult, int, float]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    environment = {
        "WEB_CONCURRENCY": str(WORKERS),
        "WEB_THREADS": str(THREADS),
        "DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": prefix,
        "SIGNUP_RATE_LIMIT": "off",
        "LOGIN_RATE_LIMIT": "off",
    }
    threads = WORKERS * THREADS // LOAD_PROCESSES
    with server(_registration_web(), environment, directory / "registration.log") as served:
        sign_ups = run_load(
            served.port,
            "/volunteers",
            requests,
            processes=LOAD_PROCESSES,
            threads=threads,
            warm_up=WARM_UP,
        )
        if set(sign_ups.statuses) != {201}:
            raise RuntimeError(f"sign-ups answered {dict(sign_ups.statuses)}")
        # The phones bench/load.py signed up, warm-up included: 13 and a number of its own.
        per_connection = WARM_UP + requests // (LOAD_PROCESSES * threads)
        registered = [f"13{n:09d}" for n in range(LOAD_PROCESSES * threads * per_connection)]
        with codes_on(amqp_url, prefix) as codes:
            logins, seconds = _logins(served.port, registered, codes, WORKERS * THREADS)
    return sign_ups, logins, seconds


def run(amqp_url: str, postgres_url: str | None, requests: int = 1000) -> list[dict]:
    """One row per database: logins/s next to sign-ups/s of the same server."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with (
            tempfile.TemporaryDirectory(prefix="bench-logins-") as directory,
            fresh_database() as database_url,
        ):
            sign_ups, logins, seconds = _measure(amqp_url, database_url, requests, Path(directory))
        rate = logins / seconds
        rows.append(
            {
                "benchmark": f"Logins: code + session ({label})",
                "ours": f"{rate:,.0f} logins/s ({2 * rate:,.0f} req/s)",
                "reference": f"{_figures(sign_ups)}, sign-ups on the same server",
                "ratio": rate / sign_ups.rate,
                "target": 0.25,
                "note": f"{logins:,} logins from {WORKERS * THREADS} connections, each a code "
                "request, the code taken off the broker, and a session",
            }
        )
    return rows
