"""Service hours and star levels (星级志愿者): which levels a new running total reaches."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from association.star_levels import DEFAULT_STAR_THRESHOLDS, checked_star_thresholds


class StarLevels:
    """The cumulative hours at which a volunteer earns one to five stars."""

    def __init__(self, thresholds: Sequence[Decimal] = DEFAULT_STAR_THRESHOLDS) -> None:
        self.thresholds = checked_star_thresholds([Decimal(t) for t in thresholds])

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
