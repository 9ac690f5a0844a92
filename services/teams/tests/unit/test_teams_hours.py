"""Service hours: exact decimal sums, the hour rules, star levels and their thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from association.service_hours import hours_problems, length_in_hours
from teams.domain.hours import (
    ServiceHours,
    StarThresholds,
    from_hundredths,
    star_label,
    to_hundredths,
)

DEFAULT = StarThresholds.parse("100,300,600,1000,1500")
credits = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("24"), places=2)


def test_point_one_plus_point_two_is_point_three() -> None:
    ledger = ServiceHours().credit(Decimal("0.1")).credit(Decimal("0.2"))
    assert ledger.total == Decimal("0.3")
    assert str(ledger.total) == "0.30"
    assert ledger.activity_count == 2


@given(st.lists(credits, max_size=200))
def test_the_ledger_total_is_the_exact_sum_in_any_order(hours: list[Decimal]) -> None:
    ledger = ServiceHours.of(hours)
    assert ledger.total == sum(hours, Decimal(0))
    assert ServiceHours.of(reversed(hours)) == ledger
    assert ledger.activity_count == len(hours)
    assert from_hundredths(sum(to_hundredths(h) for h in hours)) == ledger.total


@given(credits)
def test_hundredths_round_trip(hours: Decimal) -> None:
    assert from_hundredths(to_hundredths(hours)) == hours


@given(st.decimals(min_value=0, max_value=5000, places=2), st.decimals(min_value=0, max_value=50))
def test_star_levels_never_go_down_as_hours_grow(total: Decimal, more: Decimal) -> None:
    assert DEFAULT.level(total) <= DEFAULT.level(total + more)


@given(st.decimals(min_value=0, max_value=5000, places=2))
def test_the_star_level_counts_the_thresholds_reached(total: Decimal) -> None:
    level = DEFAULT.level(total)
    assert level == len([t for t in (100, 300, 600, 1000, 1500) if total >= t])
    following = DEFAULT.next_threshold(total)
    assert (following is None) == (level == 5)
    if following is not None:
        assert total < following


@pytest.mark.parametrize(
    ("total", "level", "label"),
    [
        ("0", 0, None),
        ("99.99", 0, None),
        ("100", 1, "一星志愿者"),
        ("299.99", 1, "一星志愿者"),
        ("300", 2, "二星志愿者"),
        ("600", 3, "三星志愿者"),
        ("1000", 4, "四星志愿者"),
        ("1500", 5, "五星志愿者"),
        ("99999", 5, "五星志愿者"),
    ],
)
def test_default_thresholds(total: str, level: int, label: str | None) -> None:
    assert DEFAULT.level(Decimal(total)) == level
    assert star_label(level) == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "100,300",
        "100,300,600,1000,1500,2000",
        "0,1,2,3,4",
        "1,1,2,3,4",
        "a,b,c,d,e",
        "1,2,3,4,inf",
        "5,4,3,2,1",
    ],
)
def test_bad_thresholds_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        StarThresholds.parse(text)


def test_thresholds_accept_decimals_and_spaces() -> None:
    assert StarThresholds.parse(" 1.5, 2,3 ,4,5").hours[0] == Decimal("1.5")


@pytest.mark.parametrize(
    ("hours", "problems"),
    [
        ("2", []),
        ("2.00", []),
        ("1.500", []),
        ("0.01", []),
        ("0", ["must be greater than 0"]),
        ("-0.5", ["must be greater than 0"]),
        ("0.001", ["must have at most two decimal places"]),
        ("2.01", ["must not exceed the activity's length of 2.00 hours"]),
        ("NaN", ["must be a number"]),
        (
            "1E+40",
            ["must be less than 10000", "must not exceed the activity's length of 2.00 hours"],
        ),
        ("Infinity", ["must be a number"]),
        ("-0", ["must be greater than 0"]),
    ],
)
def test_hours_rules(hours: str, problems: list[str]) -> None:
    assert hours_problems(Decimal(hours), Decimal(2)) == problems


def test_no_activity_length_lets_hours_reach_ten_thousand() -> None:
    """An activity of more than 10,000 hours could be planned; its hours stay below the bound."""
    assert hours_problems(Decimal("9999.99"), Decimal(20_000)) == []
    assert hours_problems(Decimal(10_000), Decimal(20_000)) == ["must be less than 10000"]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10, max_value=10))
def test_accepted_hours_are_positive_two_place_and_within_the_length(hours: Decimal) -> None:
    accepted = not hours_problems(hours, Decimal(8))
    assert accepted == (Decimal(0) < hours <= 8 and hours == hours.quantize(Decimal("0.01")))


def test_lengths_are_exact_across_midnight_and_offsets() -> None:
    start = datetime(2026, 1, 1, 23, 40, tzinfo=timezone(timedelta(hours=8)))
    end = datetime(2026, 1, 1, 16, 40, tzinfo=UTC)
    assert length_in_hours(start, end) == Decimal(1)
    third = length_in_hours(start, start + timedelta(minutes=20))
    assert hours_problems(Decimal("0.33"), third) == []
    assert hours_problems(Decimal("0.34"), third) != []
