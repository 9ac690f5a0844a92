"""Handlers of registration's volunteer events, keyed by routing key for the shared consumer.

The consumer already drops redelivered events by event id; the handlers also order each
volunteer's events by aggregate version (see teams.service_layer.volunteers): a stale or repeated
version changes nothing, and an event from beyond a gap raises so that it is retried later.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.consumer import Handler
from association.store import EventStore
from teams.domain.volunteer import KnownVolunteer
from teams.service_layer.volunteers import (
    record_profile_update,
    record_registration,
    record_withdrawal,
)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def on_volunteer_registered(session: Session, event: Envelope) -> None:
    """Learn the volunteer's display name, street and skills (no phone, no ID number)."""
    payload = event.payload
    volunteer = KnownVolunteer(
        UUID(payload["volunteer_id"]),
        payload["name"],
        payload["street"],
        tuple(payload["skills"]),
        True,
        event.aggregate_version,
    )
    record_registration(session, volunteer, _at(payload["registered_at"]))


def on_volunteer_profile_updated(session: Session, event: Envelope) -> None:
    """Apply the changed name, street or skills."""
    payload = event.payload
    record_profile_update(
        session,
        UUID(payload["volunteer_id"]),
        event.aggregate_version,
        payload,
        _at(payload["updated_at"]),
    )


def volunteer_handlers(store: EventStore) -> dict[str, Handler]:
    """The handlers of the teams worker's consumer."""

    def on_volunteer_withdrawn(session: Session, event: Envelope) -> None:
        """Forget the person and take them out of their teams (TeamMemberRemoved, withdrawn)."""
        payload = event.payload
        record_withdrawal(
            session,
            store,
            UUID(payload["volunteer_id"]),
            event.aggregate_version,
            _at(payload["withdrawn_at"]),
            causation_id=event.event_id,
        )

    return {
        "registration.VolunteerRegistered": on_volunteer_registered,
        "registration.VolunteerProfileUpdated": on_volunteer_profile_updated,
        "registration.VolunteerWithdrawn": on_volunteer_withdrawn,
    }
