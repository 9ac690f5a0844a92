"""Handlers of registration's volunteer events, keyed by routing key for the shared consumer.

The consumer already drops redelivered events by event id; the handlers also order each
volunteer's events by aggregate version (see teams.domain.volunteer): a stale or repeated version
changes nothing, and an event from beyond a gap raises so that it is retried later.
Registrations and profile updates are handled a run at a time (one event being a run of one),
for the consumer to apply a run of them with one read and one write of the volunteers table; a
withdrawal, which rewrites the person's teams through the event store, is applied one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.handlers import Handler, RunHandler
from association.store import EventStore
from teams.domain.volunteer import KnownVolunteer, profile_update, registration
from teams.service_layer.volunteers import record_volunteer_events, record_withdrawal


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _organisation(value: object) -> str | None:
    return None if value is None else str(value)


def on_volunteers_registered(session: Session, events: Sequence[Envelope]) -> None:
    """Learn the volunteers' display names, streets, skills and organisations, whether they are
    minors and their masked ID numbers (version 2; version 1 is read as unknown); no phone, no
    full ID number."""
    record_volunteer_events(
        session,
        [
            registration(
                KnownVolunteer(
                    UUID(event.payload["volunteer_id"]),
                    event.payload["name"],
                    event.payload["street"],
                    tuple(event.payload["skills"]),
                    True,
                    event.aggregate_version,
                    _organisation(event.payload["organisation_id"]),
                    event.payload.get("id_number_masked"),
                    event.payload.get("minor"),
                ),
                _at(event.payload["registered_at"]),
            )
            for event in events
        ],
    )


def on_volunteer_profiles_updated(session: Session, events: Sequence[Envelope]) -> None:
    """Apply the changed names, streets, skills or organisations."""
    record_volunteer_events(
        session,
        [
            profile_update(
                UUID(event.payload["volunteer_id"]),
                event.aggregate_version,
                event.payload,
                _at(event.payload["updated_at"]),
            )
            for event in events
        ],
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
        "registration.VolunteerRegistered": RunHandler(on_volunteers_registered),
        "registration.VolunteerProfileUpdated": RunHandler(on_volunteer_profiles_updated),
        "registration.VolunteerWithdrawn": on_volunteer_withdrawn,
    }
