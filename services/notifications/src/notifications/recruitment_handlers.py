"""Projections of teams' recruitment events: applications decided or cancelled, activities
cancelled (see service_layer/recruitment.py). The application events are private: their handlers
do not republish them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from association.events import Envelope
from notifications.adapters.recruitment_records import Application
from notifications.adapters.recruitment_tables import ACCEPTED, WAITLISTED
from notifications.service_layer import recruitment
from notifications.service_layer.notifier import Notifier

Projection = Callable[[Session, Envelope], None]


def _application(event: Envelope, status: str) -> Application:
    payload = event.payload
    return Application(
        activity_id=str(payload["activity_id"]),
        volunteer_id=str(payload["volunteer_id"]),
        status=status,
        version=event.aggregate_version,
        title=payload["title"],
        location=payload["location"],
        starts_at=_instant(payload["starts_at"]),
    )


def _instant(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def recruitment_projections(notifier: Notifier) -> dict[str, Projection]:
    """What each recruitment event type changes here, by type."""

    def on_accepted(session: Session, event: Envelope) -> None:
        application = _application(event, ACCEPTED)
        at = _instant(event.payload["accepted_at"])
        recruitment.accept(session, notifier, event.event_id, application, at)

    def on_promoted(session: Session, event: Envelope) -> None:
        application = _application(event, ACCEPTED)
        at = _instant(event.payload["promoted_at"])
        recruitment.promote(session, notifier, event.event_id, application, at)

    def on_waitlisted(session: Session, event: Envelope) -> None:
        application = _application(event, WAITLISTED)
        position = event.payload["position"]
        recruitment.waitlist(session, notifier, event.event_id, application, position)

    def on_application_cancelled(session: Session, event: Envelope) -> None:
        payload = event.payload
        recruitment.cancel_application(
            session,
            str(payload["activity_id"]),
            str(payload["volunteer_id"]),
            event.aggregate_version,
            _instant(payload["cancelled_at"]),
        )

    def on_activity_cancelled(session: Session, event: Envelope) -> None:
        payload = event.payload
        recruitment.cancel_activity(
            session,
            notifier,
            event.event_id,
            str(payload["activity_id"]),
            payload["reason"],
            _instant(payload["cancelled_at"]),
        )

    return {
        "ApplicationAccepted": on_accepted,
        "ApplicationPromoted": on_promoted,
        "ApplicationWaitlisted": on_waitlisted,
        "ApplicationCancelled": on_application_cancelled,
        "ActivityCancelled": on_activity_cancelled,
    }
