"""`Idempotency-Key` on POST: a repeat with the same key returns the first response unchanged.

Before the view, a reservation row (status NULL) is inserted into `idempotency_keys` in the
request's own transaction (INSERT … ON CONFLICT DO NOTHING). A concurrent request with the same key
waits: on PostgreSQL its INSERT blocks on the uncommitted row until the first request ends, on
SQLite BEGIN IMMEDIATE serialises writers. When the key is already taken the stored row decides:
same fingerprint (sha256 of method, path, the token's sub and the raw body) → the stored response
with `Idempotent-Replayed: true`, changing nothing; different fingerprint → 422. After a view
answering below 400 the row is completed with status, whitelisted headers and body before the
commit; any other status rolls the reservation back with everything else, so the client may retry
with the same key. A request without a valid token for the view's scope is left to the view's
401/403 before any key is looked at.

A multipart body (a file upload) is fingerprinted without its boundary, which a client draws
anew for every send of the same file. A view that commits its work in transactions of its own (an
import in batches) runs inside `reservation_committed()`.

A view marked `never_stored` (answers holding credentials, e.g. a login's tokens) is not replayed:
its Idempotency-Key is ignored and nothing of its answer is stored.

Stored responses may name people: when one is erased, `forget_responses_naming` deletes every
stored response that names them (a repeat of such a request then runs again, as a new one).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from flask_smorest import abort
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from association import backends
from association.auth.tokens import (
    TokenError,
    authorised_for,
    principal_from_request,
    required_scope_of,
    self_allowed_on,
)
from association.statements import insert_new_returning
from association.store.tables import idempotency_table
from association.web.errors import response_for_exception
from association.web.transaction import request_session

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("Location", "ETag", "Content-Type")
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")
_RESERVED = "_idempotency_key"

# The OpenAPI description of the header, for views to reference as parameters=["IDEMPOTENCY_KEY"].
HEADER_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Repeat a POST safely: a repeat with the same key returns the first response.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]*$"},
}

_table = idempotency_table.c
View = TypeVar("View", bound=Callable[..., Any])


def fingerprint(method: str, path: str, sub: str | None, body: bytes) -> str:
    """The sha256 hex digest identifying a request for its idempotency key."""
    head = json.dumps([method, path, sub or ""], ensure_ascii=False).encode()
    return hashlib.sha256(head + b"\n" + body).hexdigest()


def never_stored(view: View) -> View:
    """Mark a view whose answers must never be stored (they hold credentials or secrets)."""
    view.never_stored = True  # type: ignore[attr-defined]
    return view


def _never_stored(view: Callable[..., Any] | None, method: str) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    return bool(getattr(view, "never_stored", False))


def _request_sub() -> str | None:
    if "Authorization" not in request.headers:
        return None
    try:
        return principal_from_request().sub
    except TokenError:
        return None


def _request_body() -> bytes:
    """The body as fingerprinted: a multipart body with its boundary taken out."""
    body = request.get_data()
    boundary = request.mimetype_params.get("boundary")
    if request.mimetype.startswith("multipart/") and boundary:
        return body.replace(boundary.encode("latin-1"), b"")
    return body


def _request_path() -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def _reserve(session: Session, key: str, digest: str) -> Row | None:
    """Insert the reservation; None when it is ours, else the row already holding the key."""
    reservation = {"key": key, "fingerprint": digest, "created_at": datetime.now(UTC)}
    if insert_new_returning(session, idempotency_table, reservation, ("key",), "key") is not None:
        return None
    row = session.execute(
        select(_table.fingerprint, _table.status, _table.headers, _table.body).where(
            _table.key == key
        )
    ).one_or_none()
    if row is None:
        abort(409, message=f"a request with this {HEADER} was just abandoned; retry")
    return row


def begin_idempotent_request() -> Response | None:
    """Before the view: reserve the key, or answer from the stored first response (or 422/409)."""
    if request.method != "POST" or request.routing_exception is not None:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if _never_stored(view, "POST"):
        return None
    scope = required_scope_of(view, "POST")
    if scope is not None and not authorised_for(scope, or_self=self_allowed_on(view, "POST")):
        return None  # the view answers 401/403: an unauthorised caller learns nothing of the key
    if not _VALID_KEY.fullmatch(key):
        message = f"the {HEADER} header must be 1-255 printable ASCII characters"
        abort(400, message=message, errors={"headers": {HEADER: [message]}})
    digest = fingerprint(request.method, _request_path(), _request_sub(), _request_body())
    row = _reserve(request_session(), key, digest)
    if row is None:
        setattr(g, _RESERVED, key)
        return None
    if row.status is None:
        abort(409, message=f"a request with this {HEADER} is still in progress; retry later")
    if row.fingerprint != digest:
        message = f"this {HEADER} was already used for a different request"
        abort(422, message=message, errors={"headers": {HEADER: [message]}})
    response = Response(row.body or b"", status=row.status, headers=row.headers or {})
    response.headers[REPLAYED_HEADER] = "true"
    return response


def record_response(response: Response) -> Response:
    """After the view: store a successful (< 400) response under the key reserved for it."""
    key = g.get(_RESERVED)
    if key is None or response.status_code >= 400:
        return response
    headers = {name: response.headers[name] for name in STORED_HEADERS if name in response.headers}
    try:
        request_session().execute(
            update(idempotency_table)
            .where(_table.key == key)
            .values(
                status=response.status_code,
                headers=headers,
                body=response.get_data(),
            )
        )
    except Exception as error:
        return response_for_exception(error)
    return response


@contextmanager
def reservation_committed() -> Iterator[None]:
    """For a view whose work commits in transactions of its own: commit the request's key
    reservation first (a repeat meanwhile answers 409 "still in progress", and on SQLite the
    request holds no write lock while the work runs); should the work raise, delete the
    reservation again, so that the client may retry with the same key. Without a key, nothing.
    """
    key = g.get(_RESERVED)
    if key is None:
        yield
        return
    session = request_session()
    session.commit()
    try:
        yield
    except BaseException:
        session.rollback()
        session.execute(delete(idempotency_table).where(_table.key == key, _table.status.is_(None)))
        session.commit()
        g.pop(_RESERVED)
        raise


def forget_responses_naming(session: Session, subject: str) -> None:
    """Delete, in the caller's transaction, every stored response whose body holds `subject`
    (a person's id), whatever the route: for the erasure of that person.

    Withdrawals are rare, so a scan of the stored responses is cheap enough.
    """
    holds = backends.of(session).bytes_contain(_table.body, subject.encode())
    session.execute(delete(idempotency_table).where(holds))
