"""Names and declarations of the exchanges and queues DESIGN.md fixes, with an optional prefix.

The prefix (`AMQP_PREFIX`) lets a test run or a second stack share one broker without ever seeing
another's messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVENTS_EXCHANGE = "association.events"
PUBLIC_EXCHANGE = "association.public"
PUBLIC_STREAM_QUEUE = "association.public.stream"


@dataclass(frozen=True)
class Topology:
    """The broker names one service uses."""

    service: str
    prefix: str = ""
    max_delivery_attempts: int = 5

    @property
    def events_exchange(self) -> str:
        return self.prefix + EVENTS_EXCHANGE

    @property
    def public_exchange(self) -> str:
        return self.prefix + PUBLIC_EXCHANGE

    @property
    def public_stream_queue(self) -> str:
        return self.prefix + PUBLIC_STREAM_QUEUE

    @property
    def inbox_queue(self) -> str:
        return f"{self.prefix}{self.service}.inbox"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.prefix}{self.service}.dead"

    def lock_queue(self, name: str = "relay") -> str:
        """The exclusive queue whose holder is the one `name` process of this service."""
        return f"{self.prefix}{self.service}.{name}-lock"

    def inbox_arguments(self) -> dict[str, Any]:
        """A quorum queue that dead-letters (at least once) after the last allowed attempt."""
        return {
            "x-queue-type": "quorum",
            # The broker dead-letters once a message was returned more than this many times.
            "x-delivery-limit": self.max_delivery_attempts - 1,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": self.dead_letter_queue,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    @staticmethod
    def dead_letter_arguments() -> dict[str, Any]:
        return {"x-queue-type": "quorum"}
