"""Every error as JSON: `{"code", "status", "message", "errors"}`, never HTML or a stack trace.

`ServiceApi` replaces flask-smorest's HTTP error handler so that every HTTPException (abort,
routing, webargs validation, body size) keeps its headers and gets a message;
`response_for_exception` maps the domain and database exceptions, and anything unexpected is logged
and answered 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import flask_smorest
from flask import Flask, Response, jsonify
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from association.backends import is_outage
from association.events.registry import InvalidEvent
from association.store.event_store import ConcurrencyError

log = logging.getLogger("association.web")

# Werkzeug's own descriptions are written for browsers; these read better in an API.
DEFAULT_MESSAGES = {
    400: "the request is malformed",
    401: "authentication required",
    403: "forbidden",
    404: "no such resource",
    405: "method not allowed on this resource",
    409: "the request conflicts with the current state",
    412: "precondition failed",
    413: "request body too large",
    415: "unsupported media type",
    422: "validation failed",
    429: "too many requests",
    500: "internal server error",
    503: "service unavailable",
}


def error_response(
    status: int,
    message: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error response with the contract's body shape."""
    phrase = HTTPStatus(status).phrase
    payload = {
        "code": status,
        "status": phrase,
        "message": message or DEFAULT_MESSAGES.get(status, phrase.lower()),
        "errors": errors or {},
    }
    response = jsonify(payload)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_error_response(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    errors = data.get("errors", data.get("messages"))
    if errors is not None and not isinstance(errors, dict):
        errors = {"_request": errors}
    custom = error.description if error.description != type(error).description else None
    message = data.get("message") or custom or DEFAULT_MESSAGES.get(status) or error.description
    return error_response(status, message, errors, headers)


def _messages(error: ValidationError) -> dict[str, Any]:
    return error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}


def response_for_exception(error: BaseException) -> Response:
    """The JSON error response for any exception raised while handling a request."""
    if isinstance(error, HTTPException):
        return _http_error_response(error)
    if isinstance(error, ConcurrencyError):
        return error_response(409, f"conflict: {error}; reload and retry")
    if isinstance(error, InvalidEvent):
        return error_response(422, str(error), error.errors)
    if isinstance(error, ValidationError):
        return error_response(422, None, _messages(error))
    if isinstance(error, IntegrityError):
        log.info("integrity error answered 409: %s", error.orig)
        return error_response(409, "conflict: the request clashes with existing data")
    if is_outage(error):
        log.warning("database unavailable: %s", error, exc_info=error)
        return error_response(503, "the database is unavailable; retry later")
    log.error("unhandled exception", exc_info=error)
    return error_response(500)


class ServiceApi(flask_smorest.Api):
    """flask-smorest's Api answering every error as JSON in the contract's shape."""

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        """Render an HTTPException (abort, routing, validation, size limit) as JSON."""
        return _http_error_response(error)

    def _register_pagination_header(self) -> None:
        # X-Pagination carries JSON; a plain `schema` would declare it a comma-separated object.
        header = {
            "description": "Pagination metadata (JSON)",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }
        self.spec.components.header("PAGINATION", header, lazy=True)


def register_error_handlers(app: Flask) -> None:
    """Answer every non-HTTP exception as JSON (HTTPExceptions are ServiceApi's)."""
    app.register_error_handler(Exception, response_for_exception)
