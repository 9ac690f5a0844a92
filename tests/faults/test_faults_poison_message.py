"""A poison message: dead-lettered after the delivery limit, never in the way of the events behind
it, and applied once when replayed after the fix.

The poison is real: a volunteer's change of profile whose sign-up never reached the consumers (the
test, standing in for registration's relay, publishes the change alone). Each consumer refuses to
apply a change before the sign-up it changes, so every attempt fails until the limit sends it to
`<service>.dead`. Meanwhile 50 sign-ups published behind it are applied. The fix is to publish the
missing sign-up; `association-dead-letters replay` then brings the change back and it is applied,
once, however often it is replayed or delivered again afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

from association.messaging.dead_letters import peek
from association.messaging.topology import Topology
from broker_control import publish_events, ready_counts
from exactly_once import CONSUMERS, assert_each_once
from process_faults import process_of, restart, stop
from submissions import Association
from support.broker import channel_on
from support.polling import wait_for
from support.processes import BIN
from support.stack import running_stack

ATTEMPTS = 5


def dead_letters(amqp_url: str, prefix: str, service: str) -> int:
    return ready_counts(amqp_url, [Topology(service, prefix).dead_letter_queue]).popitem()[1]


def replay(amqp_url: str, prefix: str, service: str) -> str:
    """`association-dead-letters replay --service <service>`, as an operator runs it."""
    done = subprocess.run(
        [str(BIN / "association-dead-letters"), "replay", "--service", service],
        env=os.environ | {"AMQP_URL": amqp_url, "AMQP_PREFIX": prefix},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def unknown_to_consumers(association: Association, volunteer_ids: list[str]) -> list[str]:
    """The volunteers teams or notifications has not heard of."""
    urls, reader = association.urls, association.coordinator
    return [
        f"{url}{path}"
        for volunteer_id in volunteer_ids
        for url, path in (
            (urls["teams"], f"/volunteers/{volunteer_id}/hours"),
            (urls["notifications"], f"/volunteers/{volunteer_id}/notifications"),
        )
        if requests.get(f"{url}{path}", headers=reader, timeout=10).status_code != 200
    ]


@pytest.mark.slow
def test_a_poison_message_is_dead_lettered_without_blocking_and_applied_once_after_the_fix(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    with running_stack(
        tmp_path, amqp_url, amqp_prefix, MAX_DELIVERY_ATTEMPTS=str(ATTEMPTS)
    ) as stack:
        association = Association(stack)
        stop(stack, "registration-worker")  # the test publishes registration's events itself
        volunteer = association.sign_up()
        association.rename(volunteer, "改过名的刘明珠")
        signed_up, changed = association.feed("registration")
        assert changed["event_type"] == "VolunteerProfileUpdated"

        publish_events(amqp_url, amqp_prefix, [changed])
        behind = association.sign_up_many(50)
        publish_events(amqp_url, amqp_prefix, association.feed("registration")[2:])
        for service in CONSUMERS:
            wait_for(lambda s=service: dead_letters(amqp_url, amqp_prefix, s) == 1, timeout=60)
            with channel_on(amqp_url) as channel:
                [dead] = peek(channel, Topology(service, amqp_prefix).dead_letter_queue)
            assert (dead["message_id"], dead["reason"]) == (changed["event_id"], "delivery_limit")
            assert dead["routing_key"] == "registration.VolunteerProfileUpdated"
            assert json.loads(dead["body"])["payload"]["name"] == "改过名的刘明珠"
            worker = process_of(stack, f"{service}-worker").output()
            assert f"handler failed on attempt {ATTEMPTS} of {ATTEMPTS}" in worker
        # Nothing waited behind the poison: the 50 later sign-ups are everywhere already.
        assert not unknown_to_consumers(association, behind)

        # The fix: the missing sign-up; then the change is replayed, and replayed again.
        publish_events(amqp_url, amqp_prefix, [signed_up])
        for service in CONSUMERS:
            assert replay(amqp_url, amqp_prefix, service) == "replayed 1 messages"
        for service in CONSUMERS:
            assert replay(amqp_url, amqp_prefix, service) == "replayed 0 messages"
        publish_events(amqp_url, amqp_prefix, [changed])  # once more, as a late redelivery would
        restart(stack, "registration-worker")  # and every event a last time from its relay
        team = association.found_team("桥林街道巡河护江队")
        association.assign_all(team, [volunteer, *behind])
        assert_each_once(association, stack, amqp_url, amqp_prefix)
