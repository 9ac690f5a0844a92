"""How often a worker restarts a crashed component: with backoff, a bounded number of times.

A component that crashes is run again after a pause that doubles with each crash; once it has
crashed more than `limit` times within `window` seconds the worker gives up and exits non-zero,
so that its supervisor (honcho, compose, systemd) sees the failure and restarts the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from association.messaging.backoff import Backoff


@dataclass(frozen=True)
class RestartPolicy:
    """At most `limit` restarts within `window` seconds, the first after `first_delay` seconds."""

    limit: int = 5
    window: float = 300.0
    first_delay: float = 0.5
    ceiling: float = 30.0


class Restarts:
    """The crashes of one component: the pause before its next start, or None to give up."""

    def __init__(self, policy: RestartPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self._backoff = Backoff(policy.first_delay, policy.ceiling)
        self._crashes: list[float] = []

    def after_crash(self) -> float | None:
        """Note a crash; the seconds to wait before running the component again, None when it
        crashed more than `limit` times within the window."""
        now = self.clock()
        self._crashes = [when for when in self._crashes if now - when < self.policy.window]
        if not self._crashes:  # a quiet window forgives the earlier crashes' growing pauses
            self._backoff = Backoff(self.policy.first_delay, self.policy.ceiling)
        self._crashes.append(now)
        if len(self._crashes) > self.policy.limit:
            return None
        return self._backoff.next()
