"""`GET /metrics` in the Prometheus text format: requests, latency and the service's state.

Request counts and latencies are recorded per route and status. State that other processes change
(outbox backlog, age of the oldest unpublished event, events stored, queue depths) is read when
scraped, so the figures are right whichever gunicorn worker answers. With several gunicorn workers
`serve_web` sets PROMETHEUS_MULTIPROC_DIR before they fork and the counters are summed across them
from that folder (the settings' `prometheus_multiproc_dir`); prometheus_client is imported only
here, after that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from flask import Flask, Response, g, request, request_finished

StateGauge = tuple[str, str, float]  # name, help, value
StateReader = Callable[[], Iterable[StateGauge]]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def install_metrics(
    app: Flask, service: str, read_state: StateReader, *, multiprocess_dir: str = ""
) -> None:
    """Record every request of `app` and serve `GET /metrics` (public, no personal data).

    With `multiprocess_dir`, the request counters are those of every worker process, kept there.
    """
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry()
    requests = Counter(
        "http_requests",
        "HTTP requests answered, by method, route and status",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by method and route",
        ["method", "route"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )

    # After every after_request hook (the commit may still turn a 201 into a 409).
    def _observe(_sender: Flask, response: Response, **_extra: object) -> None:
        started = g.get("request_started")
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        requests.labels(request.method, route, str(response.status_code)).inc()
        if started is not None:
            latency.labels(request.method, route).observe(time.perf_counter() - started)

    request_finished.connect(_observe, app, weak=False)

    def metrics() -> Response:
        exposition = _exposition(registry, service, read_state, multiprocess_dir)
        return Response(exposition, mimetype=_content_type())

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])


def _exposition(  # type: ignore[no-untyped-def]
    registry, service: str, read_state: StateReader, multiprocess_dir: str
) -> bytes:
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    class _State:
        def collect(self):  # type: ignore[no-untyped-def]
            for name, help_text, value in read_state():
                family = GaugeMetricFamily(name, help_text, labels=["service"])
                family.add_metric([service], value)
                yield family

    scrape = CollectorRegistry()
    if multiprocess_dir:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(scrape, path=multiprocess_dir)
    else:
        scrape.register(_Forward(registry))
    scrape.register(_State())
    return generate_latest(scrape)


class _Forward:
    """Exposes another registry's metrics in the scrape registry."""

    def __init__(self, registry) -> None:  # type: ignore[no-untyped-def]
        self.registry = registry

    def collect(self):  # type: ignore[no-untyped-def]
        return self.registry.collect()


def _content_type() -> str:
    from prometheus_client import CONTENT_TYPE_LATEST

    return CONTENT_TYPE_LATEST
