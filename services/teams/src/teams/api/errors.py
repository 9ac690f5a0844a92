"""Domain refusals as the contract's JSON errors: 404, 409 or 422 with the fields named."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from association.web import error_response
from teams.domain.errors import Conflict, DomainError, Invalid, NotFound


def domain_error_response(error: DomainError) -> Response:
    """404 for NotFound, 409 for Conflict, 422 (fields under "json") for Invalid."""
    if isinstance(error, NotFound):
        return error_response(404, error.message)
    if isinstance(error, Conflict):
        return error_response(409, error.message)
    if isinstance(error, Invalid):
        return error_response(422, error.message, {"json": error.errors})
    return error_response(422, error.message)


def answering_domain_errors(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer domain refusals (the request's transaction is rolled back)."""
    blueprint.register_error_handler(DomainError, domain_error_response)
    return blueprint
