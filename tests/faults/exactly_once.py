"""The check that ends every fault test: each submission in every projection exactly once.

`assert_each_once` waits until the stack has settled (outboxes published, inboxes drained) and
checks registration's volunteers, teams' members and hours, notifications' messages, the public
feed and (at least once) the public stream against what the test submitted.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pika
import requests

from association.messaging.topology import Topology
from broker_control import ready_counts
from submissions import HTTP_TIMEOUT, Association, Submitted, expect
from support.polling import wait_for
from support.stack import Stack

CONSUMERS = ("teams", "notifications")
FOR_GOOD = " (for good)"  # ends a problem no waiting can cure: something doubled, dead, crashed


def backlog(url: str) -> int | None:
    """Events a service still has to publish (its outboxes), None when it does not answer."""
    try:
        answer = requests.get(f"{url}/health", timeout=5)
    except requests.RequestException:
        return None
    if answer.status_code != 200:
        return None
    checks = answer.json()["checks"]
    return sum(checks[name]["backlog"] for name in ("outbox", "public_outbox") if name in checks)


def unsettled(stack: Stack, amqp_url: str, prefix: str) -> list[str]:
    """What is still to be published or consumed; empty once the projections can be final.

    Producers' outboxes first, then the inboxes they fill, then the public outbox those fill.
    (Messages a consumer holds unacknowledged are not counted: the check is repeated for them.)
    """
    waiting = [f"{s} outbox" for s in ("registration", "teams") if backlog(stack.urls[s]) != 0]
    inboxes = [Topology(s, prefix).inbox_queue for s in CONSUMERS]
    waiting += [f"{q}: {n}" for q, n in ready_counts(amqp_url, inboxes).items() if n]
    if not waiting and backlog(stack.urls["notifications"]) != 0:
        waiting.append("public outbox")
    return waiting


def assert_each_once(
    association: Association,
    stack: Stack,
    amqp_url: str,
    prefix: str,
    *,
    timeout: float = 90,
    stream: bool = False,
) -> None:
    """Every submission is in every projection exactly once, once the stack has settled.

    Something missing may still be in a consumer's hands, so the check is repeated until it
    passes or `timeout` ends; what no waiting cures (something doubled, a dead letter, a process
    that ended) fails at once.
    """
    dead = [Topology(s, prefix).dead_letter_queue for s in CONSUMERS]
    found: list[str] = []

    def each_once() -> bool:
        found[:] = [
            f"{p.command} ended on its own{FOR_GOOD}"
            for p in stack.processes
            if p.process and p.process.poll() is not None
        ]
        found.extend(f"{n} in {q}{FOR_GOOD}" for q, n in ready_counts(amqp_url, dead).items() if n)
        if not found:
            found.extend(unsettled(stack, amqp_url, prefix))
        if not found:
            found.extend(_problems(association))
        for_good = [p for p in found if p.endswith(FOR_GOOD)]
        assert not for_good, "\n".join(for_good[:40])
        return not found

    try:
        wait_for(each_once, timeout=timeout, interval=0.5)
    except AssertionError as error:
        problems = "\n".join(found[:40]) + f"\n({len(found)} problems)"
        raise AssertionError(f"{problems}\n{error}\n{stack.logs()}") from None
    if stream:
        public = association.public_feed()
        lost = _stream_problems(amqp_url, Topology("notifications", prefix), public)
        assert not lost, lost[:40]


def _problems(association: Association) -> list[str]:
    return (
        _registration_problems(association)
        + _teams_problems(association)
        + _notifications_problems(association)
        + _public_problems(association.submitted, association.public_feed())
    )


def _each_once(what: str, found: Counter, expected: Iterable) -> list[str]:
    expected = set(expected)
    problems = [f"{what} {key} lost" for key in expected if found[key] == 0]
    problems += [f"{what} {key} {n} times{FOR_GOOD}" for key, n in found.items() if n > 1]
    problems += [f"{what} {key} never submitted{FOR_GOOD}" for key in found if key not in expected]
    return problems


def _registration_problems(association: Association) -> list[str]:
    found: Counter[str] = Counter()
    for page in itertools.count(1):
        answer = expect(
            requests.get(
                f"{association.urls['registration']}/volunteers",
                params={"page": page, "page_size": 200},
                headers=association.coordinator,
                timeout=HTTP_TIMEOUT,
            ),
            200,
        )
        found.update(v["volunteer_id"] for v in answer["items"])
        if page * 200 >= answer["total"]:
            break
    return _each_once("registration: volunteer", found, association.submitted.names)


def _in_parallel(function: Callable[[str], list[str]], keys: Iterable[str]) -> list[str]:
    with ThreadPoolExecutor(8) as pool:
        return [problem for found in pool.map(function, keys) for problem in found]


def _teams_problems(association: Association) -> list[str]:
    submitted, teams = association.submitted, association.urls["teams"]
    problems: list[str] = []
    for team_id in {t for t, _ in submitted.assignments}:
        team = expect(
            requests.get(f"{teams}/teams/{team_id}", headers=association.coordinator, timeout=15),
            200,
        )
        members = Counter(m["volunteer_id"] for m in team["members"])
        expected = {v for t, v in submitted.assignments if t == team_id}
        problems += _each_once(f"teams: member of {team_id}", members, expected)
        problems += [
            f"teams: member {m['volunteer_id']} named {m['name']}, not "
            f"{submitted.names.get(m['volunteer_id'])}"
            for m in team["members"]
            if m["name"] != submitted.names.get(m["volunteer_id"])
        ]

    def hours_problems(volunteer_id: str) -> list[str]:
        answer = requests.get(
            f"{teams}/volunteers/{volunteer_id}/hours",
            headers=association.coordinator,
            timeout=HTTP_TIMEOUT,
        )
        if answer.status_code == 404:
            return [f"teams: volunteer {volunteer_id} lost"]
        hours = expect(answer, 200)
        credited = [c[volunteer_id] for c in submitted.completions.values() if volunteer_id in c]
        shown = (Decimal(hours["total_hours"]), hours["activity_count"])
        expected = (sum(credited, Decimal(0)), len(credited))
        if shown == expected:
            return []
        more = FOR_GOOD if shown > expected else ""
        return [f"teams: hours of {volunteer_id} {shown}, expected {expected}{more}"]

    return problems + _in_parallel(hours_problems, submitted.names)


def _notifications_problems(association: Association) -> list[str]:
    submitted = association.submitted

    def problems_of(volunteer_id: str) -> list[str]:
        answer = requests.get(
            f"{association.urls['notifications']}/volunteers/{volunteer_id}/notifications",
            params={"limit": 500},
            headers=association.coordinator,
            timeout=HTTP_TIMEOUT,
        )
        if answer.status_code == 404:
            return [f"notifications: volunteer {volunteer_id} lost"]
        kinds = Counter(n["kind"] for n in expect(answer, 200)["notifications"])
        expected = Counter(
            welcome=1,
            team_assigned=sum(1 for _, v in submitted.assignments if v == volunteer_id),
            activity_thanks=sum(1 for c in submitted.completions.values() if volunteer_id in c),
        )
        if +kinds == +expected:
            return []
        more = FOR_GOOD if kinds - expected else ""
        return [f"notifications: {volunteer_id} has {dict(kinds)}, not {+expected}{more}"]

    return _in_parallel(problems_of, submitted.names)


def _public_problems(submitted: Submitted, public: list[dict]) -> list[str]:
    problems = [
        f"public feed: event {e} {n} times{FOR_GOOD}" for e, n in _counts(public).items() if n > 1
    ]

    def of_type(event_type: str, key: Callable[[dict], object]) -> Counter:
        return Counter(key(e["payload"]) for e in public if e["event_type"] == event_type)

    problems += _each_once(
        "public feed: registration of",
        of_type("VolunteerRegistered", lambda p: p["volunteer_id"]),
        submitted.names,
    )
    updates = of_type("VolunteerProfileUpdated", lambda p: p["volunteer_id"])
    if updates != submitted.profile_updates:
        more = FOR_GOOD if updates - submitted.profile_updates else ""
        problems.append(f"public feed: updates {updates}, not {submitted.profile_updates}{more}")
    problems += _each_once(
        "public feed: assignment",
        of_type("TeamAssigned", lambda p: (p["team_id"], p["volunteer_id"])),
        submitted.assignments,
    )
    completed = [e["payload"] for e in public if e["event_type"] == "ActivityCompleted"]
    problems += _each_once(
        "public feed: completion of",
        Counter(p["activity_id"] for p in completed),
        submitted.completions,
    )
    for payload in completed:
        attendees = {a["volunteer_id"] for a in payload["attendance"]}
        expected = set(submitted.completions.get(payload["activity_id"], {}))
        if attendees != expected:
            problems.append(f"public feed: attendance of {payload['activity_id']} differs")
    return problems


def _counts(events: list[dict]) -> Counter[str]:
    return Counter(e["event_id"] for e in events)


def _stream_problems(amqp_url: str, topology: Topology, public: list[dict]) -> list[str]:
    """The stream holds each public event (at least once: its relay re-sends unconfirmed ones)."""
    wanted = set(_counts(public))
    seen: set[str] = set()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=500)
        for method, _properties, body in channel.consume(
            topology.public_stream_queue,
            arguments={"x-stream-offset": "first"},
            inactivity_timeout=3,
        ):
            if method is None:
                break
            seen.add(json.loads(body)["event_id"])
            channel.basic_ack(method.delivery_tag)
            if wanted <= seen:
                break
        channel.cancel()
    finally:
        connection.close()
    return [f"public stream: event {e} lost" for e in wanted - seen]
