"""50 concurrent PATCHes on one volunteer, each with the version it read as If-Match.

Each either succeeds on the version it read (and makes the next) or gets 412; the final state is
the last success, and the log holds exactly one profile change per success, in that order. On
SQLite and on PostgreSQL, through registration's real web process (two gunicorn workers).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from association.testing import private_schema
from support.polling import wait_for
from support.ports import free_port
from support.processes import ServiceProcess, health
from support.tokens import SECRET, bearer

WRITERS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def registration_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """registration-web on SQLite or on a private PostgreSQL schema."""
    with ExitStack() as resources:
        if request.param == "postgresql":
            postgres_url = request.getfixturevalue("postgres_url")
            database = resources.enter_context(private_schema(postgres_url))
        else:
            database = f"sqlite:///{tmp_path}/registration.db"
        port = free_port()
        web = ServiceProcess(
            "registration-web",
            {
                "DATABASE_URL": database,
                "PORT": str(port),
                "AUTH_SECRET": SECRET,
                "AMQP_URL": request.getfixturevalue("amqp_url"),
                "AMQP_PREFIX": request.getfixturevalue("amqp_prefix"),
                "SIGNUP_RATE_LIMIT": "off",
                "WEB_CONCURRENCY": "2",
                "WEB_THREADS": "8",
            },
            tmp_path / "registration-web.log",
        )
        web.start()
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: health(url), timeout=30)
            yield url
        finally:
            assert web.stop() == 0, web.output()[-3000:]


@pytest.mark.slow
def test_concurrent_changes_each_succeed_on_the_version_read_or_get_412(
    registration_url: str,
) -> None:
    writer = bearer("admin", sub="ops")
    volunteer = requests.post(
        f"{registration_url}/volunteers",
        json={"name": "刘明珠", "phone": "13812345678", "street": "jiangpu", "consent": True},
        timeout=10,
    )
    assert volunteer.status_code == 201, volunteer.text
    resource = f"{registration_url}/volunteers/{volunteer.json()['volunteer_id']}"
    start = threading.Barrier(WRITERS)
    answers: list[tuple[str, int, int, str]] = []  # (name, version read, status, ETag answered)
    unexpected: list[str] = []
    failures: list[BaseException] = []

    def change(n: int) -> None:
        name = f"并发改名{n}"
        try:
            http = requests.Session()
            start.wait(timeout=30)
            read = http.get(resource, headers=writer, timeout=30)
            assert read.status_code == 200, read.text
            answer = http.patch(
                resource,
                json={"name": name},
                headers=writer | {"If-Match": read.headers["ETag"]},
                timeout=30,
            )
            answers.append(
                (name, read.json()["version"], answer.status_code, answer.headers.get("ETag", ""))
            )
            if answer.status_code not in (200, 412):
                unexpected.append(f"{answer.status_code} {answer.text}")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=change, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures[:3]
    assert len(answers) == WRITERS

    assert not unexpected, unexpected[:3]
    succeeded = sorted((read, name) for name, read, status, _ in answers if status == 200)
    for name, read, status, etag in answers:
        if status == 200:
            assert etag == f'"{read + 1}"', (name, read, etag)  # it made the next version
    reads = [read for read, _ in succeeded]
    assert len(set(reads)) == len(reads), f"two changes succeeded on one version: {succeeded}"
    assert reads == list(range(1, len(reads) + 1)), succeeded

    final = requests.get(resource, headers=writer, timeout=10).json()
    assert final["version"] == len(succeeded) + 1
    assert final["name"] == succeeded[-1][1]
    log = requests.get(f"{registration_url}/events?limit=1000", headers=writer, timeout=10).json()
    changes = [e for e in log["events"] if e["event_type"] == "VolunteerProfileUpdated"]
    assert [(e["aggregate_version"], e["payload"]["name"]) for e in changes] == [
        (read + 1, name) for read, name in succeeded
    ]
