"""Issue and check the association's bearer tokens, and guard Flask views by scope.

A token is an HS256 JWT with the claims `sub` (who), `scope` (space-separated scopes) and `exp`;
a person who logged in also has `role` (`volunteer`, `coordinator` or `office`), `org` (a
coordinator's organisation) and `sid` (the login it belongs to). The `admin` scope implies every
other scope but `self`, which only a volunteer's own token carries.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, TypeVar

import jwt
from flask import current_app, g, request
from flask_smorest import abort

from association.actors import MAX_ID_LENGTH

ALGORITHM = "HS256"
ADMIN = "admin"
SELF = "self"
SCOPES = frozenset(
    {"volunteers:read", "volunteers:write", "teams:write", "events:read", "partner", SELF, ADMIN}
)
VOLUNTEER, COORDINATOR, OFFICE = "volunteer", "coordinator", "office"
# The scopes a person's token carries for each role.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    VOLUNTEER: frozenset({SELF}),
    COORDINATOR: frozenset({"volunteers:read", "teams:write"}),
    OFFICE: frozenset({"volunteers:read", "volunteers:write", "teams:write", "events:read"}),
}
# The longest `sub`: events name their actor by it.
MAX_SUB_LENGTH = MAX_ID_LENGTH
SECURITY_SCHEME = "bearerAuth"
CHALLENGE = {"WWW-Authenticate": "Bearer"}

View = TypeVar("View", bound=Callable[..., Any])


class TokenError(Exception):
    """The request's token is missing, malformed, badly signed or expired (answer 401)."""


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for and what it may do."""

    sub: str
    scopes: frozenset[str]
    role: str | None = None
    org: str | None = None
    sid: str | None = None

    def has(self, scope: str) -> bool:
        """Whether the token grants `scope` (an admin token grants every scope but `self`)."""
        return scope in self.scopes or (ADMIN in self.scopes and scope != SELF)


def _scope_set(scopes: Iterable[str] | str) -> frozenset[str]:
    return frozenset(scopes.split() if isinstance(scopes, str) else scopes)


def issue_token(
    secret: str,
    sub: str,
    scopes: Iterable[str] | str,
    ttl_seconds: int = 3600,
    *,
    role: str | None = None,
    org: str | None = None,
    sid: str | None = None,
) -> str:
    """A signed token for `sub` with `scopes` (iterable or space-separated), valid `ttl_seconds`.

    `role`, `org` and `sid` are added as claims when given (a person's login). Raises ValueError
    for an unknown scope or role, an empty subject or a non-positive lifetime.
    """
    wanted = _scope_set(scopes)
    unknown = sorted(wanted - SCOPES)
    if unknown:
        known = " ".join(sorted(SCOPES))
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}; known: {known}")
    if not sub:
        raise ValueError("the subject (sub) must not be empty")
    if len(sub) > MAX_SUB_LENGTH:
        raise ValueError(f"the subject (sub) must be at most {MAX_SUB_LENGTH} characters")
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    if role is not None and role not in ROLE_SCOPES:
        raise ValueError(f"unknown role {role!r}; known: {' '.join(sorted(ROLE_SCOPES))}")
    claims: dict[str, Any] = {
        "sub": sub,
        "scope": " ".join(sorted(wanted)),
        "exp": int(time.time()) + ttl_seconds,
    }
    extra = {"role": role, "org": org, "sid": sid}
    claims.update({name: value for name, value in extra.items() if value is not None})
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str | None) -> Principal:
    """Check a token's signature and expiry and return its principal; raises TokenError."""
    if not token:
        raise TokenError("missing bearer token")
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenError("token expired") from error
    except jwt.InvalidSignatureError as error:
        raise TokenError("invalid token signature") from error
    except jwt.MissingRequiredClaimError as error:
        raise TokenError(f"invalid token: {error}") from error
    except jwt.InvalidTokenError as error:
        raise TokenError(f"invalid token: {error}") from error
    sub = claims["sub"]
    if not isinstance(sub, str) or not 1 <= len(sub) <= MAX_SUB_LENGTH:
        raise TokenError(f"invalid token: sub must be 1 to {MAX_SUB_LENGTH} characters")
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise TokenError("invalid token: the scope claim must be a space-separated string")
    extra = {name: claims.get(name) for name in ("role", "org", "sid")}
    if any(value is not None and not isinstance(value, str) for value in extra.values()):
        raise TokenError("invalid token: role, org and sid must be strings")
    if extra["role"] is not None and extra["role"] not in ROLE_SCOPES:
        raise TokenError(f"invalid token: unknown role {extra['role']!r}")
    return Principal(sub=claims["sub"], scopes=_scope_set(scope), **extra)


def bearer_token() -> str:
    """The token of the current request's `Authorization: Bearer` header; raises TokenError."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise TokenError("missing Authorization header (expected 'Bearer <token>')")
    kind, _, token = header.partition(" ")
    token = token.strip()
    if kind.lower() != "bearer" or not token or " " in token:
        raise TokenError("malformed Authorization header (expected 'Bearer <token>')")
    return token


def principal_from_request() -> Principal:
    """The principal of the current request's bearer token; raises TokenError."""
    return decode_token(current_app.config["AUTH_SECRET"], bearer_token())


def require_scope(scope: str, *, or_self: bool = False) -> Callable[[View], View]:
    """Decorate a Flask view (function or MethodView method) to require a token with `scope`
    (or, when `or_self`, with `self`: a volunteer's own token, which `association.access` then
    keeps to their own record).

    Answers 401 with `WWW-Authenticate: Bearer` when the token is missing, malformed, badly
    signed or expired, and 403 when it lacks the scope; otherwise sets `flask.g.principal`.
    Works above or below flask-smorest's decorators and documents the bearer requirement (and
    `x-self-allowed` in the OpenAPI document); the scope is kept as the view's `required_scope`
    and `self_allowed` (see `required_scope_of`).
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    wanted = f"{scope!r} or 'self'" if or_self else repr(scope)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                principal = principal_from_request()
            except TokenError as error:
                abort(401, message=str(error), headers=CHALLENGE)
            if not principal.has(scope) and not (or_self and principal.has(SELF)):
                abort(403, message=f"this token lacks the scope {wanted} needed here")
            g.principal = principal
            return current_app.ensure_sync(view)(*args, **kwargs)

        # flask-smorest reads its documentation from `_apidoc`, which wraps() copied from view.
        apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{SECURITY_SCHEME: []}]
        manual["x-required-scope"] = scope
        manual["x-self-allowed"] = or_self
        manual.setdefault("responses", {}).update({"401": "UNAUTHORIZED", "403": "FORBIDDEN"})
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        wrapper.required_scope = scope  # type: ignore[attr-defined]
        wrapper.self_allowed = or_self  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def _guarded_view(view: Callable[..., Any] | None, method: str) -> Any:
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method.lower(), None) if view_class is not None else view


def required_scope_of(view: Callable[..., Any] | None, method: str) -> str | None:
    """The scope `require_scope` put on a Flask view (or its MethodView's `method`), else None."""
    return getattr(_guarded_view(view, method), "required_scope", None)


def self_allowed_on(view: Callable[..., Any] | None, method: str) -> bool:
    """Whether `require_scope` lets a volunteer's own token (`self`) through on this view."""
    return bool(getattr(_guarded_view(view, method), "self_allowed", False))


def authorised_for(scope: str, *, or_self: bool = False) -> bool:
    """Whether the current request's token is valid and grants `scope` (or `self`, if allowed)."""
    try:
        principal = principal_from_request()
    except TokenError:
        return False
    return principal.has(scope) or (or_self and principal.has(SELF))
