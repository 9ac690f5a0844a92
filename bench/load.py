"""A small HTTP load generator: processes of threads, each one keep-alive connection.

Every thread first sends a few untimed warm-up requests, then all wait at one barrier and send
their share of a fixed number of requests back to back, timing each. Sign-up bodies carry a phone
number of their own, so that no two requests (warm-up included) collide.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

HEADERS = {"Content-Type": "application/json", "Connection": "keep-alive"}

# What one connection reports: when it started and ended, its latencies and its statuses.
Outcome = tuple[float, float, list[float], Counter[int]]


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float] = field(repr=False)
    statuses: Counter[int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        """The p-th percentile of the request latencies, in milliseconds."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def sign_up_form(number: int) -> bytes:
    """A valid sign-up whose phone number (13 followed by 9 digits) is `number`'s own."""
    form = {
        "name": "刘明珠",
        "phone": f"13{number:09d}",
        "street": "jiangpu",
        "skills": ["first_aid", "traffic_civility"],
        "consent": True,
    }
    return json.dumps(form, ensure_ascii=False).encode()


def _post(connection: http.client.HTTPConnection, path: str, body: bytes) -> int:
    try:
        connection.request("POST", path, body, HEADERS)
    except (ConnectionError, http.client.HTTPException):
        # The server closed an idle keep-alive connection (e.g. during the warm-up): reconnect.
        connection.close()
        connection.request("POST", path, body, HEADERS)
    response = connection.getresponse()
    response.read()
    return response.status


def _client(
    port: int,
    path: str,
    first_number: int,
    warm_up: int,
    count: int,
    barrier: Any,
    out: list[Outcome],
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for n in range(warm_up):
            _post(connection, path, sign_up_form(first_number + n))
        bodies = [sign_up_form(first_number + warm_up + n) for n in range(count)]
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        barrier.wait(timeout=120)
        started = time.monotonic()
        for body in bodies:
            sent = time.perf_counter()
            statuses[_post(connection, path, body)] += 1
            latencies.append(time.perf_counter() - sent)
        out.append((started, time.monotonic(), latencies, statuses))
    except BaseException:
        barrier.abort()  # the other connections stop waiting for this one
        raise
    finally:
        connection.close()


def _process(
    port: int,
    path: str,
    index: int,
    threads: int,
    warm_up: int,
    count: int,
    barrier: Any,
    queue: Any,
) -> None:
    out: list[Outcome] = []
    workers = [
        threading.Thread(
            target=_client,
            args=(port, path, (index * threads + t) * (warm_up + count), warm_up, count, barrier),
            kwargs={"out": out},
        )
        for t in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(out if len(out) == threads else None)


def run_load(
    port: int,
    path: str,
    requests: int,
    *,
    processes: int = 2,
    threads: int = 4,
    warm_up: int = 10,
) -> LoadResult:
    """POST `requests` sign-ups to 127.0.0.1:`port` from `processes` × `threads` connections."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes * threads)
    queue = context.Queue()
    count = requests // (processes * threads)
    children = [
        context.Process(
            target=_process,
            args=(port, path, p, threads, warm_up, count, barrier, queue),
            daemon=True,
        )
        for p in range(processes)
    ]
    for child in children:
        child.start()
    reports: list[list[Outcome] | None] = []
    while len(reports) < processes:
        try:
            reports.append(queue.get(timeout=1))
        except Empty:
            if any(child.exitcode not in (None, 0) for child in children):
                break
    for child in children:
        child.join(30)
    if len(reports) < processes or None in reports:
        raise RuntimeError("a load generator failed (its traceback is above)")
    outcomes = [outcome for report in reports if report for outcome in report]
    latencies = [latency for outcome in outcomes for latency in outcome[2]]
    statuses: Counter[int] = sum((outcome[3] for outcome in outcomes), Counter())
    seconds = max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
    return LoadResult(len(latencies), seconds, latencies, statuses)
