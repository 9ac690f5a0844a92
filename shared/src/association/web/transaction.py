"""Request-scoped transaction: one request = one transaction.

`request_session()` hands a view the request's write session, opened lazily from
`Database.session()` (one per request). Views never commit: after the view, a response with a
status below 400 commits the session and any other status rolls it back, so an error changes
nothing. A failure at commit time (say an IntegrityError from a unique constraint) is turned into a
JSON error response (409 for an IntegrityError) instead of a 500 page. The session is always closed
at teardown.
"""

from __future__ import annotations

from flask import Response, current_app, g
from sqlalchemy.orm import Session

from association.db import Database
from association.web.errors import response_for_exception

_SESSION = "_association_session"


def current_database() -> Database:
    """The Database the current app was created with."""
    return current_app.extensions["association"]["database"]


def request_session() -> Session:
    """The current request's write session (opened on first use, committed or rolled back after)."""
    session = g.get(_SESSION)
    if session is None:
        session = current_database().session()
        setattr(g, _SESSION, session)
    return session


def has_request_session() -> bool:
    """Whether the current request has opened its write session."""
    return g.get(_SESSION) is not None


def finish_transaction(response: Response) -> Response:
    """Commit on a status below 400, else roll back; a failing commit becomes an error response."""
    session: Session | None = g.get(_SESSION)
    if session is None:
        return response
    if response.status_code >= 400:
        session.rollback()
        return response
    try:
        session.commit()
    except Exception as error:
        session.rollback()
        return response_for_exception(error)
    return response


def close_session(_error: BaseException | None = None) -> None:
    """At teardown: close the request's session (rolling back anything left open)."""
    session: Session | None = g.pop(_SESSION, None)
    if session is not None:
        session.close()
