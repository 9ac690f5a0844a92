"""The broker goes away while sign-ups arrive: the API keeps answering, nothing is lost or doubled.

Every relay and consumer of the stack loses its connection (closed by the broker, or the broker
application stopped and started) while volunteers sign up from several threads and a coordinator
assigns them; afterwards each sign-up and assignment is in every projection exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from broker_control import broker_stopped, close_all_connections, private_vhost
from exactly_once import assert_each_once
from process_faults import process_of
from submissions import Association, SignUpLoad
from support.polling import wait_for
from support.stack import SERVICES, Stack, running_stack


@pytest.fixture
def vhost_url(amqp_url: str) -> Iterator[str]:
    """A vhost of this test's own, so that closing its connections disturbs no one else."""
    with private_vhost(amqp_url) as url:
        yield url


class AssigningAsTheyArrive:
    """A coordinator assigning each new sign-up to a team as soon as teams has heard of it."""

    def __init__(self, association: Association, teams: list[str]) -> None:
        self.association = association
        self.teams = teams
        self.failures: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> AssigningAsTheyArrive:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(180)
        assert not self._thread.is_alive()
        assert not self.failures, self.failures

    def _run(self) -> None:
        done: set[str] = set()
        try:
            while True:
                waiting = [v for v in self.association.volunteers() if v not in done]
                if not waiting and self._stop.is_set():
                    return
                for volunteer_id in waiting[:20]:
                    team = self.teams[len(done) % len(self.teams)]
                    self.association.assign(team, volunteer_id, timeout=120)
                    done.add(volunteer_id)
                self._stop.wait(0.05)
        except BaseException as error:
            self.failures.append(error)


@pytest.mark.slow
def test_connections_closed_by_the_broker_lose_and_double_nothing(
    tmp_path: Path, vhost_url: str, amqp_prefix: str
) -> None:
    with running_stack(tmp_path, vhost_url, amqp_prefix) as stack:
        association = Association(stack)
        teams = [association.found_team(f"江浦街道文明劝导队{n}") for n in range(3)]
        with (
            AssigningAsTheyArrive(association, teams),
            association.signing_up(threads=4, at_least=320, at_most=2000) as load,
        ):
            for share in (60, 140, 220, 300):
                wait_for_count(load, share)
                close_all_connections(vhost_url)
        complete_an_activity_each(association, teams)
        close_all_connections(vhost_url)
        assert_each_once(association, stack, vhost_url, amqp_prefix, stream=True)
        assert_every_worker_lost_the_broker(stack)


@pytest.mark.slow
def test_the_broker_stopped_and_started_loses_and_doubles_nothing(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    with running_stack(tmp_path, amqp_url, amqp_prefix) as stack:
        association = Association(stack)
        teams = [association.found_team(f"江浦街道文明劝导队{n}") for n in range(3)]
        with (
            AssigningAsTheyArrive(association, teams),
            association.signing_up(threads=4, at_least=300, at_most=2000) as load,
        ):
            wait_for_count(load, 100)
            with broker_stopped(amqp_url):
                wait_for_count(load, load.done + 100)  # sign-ups go on while it is away
        complete_an_activity_each(association, teams)
        assert_each_once(association, stack, amqp_url, amqp_prefix, stream=True)
        assert_every_worker_lost_the_broker(stack)


def assert_every_worker_lost_the_broker(stack: Stack) -> None:
    """The fault reached every relay and consumer, or the test would prove nothing."""
    for service in SERVICES:
        log = process_of(stack, f"{service}-worker").output()
        assert "relay connection closed" in log, service
        assert service == "registration" or "consumer lost the broker" in log, service


def complete_an_activity_each(association: Association, teams: list[str]) -> None:
    for team in teams:
        members = sorted(v for t, v in association.submitted.assignments if t == team)
        # One completion takes at most 500 attendees; a long outage can sign up more per team.
        association.complete_activity(team, dict.fromkeys(members[:500], "1.5"))


def wait_for_count(load: SignUpLoad, count: int) -> None:
    wait_for(lambda: load.reached(count), timeout=60)
