"""Reading and writing partners' webhook subscriptions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from association.transaction_memo import transaction_memo
from notifications.adapters.database import utcnow
from notifications.adapters.partner_tables import subscriptions_table, webhook_deliveries_table

ACTIVE, PAUSED = "active", "paused"

_s = subscriptions_table.c
_w = webhook_deliveries_table.c

_EVENT_TYPES = select(_s.subscription_id, _s.event_types)
_EVENT_TYPES_READ = "notifications.subscriptions"  # the transaction's copy of _EVENT_TYPES


def add_subscription(session: Session, row: dict[str, Any]) -> None:
    """Store a new subscription (active, version 1)."""
    _forget_event_types(session)
    session.execute(
        subscriptions_table.insert().values(
            **row, status=ACTIVE, consecutive_failures=0, version=1, created_at=utcnow()
        )
    )


def subscriptions_of(session: Session, owner: str | None) -> list[dict[str, Any]]:
    """The subscriptions of `owner` (everyone's when None), oldest first."""
    query = select(subscriptions_table).order_by(_s.created_at, _s.subscription_id)
    if owner is not None:
        query = query.where(_s.owner == owner)
    return [dict(row) for row in session.execute(query).mappings()]


def subscription(
    session: Session, subscription_id: str, owner: str | None = None
) -> dict[str, Any] | None:
    """One subscription, when it exists and belongs to `owner` (any owner when None)."""
    query = select(subscriptions_table).where(_s.subscription_id == subscription_id)
    if owner is not None:
        query = query.where(_s.owner == owner)
    row = session.execute(query).mappings().first()
    return dict(row) if row else None


def change_subscription(session: Session, subscription_id: str, **values: Any) -> int:
    """Update a subscription and bump its version; returns the new version (0: it is gone)."""
    _forget_event_types(session)
    result = session.execute(
        update(subscriptions_table)
        .where(_s.subscription_id == subscription_id)
        .values(**values, version=_s.version + 1)
        .returning(_s.version)
    ).first()
    return result[0] if result else 0


def delete_subscription(session: Session, subscription_id: str) -> None:
    """Delete a subscription with its deliveries."""
    _forget_event_types(session)
    session.execute(delete(webhook_deliveries_table).where(_w.subscription_id == subscription_id))
    session.execute(delete(subscriptions_table).where(_s.subscription_id == subscription_id))


def subscribers_to(session: Session, event_type: str) -> list[str]:
    """The subscriptions (active or paused) that want events of `event_type`.

    Every event republished asks this, so the subscriptions are read once per transaction (a
    consumer's batch): one created while a batch is being applied gets the events of later
    batches. One cancelled meanwhile gets nothing queued (see `queue_deliveries`).
    """
    memo = transaction_memo(session, _EVENT_TYPES_READ)
    if "rows" not in memo:
        memo["rows"] = session.execute(_EVENT_TYPES).all()
    return [subscription_id for subscription_id, types in memo["rows"] if event_type in types]


def _forget_event_types(session: Session) -> None:
    transaction_memo(session, _EVENT_TYPES_READ).clear()
