"""Handlers of registration's events: the contact projection, the welcome, the erasure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from association.events import Envelope
from notifications.adapters import volunteer_records
from notifications.adapters.notification_records import erase_notifications
from notifications.adapters.public_log import PublicEventLog
from notifications.domain import messages
from notifications.domain.contacts import Contact
from notifications.service_layer.notifier import Notifier


def volunteer_registered(session: Session, event: Envelope, *, notifier: Notifier) -> None:
    """Keep the new volunteer's contact and welcome them."""
    contact = Contact.from_registration(event.payload)
    if volunteer_records.is_withdrawn(session, contact.volunteer_id):
        return
    volunteer_records.save_contact(session, contact)
    notifier.notify(session, event.event_id, contact.volunteer_id, messages.welcome())


def volunteer_profile_updated(session: Session, event: Envelope) -> None:
    """Follow a change of name or e-mail address."""
    volunteer_id = str(event.payload["volunteer_id"])
    contact = volunteer_records.contact_of(session, volunteer_id)
    if contact is not None:
        volunteer_records.save_contact(session, contact.updated(event.payload))


def volunteer_withdrawn(session: Session, event: Envelope, *, public_log: PublicEventLog) -> None:
    """Erase everything about the volunteer here, and their data from the public log."""
    volunteer_id = str(event.payload["volunteer_id"])
    withdrawn_at = datetime.fromisoformat(event.payload["withdrawn_at"])
    erase_notifications(session, volunteer_id)
    volunteer_records.erase_volunteer(session, volunteer_id, withdrawn_at)
    public_log.erase_volunteer(session, volunteer_id)
