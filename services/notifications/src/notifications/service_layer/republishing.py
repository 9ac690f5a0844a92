"""Republishing a consumed event for partners: redacted, into the public log and the webhooks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from association.events import Envelope
from notifications.adapters import subscription_records, volunteer_records, webhook_deliveries
from notifications.adapters.public_log import PublicEventLog
from notifications.domain.redaction import about_volunteer, erase_person, redact


def republish(session: Session, event: Envelope, *, public_log: PublicEventLog) -> None:
    """Append the redacted event to the public log and queue it for every subscriber to its type."""
    public = redact(event)
    volunteer_id = about_volunteer(event)
    if volunteer_id and volunteer_records.is_withdrawn(session, volunteer_id):
        public = public.with_payload(erase_person(public.payload))
    stored = public_log.append(session, public, volunteer_id)
    if stored is None or stored.sequence is None:
        return
    subscribers = subscription_records.subscribers_to(session, event.event_type)
    webhook_deliveries.queue_deliveries(session, stored.sequence, event.event_type, subscribers)
