"""Exponential backoff with jitter for reconnecting to the broker or the database."""

from __future__ import annotations

import random


class Backoff:
    """Delays of 0.2 s doubling up to `ceiling` seconds, each with ±25 % jitter."""

    def __init__(self, first: float = 0.2, ceiling: float = 15.0) -> None:
        self.first = first
        self.ceiling = ceiling
        self._current = first

    def next(self) -> float:
        delay = self._current * random.uniform(0.75, 1.25)
        self._current = min(self._current * 2, self.ceiling)
        return delay

    def reset(self) -> float:
        """Forget past failures; returns the first delay."""
        self._current = self.first
        return self.next()
