"""Refusals as the contract's JSON errors, for every route in this one place.

404 for what is not found, 409 for a conflict and 422 for a broken rule (the fields at fault
under "json"), 412 with the current ETag for a stale If-Match, 400 for a malformed one.
"""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from association.web import error_response
from registration.api.etags import MalformedIfMatch, etag
from registration.domain.errors import Conflict, DomainError, NotFound, VersionMismatch


def domain_error_response(error: DomainError) -> Response:
    """The answer to a refused command (the request's transaction is rolled back)."""
    if isinstance(error, NotFound):
        return error_response(404, error.message)
    if isinstance(error, VersionMismatch):
        return error_response(412, error.message, headers={"ETag": etag(error.current)})
    status = 409 if isinstance(error, Conflict) else 422
    return error_response(status, error.message, {"json": error.errors} if error.errors else None)


def malformed_if_match_response(_error: MalformedIfMatch) -> Response:
    return error_response(
        400,
        'If-Match must be the ETag of the volunteer, e.g. "3"',
        {"headers": {"If-Match": ["not a version ETag"]}},
    )


def answering_domain_errors(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer refused commands and malformed If-Match headers."""
    blueprint.register_error_handler(DomainError, domain_error_response)
    blueprint.register_error_handler(MalformedIfMatch, malformed_if_match_response)
    return blueprint
