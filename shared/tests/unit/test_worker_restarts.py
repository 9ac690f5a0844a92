"""A worker restarts a crashed component with backoff, and exits non-zero once it keeps crashing."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from association.messaging.restarts import RestartPolicy, Restarts
from association.messaging.worker import run_until_signalled

QUICK = RestartPolicy(limit=3, window=60.0, first_delay=0.01, ceiling=0.05)


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """run_until_signalled installs its own SIGINT and SIGTERM handlers: put pytest's back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


class Flaky:
    """A component whose first `crashes` runs raise; the next one asks the worker to stop (as
    SIGTERM from a supervisor would) and runs until it is stopped."""

    def __init__(self, crashes: int) -> None:
        self.crashes = crashes
        self.runs = 0
        self._stop = threading.Event()

    def run(self) -> None:
        self.runs += 1
        if self.runs <= self.crashes:
            raise RuntimeError(f"crash {self.runs}")
        os.kill(os.getpid(), signal.SIGTERM)
        self._stop.wait(10)

    def stop(self) -> None:
        self._stop.set()


class Steady(Flaky):
    """A component that runs until stopped."""

    def run(self) -> None:
        self.runs += 1
        self._stop.wait(10)


class Quitter(Steady):
    """A component that returns at once, stopped or not."""

    def run(self) -> None:
        self.runs += 1


def test_a_crashed_component_is_restarted_and_the_others_keep_running() -> None:
    flaky, steady = Flaky(crashes=2), Steady(crashes=0)
    run_until_signalled([flaky, steady], policy=QUICK)  # returns: no SystemExit
    assert (flaky.runs, steady.runs) == (3, 1)


def test_a_component_that_keeps_crashing_makes_the_worker_exit_non_zero() -> None:
    always, steady = Flaky(crashes=1_000), Steady(crashes=0)
    with pytest.raises(SystemExit) as exited:
        run_until_signalled([always, steady], policy=QUICK)
    assert exited.value.code == 1
    assert always.runs == QUICK.limit + 1
    assert steady.runs == 1


def test_a_component_that_stops_of_its_own_accord_makes_the_worker_exit_non_zero() -> None:
    with pytest.raises(SystemExit) as exited:
        run_until_signalled([Quitter(crashes=0), Steady(crashes=0)], policy=QUICK)
    assert exited.value.code == 1


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_restarts_wait_longer_each_time_and_give_up_past_the_limit_within_the_window() -> None:
    clock = Clock()
    restarts = Restarts(RestartPolicy(limit=3, window=60.0, first_delay=1.0, ceiling=8.0), clock)
    pauses = []
    for _ in range(3):
        pauses.append(restarts.after_crash())
        clock.now += 1
    assert all(p is not None for p in pauses)
    assert 0.75 <= pauses[0] <= 1.25 and 3.0 <= pauses[2] <= 5.0  # type: ignore[operator]
    assert restarts.after_crash() is None


def test_crashes_older_than_the_window_are_forgiven() -> None:
    clock = Clock()
    restarts = Restarts(RestartPolicy(limit=2, window=60.0, first_delay=1.0, ceiling=8.0), clock)
    assert restarts.after_crash() is not None
    assert restarts.after_crash() is not None
    clock.now += 61
    pause = restarts.after_crash()
    assert pause is not None and pause <= 1.25  # the backoff starts over too
