"""Refusals as the contract's JSON errors, for every route in this one place.

The shared refusals answer 404, 409 and 422 (`association.web.refusals`); registration adds 412
with the current ETag for a stale If-Match and 400 for a malformed one.
"""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from association.web import error_response
from association.web.refusals import answering_refusals
from registration.api.etags import MalformedIfMatch, etag
from registration.domain.errors import VersionMismatch


def stale_version_response(error: VersionMismatch) -> Response:
    """412 with the volunteer's current ETag, so the caller can read it again."""
    return error_response(412, error.message, headers={"ETag": etag(error.current)})


def malformed_if_match_response(_error: MalformedIfMatch) -> Response:
    return error_response(
        400,
        'If-Match must be the ETag of the volunteer, e.g. "3"',
        {"headers": {"If-Match": ["not a version ETag"]}},
    )


def answering_errors(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer refused commands and malformed If-Match headers."""
    return answering_refusals(
        blueprint,
        {VersionMismatch: stale_version_response, MalformedIfMatch: malformed_if_match_response},
    )
