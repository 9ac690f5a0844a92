"""Bearer tokens in tests: signed with this run's AUTH_SECRET, the one the apps and processes under
test are given (`association.testing.TEST_SECRETS`)."""

from __future__ import annotations

import time

import jwt

from association.auth import ROLE_SCOPES, issue_token
from association.testing import TEST_SECRETS

SECRET = TEST_SECRETS["AUTH_SECRET"]


def token(*scopes: str, sub: str = "tester", secret: str = SECRET) -> str:
    """A token for `sub` with `scopes`, valid an hour (those made at import outlast a whole run),
    signed with the test secret unless told otherwise."""
    return issue_token(secret, sub, scopes)


def bearer(*scopes: str, sub: str = "tester", secret: str = SECRET) -> dict[str, str]:
    """An Authorization header carrying a valid token."""
    return {"Authorization": f"Bearer {token(*scopes, sub=sub, secret=secret)}"}


def role_bearer(role: str, sub: str, org: str | None = None) -> dict[str, str]:
    """An Authorization header carrying a person's token: `role`'s scopes, the role and `org`."""
    return {
        "Authorization": f"Bearer {issue_token(SECRET, sub, ROLE_SCOPES[role], role=role, org=org)}"
    }


def expired_bearer(*scopes: str, sub: str = "tester") -> dict[str, str]:
    """An Authorization header carrying a token that expired ten seconds ago."""
    claims = {"sub": sub, "scope": " ".join(scopes), "exp": int(time.time()) - 10}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}
