"""Bearer-token auth: HS256 JWTs carrying `sub`, `scope`, `exp` (and a person's `role`, `org`,
`sid`), and a Flask scope guard."""

from association.auth.tokens import (
    ROLE_SCOPES,
    SCOPES,
    Principal,
    TokenError,
    decode_token,
    issue_token,
    principal_from_request,
    require_scope,
)

__all__ = [
    "ROLE_SCOPES",
    "SCOPES",
    "Principal",
    "TokenError",
    "decode_token",
    "issue_token",
    "principal_from_request",
    "require_scope",
]
