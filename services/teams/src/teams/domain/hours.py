"""Service hours: the per-volunteer ledger of exact decimal hours and star levels (星级志愿者).

What may be credited is the shared rule of `association.service_hours`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from association.service_hours import CENT
from association.star_levels import (
    DEFAULT_STAR_THRESHOLDS,
    checked_star_thresholds,
    parse_star_thresholds,
)
from teams.domain.vocabularies import STAR_LABELS

ZERO = Decimal("0.00")


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
