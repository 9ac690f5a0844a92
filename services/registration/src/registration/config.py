"""Settings of the registration service beyond the shared ones (see the README's table)."""

from __future__ import annotations

import os

DEV_IDENTITY_HASH_KEY = "development-identity-hash-key-not-for-production"


def identity_hash_key(environ: dict[str, str] | None = None) -> bytes:
    """The secret of the keyed hashes that detect duplicate phones and ID numbers."""
    env = os.environ if environ is None else environ
    return (env.get("IDENTITY_HASH_KEY") or DEV_IDENTITY_HASH_KEY).encode()
