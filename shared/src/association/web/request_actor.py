"""The actor of each request (`association.actors`): who its bearer token speaks for.

Taken before the request from its `Authorization` header whatever the route's scope: a public
route called with a token (an operator's sign-up) acts as that token; no token, or one that does
not check out, acts as the public (a route that needs a scope answers 401 before doing anything).
"""

from __future__ import annotations

from flask import g, request

from association.actors import SYSTEM_ACTOR, actor_of, reset_actor, set_actor
from association.auth.tokens import TokenError, principal_from_request


def begin_request() -> None:
    """Before the request: make its token's actor the current one until it ends."""
    principal = None
    if request.headers.get("Authorization"):
        try:
            principal = principal_from_request()
        except TokenError:
            principal = None
    g.actor_token = set_actor(actor_of(principal))


def end_request(_error: BaseException | None = None) -> None:
    """At teardown: leave the actor as it was before the request (system) for the thread."""
    token = g.pop("actor_token", None)
    if token is None:
        return
    try:
        reset_actor(token)
    except ValueError:  # set in another context (a server that copies contexts): forget it
        set_actor(SYSTEM_ACTOR)
