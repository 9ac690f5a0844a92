"""The service's own domain events: the life of a partner's webhook subscription.

They stay in this service (recorded without publishing) and are served by `GET /events`. The
signing secret is never in them: the log is readable with the `events:read` scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class SubscriptionEvent:
    """Something that happened to one subscription: the aggregate of the event."""

    subscription_id: UUID


@dataclass(frozen=True)
class SubscriptionCreated(SubscriptionEvent):
    owner: str
    url: str
    event_types: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class SubscriptionPaused(SubscriptionEvent):
    reason: str
    consecutive_failures: int
    paused_at: datetime


@dataclass(frozen=True)
class SubscriptionResumed(SubscriptionEvent):
    resumed_at: datetime


@dataclass(frozen=True)
class SubscriptionCancelled(SubscriptionEvent):
    cancelled_at: datetime
