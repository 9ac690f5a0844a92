"""`POST /activities/{id}/applications` under 50 concurrent clients.

Teams' app in-process on a fresh database, 50 threads each with its own test client, released
together: 2,000 volunteers apply, 40 each, for one activity of 300 slots open to all; afterwards
exactly 300 must be accepted. The reference, in the same run on the same database, is 2,000
`POST /teams/{id}/members` by the 50 clients, each into a team of its own without a capacity:
also one event decided under the writers' lock. Each side runs after a warm-up of its own.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from association.auth import issue_token
from association.events import Envelope, default_registry
from association.messaging.handlers import SetBasedHandler
from bench.databases import engines
from support.apps import context_of, make_app
from support.tokens import SECRET
from teams.adapters.application_queries import application_counts
from teams.consumers import volunteer_handlers
from teams.definition import SERVICE

CLIENTS = 50
PER_CLIENT = 40
SLOTS = 300
WARM_UP = 100
REGISTRY = default_registry()
WRITER = {"Authorization": f"Bearer {issue_token(SECRET, 'bench', 'teams:write')}"}


def _registrations(count: int) -> list[Envelope]:
    """`count` sign-ups as registration publishes them."""
    now = datetime.now(UTC).isoformat()
    envelopes = []
    for n in range(count):
        volunteer_id = str(uuid.uuid4())
        payload = {
            "volunteer_id": volunteer_id,
            "name": "刘明珠",
            "phone": f"138{n:08d}",
            "email": None,
            "street": "五一街道",
            "skills": ["first_aid"],
            "organisation_id": None,
            "registered_at": now,
            "source": "web",
            "id_verified": False,
        }
        envelope = Envelope(
            event_type="VolunteerRegistered",
            aggregate_id=volunteer_id,
            aggregate_version=1,
            payload=payload,
            producer="registration",
            sequence=n + 1,
        )
        envelopes.append(REGISTRY.upcast(envelope))
    return envelopes


def _register(app: Flask, count: int) -> list[str]:
    """`count` volunteers known to teams, applied as the consumer applies a batch."""
    context = context_of(app)
    envelopes = _registrations(count)
    handler = volunteer_handlers(context.store)[envelopes[0].routing_key]
    assert isinstance(handler, SetBasedHandler)
    with context.database.transaction() as session:
        handler.apply_many(session, envelopes)
    return [envelope.aggregate_id for envelope in envelopes]


def _post(app: Flask, path: str, body: dict[str, Any]) -> Any:
    answer = app.test_client().post(path, json=body, headers=WRITER)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _activity(app: Flask, team_id: str, slots: int) -> str:
    starts = datetime.now(UTC) + timedelta(days=1)
    body = {
        "team_id": team_id,
        "title": "五一广场文明交通劝导",
        "kind": "civilised_traffic",
        "location": "五一广场东北角",
        "content": "早高峰路口文明交通劝导",
        "organising_unit": "五一街道办事处",
        "person_in_charge": "王建国",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "slots": slots,
        "open_to": "all",
    }
    return _post(app, "/activities", body)["activity_id"]


def _team(app: Flask) -> str:
    body = {"name": f"文明劝导队 {uuid.uuid4().hex[:8]}", "kind": "community"}
    return _post(app, "/teams", body)["team_id"]


def _concurrently(
    app: Flask, volunteers: list[str], request: Callable[[Any, str], int]
) -> tuple[float, Counter[int]]:
    """Seconds for CLIENTS threads to send one request per volunteer, and the statuses."""
    shares = [volunteers[n::CLIENTS] for n in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client(share: list[str]) -> None:
        own = app.test_client()
        start.wait()
        seen = Counter(request(own, volunteer) for volunteer in share)
        with lock:
            statuses.update(seen)

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, statuses


def _measure(url: str, amqp_url: str) -> dict[str, Any]:
    app = make_app(SERVICE, url, amqp_url=amqp_url)
    try:
        total = CLIENTS * PER_CLIENT
        volunteers = _register(app, 2 * (total + WARM_UP))
        warm, applying = volunteers[:WARM_UP], volunteers[WARM_UP : WARM_UP + total]
        assigning = volunteers[WARM_UP + total + WARM_UP :]
        activity_id = _activity(app, _team(app), SLOTS)
        # One team per client, as each application is an aggregate of its own: no client's
        # team history grows beyond its share.
        teams = [_team(app) for _ in range(CLIENTS)]
        team_of = {
            volunteer: teams[n % CLIENTS]
            for part in (volunteers[WARM_UP + total : WARM_UP + total + WARM_UP], assigning)
            for n, volunteer in enumerate(part)
        }

        def apply_to(activity: str) -> Callable[[Any, str], int]:
            path = f"/activities/{activity}/applications"
            return lambda client, v: (
                client.post(path, json={"volunteer_id": v}, headers=WRITER).status_code
            )

        def assign(client: Any, volunteer: str) -> int:
            body = {"volunteer_id": volunteer}
            path = f"/teams/{team_of[volunteer]}/members"
            return client.post(path, json=body, headers=WRITER).status_code

        _concurrently(app, warm, apply_to(_activity(app, _team(app), 10)))
        _concurrently(app, volunteers[WARM_UP + total : WARM_UP + total + WARM_UP], assign)
        reference, assigned = _concurrently(app, assigning, assign)
        ours, applied = _concurrently(app, applying, apply_to(activity_id))
        context = context_of(app)
        with context.database.reader() as session:
            accepted, waiting = application_counts(session, uuid.UUID(activity_id))
        assert applied == {201: total} and assigned == {201: total}, (applied, assigned)
        assert (accepted, waiting) == (SLOTS, total - SLOTS), (accepted, waiting)
        return {"ours": total / ours, "reference": total / reference, "accepted": accepted}
    finally:
        context_of(app).database.dispose()


def run(amqp_url: str, postgres_url: str | None) -> list[dict]:
    """One row per database: applications/s against assignments/s, 50 clients each."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with fresh_database() as url:
            measured = _measure(url, amqp_url)
        rows.append(
            {
                "benchmark": f"applications under {CLIENTS} clients ({label})",
                "ours": f"{measured['ours']:.0f} applications/s",
                "reference": f"{measured['reference']:.0f} team assignments/s",
                "ratio": measured["ours"] / measured["reference"],
                "target": None,
                "note": f"{CLIENTS * PER_CLIENT:,} each, in-process test clients, one thread per "
                f"client; {measured['accepted']} accepted of {SLOTS} slots afterwards (checked)",
            }
        )
    return rows
