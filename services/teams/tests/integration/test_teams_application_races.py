"""Slots hold under concurrency, on SQLite and PostgreSQL: 200 parallel applications for 30 slots,
and 15 accepted cancelling at once while 20 wait."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from applications_testkit import apply, cancel, listed, open_activity

from teams_testkit import READER, Kit, registered


def _volunteers(kit: Kit, count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    kit.deliver_run([registered(volunteer, f"志愿者{n}") for n, volunteer in enumerate(ids)])
    return ids


def _at_once(kit: Kit, volunteers: list[uuid.UUID], call: Callable[..., Any]) -> list[Any]:
    """`call(kit-like, volunteer)` for every volunteer, each in a thread with its own client,
    released together."""
    start = threading.Barrier(len(volunteers))
    answers: list[Any] = []

    def run(volunteer: uuid.UUID) -> None:
        own = Kit(kit.app, kit.app.test_client(), kit.context)
        start.wait()
        answers.append(call(own, volunteer))

    threads = [threading.Thread(target=run, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def _payloads(kit: Kit, event_type: str) -> list[dict[str, Any]]:
    with kit.context.database.reader() as session:
        return [
            envelope.payload
            for envelope in kit.context.store.read_after(session, 0, 100_000)
            if envelope.event_type == event_type
        ]


def test_two_hundred_parallel_applications_fill_thirty_slots_exactly(kit: Kit) -> None:
    volunteers = _volunteers(kit, 200)
    team_id = kit.team()["team_id"]
    activity_id = open_activity(kit, team_id, slots=30, open_to="all")

    answers = _at_once(kit, volunteers, lambda own, v: apply(own, activity_id, v))

    assert Counter(a.status_code for a in answers) == {201: 200}
    statuses = Counter(a.get_json()["status"] for a in answers)
    assert statuses == {"accepted": 30, "waitlisted": 170}
    positions = sorted(a.get_json()["position"] for a in answers if a.get_json()["position"])
    assert positions == list(range(1, 171))
    assert len(_payloads(kit, "ApplicationAccepted")) == 30
    waitlisted = _payloads(kit, "ApplicationWaitlisted")
    assert sorted(p["position"] for p in waitlisted) == list(range(1, 171))
    rows = listed(kit, activity_id, "waitlisted")
    assert [row["position"] for row in rows] == list(range(1, 171))
    by_position = {p["position"]: p["volunteer_id"] for p in waitlisted}
    assert [row["volunteer_id"] for row in rows] == [by_position[n] for n in range(1, 171)]
    detail = kit.client.get(f"/activities/{activity_id}", headers=READER).get_json()
    assert (detail["accepted_count"], detail["waitlisted_count"]) == (30, 170)


def test_concurrent_cancellations_promote_the_first_waiting_in_order(kit: Kit) -> None:
    volunteers = _volunteers(kit, 50)
    team_id = kit.team()["team_id"]
    activity_id = open_activity(kit, team_id, slots=30, open_to="all")
    for volunteer in volunteers:
        assert apply(kit, activity_id, volunteer).status_code == 201
    waiting = [row["volunteer_id"] for row in listed(kit, activity_id, "waitlisted")]
    assert waiting == [str(v) for v in volunteers[30:]]

    answers = _at_once(kit, volunteers[:15], lambda own, v: cancel(own, activity_id, v))

    assert [a.status_code for a in answers] == [204] * 15
    accepted = {row["volunteer_id"] for row in listed(kit, activity_id, "accepted")}
    assert accepted == {str(v) for v in volunteers[15:45]}
    promoted = [p["volunteer_id"] for p in _payloads(kit, "ApplicationPromoted")]
    assert promoted == waiting[:15], "promoted in the order they waited"
    still = listed(kit, activity_id, "waitlisted")
    assert [(r["volunteer_id"], r["position"]) for r in still] == [
        (volunteer, n) for n, volunteer in enumerate(waiting[15:], start=1)
    ]
