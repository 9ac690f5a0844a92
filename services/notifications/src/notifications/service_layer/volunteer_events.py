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

CONTACT_FIELDS = ("name", "email")


class VolunteerEventOutOfOrder(Exception):
    """A change of a contact arrived before the sign-up it changes; retry it later."""


def volunteer_registered(session: Session, event: Envelope, *, notifier: Notifier) -> None:
    """Keep the new volunteer's contact and welcome them."""
    contact = Contact.from_registration(event.payload)
    if volunteer_records.is_withdrawn(session, contact.volunteer_id):
        return
    versions = dict.fromkeys(CONTACT_FIELDS, event.aggregate_version)
    volunteer_records.save_contact(session, contact, versions)
    notifier.notify_contact(session, event.event_id, contact, messages.welcome())


def volunteer_profile_updated(session: Session, event: Envelope) -> None:
    """Follow a change of name or e-mail address, in whatever order the changes arrive.

    Each field keeps the value of the latest event (by the volunteer's version) that set it, so a
    late or repeated change passes over a field a later one set. A change of either before the
    sign-up raises VolunteerEventOutOfOrder, so that the consumer hands it back until the sign-up
    has arrived. Changes of other fields concern no contact here.
    """
    volunteer_id = str(event.payload["volunteer_id"])
    changed = [field for field in CONTACT_FIELDS if field in event.payload]
    if not changed or volunteer_records.is_withdrawn(session, volunteer_id):
        return
    contact = volunteer_records.contact_of(session, volunteer_id)
    if contact is None:
        raise VolunteerEventOutOfOrder(f"volunteer {volunteer_id}: a change before the sign-up")
    versions = volunteer_records.contact_versions(session, volunteer_id)
    newer = {f: event.payload[f] for f in changed if versions[f] < event.aggregate_version}
    if newer:
        versions |= dict.fromkeys(newer, event.aggregate_version)
        volunteer_records.save_contact(session, contact.updated(newer), versions)


def volunteer_withdrawn(session: Session, event: Envelope, *, public_log: PublicEventLog) -> None:
    """Erase everything about the volunteer here, and their data from the public log."""
    volunteer_id = str(event.payload["volunteer_id"])
    withdrawn_at = datetime.fromisoformat(event.payload["withdrawn_at"])
    erase_notifications(session, volunteer_id)
    volunteer_records.erase_volunteer(session, volunteer_id, withdrawn_at)
    public_log.erase_volunteer(session, volunteer_id)
