"""Writing one message to one volunteer, once, and queueing it on the outward channels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from notifications.adapters import volunteer_records
from notifications.adapters.notification_records import add_notification
from notifications.domain.contacts import Contact
from notifications.domain.messages import Message, RenderedMessage

EMAIL, SMS = "email", "sms"


class Composer(Protocol):
    """Writes a message out for a recipient (MessageComposer, or a fake in a unit test)."""

    def render(self, message: Message, recipient_name: str | None) -> RenderedMessage: ...


class Notifier:
    """Stores a message per (event, volunteer, kind) and queues it on `channels`.

    Nothing is written for a withdrawn volunteer; e-mail and SMS are queued only for a known
    address or phone.
    """

    def __init__(self, composer: Composer, channels: Sequence[str]) -> None:
        self.composer = composer
        self.channels = tuple(channels)

    def notify(self, session: Session, event_id: str, volunteer_id: str, message: Message) -> bool:
        """Write the message; False when the volunteer withdrew or it was written before."""
        if volunteer_records.is_withdrawn(session, volunteer_id):
            return False
        contact = volunteer_records.contact_of(session, volunteer_id)
        return self._write(session, event_id, volunteer_id, contact, message)

    def notify_contact(
        self, session: Session, event_id: str, contact: Contact, message: Message
    ) -> bool:
        """Write the message to a contact saved in this transaction; False when written before.

        For the handler that has just checked the volunteer is not withdrawn and stored this very
        contact: asking the database again for either would tell it nothing new.
        """
        return self._write(session, event_id, contact.volunteer_id, contact, message)

    def _write(
        self,
        session: Session,
        event_id: str,
        volunteer_id: str,
        contact: Contact | None,
        message: Message,
    ) -> bool:
        rendered = self.composer.render(message, contact.name if contact else None)
        has_email = contact is not None and bool(contact.email)
        has_phone = contact is not None and bool(contact.phone)
        channels = [
            c for c in self.channels if (c != EMAIL or has_email) and (c != SMS or has_phone)
        ]
        return add_notification(
            session,
            event_id=event_id,
            volunteer_id=volunteer_id,
            kind=message.kind,
            message=rendered,
            channels=channels,
        )
