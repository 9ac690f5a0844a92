"""The access policy's cost on `GET /volunteers/{id}`, with and without it.

Registration's app in-process (Flask's test client, one thread) on a fresh database holding 2,000
volunteers of 10 member organisations. A coordinator reads volunteers of their own organisation:
with the policy, the read carries the coordinator's reach (`association.access`: the reach made
from the token, and the organisation condition in the query); without it, the view is given the
reach of everything, as before the policy. The same requests, in alternating rounds after a
warm-up; the volunteer reading their own record is measured beside them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

import registration.api.volunteers as volunteer_routes
from association.access import EVERYTHING
from association.auth import issue_token
from bench.databases import engines
from registration.definition import SERVICE
from support.apps import context_of, make_app
from support.tokens import SECRET

VOLUNTEERS = 2000
ORGANISATIONS = 10
WARM_UP = 200
ROUNDS = 4


def _headers(sub: str, scopes: str, **claims: Any) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {issue_token(SECRET, sub, scopes, ttl_seconds=36000, **claims)}"
    }


ADMIN = _headers("bench", "admin")


def _seed(client: FlaskClient) -> tuple[list[str], list[tuple[str, str]]]:
    """Organisations and volunteers; returns the organisation ids and (volunteer, organisation)."""
    organisations = []
    for number in range(ORGANISATIONS):
        body = {"name": f"成员单位 {number}", "kind": "community"}
        organisations.append(
            client.post("/organisations", json=body, headers=ADMIN).get_json()["organisation_id"]
        )
    volunteers = []
    for number in range(VOLUNTEERS):
        organisation = organisations[number % ORGANISATIONS]
        body = {
            "name": "刘明珠",
            "phone": f"139{number:08d}",
            "street": "jiangpu",
            "skills": ["first_aid"],
            "consent": True,
            "organisation_id": organisation,
        }
        answer = client.post("/volunteers", json=body, headers=ADMIN)
        volunteers.append((answer.get_json()["volunteer_id"], organisation))
    return organisations, volunteers


def _rate(client: FlaskClient, requests: list[tuple[str, dict[str, str]]]) -> float:
    started = time.perf_counter()
    for path, headers in requests:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.get_json()
    return len(requests) / (time.perf_counter() - started)


def _without_policy(measure: Callable[[], float]) -> float:
    """`measure` with the routes given the reach of everything, whoever calls."""
    consulted = volunteer_routes.current_reach
    volunteer_routes.current_reach = lambda: EVERYTHING  # type: ignore[assignment]
    try:
        return measure()
    finally:
        volunteer_routes.current_reach = consulted  # type: ignore[assignment]


def _measure(url: str, count: int) -> tuple[float, float, float]:
    app = make_app(SERVICE, url)
    try:
        client = app.test_client()
        organisations, volunteers = _seed(client)
        coordinator = _headers(
            "coordinator", "volunteers:read teams:write", role="coordinator", org=organisations[0]
        )
        own = [v for v, organisation in volunteers if organisation == organisations[0]]
        reads = [
            (f"/volunteers/{v}", coordinator) for v in itertools.islice(itertools.cycle(own), count)
        ]
        selves = [
            (f"/volunteers/{v}", _headers(v, "self", role="volunteer"))
            for v, _ in itertools.islice(itertools.cycle(volunteers), count)
        ]
        _rate(client, reads[:WARM_UP])
        _without_policy(lambda: _rate(client, reads[:WARM_UP]))
        with_policy, without, self_reads = [], [], []
        for _ in range(ROUNDS):
            with_policy.append(_rate(client, reads))
            without.append(_without_policy(lambda: _rate(client, reads)))
            self_reads.append(_rate(client, selves))
        return max(with_policy), max(without), max(self_reads)
    finally:
        context_of(app).database.dispose()


def run(_amqp_url: str, postgres_url: str | None, count: int = 2000) -> list[dict]:
    """One row per database: reads/s of a coordinator with the policy against without it."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with fresh_database() as url:
            with_policy, without, self_reads = _measure(url, count)
        rows.append(
            {
                "benchmark": f"access policy on `GET /volunteers/{{id}}` ({label})",
                "ours": f"{with_policy:,.0f} req/s with the policy "
                f"({self_reads:,.0f} req/s a volunteer's own)",
                "reference": f"{without:,.0f} req/s without it",
                "ratio": with_policy / without,
                "target": 0.95,
                "note": f"{count} reads by a coordinator of the {VOLUNTEERS // ORGANISATIONS} "
                f"volunteers of their organisation ({VOLUNTEERS} in {ORGANISATIONS}); in-process "
                f"test client, one thread, best of {ROUNDS} alternating rounds",
            }
        )
    return rows
