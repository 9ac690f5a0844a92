"""Star levels (星级志愿者): which levels a new running total reaches, and hours as text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from association.star_levels import parse_star_thresholds
from notifications.domain.milestones import StarLevels, hours_text


def test_the_default_thresholds_are_those_of_the_contract() -> None:
    levels = StarLevels()
    assert [levels.level_for(Decimal(h)) for h in (0, 99.99, 100, 299, 300, 600, 1000, 1500)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        5,
    ]


def test_a_level_is_reached_when_the_total_meets_its_threshold_exactly() -> None:
    assert StarLevels().newly_reached(0, Decimal("100.00")) == [1]


def test_one_activity_can_reach_several_levels_at_once() -> None:
    assert StarLevels().newly_reached(0, Decimal("350")) == [1, 2]


def test_levels_told_before_are_not_reached_again() -> None:
    levels = StarLevels()
    assert levels.newly_reached(2, Decimal("350")) == []
    assert levels.newly_reached(2, Decimal("600")) == [3]


def test_thresholds_are_configurable() -> None:
    levels = StarLevels(parse_star_thresholds("10, 20.5, 30, 40, 50"))
    assert levels.newly_reached(0, Decimal("25")) == [1, 2]
    assert levels.threshold_of(2) == Decimal("20.5")


@pytest.mark.parametrize("text", ["", "100,abc", "300,100", "0,100", "-5", "10,20.5"])
def test_bad_thresholds_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_star_thresholds(text)


@pytest.mark.parametrize(
    ("hours", "text"),
    [("2.50", "2.5"), ("3.00", "3"), ("0.25", "0.25"), ("100", "100"), ("1E+2", "100")],
)
def test_hours_are_written_without_trailing_zeros(hours: str, text: str) -> None:
    assert hours_text(Decimal(hours)) == text
