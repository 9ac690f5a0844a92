"""What this service knows of a volunteer, and how a volunteer's events are put in order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID


@dataclass(frozen=True)
class KnownVolunteer:
    """A volunteer as registration's events told us: no phone, no ID number."""

    volunteer_id: UUID
    name: str | None
    street: str | None
    skills: tuple[str, ...]
    active: bool
    version: int


class Ordering(Enum):
    APPLY = "apply"
    STALE = "stale"
    GAP = "gap"


def order_of(known_version: int | None, event_version: int) -> Ordering:
    """Whether a volunteer event is the next one, one already seen, or one from beyond a gap.

    `known_version` is the version of the last applied event, None before any.
    """
    expected = 1 if known_version is None else known_version + 1
    if event_version < expected:
        return Ordering.STALE
    return Ordering.APPLY if event_version == expected else Ordering.GAP
