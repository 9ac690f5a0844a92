"""Volunteers from the event store, and new events into the projections and the store at once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from association.events import Envelope
from association.store import EventStore
from registration.adapters.codec import from_envelope, to_envelope
from registration.adapters.projections import RegistrationProjection
from registration.adapters.read_models import volunteer_active
from registration.domain.events import DomainEvent
from registration.domain.volunteer import Volunteer


def load_volunteer(session: Session, store: EventStore, volunteer_id: str) -> Volunteer | None:
    """The active volunteer rebuilt from the store, None when there is no such active one."""
    if not volunteer_active(session, volunteer_id):
        return None
    events = [from_envelope(e) for e in store.load(session, volunteer_id, upcast=False)]
    return Volunteer.from_events(volunteer_id, events)


def record(
    session: Session,
    store: EventStore,
    projection: RegistrationProjection,
    event: DomainEvent,
    version: int,
) -> Envelope:
    """Project the event (claims of phones and ID numbers first), then append it: the append
    comes last, as the store requires."""
    projection.apply(session, event, version)
    [envelope] = store.append(session, [to_envelope(event, version)])
    return envelope
