"""Reading and writing the notifications written to volunteers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from association.statements import insert_new
from notifications.adapters.database import utcnow
from notifications.adapters.message_deliveries import PENDING, WAITING
from notifications.adapters.volunteer_tables import (
    contacts_table,
    message_deliveries_table,
    notifications_table,
    sealed_contacts_table,
)
from notifications.domain.messages import RenderedMessage

_n = notifications_table.c
_d = message_deliveries_table.c

_QUEUE_DELIVERIES = insert(message_deliveries_table)  # built once, run with a row per channel


def add_notification(
    session: Session,
    *,
    event_id: str,
    volunteer_id: str,
    kind: str,
    message: RenderedMessage,
    channels: Sequence[str],
) -> bool:
    """Store a notification and queue it on `channels`; False when it exists already.

    The unique (event, recipient, kind) constraint decides: a duplicate is skipped, not an error.
    """
    notification_id = str(uuid.uuid4())
    now = utcnow()
    row = {
        "notification_id": notification_id,
        "event_id": event_id,
        "volunteer_id": volunteer_id,
        "kind": kind,
        "language": message.language,
        "subject": message.subject,
        "body": message.body,
        "created_at": now,
    }
    if not insert_new(session, notifications_table, [row], ["event_id", "volunteer_id", "kind"]):
        return False
    deliveries = [
        {
            "notification_id": notification_id,
            "channel": channel,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        }
        for channel in channels
    ]
    if deliveries:
        session.execute(_QUEUE_DELIVERIES, deliveries)
    return True


def knows_volunteer(session: Session, volunteer_id: str) -> bool:
    """Whether the volunteer has a contact or any notification here."""
    for column in (
        sealed_contacts_table.c.volunteer_id,
        contacts_table.c.volunteer_id,
        _n.volunteer_id,
    ):
        if session.execute(select(column).where(column == volunteer_id).limit(1)).first():
            return True
    return False


def notifications_of(
    session: Session, volunteer_id: str, after: int, limit: int
) -> list[dict[str, Any]]:
    """The volunteer's notifications after `after` (a position), oldest first, with channels."""
    rows = session.execute(
        select(notifications_table)
        .where(_n.volunteer_id == volunteer_id, _n.position > after)
        .order_by(_n.position)
        .limit(limit)
    ).mappings()
    found = [dict(row) for row in rows]
    channels: dict[str, list[dict[str, Any]]] = {n["notification_id"]: [] for n in found}
    if found:
        for delivery in session.execute(
            select(message_deliveries_table)
            .where(_d.notification_id.in_(list(channels)))
            .order_by(_d.channel)
        ).mappings():
            channels[delivery["notification_id"]].append(_delivery_view(delivery))
    for notification in found:
        notification["channels"] = channels[notification["notification_id"]]
    return found


def _delivery_view(row: Any) -> dict[str, Any]:
    return {
        "channel": row["channel"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": row["next_attempt_at"] if row["status"] in WAITING else None,
        "last_error": row["last_error"],
        "sent_at": row["sent_at"],
    }


def erase_notifications(session: Session, volunteer_id: str) -> None:
    """Delete every notification to the volunteer, with its deliveries."""
    ids = select(_n.notification_id).where(_n.volunteer_id == volunteer_id)
    session.execute(delete(message_deliveries_table).where(_d.notification_id.in_(ids)))
    session.execute(delete(notifications_table).where(_n.volunteer_id == volunteer_id))
