"""Checks on request bodies before any view runs: size (413), media type (415), JSON syntax (400).

A POST, PUT or PATCH with a non-empty body must be JSON (`application/json` or `application/*+json`)
and parse. Requests whose route does not exist are left to the 404/405 handlers.
"""

from __future__ import annotations

import json

from flask import current_app, request
from flask_smorest import abort

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def check_request_body() -> None:
    """Abort with 413, 415 or 400 when the request body is too large, not JSON or malformed."""
    if request.routing_exception is not None or request.method not in BODY_METHODS:
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, message=f"request body over {limit} bytes")
    body = request.get_data(cache=True)  # raises 413 for chunked bodies over the limit
    if not body:
        return
    if not request.is_json:
        abort(415, message="the request body must be JSON (Content-Type: application/json)")
    try:
        json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        abort(400, message=f"malformed JSON body: {error}", errors={"json": [str(error)]})
