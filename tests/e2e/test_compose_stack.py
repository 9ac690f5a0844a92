"""The project's docker-compose.yml on a Docker engine, through its published ports only.

Every container (broker, database, six processes, web pages) healthy; the sign-up page in
Chromium, built from registration's vocabularies across origins; the volunteer journey (sign-up 201,
welcome stored, team, activity, completion, hours); a worker killed with SIGKILL from the host is
restarted by its restart policy and loses nothing sent while it was down; `down` leaves no
container. The tests share one stack (support.compose) and run in this order.
"""

from __future__ import annotations

import os
import signal
import subprocess
from functools import partial
from typing import Any

import pytest
import requests

from support.compose import RunningCompose
from support.journey import ok, walk_the_journey
from support.polling import wait_for
from support.tokens import bearer

pytestmark = pytest.mark.slow


def test_every_container_is_healthy(compose_stack: RunningCompose) -> None:
    states = compose_stack.stack.health()
    processes = {
        f"{s}-{p}" for s in ("registration", "teams", "notifications") for p in ("web", "worker")
    }
    assert set(states) == {"rabbitmq", "postgres", "web"} | processes
    assert set(states.values()) == {"healthy"}, states


def test_the_web_pages_call_the_apis_from_the_browser(
    compose_stack: RunningCompose, browser: Any
) -> None:
    from playwright.sync_api import expect

    from support.web_stack import PageErrors

    pages = f"http://127.0.0.1:{compose_stack.ports['web']}"
    config = requests.get(f"{pages}/config.js", timeout=10).text
    assert f"http://localhost:{compose_stack.ports['registration']}" in config
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        errors = PageErrors(page)
        page.goto(f"{pages}/")
        # The streets come from registration's OpenAPI document, fetched across origins (CORS).
        street = page.get_by_label("所在街道")
        expect(street.locator("option", has_text="江浦街道")).to_have_count(1, timeout=30_000)
    finally:
        context.close()
    assert not errors.errors, errors.errors


def test_the_journey_on_the_compose_stack(compose_stack: RunningCompose) -> None:
    # Webhooks are left out: the services run in containers, the receiver would not.
    walk_the_journey(
        compose_stack.urls,
        partial(bearer, sub="e2e"),
        compose_stack.amqp_url,
        "association.public.stream",
        None,
    )


def test_a_worker_killed_from_the_host_restarts_and_loses_nothing(
    compose_stack: RunningCompose,
) -> None:
    urls, reader = compose_stack.urls, bearer("volunteers:read", sub="e2e")
    restarts = int(compose_stack.inspect("notifications-worker", "{{.RestartCount}}"))
    os.kill(compose_stack.pid("notifications-worker"), signal.SIGKILL)
    volunteer = ok(
        requests.post(
            f"{urls['registration']}/volunteers",
            json={
                "name": "王小红",
                "phone": "+86 139 8765 4321",
                "email": "wang@example.cn",
                "street": "jiangpu",
                "skills": [],
                "consent": True,
            },
            timeout=10,
        )
    )

    def restarted() -> bool:
        count = int(compose_stack.inspect("notifications-worker", "{{.RestartCount}}"))
        return (
            count > restarts and compose_stack.stack.health()["notifications-worker"] == "healthy"
        )

    wait_for(restarted, timeout=120, interval=1)

    def welcomed() -> bool:
        response = requests.get(
            f"{urls['notifications']}/volunteers/{volunteer['volunteer_id']}/notifications",
            headers=reader,
            timeout=10,
        )
        kinds = (
            {n["kind"] for n in response.json().get("notifications", [])} if response.ok else set()
        )
        return "welcome" in kinds

    wait_for(welcomed, timeout=60, interval=0.5)


def test_down_leaves_no_container(compose_stack: RunningCompose) -> None:
    compose_stack.down()
    label = f"label=com.docker.compose.project={compose_stack.stack.project}"
    listed = subprocess.run(
        ["docker", "ps", "-aq", "--filter", label], capture_output=True, text=True, check=True
    )
    assert listed.stdout.strip() == ""
