"""Refusals (`association.refusals`) as the contract's JSON errors, for every service's routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Response
from flask_smorest import Blueprint

from association.refusals import Conflict, NotFound, Refusal
from association.web.errors import error_response

ErrorAnswer = Callable[[Exception], Response]


def refusal_response(refusal: Refusal) -> Response:
    """404 for NotFound, 409 for Conflict, else 422; the fields at fault under "json"."""
    status = 404 if isinstance(refusal, NotFound) else 409 if isinstance(refusal, Conflict) else 422
    return error_response(
        status, refusal.message, {"json": refusal.errors} if refusal.errors else None
    )


def answering_refusals(
    blueprint: Blueprint, answers: Mapping[type[Exception], ErrorAnswer] | None = None
) -> Blueprint:
    """Make the blueprint answer refusals (the request's transaction is rolled back).

    `answers` adds a service's own: an exception type and the response it gets, e.g. 412 for a
    stale If-Match; a more specific type wins over `Refusal`.
    """
    blueprint.register_error_handler(Refusal, refusal_response)
    for error_type, answer in (answers or {}).items():
        blueprint.register_error_handler(error_type, answer)
    return blueprint
