"""The delivery of notifications on each outward channel: status, leases, outcomes.

A delivery is `pending` until tried, `retrying` after a failure (tried again at
`next_attempt_at`), and ends `sent`, `failed` (refused, or out of attempts) or `skipped` (no way
out on that channel, e.g. no e-mail address).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, or_, select, tuple_, update
from sqlalchemy.orm import Session

from notifications.adapters.database import utcnow
from notifications.adapters.volunteer_records import contact_in, with_contact
from notifications.adapters.volunteer_tables import message_deliveries_table, notifications_table

PENDING, RETRYING, SENT, FAILED, SKIPPED = "pending", "retrying", "sent", "failed", "skipped"
WAITING = (PENDING, RETRYING)

_n = notifications_table.c
_d = message_deliveries_table.c


@dataclass(frozen=True)
class OutgoingMessage:
    """A notification as a channel sends it, with the recipient's current address."""

    notification_id: str
    volunteer_id: str
    kind: str
    subject: str
    body: str
    name: str | None
    email: str | None
    phone: str | None = None


def claim_due(
    session: Session, channels: Sequence[str], now: datetime, lease_until: datetime, limit: int
) -> list[tuple[str, str]]:
    """Lease up to `limit` deliveries that are due, so no other dispatcher sends them too.

    One UPDATE for the batch: the oldest due deliveries are picked by its subquery, and the
    conditions are checked again on each row as it is updated, so a row another dispatcher leased
    meanwhile is left out. Returned oldest first, as they were picked.
    """
    free = or_(_d.lease_until.is_(None), _d.lease_until < now)
    due = (_d.status.in_(WAITING), _d.next_attempt_at <= now, _d.channel.in_(list(channels)), free)
    oldest = (
        select(_d.notification_id, _d.channel).where(*due).order_by(_d.next_attempt_at).limit(limit)
    )
    taken = session.execute(
        update(message_deliveries_table)
        .where(tuple_(_d.notification_id, _d.channel).in_(oldest), *due)
        .values(lease_until=lease_until)
        .returning(_d.notification_id, _d.channel, _d.next_attempt_at)
    ).all()
    taken.sort(key=lambda row: row.next_attempt_at)
    return [(notification_id, channel) for notification_id, channel, _ in taken]


_RELEASE = (
    update(message_deliveries_table)
    .where(_d.notification_id == bindparam("key_id"), _d.channel == bindparam("key_channel"))
    .values(lease_until=None)
)


def release(session: Session, keys: Sequence[tuple[str, str]]) -> None:
    """Give back the leases of deliveries that were claimed but not tried."""
    if keys:
        session.execute(
            _RELEASE, [{"key_id": notification_id, "key_channel": c} for notification_id, c in keys]
        )


_OUTGOING = with_contact(
    select(
        _n.notification_id, _n.volunteer_id, _n.kind, _n.subject, _n.body, _d.channel, _d.attempts
    )
    .select_from(message_deliveries_table)
    .join(notifications_table, _n.notification_id == _d.notification_id)
    .where(tuple_(_d.notification_id, _d.channel).in_(bindparam("keys", expanding=True))),
    _n.volunteer_id,
)


def outgoing(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[OutgoingMessage, int]]:
    """The deliveries `keys` (notification id, channel) that are still there, by key: each as
    the message to send, with its recipient's current name and address, and its attempts so far.

    A delivery erased since it was claimed (its volunteer withdrew) is missing from the answer.
    """
    if not keys:
        return {}
    found = {}
    for row in session.execute(_OUTGOING, {"keys": list(keys)}):
        contact = contact_in(row, row.volunteer_id)
        message = OutgoingMessage(
            row.notification_id,
            row.volunteer_id,
            row.kind,
            row.subject,
            row.body,
            contact.name if contact else None,
            contact.email if contact else None,
            contact.phone if contact else None,
        )
        found[(row.notification_id, row.channel)] = (message, row.attempts)
    return found


@dataclass(frozen=True)
class Outcome:
    """How one attempt at a delivery went, to be written down (see `record_outcomes`)."""

    notification_id: str
    channel: str
    status: str
    error: str | None = None
    next_attempt_at: datetime | None = None


def _outcome_statement(*, sent: bool) -> Any:
    values: dict[str, Any] = {
        "status": bindparam("new_status"),
        "attempts": _d.attempts + bindparam("tried", type_=Integer()),
        "lease_until": None,
        "last_error": bindparam("error"),
        "next_attempt_at": bindparam("retry_at", type_=_d.next_attempt_at.type),
    }
    if sent:
        values["sent_at"] = bindparam("sent_time", type_=_d.sent_at.type)
    return (
        update(message_deliveries_table)
        .where(_d.notification_id == bindparam("key_id"), _d.channel == bindparam("key_channel"))
        .values(**values)
    )


# Built once and run with a parameter set per outcome: one compiled statement, one executemany.
_RECORD_SENT = _outcome_statement(sent=True)
_RECORD_OTHER = _outcome_statement(sent=False)


def record_outcomes(session: Session, outcomes: Sequence[Outcome]) -> None:
    """Write down how each attempt went and release the leases (a skip is not an attempt)."""
    now = utcnow()
    sent: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for outcome in outcomes:
        parameters = {
            "key_id": outcome.notification_id,
            "key_channel": outcome.channel,
            "new_status": outcome.status,
            "tried": 0 if outcome.status == SKIPPED else 1,
            "error": outcome.error[:500] if outcome.error else None,
            "retry_at": outcome.next_attempt_at,
        }
        if outcome.status == SENT:
            sent.append({**parameters, "sent_time": now})
        else:
            other.append(parameters)
    for statement, rows in ((_RECORD_SENT, sent), (_RECORD_OTHER, other)):
        if rows:
            session.execute(statement, rows)
