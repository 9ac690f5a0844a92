"""A worker killed with SIGKILL in the middle of a batch, then restarted: nothing lost or doubled.

The workers are first frozen (SIGSTOP) while hundreds of events pile up for them, so that on
resuming each has a full prefetch in hand; it is killed as soon as it has acked its first batch,
i.e. while the next batch is being applied and the rest is unacknowledged. Teams is killed among
sign-ups, notifications twice: among sign-ups and among assignments and completions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from association.messaging.topology import Topology
from exactly_once import assert_each_once, backlog
from process_faults import kill, paused, restart, resume
from submissions import Association
from support.broker import channel_on
from support.polling import wait_for
from support.stack import Stack, running_stack


def kill_mid_batch(stack: Stack, command: str, amqp_url: str, inbox: str) -> int:
    """Resume the frozen worker, SIGKILL it as soon as it acked its first batch, start it again.

    While frozen it holds a full prefetch and the rest of its inbox is ready; the first ack makes
    the broker hand over more, so the ready count drops while the next batch is being applied.
    Returns how many messages were left (in hand or ready) when it died: some, or the test
    would prove nothing.
    """
    with channel_on(amqp_url) as channel:
        ready = channel.queue_declare(inbox, passive=True).method.message_count
        assert ready > 0, "the inbox must hold more than a prefetch for the test to mean anything"
        resume(stack, command)
        wait_for(
            lambda: channel.queue_declare(inbox, passive=True).method.message_count < ready,
            timeout=30,
            interval=0.001,
        )
        kill(stack, command)
        # What it held goes back to the queue; nothing would come back if it had been done.
        left = wait_for(
            lambda: channel.queue_declare(inbox, passive=True).method.message_count, timeout=5
        )
    restart(stack, command)
    return left


@pytest.mark.slow
def test_workers_killed_mid_batch_and_restarted_lose_and_double_nothing(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    with running_stack(tmp_path, amqp_url, amqp_prefix) as stack:
        association = Association(stack)
        urls = stack.urls

        teams_inbox = Topology("teams", amqp_prefix).inbox_queue
        notifications_inbox = Topology("notifications", amqp_prefix).inbox_queue
        teams = [association.found_team(f"汤泉街道护学岗{n}") for n in range(3)]

        # 300 sign-ups pile up in both inboxes; each worker dies with its first batches in hand.
        with paused(stack, "teams-worker", "notifications-worker"):
            volunteers = association.sign_up_many(300)
            wait_for(lambda: backlog(urls["registration"]) == 0, timeout=30)
            kill_mid_batch(stack, "teams-worker", amqp_url, teams_inbox)
            kill_mid_batch(stack, "notifications-worker", amqp_url, notifications_inbox)

        # 300 assignments and three completions pile up for notifications, which dies again.
        with paused(stack, "notifications-worker"):
            for n, volunteer_id in enumerate(volunteers):
                association.assign(teams[n % 3], volunteer_id)
            for team in teams:
                members = [v for t, v in association.submitted.assignments if t == team]
                association.complete_activity(team, {v: "2.25" for v in members})
            wait_for(lambda: backlog(urls["teams"]) == 0, timeout=30)
            kill_mid_batch(stack, "notifications-worker", amqp_url, notifications_inbox)
        assert_each_once(association, stack, amqp_url, amqp_prefix)
