"""`create_service_app`: the Flask app and flask-smorest Api every service starts from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from association.auth.tokens import SECURITY_SCHEME
from association.db import Database
from association.settings import Settings
from association.web import idempotency, request_actor, request_body, request_context, transaction
from association.web.errors import ServiceApi, register_error_handlers
from association.web.health import health_blueprint

# Room for the largest valid request: a completion with 1,000 attendees is about 75 KiB.
MAX_BODY_BYTES = 64 * 1024  # the contract answers 413 beyond 64 KiB
EXPOSED_HEADERS = ["Location", "ETag", "X-Correlation-ID", "Idempotent-Replayed"]


def _finish_request(response: Response) -> Response:
    # One hook so the order is explicit: store the idempotent response, then commit, then log.
    response = idempotency.record_response(response)
    response = transaction.finish_transaction(response)
    return request_context.finish_request(response)


def create_service_app(
    settings: Settings,
    database: Database,
    *,
    title: str,
    health_checks: dict[str, Callable[[], dict[str, Any]]] | None = None,
) -> tuple[Flask, ServiceApi]:
    """Build a service's Flask app and Api with the shared plumbing installed.

    JSON errors for every status, correlation ids and access logs, body checks (413/415/400), one
    transaction per request (`request_session()`), Idempotency-Key on POST, `GET /health` and the
    OpenAPI document at `GET /openapi.json` with the bearer scheme. The caller registers its own
    blueprints on the returned Api (and `events_feed_blueprint` for `GET /events`). The client's
    address is the peer's, or behind `TRUSTED_PROXY_COUNT` proxies the one they put in
    X-Forwarded-For.
    """
    app = Flask(settings.service)
    app.config.update(
        AUTH_SECRET=settings.auth_secret,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_TITLE=title,
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.trusted_proxy_count > 0:
        # Only the entries our own proxies appended are believed; a client can forge the rest.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_count)  # type: ignore[method-assign]
    app.extensions["association"] = {"database": database, "settings": settings}

    api = ServiceApi(app)
    api.spec.components.security_scheme(
        SECURITY_SCHEME, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.parameter(
        "IDEMPOTENCY_KEY", "header", idempotency.HEADER_PARAMETER, lazy=True
    )
    register_error_handlers(app)
    if settings.cors_origins:
        CORS(app, origins=list(settings.cors_origins), expose_headers=EXPOSED_HEADERS)

    # before_request hooks run in registration order.
    app.before_request(request_context.begin_request)
    app.before_request(request_actor.begin_request)
    app.before_request(request_body.check_request_body)
    app.before_request(idempotency.begin_idempotent_request)
    app.after_request(_finish_request)
    app.teardown_request(transaction.close_session)
    app.teardown_request(request_context.end_request)
    app.teardown_request(request_actor.end_request)

    api.register_blueprint(health_blueprint(settings.service, database, health_checks))
    return app, api
