"""Handlers of registration's and teams' events, keyed by routing key for the shared consumer.

Each handler applies what the event changes here (contacts and the welcome, the erasure of a
withdrawn volunteer, team names and notices, hours with thanks and star levels, corrections of
hours and certificates, applications and cancelled activities), then republishes the event for
partners: redacted into the public log, and queued for the webhooks subscribed to its type. Events
that change nothing here are only republished; recruitment's application events are never
republished (`domain/public_events.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.handlers import Handler
from association.service import ServiceContext
from notifications.adapters.channels import outward_channels
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.public_log import PublicEventLog
from notifications.config import NotificationSettings
from notifications.domain.contacts import Contact
from notifications.domain.milestones import StarLevels
from notifications.domain.public_events import CONSUMED_PRIVATE, REPUBLISHED
from notifications.recruitment_handlers import recruitment_projections
from notifications.service_layer import teams, volunteers
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.republishing import republish

Projection = Callable[[Session, Envelope], None]


def _projections(
    notifier: Notifier, star_levels: StarLevels, public_log: PublicEventLog
) -> dict[str, Projection]:
    """What each event type changes here, by type (the same whichever producer sent it)."""

    def on_volunteer_registered(session: Session, event: Envelope) -> None:
        contact = Contact.from_registration(event.payload)
        volunteers.welcome(
            session,
            notifier,
            event.event_id,
            contact,
            event.aggregate_version,
            event.payload.get("organisation_id"),
        )

    def on_volunteer_profile_updated(session: Session, event: Envelope) -> None:
        volunteer_id = str(event.payload["volunteer_id"])
        volunteers.follow_profile_update(
            session, volunteer_id, event.payload, event.aggregate_version
        )

    def on_volunteer_withdrawn(session: Session, event: Envelope) -> None:
        payload = event.payload
        withdrawn_at = datetime.fromisoformat(payload["withdrawn_at"])
        volunteers.erase(session, public_log, str(payload["volunteer_id"]), withdrawn_at)

    def on_team_created(session: Session, event: Envelope) -> None:
        teams.remember_team(session, str(event.payload["team_id"]), event.payload["name"])

    def on_team_assigned(session: Session, event: Envelope) -> None:
        payload = event.payload
        teams.announce_assignment(
            session,
            notifier,
            event.event_id,
            str(payload["team_id"]),
            payload["team_name"],
            str(payload["volunteer_id"]),
            payload["role"],
        )

    def on_activity_completed(session: Session, event: Envelope) -> None:
        payload = event.payload
        teams.thank_attendees(
            session,
            notifier,
            star_levels,
            event.event_id,
            activity_id=str(payload["activity_id"]),
            team_id=str(payload["team_id"]),
            title=payload["title"],
            location=payload["location"],
            attendance=[
                (str(attendee["volunteer_id"]), Decimal(attendee["hours"]))
                for attendee in payload["attendance"]
            ],
        )

    def on_hours_corrected(session: Session, event: Envelope) -> None:
        payload = event.payload
        teams.correct_hours(
            session,
            notifier,
            star_levels,
            event.event_id,
            activity_id=str(payload["activity_id"]),
            title=payload["title"],
            volunteer_id=str(payload["volunteer_id"]),
            previous_hours=Decimal(payload["previous_hours"]),
            hours=Decimal(payload["hours"]),
            reason=payload["reason"],
        )

    def on_certificate_issued(session: Session, event: Envelope) -> None:
        payload = event.payload
        teams.announce_certificate(
            session,
            notifier,
            event.event_id,
            volunteer_id=str(payload["volunteer_id"]),
            number=payload["number"],
            total_hours=Decimal(payload["total_hours"]),
            activity_count=payload["activity_count"],
            period_from=_date_or_none(payload["period_from"]),
            period_to=_date_or_none(payload["period_to"]),
        )

    return {
        "VolunteerRegistered": on_volunteer_registered,
        "VolunteerProfileUpdated": on_volunteer_profile_updated,
        "VolunteerWithdrawn": on_volunteer_withdrawn,
        "TeamCreated": on_team_created,
        "TeamAssigned": on_team_assigned,
        "ActivityCompleted": on_activity_completed,
        "HoursCorrected": on_hours_corrected,
        "CertificateIssued": on_certificate_issued,
    }


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _republishing(projection: Projection | None, public_log: PublicEventLog) -> Handler:
    def handle(session: Session, event: Envelope) -> None:
        if projection is not None:
            projection(session, event)
        republish(session, event, public_log=public_log)

    return handle


def handlers(context: ServiceContext) -> dict[str, Handler]:
    """The handlers of the notifications worker's consumer, one per consumed routing key."""
    config: NotificationSettings = context.config
    public_log = PublicEventLog()
    channels = [
        channel.name for channel in outward_channels(context.settings.smtp_url, config.sms_gateway)
    ]
    notifier = Notifier(MessageComposer(config.language), channels)
    projections = _projections(notifier, StarLevels(config.star_thresholds), public_log)
    projections |= recruitment_projections(notifier)
    republishing = {
        f"{producer}.{event_type}": _republishing(projections.get(event_type), public_log)
        for producer, event_types in REPUBLISHED.items()
        for event_type in event_types
    }
    private = {
        f"{producer}.{event_type}": projections[event_type]
        for producer, event_types in CONSUMED_PRIVATE.items()
        for event_type in event_types
    }
    return republishing | private
