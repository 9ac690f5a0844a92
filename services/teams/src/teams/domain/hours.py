"""Service hours: exact decimal hours, the per-volunteer ledger and star levels (星级志愿者)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from association.star_levels import (
    DEFAULT_STAR_THRESHOLDS,
    checked_star_thresholds,
    parse_star_thresholds,
)
from teams.domain.vocabularies import STAR_LABELS

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


def length_in_hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    """The exact length of a period in hours (aware datetimes, so midnight and offsets are fine)."""
    return Decimal((ends_at - starts_at) // timedelta(microseconds=1)) / _MICROSECONDS_PER_HOUR


def hours_problems(hours: Decimal, limit: Decimal) -> list[str]:
    """What is wrong with crediting `hours` for an activity `limit` hours long (empty when fine)."""
    if not hours.is_finite():
        return ["must be a number"]
    problems = []
    if hours <= 0:
        problems.append("must be greater than 0")
    if decimal_places(hours) > 2:
        problems.append("must have at most two decimal places")
    if hours > limit:
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


def to_hundredths(hours: Decimal) -> int:
    """Hours as an integer number of hundredths, the exact form the database keeps."""
    return int(hours.quantize(CENT) * 100)


def from_hundredths(hundredths: int) -> Decimal:
    """Hundredths of an hour back to hours with two decimal places."""
    return (Decimal(hundredths) / 100).quantize(CENT)


@dataclass(frozen=True)
class ServiceHours:
    """A volunteer's ledger: total hours and how many completed activities they come from."""

    total: Decimal = ZERO
    activity_count: int = 0

    def credit(self, hours: Decimal) -> ServiceHours:
        """The ledger after one more completed activity worth `hours`."""
        return ServiceHours((self.total + hours).quantize(CENT), self.activity_count + 1)

    @classmethod
    def of(cls, credits: Iterable[Decimal]) -> ServiceHours:
        """The ledger of a series of credits (the hours of each completed activity)."""
        ledger = cls()
        for hours in credits:
            ledger = ledger.credit(hours)
        return ledger


@dataclass(frozen=True)
class StarThresholds:
    """Cumulative hours at which a volunteer reaches one to five stars, strictly increasing."""

    hours: tuple[Decimal, ...] = DEFAULT_STAR_THRESHOLDS

    def __post_init__(self) -> None:
        checked_star_thresholds(self.hours)

    @classmethod
    def parse(cls, text: str) -> StarThresholds:
        """Read comma-separated hours such as `100,300,600,1000,1500`; ValueError when invalid."""
        return cls(parse_star_thresholds(text))

    def level(self, total: Decimal) -> int:
        """The star level (0 to 5) of `total` cumulative hours."""
        return sum(1 for threshold in self.hours if total >= threshold)

    def next_threshold(self, total: Decimal) -> Decimal | None:
        """Hours needed in total for the next star, None at five stars."""
        level = self.level(total)
        return self.hours[level] if level < len(self.hours) else None


def star_label(level: int) -> str | None:
    """The Chinese title of a star level (None below one star)."""
    return STAR_LABELS[level - 1] if level > 0 else None
