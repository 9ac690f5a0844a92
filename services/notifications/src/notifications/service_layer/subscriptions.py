"""Commands on webhook subscriptions; each change is recorded in the service's own event log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from association.events import new_event
from association.store import EventStore
from notifications.adapters import subscription_records as records
from notifications.adapters import webhook_deliveries
from notifications.adapters.database import utcnow
from notifications.domain.signatures import new_secret


class NotPaused(Exception):
    """Only a paused subscription can be resumed."""


def _record(
    session: Session,
    store: EventStore,
    event_type: str,
    subscription_id: str,
    version: int,
    payload: dict[str, Any],
) -> None:
    # Kept in this service: nobody else consumes these, and the log is served by GET /events.
    event = new_event(
        event_type, subscription_id, version, {"subscription_id": subscription_id, **payload}
    )
    store.append(session, [event], publish=False)


def subscribe(
    session: Session, store: EventStore, *, owner: str, url: str, event_types: Sequence[str]
) -> tuple[dict[str, Any], str]:
    """Create a subscription; returns it and its signing secret (shown to the partner once)."""
    subscription_id = str(uuid.uuid4())
    secret = new_secret()
    types = sorted(set(event_types))
    records.add_subscription(
        session,
        {
            "subscription_id": subscription_id,
            "owner": owner,
            "url": url,
            "event_types": types,
            "secret": secret,
        },
    )
    created = records.subscription(session, subscription_id)
    assert created is not None
    _record(
        session,
        store,
        "SubscriptionCreated",
        subscription_id,
        1,
        {
            "owner": owner,
            "url": url,
            "event_types": types,
            "created_at": created["created_at"].isoformat(),
        },
    )
    return created, secret


def cancel(session: Session, store: EventStore, subscription_id: str) -> None:
    """Delete a subscription and the deliveries still waiting for it."""
    version = records.change_subscription(session, subscription_id)
    records.delete_subscription(session, subscription_id)
    if version:
        _record(
            session,
            store,
            "SubscriptionCancelled",
            subscription_id,
            version,
            {"cancelled_at": utcnow().isoformat()},
        )


def pause(
    session: Session, store: EventStore, subscription_id: str, reason: str, failures: int
) -> None:
    """Stop delivering to a subscription that keeps failing, saying why."""
    now = utcnow()
    version = records.change_subscription(
        session, subscription_id, status=records.PAUSED, status_reason=reason[:500], paused_at=now
    )
    if version:
        payload = {
            "reason": reason[:500],
            "consecutive_failures": failures,
            "paused_at": now.isoformat(),
        }
        _record(session, store, "SubscriptionPaused", subscription_id, version, payload)


def resume(session: Session, store: EventStore, subscription: dict[str, Any]) -> dict[str, Any]:
    """Deliver again to a paused subscription, starting with its oldest waiting delivery now."""
    if subscription["status"] != records.PAUSED:
        raise NotPaused(subscription["subscription_id"])
    subscription_id = subscription["subscription_id"]
    now = utcnow()
    version = records.change_subscription(
        session,
        subscription_id,
        status=records.ACTIVE,
        status_reason=None,
        paused_at=None,
        consecutive_failures=0,
    )
    webhook_deliveries.retry_pending_at(session, subscription_id, now)
    _record(
        session,
        store,
        "SubscriptionResumed",
        subscription_id,
        version,
        {"resumed_at": now.isoformat()},
    )
    resumed = records.subscription(session, subscription_id)
    assert resumed is not None
    return resumed
