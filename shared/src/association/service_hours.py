"""Service hours: the one rule for the hours an attendee may be credited, wherever hours are
recorded (teams' API and domain) or read (every consumer of ActivityCompleted).

Hours are exact decimals: finite, greater than 0, with at most two decimal places (trailing
zeros do not count), less than `MAX_HOURS`, and at most the activity's length where it is known.
The upper bound keeps every accepted number writable with two places.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

MAX_HOURS = Decimal(10_000)  # exclusive: no activity lasts 417 days
CENT = Decimal("0.01")
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


def hours_problems(hours: Decimal, limit: Decimal | None = None) -> list[str]:
    """What is wrong with crediting `hours` (for an activity `limit` hours long, when given)."""
    if not hours.is_finite():
        return ["must be a number"]
    problems = []
    if hours <= 0:
        problems.append("must be greater than 0")
    if decimal_places(hours) > 2:
        problems.append("must have at most two decimal places")
    if hours >= MAX_HOURS:
        problems.append(f"must be less than {MAX_HOURS}")
    if limit is not None and hours > limit:
        problems.append(f"must not exceed the activity's length of {limit.quantize(CENT)} hours")
    return problems


def decimal_places(number: Decimal) -> int:
    """How many decimal places a finite number needs (trailing zeros do not count), exactly."""
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and kept and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return max(0, -exponent)


def length_in_hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    """The exact length of a period in hours (aware datetimes, so midnight and offsets are fine)."""
    return Decimal((ends_at - starts_at) // timedelta(microseconds=1)) / _MICROSECONDS_PER_HOUR
