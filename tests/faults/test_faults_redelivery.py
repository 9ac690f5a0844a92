"""The same events delivered twice and out of order: projections as if each came once, in order.

The test takes the place of registration's relay: it reads registration's `GET /events` and
publishes every event twice, shuffled, to the events exchange (so profile changes arrive before
the sign-up they change, and a later change before an earlier one). It publishes teams' events,
already delivered by teams' relay, twice more, shuffled; and at last registration's relay runs and
sends each of its events a third time.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import requests

from broker_control import publish_events
from exactly_once import assert_each_once
from process_faults import restart, stop
from submissions import Association, expect
from support.stack import running_stack

# A failure names the seed in its captured output; FAULTS_SEED=<seed> shuffles the same way again.
SEED = int(os.environ.get("FAULTS_SEED") or random.randrange(2**32))


@pytest.mark.slow
def test_events_delivered_twice_and_out_of_order_are_applied_once_in_order(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    print(f"events shuffled with FAULTS_SEED={SEED}")
    with running_stack(tmp_path, amqp_url, amqp_prefix) as stack:
        association = Association(stack)
        stop(stack, "registration-worker")  # the test publishes registration's events itself
        volunteers = association.sign_up_many(80)
        for n, volunteer_id in enumerate(volunteers[:40]):
            association.rename(volunteer_id, f"改名者{n}甲")
            association.rename(volunteer_id, f"改名者{n}乙")
        registration_events = association.feed("registration")
        assert len(registration_events) == 160
        publish_events(amqp_url, amqp_prefix, registration_events, copies=2, seed=SEED)

        teams = [association.found_team(f"盘城街道巡河护江队{n}") for n in range(2)]
        for n, volunteer_id in enumerate(volunteers):
            association.assign(teams[n % 2], volunteer_id)
        publish_events(amqp_url, amqp_prefix, association.feed("teams"), copies=2, seed=SEED + 1)
        restart(stack, "registration-worker")
        assert_each_once(association, stack, amqp_url, amqp_prefix)

        # Every change has been applied (the public feed shows each once): the thanks written
        # now greet each volunteer by the name of their last change, whatever order they came in.
        for team in teams:
            members = [v for t, v in association.submitted.assignments if t == team]
            association.complete_activity(team, dict.fromkeys(members, "2.5"))
        publish_events(amqp_url, amqp_prefix, association.feed("teams"), copies=2, seed=SEED + 2)
        assert_each_once(association, stack, amqp_url, amqp_prefix)
        for volunteer_id, name in association.submitted.names.items():
            notices = expect(
                requests.get(
                    f"{stack.urls['notifications']}/volunteers/{volunteer_id}/notifications",
                    headers=association.coordinator,
                    timeout=10,
                ),
                200,
            )["notifications"]
            [thanks] = [n["body"] for n in notices if n["kind"] == "activity_thanks"]
            assert thanks.startswith(f"{name}，"), (SEED, name, thanks)
