"""Refusals as the contract's JSON errors, in this one place: 404, 409, or 422 naming the URL."""

from __future__ import annotations

import logging

from flask import Response
from flask_smorest import Blueprint

from association.web import error_response
from association.web.refusals import answering_refusals
from notifications.domain.webhook_urls import UrlRefused

log = logging.getLogger(__name__)


def refused_url_response(refusal: UrlRefused) -> Response:
    """422 with the reason under `errors.json.url`, as for any other invalid field; why an address
    was refused goes to the log only."""
    log.info("webhook URL refused: %s", refusal.detail)
    return error_response(422, "validation failed", {"json": {"url": [str(refusal)]}})


def answering_errors(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer refusals (the request's transaction is rolled back)."""
    return answering_refusals(blueprint, {UrlRefused: refused_url_response})
