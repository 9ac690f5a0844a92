"""The progress of long commands: one line rewritten in place on a terminal, log lines at an
interval of time or of items otherwise, each with count, rate and time left."""

from __future__ import annotations

import io
import logging

import pytest

from association.progress import Progress, counted


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_a_line_is_logged_every_interval_with_rate_and_time_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "association.progress")
    clock = Clock()
    with Progress("rebuilding", 400, terminal=False, interval=10, clock=clock) as progress:
        for _ in range(4):
            clock.now += 6
            progress.advance(100)
    assert [r.getMessage() for r in caplog.records] == [
        "rebuilding: 200/400 events (50%) [00:12<00:12, 16.67 events/s]",
        "rebuilding: 400/400 events (100%) [00:24<00:00, 16.67 events/s]",
    ]


def test_without_a_total_the_count_and_rate_are_logged_at_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "association.progress")
    clock = Clock()
    with Progress("reading", terminal=False, clock=clock) as progress:
        for page in counted([[1, 2], [3]], progress):
            clock.now += 1
            assert page
    assert [r.getMessage() for r in caplog.records] == ["reading: 3 events [00:02,  1.50 events/s]"]


def test_on_a_terminal_one_line_is_rewritten_in_place(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "association.progress")
    screen = io.StringIO()
    with Progress("seeding", 3, unit="requests", stream=screen, terminal=True) as progress:
        for _ in range(3):
            progress.advance()
    assert "\r" in screen.getvalue()
    assert "\n" not in screen.getvalue().rstrip("\n")
    assert "seeding: 100%" in screen.getvalue()
    assert "3/3" in screen.getvalue()
    assert caplog.records == []
