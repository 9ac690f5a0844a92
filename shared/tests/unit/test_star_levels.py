"""Star thresholds: the one rule by which teams and notifications read `STAR_THRESHOLDS`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from association.star_levels import (
    DEFAULT_STAR_THRESHOLDS,
    parse_star_thresholds,
    star_thresholds_from_env,
)


def test_the_default_is_one_to_five_stars_at_100_300_600_1000_1500_hours() -> None:
    assert star_thresholds_from_env({}) == tuple(Decimal(h) for h in (100, 300, 600, 1000, 1500))
    assert star_thresholds_from_env({"STAR_THRESHOLDS": ""}) == DEFAULT_STAR_THRESHOLDS


def test_five_ascending_hours_with_decimals_and_spaces_are_read() -> None:
    assert parse_star_thresholds(" 1.5, 2,3 ,4,5") == tuple(
        Decimal(h) for h in ("1.5", "2", "3", "4", "5")
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-5",
        "50,150",
        "100,300,600,1000",
        "100,300,600,1000,1500,2000",
        "0,1,2,3,4",
        "1,1,2,3,4",
        "5,4,3,2,1",
        "a,b,c,d,e",
        "100,abc,600,1000,1500",
        "1,2,3,4,inf",
        "1,2,3,4,nan",
    ],
)
def test_anything_but_five_positive_increasing_hours_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_star_thresholds(text)


def test_a_refused_setting_names_the_variable() -> None:
    with pytest.raises(ValueError, match="STAR_THRESHOLDS"):
        star_thresholds_from_env({"STAR_THRESHOLDS": "100,50,600,1000,1500"})
