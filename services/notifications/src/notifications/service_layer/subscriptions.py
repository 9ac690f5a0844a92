"""Commands on webhook subscriptions; each change is recorded in the service's own event log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from notifications.adapters import subscription_records as records
from notifications.adapters import webhook_deliveries
from notifications.adapters.codec import to_envelope
from notifications.adapters.database import utcnow
from notifications.domain.errors import NotPaused, TooManySubscriptions, UnknownSubscription
from notifications.domain.events import (
    SubscriptionCancelled,
    SubscriptionCreated,
    SubscriptionEvent,
    SubscriptionPaused,
    SubscriptionResumed,
)
from notifications.domain.signatures import new_secret


def _record(session: Session, store: EventStore, event: SubscriptionEvent, version: int) -> None:
    # Kept in this service: nobody else consumes these, and the log is served by GET /events.
    store.append(session, [to_envelope(event, version)], publish=False)


def subscription_of(session: Session, subscription_id: str, owner: str | None) -> dict[str, Any]:
    """The subscription, if `owner` made it (None: whoever did); else UnknownSubscription."""
    found = records.subscription(session, subscription_id, owner)
    if found is None:
        raise UnknownSubscription(f"no subscription {subscription_id}")
    return found


def subscribe(
    session: Session,
    store: EventStore,
    *,
    owner: str,
    url: str,
    event_types: Sequence[str],
    limit: int,
) -> tuple[dict[str, Any], str]:
    """Create a subscription; returns it and its signing secret (shown to the partner once).

    A partner (`owner`) has at most `limit` subscriptions; one more is TooManySubscriptions.
    """
    serialise_writers(session)  # two creations at once must not both see room for one more
    if len(records.subscriptions_of(session, owner)) >= limit:
        raise TooManySubscriptions(
            f"a partner may have at most {limit} subscriptions; delete one before adding another"
        )
    subscription_id = uuid.uuid4()
    secret = new_secret()
    types = sorted(set(event_types))
    records.add_subscription(
        session,
        {
            "subscription_id": str(subscription_id),
            "owner": owner,
            "url": url,
            "event_types": types,
            "secret": secret,
        },
    )
    created = records.subscription(session, str(subscription_id))
    assert created is not None
    event = SubscriptionCreated(subscription_id, owner, url, tuple(types), created["created_at"])
    _record(session, store, event, 1)
    return created, secret


def cancel(session: Session, store: EventStore, subscription_id: str) -> None:
    """Delete a subscription and the deliveries still waiting for it."""
    version = records.change_subscription(session, subscription_id)
    records.delete_subscription(session, subscription_id)
    if version:
        _record(
            session, store, SubscriptionCancelled(uuid.UUID(subscription_id), utcnow()), version
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
        event = SubscriptionPaused(uuid.UUID(subscription_id), reason[:500], failures, now)
        _record(session, store, event, version)


def resume(session: Session, store: EventStore, subscription: dict[str, Any]) -> dict[str, Any]:
    """Deliver again to a paused subscription, starting with its oldest waiting delivery now."""
    if subscription["status"] != records.PAUSED:
        raise NotPaused("the subscription is not paused")
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
    _record(session, store, SubscriptionResumed(uuid.UUID(subscription_id), now), version)
    resumed = records.subscription(session, subscription_id)
    assert resumed is not None
    return resumed
