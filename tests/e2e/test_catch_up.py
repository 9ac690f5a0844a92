"""A consumer catches up from a producer's GET /events feed, with no broker in between."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import requests

from support.apps import make_app
from support.polling import wait_for
from support.ports import free_port
from support.processes import BIN, ServiceProcess, health
from support.tokens import SECRET, bearer


@pytest.mark.slow
def test_teams_learns_of_volunteers_from_registrations_feed_once(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    port = free_port()
    registration_url = f"http://127.0.0.1:{port}"
    common = {"AMQP_URL": amqp_url, "AMQP_PREFIX": amqp_prefix, "AUTH_SECRET": SECRET}
    registration = ServiceProcess(
        "registration-web",
        common
        | {
            "DATABASE_URL": f"sqlite:///{tmp_path}/registration.db",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "SIGNUP_RATE_LIMIT": "off",
        },
        tmp_path / "registration.log",
    )
    registration.start()
    try:
        wait_for(lambda: health(registration_url), timeout=30)
        ids = []
        for n in range(3):
            response = requests.post(
                f"{registration_url}/volunteers",
                json={
                    "name": f"志愿者{n}",
                    "phone": f"1370000000{n}",
                    "street": "jiangpu",
                    "consent": True,
                },
                timeout=10,
            )
            ids.append(response.json()["volunteer_id"])
        writer = bearer("volunteers:write", sub="ops")
        changed = requests.patch(
            f"{registration_url}/volunteers/{ids[2]}",
            json={"street": "taishan"},
            headers=writer | {"If-Match": '"1"'},
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        requests.delete(f"{registration_url}/volunteers/{ids[2]}", headers=writer, timeout=10)

        teams_env = os.environ | common | {"DATABASE_URL": f"sqlite:///{tmp_path}/teams.db"}
        command = [str(BIN / "teams-catch-up"), "--from", registration_url]
        first = subprocess.run(command, env=teams_env, capture_output=True, text=True, timeout=60)
        second = subprocess.run(command, env=teams_env, capture_output=True, text=True, timeout=60)
    finally:
        registration.stop()
    assert first.returncode == 0, first.stderr
    # The withdrawn volunteer's sign-up is erased: the feed leaves it out. Their profile change,
    # which teams cannot place before it hears of the withdrawal, applies after it in the same run.
    assert "read 4, applied 4" in first.stdout and "invalid (left out) 0" in first.stdout
    assert "read 4, applied 0" in second.stdout

    from teams.definition import SERVICE

    app = make_app(SERVICE, teams_env["DATABASE_URL"])
    reader = bearer("admin", sub="ops")
    client = app.test_client()
    team = client.post(
        "/teams",
        json={"name": "补录队", "kind": "community", "description": "", "required_skills": []},
        headers=reader,
    ).get_json()
    joined = client.post(
        f"/teams/{team['team_id']}/members", json={"volunteer_id": ids[0]}, headers=reader
    )
    withdrawn = client.post(
        f"/teams/{team['team_id']}/members", json={"volunteer_id": ids[2]}, headers=reader
    )
    assert joined.status_code == 201
    assert withdrawn.status_code == 422


@pytest.mark.slow
def test_notifications_rebuilds_from_both_feeds_without_sending_anything_twice(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    common = {"AMQP_URL": amqp_url, "AMQP_PREFIX": amqp_prefix, "AUTH_SECRET": SECRET}
    urls, webs = {}, []
    for service in ("registration", "teams"):
        port = free_port()
        urls[service] = f"http://127.0.0.1:{port}"
        environment = common | {
            "DATABASE_URL": f"sqlite:///{tmp_path}/{service}.db",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "SIGNUP_RATE_LIMIT": "off",
        }
        webs.append(ServiceProcess(f"{service}-web", environment, tmp_path / f"{service}.log"))
    admin = bearer("admin", sub="ops")
    for web in webs:
        web.start()
    try:
        for url in urls.values():
            wait_for(lambda url=url: health(url), timeout=30)
        volunteer = requests.post(
            f"{urls['registration']}/volunteers",
            json={"name": "王芳", "phone": "13600000001", "street": "taishan", "consent": True},
            timeout=10,
        ).json()["volunteer_id"]
        team = requests.post(
            f"{urls['teams']}/teams",
            json={
                "name": "泰山街道巡查队",
                "kind": "community",
                "description": "",
                "required_skills": [],
            },
            headers=admin,
            timeout=10,
        ).json()["team_id"]
        # teams hears of the volunteer from registration's feed, then the volunteer is assigned
        teams_env = os.environ | common | {"DATABASE_URL": f"sqlite:///{tmp_path}/teams.db"}
        subprocess.run(
            [str(BIN / "teams-catch-up"), "--from", urls["registration"]],
            env=teams_env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        assigned = requests.post(
            f"{urls['teams']}/teams/{team}/members",
            json={"volunteer_id": volunteer},
            headers=admin,
            timeout=10,
        )
        assert assigned.status_code == 201, assigned.text
        notifications_env = (
            os.environ | common | {"DATABASE_URL": f"sqlite:///{tmp_path}/notifications.db"}
        )
        command = [
            str(BIN / "notifications-rebuild-projections"),
            "--from",
            urls["registration"],
            "--from",
            urls["teams"],
        ]
        runs = [
            subprocess.run(
                command, env=notifications_env, capture_output=True, text=True, timeout=60
            )
            for _ in range(2)
        ]
    finally:
        for web in webs:
            web.stop()
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr

    from notifications.definition import SERVICE

    app = make_app(SERVICE, notifications_env["DATABASE_URL"])
    found = app.test_client().get(f"/volunteers/{volunteer}/notifications", headers=admin)
    kinds = sorted(n["kind"] for n in found.get_json()["notifications"])
    assert kinds == ["team_assigned", "welcome"]  # twice rebuilt, each sent once
