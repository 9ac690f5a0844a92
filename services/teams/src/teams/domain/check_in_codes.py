"""Check-in codes shown on site: six digits that change every window of time, computed from the
activity and the window under a key of the service's, so that nothing is stored.

A code is accepted in its own window and in the next one: a volunteer who read it just before it
changed still gets in, and a code never lives longer than two windows.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DIGITS = 6
DEFAULT_WINDOW_SECONDS = 300
_LABEL = b"association teams check-in codes v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def check_in_key(secret: str) -> bytes:
    """The key of the check-in codes, derived from a secret the web process holds (HKDF-SHA256
    with a label of its own, so the codes reveal nothing of the secret or of its other uses)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(
        secret.encode()
    )


def window_of(moment: datetime, seconds: int) -> int:
    """The number of the window of `seconds` that holds `moment` (counted from 1970 in UTC)."""
    return int((moment - _EPOCH).total_seconds() // seconds)


def code_for(key: bytes, activity_id: UUID, window: int) -> str:
    """The code of the activity in the window: HMAC-SHA256, truncated as HOTP does (RFC 4226)."""
    digest = hmac.new(key, f"{activity_id}/{window}".encode(), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


@dataclass(frozen=True)
class CheckInCodes:
    """The codes of one key and window length."""

    key: bytes = bytes(32)
    seconds: int = DEFAULT_WINDOW_SECONDS

    def current(self, activity_id: UUID, now: datetime) -> tuple[str, datetime]:
        """The code to show now, and when it stops being accepted (the end of the next window)."""
        window = window_of(now, self.seconds)
        expires_at = _EPOCH + timedelta(seconds=(window + 2) * self.seconds)
        return code_for(self.key, activity_id, window), expires_at

    def accepts(self, activity_id: UUID, code: str, now: datetime) -> bool:
        """Whether `code` is the activity's code of this window or of the one before."""
        window = window_of(now, self.seconds)
        return any(
            hmac.compare_digest(code.encode(), code_for(self.key, activity_id, w).encode())
            for w in (window, window - 1)
        )
