"""The Flask plumbing every service shares: app factory, JSON errors, transactions, idempotency."""

from association.web.app_factory import create_service_app
from association.web.errors import ServiceApi, error_response
from association.web.events_feed import events_feed_blueprint
from association.web.transaction import request_session

__all__ = [
    "ServiceApi",
    "create_service_app",
    "error_response",
    "events_feed_blueprint",
    "request_session",
]
