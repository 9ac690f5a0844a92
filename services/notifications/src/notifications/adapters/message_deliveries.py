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

from sqlalchemy import Integer, bindparam, or_, select, update
from sqlalchemy.orm import Session

from notifications.adapters.database import utcnow
from notifications.adapters.volunteer_tables import (
    contacts_table,
    message_deliveries_table,
    notifications_table,
)

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


def claim_due(
    session: Session, channels: Sequence[str], now: datetime, lease_until: datetime, limit: int
) -> list[tuple[str, str]]:
    """Lease up to `limit` deliveries that are due, so no other dispatcher sends them too."""
    free = or_(_d.lease_until.is_(None), _d.lease_until < now)
    due = (_d.status.in_(WAITING), _d.next_attempt_at <= now, _d.channel.in_(list(channels)), free)
    candidates = session.execute(
        select(_d.notification_id, _d.channel).where(*due).order_by(_d.next_attempt_at).limit(limit)
    ).all()
    claimed = []
    for notification_id, channel in candidates:
        taken = session.execute(
            update(message_deliveries_table)
            .where(_d.notification_id == notification_id, _d.channel == channel, *due)
            .values(lease_until=lease_until)
        ).rowcount
        if taken:
            claimed.append((notification_id, channel))
    return claimed


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


def outgoing(session: Session, notification_id: str) -> OutgoingMessage | None:
    """The notification with its recipient's current name and address (None when erased)."""
    row = session.execute(
        select(_n.notification_id, _n.volunteer_id, _n.kind, _n.subject, _n.body)
        .add_columns(contacts_table.c.name, contacts_table.c.email)
        .outerjoin(contacts_table, contacts_table.c.volunteer_id == _n.volunteer_id)
        .where(_n.notification_id == notification_id)
    ).first()
    return OutgoingMessage(*row) if row else None


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


def attempts_of(session: Session, notification_id: str, channel: str) -> int:
    """How many times the delivery was tried so far."""
    return (
        session.execute(
            select(_d.attempts).where(_d.notification_id == notification_id, _d.channel == channel)
        ).scalar_one_or_none()
        or 0
    )
