"""Service hours and star levels (星级志愿者): which levels a new running total reaches."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from itertools import pairwise

DEFAULT_STAR_THRESHOLDS = tuple(Decimal(h) for h in (100, 300, 600, 1000, 1500))


def parse_thresholds(text: str) -> tuple[Decimal, ...]:
    """Thresholds from a comma-separated list of hours, e.g. "100,300,600,1000,1500"."""
    try:
        thresholds = tuple(Decimal(part.strip()) for part in text.split(","))
    except InvalidOperation as error:
        raise ValueError(
            f"STAR_THRESHOLDS must be numbers separated by commas: {text!r}"
        ) from error
    StarLevels(thresholds)  # validates
    return thresholds


class StarLevels:
    """The cumulative hours at which a volunteer earns 1, 2, ... stars."""

    def __init__(self, thresholds: Sequence[Decimal] = DEFAULT_STAR_THRESHOLDS) -> None:
        thresholds = tuple(Decimal(t) for t in thresholds)
        if not thresholds or any(t <= 0 for t in thresholds):
            raise ValueError("star thresholds must be positive hours")
        if any(b <= a for a, b in pairwise(thresholds)):
            raise ValueError("star thresholds must increase")
        self.thresholds = thresholds

    def level_for(self, total_hours: Decimal) -> int:
        """The number of stars `total_hours` earns (0 below the first threshold)."""
        return sum(1 for threshold in self.thresholds if total_hours >= threshold)

    def threshold_of(self, level: int) -> Decimal:
        """The hours needed for `level` stars."""
        return self.thresholds[level - 1]

    def newly_reached(self, level_before: int, total_hours: Decimal) -> list[int]:
        """The levels above `level_before` that `total_hours` reaches, lowest first."""
        return list(range(level_before + 1, self.level_for(total_hours) + 1))


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 2.5, 3, 0.25 (no trailing zeros, never an exponent)."""
    text = f"{hours.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
