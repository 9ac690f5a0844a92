"""What a relay publishes and how: the outbox it reads, the AMQP properties of an event message."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

import pika
from sqlalchemy.orm import Session

from association.events import Envelope


class Outbox(Protocol):
    """Where a relay finds what to publish: the event store, or another table of envelopes."""

    def unpublished(self, session: Session, after: int, limit: int) -> list[Envelope]: ...

    def mark_published(self, session: Session, sequences: Sequence[int]) -> None: ...


def message_properties(event: Envelope) -> pika.BasicProperties:
    """The AMQP properties every event message carries: persistent JSON, its id, type and origin."""
    return pika.BasicProperties(
        message_id=event.event_id,
        type=event.event_type,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,
        app_id=event.producer,
        correlation_id=event.correlation_id,
        timestamp=int(time.time()),
    )
