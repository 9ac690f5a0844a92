"""The rules of logging in by phone and one-time code: codes, their lifetime, tries and tokens.

Plain Python: the codes' keyed hashes, how long a code and a token live, and what a login may be
refused for. Nothing here is stored or sent; `registration.service_layer.sessions` does that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from association.auth.tokens import COORDINATOR, OFFICE, VOLUNTEER

VOLUNTEER_AUDIENCE, STAFF_AUDIENCE = "volunteer", "staff"
AUDIENCES = (VOLUNTEER_AUDIENCE, STAFF_AUDIENCE)
STAFF_ROLES = (COORDINATOR, OFFICE)
PERSON_ROLES = (VOLUNTEER, *STAFF_ROLES)

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_WRONG_TRIES = 5
ACCESS_TOKEN_SECONDS = 900
REFRESH_LIFETIME = timedelta(days=30)

# The one answer to any code that does not log in: wrong, used, expired or out of tries.
REFUSED = "the phone and code do not match a valid login code"
REFRESH_REFUSED = "this refresh token is not valid"


class LoginRefused(Exception):
    """A code or refresh token that logs nobody in (answer 401, always with the same words)."""


class TooSoon(Exception):
    """A code was asked for this phone less than a minute ago (answer 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"a code was sent to this phone less than {RESEND_AFTER.seconds} s ago")
        self.retry_after = retry_after


def new_code() -> str:
    """A uniformly random code of `CODE_DIGITS` digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_digest(token: str) -> str:
    """What is stored of a refresh token (256 random bits need no key)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CodeHasher:
    """Keyed hashes (HMAC-SHA256) of codes, under a key derived from the service's secret."""

    key: bytes

    @classmethod
    def derived_from(cls, secret: bytes) -> CodeHasher:
        return cls(hmac.new(secret, b"association login codes", hashlib.sha256).digest())

    def digest(self, audience: str, phone_digest: str, code: str) -> str:
        message = f"{audience}:{phone_digest}:{code}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    @staticmethod
    def matches(stored: str | None, presented: str) -> bool:
        """Whether a presented digest is the stored one, compared in constant time."""
        return stored is not None and hmac.compare_digest(stored.encode(), presented.encode())
