"""The loop of a worker component that polls the database for work until it is stopped."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

from association.backends import is_outage
from association.db import Database
from association.messaging.backoff import Backoff

log = logging.getLogger(__name__)


class PollingLoop(ABC):
    """Calls `work_once` until stopped; waits `poll_interval` when idle, backs off on DB errors."""

    def __init__(self, database: Database, poll_interval: float) -> None:
        self.database = database
        self.poll_interval = poll_interval
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @abstractmethod
    def work_once(self) -> int:
        """Do one round of work; returns how much was done (0 when there was nothing to do)."""

    def run(self) -> None:
        """Work until `stop` is called; failures are logged and waited out, never fatal."""
        backoff = Backoff()
        while not self._stop.is_set():
            try:
                busy = self.work_once()
            except Exception as error:  # neither an outage nor a bug stops deliveries for good
                delay = backoff.next()
                if is_outage(error):
                    log.warning(
                        "%s: database unavailable (%s); retrying in %.1fs", self.name, error, delay
                    )
                else:  # a bug is logged loudly
                    log.exception("%s failed; retrying in %.1fs", self.name, delay)
                self._stop.wait(delay)
                continue
            backoff.reset()
            if not busy:
                self._stop.wait(self.poll_interval)
        self.finish()

    @property
    def name(self) -> str:
        return type(self).__name__

    def finish(self) -> None:  # noqa: B027 (an optional hook: most loops hold nothing)
        """Release what the loop holds once it stopped."""

    def stop(self) -> None:
        """Ask the loop to stop after the round in hand. Thread-safe."""
        self._stop.set()
