"""A volunteer logs in as with `make run`: registration's and notifications' real processes, the
code printed by the development SMS sink, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from association.auth import decode_token
from association.testing import TEST_SECRETS
from support.polling import wait_for
from support.ports import free_port
from support.processes import ServiceProcess, health
from support.sign_ups import sign_up_form

SMS_SECRET = "development-sms-secret-" + "x" * 20


@pytest.mark.slow
def test_a_volunteer_logs_in_with_the_code_the_sink_prints(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    web_port, sink_port = free_port(), free_port()
    common = {"AMQP_URL": amqp_url, "AMQP_PREFIX": amqp_prefix, "WEB_CONCURRENCY": "1"}
    registration = {**common, "DATABASE_URL": f"sqlite:///{tmp_path / 'registration.db'}"}
    notifications = {
        **common,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'notifications.db'}",
        "SMS_URL": f"http://127.0.0.1:{sink_port}/sms",
        "SMS_SECRET": SMS_SECRET,
    }
    processes = [
        ServiceProcess("registration-web", registration | {"PORT": str(web_port)}, tmp_path / "w"),
        ServiceProcess("notifications-worker", notifications, tmp_path / "n"),
        ServiceProcess(
            "association-sms-sink",
            {"SMS_SECRET": SMS_SECRET, "SMS_SINK_PORT": str(sink_port)},
            tmp_path / "sink",
        ),
    ]
    web, worker, sink = processes
    url = f"http://127.0.0.1:{web_port}"
    for process in processes:
        process.start()
    try:
        wait_for(lambda: health(url), timeout=30)
        wait_for(lambda: "SMS sink on" in sink.output(), timeout=10)
        signed_up = requests.post(f"{url}/volunteers", json=sign_up_form(), timeout=10)
        assert signed_up.status_code == 201
        asked = requests.post(
            f"{url}/sessions/codes", json={"phone": "+86 138-1234-5678"}, timeout=10
        )
        assert asked.status_code == 202
        line = wait_for(
            lambda: re.search(r"SMS to \+8613812345678: .*?(\d{6})", sink.output()), timeout=30
        )
        code = line.group(1)
        session = requests.post(
            f"{url}/sessions", json={"phone": "13812345678", "code": code}, timeout=10
        )
        assert session.status_code == 201
        principal = decode_token(TEST_SECRETS["AUTH_SECRET"], session.json()["access_token"])
        assert principal.sub == signed_up.json()["volunteer_id"] and principal.role == "volunteer"
    finally:
        codes = [process.stop() for process in processes]
    assert codes == [0, 0, 0], [p.output() for p in processes]
    assert code not in web.output() and code not in worker.output()
