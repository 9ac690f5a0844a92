"""Refusals as the contract's JSON errors, in this one place: 404, 409, or 422 naming the URL."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from association.web import error_response
from notifications.domain.errors import Conflict, NotFound, Refused
from notifications.domain.webhook_urls import UrlRefused


def refusal_response(refusal: Refused) -> Response:
    """404 for what is unknown (or another partner's), 409 for what is in the wrong state."""
    status = 404 if isinstance(refusal, NotFound) else 409 if isinstance(refusal, Conflict) else 422
    return error_response(status, refusal.message)


def refused_url_response(refusal: UrlRefused) -> Response:
    """422 with the reason under `errors.json.url`, as for any other invalid field."""
    return error_response(422, "validation failed", {"json": {"url": [str(refusal)]}})


def answering_refusals(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer refusals (the request's transaction is rolled back)."""
    blueprint.register_error_handler(Refused, refusal_response)
    blueprint.register_error_handler(UrlRefused, refused_url_response)
    return blueprint
