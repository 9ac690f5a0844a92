"""Erasure leaves nothing readable: after a withdrawal applied by all three services, the person's
name, phone, e-mail, ID number and birth date are in no file of any service's SQLite database
(main file, WAL, shared memory, free pages) and in no live row of any PostgreSQL table.

The real six processes run; the person signs up, joins a team (under an Idempotency-Key, whose
stored answer names the members), is sent notifications, and withdraws.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from association.testing import private_schema
from support.polling import wait_for
from support.sign_ups import sign_up_form
from support.stack import SERVICES, Stack, running_stack
from support.traces import traces_in_files, traces_in_schema

NAME, PHONE, EMAIL = "欧阳澜珊", "+86 139-2468-1357", "lanshan.erasure@example.cn"
ID_NUMBER, BIRTH_DATE = "11010519491231002X", "1949-12-31"
PERSONAL = (NAME, "13924681357", EMAIL, ID_NUMBER, BIRTH_DATE)


def created(response: requests.Response) -> dict:
    assert response.status_code == 201, (response.status_code, response.text)
    return response.json()


def idempotent(headers: dict[str, str]) -> dict[str, str]:
    return headers | {"Idempotency-Key": str(uuid.uuid4())}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_nothing_of_a_withdrawn_person_is_readable_in_any_database(
    backend: str, tmp_path: Path, amqp_url: str, amqp_prefix: str, request: pytest.FixtureRequest
) -> None:
    with ExitStack() as stack:
        databases: dict[str, str] = {}
        if backend == "postgresql":
            postgres_url = request.getfixturevalue("postgres_url")
            databases = {s: stack.enter_context(private_schema(postgres_url)) for s in SERVICES}
        services = stack.enter_context(running_stack(tmp_path, amqp_url, amqp_prefix, databases))
        sign_up_serve_and_withdraw(services)

        def leftovers() -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for service in SERVICES:
                if backend == "postgresql":
                    found |= traces_in_schema(databases[service], PERSONAL)
                else:
                    found |= traces_in_files(tmp_path / f"{service}.db", PERSONAL)
            return found

        # The clean-up (the WAL checkpoint) follows the commit that other processes already see.
        try:
            wait_for(lambda: not leftovers(), timeout=20, interval=0.2)
        except AssertionError:
            pytest.fail(f"still readable after the withdrawal: {leftovers()}")


def sign_up_serve_and_withdraw(stack: Stack) -> None:
    """Sign up, join a team, get notifications, withdraw; return once all three applied it."""
    registration, teams = stack.urls["registration"], stack.urls["teams"]
    notifications = stack.urls["notifications"]
    coordinator = stack.token("teams:write", "volunteers:read", "volunteers:write")
    form = sign_up_form(name=NAME, phone=PHONE, email=EMAIL, id_number=ID_NUMBER)
    volunteer_id = created(
        requests.post(f"{registration}/volunteers", json=form, headers=idempotent({}), timeout=10)
    )["volunteer_id"]
    team = {"name": "消除测试队", "kind": "community", "required_skills": [], "capacity": 5}
    team_id = created(
        requests.post(f"{teams}/teams", json=team, headers=idempotent(coordinator), timeout=10)
    )["team_id"]
    assignment = idempotent(coordinator)

    def assigned() -> dict | None:
        response = requests.post(
            f"{teams}/teams/{team_id}/members",
            json={"volunteer_id": volunteer_id},
            headers=assignment,
            timeout=10,
        )
        return response.json() if response.status_code == 201 else None

    members = wait_for(assigned, timeout=30)["members"]  # 422 until teams has the sign-up
    assert [m["name"] for m in members] == [NAME]

    def notified() -> bool:
        response = requests.get(
            f"{notifications}/volunteers/{volunteer_id}/notifications",
            headers=coordinator,
            timeout=10,
        )
        kinds = {n["kind"] for n in response.json()["notifications"]} if response.ok else set()
        return {"welcome", "team_assigned"} <= kinds

    wait_for(notified, timeout=30)

    withdrawn = requests.delete(
        f"{registration}/volunteers/{volunteer_id}", headers=coordinator, timeout=10
    )
    assert withdrawn.status_code == 204, withdrawn.text

    def applied_everywhere() -> bool:
        gone = requests.get(
            f"{registration}/volunteers/{volunteer_id}", headers=coordinator, timeout=10
        )
        shown = requests.get(f"{teams}/teams/{team_id}", headers=coordinator, timeout=10).json()
        told = requests.get(
            f"{notifications}/volunteers/{volunteer_id}/notifications",
            headers=coordinator,
            timeout=10,
        )
        return gone.status_code == 404 and not shown["members"] and told.status_code == 404

    wait_for(applied_everywhere, timeout=30)
