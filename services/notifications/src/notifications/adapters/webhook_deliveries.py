"""Webhook deliveries: queued per subscription, leased and recorded by the dispatcher.

A delivery is `pending` until a partner's endpoint answered 2xx, then `delivered`. Deliveries of
one subscription go strictly in order: only its oldest pending delivery is ever tried.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from notifications.adapters.database import utcnow
from notifications.adapters.partner_tables import (
    public_events_table,
    subscriptions_table,
    webhook_deliveries_table,
)
from notifications.adapters.subscription_records import ACTIVE

PENDING, DELIVERED = "pending", "delivered"

_s = subscriptions_table.c
_w = webhook_deliveries_table.c


# What a queued delivery starts with: run with a `new_<column>` parameter each and a `subscriber`.
_QUEUED_COLUMNS = (
    "delivery_id",
    "public_position",
    "event_type",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


def _queue_statement() -> Any:
    """INSERT … SELECT: a delivery goes in only for a subscription still there and active at that
    moment (a paused one queues nothing)."""
    values = {name: bindparam(f"new_{name}", type_=_w[name].type) for name in _QUEUED_COLUMNS}
    values["subscription_id"] = _s.subscription_id
    wanted = select(*values.values()).where(
        _s.subscription_id == bindparam("subscriber"), _s.status == ACTIVE
    )
    return insert(webhook_deliveries_table).from_select(list(values), wanted)


_QUEUE = _queue_statement()


def queue_deliveries(
    session: Session, public_position: int, event_type: str, subscription_ids: Sequence[str]
) -> None:
    """Queue one delivery of the public event at `public_position` per subscription.

    The subscriptions come from a read made once per transaction, so one may have been cancelled
    or paused since; it is passed over rather than failing the event on its foreign key. A paused
    subscription gets nothing: the events it misses are in the public feed and stream.
    """
    now = utcnow()
    queued = {
        "new_public_position": public_position,
        "new_event_type": event_type,
        "new_status": PENDING,
        "new_attempts": 0,
        "new_next_attempt_at": now,
        "new_created_at": now,
    }
    rows = [
        {**queued, "new_delivery_id": str(uuid.uuid4()), "subscriber": subscription_id}
        for subscription_id in subscription_ids
    ]
    if rows:
        session.execute(_QUEUE, rows)


def deliveries_of(
    session: Session, subscription_id: str, after: int, limit: int
) -> list[dict[str, Any]]:
    """The subscription's deliveries after position `after`, oldest first, with their event ids."""
    rows = session.execute(
        select(webhook_deliveries_table, public_events_table.c.event_id)
        .join(public_events_table, public_events_table.c.position == _w.public_position)
        .where(_w.subscription_id == subscription_id, _w.position > after)
        .order_by(_w.position)
        .limit(limit)
    ).mappings()
    found = [dict(row) for row in rows]
    for delivery in found:
        if delivery["status"] == DELIVERED:
            delivery["next_attempt_at"] = None
    return found


def retry_pending_at(session: Session, subscription_id: str, moment: datetime) -> None:
    """Make every waiting delivery of the subscription due at `moment`."""
    session.execute(
        update(webhook_deliveries_table)
        .where(_w.subscription_id == subscription_id, _w.status == PENDING)
        .values(next_attempt_at=moment)
    )


# The dispatcher's side: a subscription is due when its oldest pending delivery is.


def _head_position(subscription_id: Any) -> Any:
    waiting = webhook_deliveries_table.alias("waiting")
    return (
        select(func.min(waiting.c.position))
        .where(waiting.c.subscription_id == subscription_id, waiting.c.status == PENDING)
        .scalar_subquery()
    )


def due_subscriptions(session: Session, now: datetime, limit: int) -> list[str]:
    """Active, unleased subscriptions whose oldest pending delivery is due."""
    rows = session.execute(
        select(_s.subscription_id)
        .select_from(
            subscriptions_table.join(
                webhook_deliveries_table, _w.position == _head_position(_s.subscription_id)
            )
        )
        .where(
            _s.status == ACTIVE,
            or_(_s.lease_until.is_(None), _s.lease_until < now),
            _w.next_attempt_at <= now,
        )
        .order_by(_w.next_attempt_at)
        .limit(limit)
    )
    return list(rows.scalars())


def claim(
    session: Session, subscription_id: str, owner: str, now: datetime, until: datetime
) -> bool:
    """Lease the subscription to `owner` until `until`, unless someone else holds it."""
    return bool(
        session.execute(
            update(subscriptions_table)
            .where(
                _s.subscription_id == subscription_id,
                _s.status == ACTIVE,
                or_(_s.lease_until.is_(None), _s.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=until)
        ).rowcount
    )


def release(session: Session, subscription_id: str, owner: str) -> None:
    """Give the lease back."""
    session.execute(
        update(subscriptions_table)
        .where(_s.subscription_id == subscription_id, _s.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def head_delivery(session: Session, subscription_id: str) -> dict[str, Any] | None:
    """The oldest pending delivery of an active subscription, with its URL and secret."""
    row = (
        session.execute(
            select(webhook_deliveries_table, _s.url, _s.secret)
            .select_from(
                webhook_deliveries_table.join(
                    subscriptions_table, _s.subscription_id == _w.subscription_id
                )
            )
            .where(_w.position == _head_position(subscription_id), _s.status == ACTIVE)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def record_delivered(
    session: Session, position: int, subscription_id: str, status_code: int
) -> None:
    """The delivery got a 2xx answer."""
    now = utcnow()
    session.execute(
        update(webhook_deliveries_table)
        .where(_w.position == position)
        .values(
            status=DELIVERED,
            attempts=_w.attempts + 1,
            last_attempt_at=now,
            last_status_code=status_code,
            last_error=None,
            delivered_at=now,
        )
    )
    session.execute(
        update(subscriptions_table)
        .where(_s.subscription_id == subscription_id)
        .values(consecutive_failures=0)
    )


def record_failed(
    session: Session,
    position: int,
    subscription_id: str,
    *,
    status_code: int | None,
    error: str,
    retry_at: datetime,
) -> int:
    """The delivery failed; returns the subscription's failures in a row (0: it is gone)."""
    session.execute(
        update(webhook_deliveries_table)
        .where(_w.position == position)
        .values(
            attempts=_w.attempts + 1,
            last_attempt_at=utcnow(),
            last_status_code=status_code,
            last_error=error[:500],
            next_attempt_at=retry_at,
        )
    )
    failures = session.execute(
        update(subscriptions_table)
        .where(_s.subscription_id == subscription_id)
        .values(consecutive_failures=_s.consecutive_failures + 1)
        .returning(_s.consecutive_failures)
    ).first()
    return failures[0] if failures else 0
