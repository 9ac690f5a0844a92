"""Checks on request bodies before any view runs: size (413), media type (415), JSON syntax (400).

A POST, PUT or PATCH with a non-empty body must be JSON (`application/json` or
`application/*+json`), parse, and nest arrays and objects at most `MAX_JSON_DEPTH` deep: no request
of the contract comes near it, and a deeper body would exhaust the parser's recursion (or a later
reader's) instead of being refused. A view marked `accepts_upload` takes a multipart/form-data body
(a file) of up to its own limit instead. Requests whose route does not exist are left to the
404/405 handlers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from flask import current_app, request
from flask_smorest import abort

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_JSON_DEPTH = 32
MULTIPART = "multipart/form-data"

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Upload:
    """What a view that takes a file accepts: a multipart body of at most `max_bytes`, the file
    in the form field `field`."""

    max_bytes: int
    field: str = "file"


def accepts_upload(max_bytes: int, field: str = "file") -> Callable[[View], View]:
    """Decorate a view (function or MethodView method) to take a multipart/form-data body of up to
    `max_bytes` instead of JSON: 413 beyond, 415 naming `field` for any other media type."""

    def decorator(view: View) -> View:
        view.upload = Upload(max_bytes, field)  # type: ignore[attr-defined]
        return view

    return decorator


def upload_of(view: Callable[..., Any] | None, method: str) -> Upload | None:
    """The `accepts_upload` of a Flask view (or its MethodView's `method`), else None."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    return getattr(view, "upload", None)


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` (parsed JSON) nests lists and dicts more than `limit` deep; iterative, so
    any depth is measured without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False


def _too_deep() -> NoReturn:
    message = f"JSON body nested deeper than {MAX_JSON_DEPTH} levels"
    abort(400, message=message, errors={"json": [message]})


def check_request_body() -> None:
    """Abort with 413, 415 or 400 when the request body is too large, not JSON or malformed."""
    if request.routing_exception is not None or request.method not in BODY_METHODS:
        return
    upload = upload_of(current_app.view_functions.get(request.endpoint or ""), request.method)
    if upload is not None and request.mimetype == MULTIPART:
        _check_upload(upload)
        return
    if upload is not None and not request.is_json:
        _not_a_file(upload)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, message=f"request body over {limit} bytes")
    body = request.get_data(cache=True)  # raises 413 for chunked bodies over the limit
    if not body:
        return
    if not request.is_json:
        abort(415, message="the request body must be JSON (Content-Type: application/json)")
    try:
        parsed = json.loads(body)
    except RecursionError:
        _too_deep()
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        abort(400, message=f"malformed JSON body: {error}", errors={"json": [str(error)]})
    # Counting brackets runs at C speed; only a body with enough of them can be too deep.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and json_depth_exceeds(
        parsed, MAX_JSON_DEPTH
    ):
        _too_deep()
    if upload is not None:  # JSON, well-formed, where a file was expected
        _not_a_file(upload)


def _check_upload(upload: Upload) -> None:
    # Werkzeug applies the request's own limit while it reads the form, chunked bodies included.
    request.max_content_length = upload.max_bytes
    if (request.content_length or 0) > upload.max_bytes:
        abort(413, message=f"request body over {upload.max_bytes} bytes")


def _not_a_file(upload: Upload) -> NoReturn:
    # A JSON body is checked as JSON first (400 when malformed or too deep), as on every route.
    message = f"send the file as {MULTIPART}, in the form field {upload.field!r}"
    abort(415, message=message, errors={"files": {upload.field: [message]}})
