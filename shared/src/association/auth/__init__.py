"""Bearer-token auth: HS256 JWTs carrying `sub`, `scope` and `exp`, and a Flask scope guard."""

from association.auth.tokens import (
    SCOPES,
    Principal,
    TokenError,
    decode_token,
    issue_token,
    principal_from_request,
    require_scope,
)

__all__ = [
    "SCOPES",
    "Principal",
    "TokenError",
    "decode_token",
    "issue_token",
    "principal_from_request",
    "require_scope",
]
