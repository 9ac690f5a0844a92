"""What registration's events change here: the contact projection, the welcome, the erasure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from association.db import checkpoint_after_commit
from notifications.adapters import recruitment_records, volunteer_records
from notifications.adapters.notification_records import erase_notifications
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.volunteer_organisations import (
    follow_organisation,
    forget_organisation,
)
from notifications.domain import messages
from notifications.domain.contacts import CONTACT_FIELDS, Contact
from notifications.service_layer.notifier import Notifier


class VolunteerEventOutOfOrder(Exception):
    """A change of a contact arrived before the sign-up it changes; retry it later."""


def welcome(
    session: Session,
    notifier: Notifier,
    event_id: str,
    contact: Contact,
    version: int,
    organisation_id: Any = None,
) -> None:
    """Keep the new volunteer's contact and organisation (as of their `version`) and welcome
    them."""
    if volunteer_records.is_withdrawn(session, contact.volunteer_id):
        return
    follow_organisation(session, contact.volunteer_id, organisation_id, version)
    versions = dict.fromkeys(CONTACT_FIELDS, version)
    volunteer_records.save_contact(session, contact, versions)
    notifier.notify_contact(session, event_id, contact, messages.welcome())


def follow_profile_update(
    session: Session, volunteer_id: str, changes: Mapping[str, Any], version: int
) -> None:
    """Follow a change of name or e-mail address, in whatever order the changes arrive.

    Each field keeps the value of the latest event (by the volunteer's version) that set it, so a
    late or repeated change passes over a field a later one set. A change of either before the
    sign-up raises VolunteerEventOutOfOrder, so that the consumer hands it back until the sign-up
    has arrived. Changes of other fields concern no contact here.
    """
    changed = [field for field in CONTACT_FIELDS if field in changes]
    moved = "organisation_id" in changes
    if not (changed or moved) or volunteer_records.is_withdrawn(session, volunteer_id):
        return
    if moved:  # the organisation, too, keeps the value of the latest event that set it
        follow_organisation(session, volunteer_id, changes["organisation_id"], version)
    if not changed:
        return
    contact = volunteer_records.contact_of(session, volunteer_id)
    if contact is None:
        raise VolunteerEventOutOfOrder(f"volunteer {volunteer_id}: a change before the sign-up")
    versions = volunteer_records.contact_versions(session, volunteer_id)
    newer = {f: changes[f] for f in changed if versions[f] < version}
    if newer:
        versions |= dict.fromkeys(newer, version)
        volunteer_records.save_contact(session, contact.updated(newer), versions)


def erase(
    session: Session, public_log: PublicEventLog, volunteer_id: str, withdrawn_at: datetime
) -> None:
    """Erase everything about the volunteer here (their contact's key first), and their data
    from the public log; once the transaction commits, the database keeps no older copy."""
    erase_notifications(session, volunteer_id)
    recruitment_records.forget_volunteer(session, volunteer_id)
    volunteer_records.erase_volunteer(session, volunteer_id, withdrawn_at)
    forget_organisation(session, volunteer_id)
    public_log.erase_volunteer(session, volunteer_id)
    checkpoint_after_commit(session)
