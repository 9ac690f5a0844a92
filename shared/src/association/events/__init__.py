"""Integration events: the envelope, the payload schemas (docs/contract.md) and their registry."""

from association.events.envelope import ActorSchema, Envelope, EnvelopeSchema, new_event
from association.events.registry import EventRegistry, InvalidEvent, default_registry

__all__ = [
    "ActorSchema",
    "Envelope",
    "EnvelopeSchema",
    "EventRegistry",
    "InvalidEvent",
    "default_registry",
    "new_event",
]
