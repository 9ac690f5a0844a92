"""Star levels (星级志愿者): the cumulative service hours at which a volunteer reaches one to five
stars, and the one rule by which `STAR_THRESHOLDS` is read wherever a service needs them.

The thresholds are five positive hours, strictly increasing; by default 100, 300, 600, 1000 and
1500 hours for one to five stars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from itertools import pairwise

STAR_THRESHOLDS_VARIABLE = "STAR_THRESHOLDS"
STAR_LEVELS = 5
DEFAULT_STAR_THRESHOLDS = tuple(Decimal(hours) for hours in (100, 300, 600, 1000, 1500))


def checked_star_thresholds(hours: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """`hours` as a tuple when they are five finite, positive, increasing hours; else ValueError."""
    thresholds = tuple(hours)
    if len(thresholds) != STAR_LEVELS:
        raise ValueError(f"star thresholds need {STAR_LEVELS} values, got {thresholds}")
    if not all(threshold.is_finite() for threshold in thresholds):
        raise ValueError(f"star thresholds must be finite numbers: {thresholds}")
    if thresholds[0] <= 0 or any(a >= b for a, b in pairwise(thresholds)):
        raise ValueError(f"star thresholds must be positive and increasing: {thresholds}")
    return thresholds


def parse_star_thresholds(text: str) -> tuple[Decimal, ...]:
    """Read comma-separated hours such as `100,300,600,1000,1500`; ValueError when invalid."""
    try:
        values = tuple(Decimal(part.strip()) for part in text.split(","))
    except InvalidOperation as error:
        raise ValueError(f"star thresholds must be numbers: {text!r}") from error
    return checked_star_thresholds(values)


def star_thresholds_from_env(environ: Mapping[str, str]) -> tuple[Decimal, ...]:
    """`STAR_THRESHOLDS` of `environ`, else the default; ValueError naming the variable."""
    text = environ.get(STAR_THRESHOLDS_VARIABLE)
    if not text:
        return DEFAULT_STAR_THRESHOLDS
    try:
        return parse_star_thresholds(text)
    except ValueError as error:
        raise ValueError(f"{STAR_THRESHOLDS_VARIABLE}: {error}") from error
