"""When a failed delivery (e-mail or webhook) is tried again: exponential backoff with a ceiling."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """The first retry after `base` seconds, each next one twice as late, never over `ceiling`."""

    base: float = 2.0
    ceiling: float = 900.0

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after the `failed_attempts`-th failure in a row (1, 2, ...)."""
        exponent = min(max(failed_attempts - 1, 0), 60)
        return min(self.base * 2**exponent, self.ceiling)
