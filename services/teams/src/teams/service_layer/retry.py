"""Run a command again from a fresh read when another writer appended to its aggregate first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from association.store import ConcurrencyError

T = TypeVar("T")

MAX_ATTEMPTS = 5


def with_retries(session: Session, command: Callable[[], T], attempts: int = MAX_ATTEMPTS) -> T:
    """Run `command` in a savepoint; on ConcurrencyError roll it back and run it again.

    The command reloads its aggregate each time, so a retry decides on the state the other writer
    left (e.g. a team that has just become full). After `attempts` the error propagates (409).
    """
    for attempt in range(1, attempts + 1):
        try:
            with session.begin_nested():
                return command()
        except ConcurrencyError:
            if attempt == attempts:
                raise
    raise AssertionError("attempts must be at least 1")
