"""Webhook subscriptions (scope partner): create, list, read, resume, delete, deliveries.

A partner sees only its own subscriptions (those made with tokens of the same `sub`); an admin
sees all. The signing secret is in the creation response only.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from association.auth import require_scope
from association.auth.tokens import ADMIN
from association.service import ServiceContext
from association.web import request_session
from association.web.declarations import idempotent_create
from notifications.adapters import subscription_records as records
from notifications.adapters import webhook_deliveries
from notifications.adapters.webhook_client import resolve_host
from notifications.api.errors import answering_errors
from notifications.api.schemas import (
    CreatedSubscriptionSchema,
    DeliveryPageSchema,
    PageQuerySchema,
    SubscriptionInSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
)
from notifications.config import NotificationSettings
from notifications.domain.webhook_urls import check_webhook_url
from notifications.service_layer import subscriptions


def _owner() -> str | None:
    """Whose subscriptions the caller may see: their own, or everyone's for an admin."""
    return None if ADMIN in g.principal.scopes else g.principal.sub


def subscriptions_blueprint(context: ServiceContext) -> Blueprint:
    """The partner-facing webhook API."""
    blp = answering_errors(
        Blueprint("subscriptions", __name__, description="Webhook subscriptions of partners")
    )
    database, store = context.database, context.store
    allow_loopback = context.settings.webhook_allow_loopback
    config: NotificationSettings = context.config

    def find(subscription_id: uuid.UUID, session: Session) -> dict[str, Any]:
        return subscriptions.subscription_of(session, str(subscription_id), _owner())

    @blp.route("/subscriptions")
    class Subscriptions(MethodView):
        @idempotent_create(blp, SubscriptionInSchema, CreatedSubscriptionSchema, "partner")
        @blp.alt_response(409, description="The partner has WEBHOOK_MAX_SUBSCRIPTIONS already")
        def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Subscribe a URL to event types; the answer holds the signing secret, once."""
            check_webhook_url(data["url"], allow_loopback=allow_loopback, resolve=resolve_host)
            created, secret = subscriptions.subscribe(
                request_session(),
                store,
                owner=g.principal.sub,
                url=data["url"],
                event_types=data["event_types"],
                limit=config.webhook_max_subscriptions,
            )
            location = f"/subscriptions/{created['subscription_id']}"
            return {**created, "secret": secret}, 201, {"Location": location}

        @require_scope("partner")
        @blp.response(200, SubscriptionListSchema)
        def get(self) -> dict[str, Any]:
            """The caller's subscriptions (an admin's: everyone's), without their secrets."""
            with database.reader() as session:
                return {"subscriptions": records.subscriptions_of(session, _owner())}

    @blp.route("/subscriptions/<uuid:subscription_id>")
    class Subscription(MethodView):
        @require_scope("partner")
        @blp.response(200, SubscriptionSchema)
        def get(self, subscription_id: uuid.UUID) -> dict[str, Any]:
            """One subscription, with its status (paused, and why)."""
            with database.reader() as session:
                return find(subscription_id, session)

        @require_scope("partner")
        @blp.response(204)
        def delete(self, subscription_id: uuid.UUID) -> None:
            """Delete the subscription; deliveries still waiting are dropped."""
            session = request_session()
            find(subscription_id, session)
            subscriptions.cancel(session, store, str(subscription_id))

    @blp.route("/subscriptions/<uuid:subscription_id>/resume", methods=["POST"])
    @require_scope("partner")
    @blp.response(200, SubscriptionSchema)
    @blp.doc(parameters=["IDEMPOTENCY_KEY"])
    def resume(subscription_id: uuid.UUID) -> dict[str, Any]:
        """Deliver again to a paused subscription, oldest waiting event first (409 if active)."""
        session = request_session()
        return subscriptions.resume(session, store, find(subscription_id, session))

    @blp.route("/subscriptions/<uuid:subscription_id>/deliveries")
    @require_scope("partner")
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, DeliveryPageSchema)
    def deliveries(subscription_id: uuid.UUID, after: int, limit: int) -> dict[str, Any]:
        """The subscription's deliveries after the position `after`, oldest first."""
        with database.reader() as session:
            find(subscription_id, session)
            found = webhook_deliveries.deliveries_of(session, str(subscription_id), after, limit)
        next_after = found[-1]["position"] if found else after
        return {"deliveries": found, "next_after": next_after}

    return blp
