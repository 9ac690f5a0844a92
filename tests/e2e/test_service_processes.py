"""Each service's `web` and `worker` commands run as real processes and stop cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from support.polling import wait_for
from support.ports import free_port
from support.processes import ServiceProcess, health

SERVICES = ["registration", "teams", "notifications"]


@pytest.mark.slow
@pytest.mark.parametrize("service", SERVICES)
def test_web_and_worker_start_answer_and_stop(
    service: str, tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    port = free_port()
    environment = {
        "DATABASE_URL": f"sqlite:///{tmp_path / (service + '.db')}",
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": amqp_prefix,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    web = ServiceProcess(f"{service}-web", environment, tmp_path / "web.log")
    worker = ServiceProcess(f"{service}-worker", environment, tmp_path / "worker.log")
    url = f"http://127.0.0.1:{port}"
    web.start()
    worker.start()
    try:
        report = wait_for(lambda: health(url), timeout=30)
        assert report["service"] == service
        assert report["checks"]["database"]["ok"] is True
        assert report["checks"]["broker"]["ok"] is True
        assert report["checks"]["outbox"]["backlog"] == 0
        if service == "notifications":  # its second outbox: redacted events for partners
            assert report["checks"]["public_outbox"] == {"ok": True, "backlog": 0}
        spec = requests.get(f"{url}/openapi.json", timeout=5).json()
        assert spec["openapi"].startswith("3.")
        assert "/events" in spec["paths"]
        assert requests.get(f"{url}/events", timeout=5).status_code == 401
        metrics = requests.get(f"{url}/metrics", timeout=5).text
        assert 'http_requests_total{method="GET",route="/health",status="200"}' in metrics
        assert f'outbox_backlog{{service="{service}"}} 0.0' in metrics
        assert "http_request_duration_seconds_bucket" in metrics
        wait_for(lambda: "publishes to" in worker.output(), timeout=30)
    finally:
        web_code, worker_code = web.stop(), worker.stop()
    assert worker_code == 0, worker.output()
    assert web_code == 0, web.output()
    assert "Traceback" not in worker.output()
