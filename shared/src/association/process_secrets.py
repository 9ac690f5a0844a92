"""The secrets the processes need: which kind of process needs which, and the refusal to start
without them.

No secret has a built-in value. A process checks the secrets it needs once, when it reads its
settings, and refuses to start with one line naming the variable when one is missing or shorter
than `MINIMUM_BYTES` (or, for a key of a given kind, not one of that kind); a process that needs
none demands none.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from association.signing_keys import new_signing_key_text, signing_key_problem

# An HMAC key shorter than its hash's output (SHA-256: 32 bytes) weakens it (RFC 2104, section 3).
MINIMUM_BYTES = 32


@dataclass(frozen=True)
class Secret:
    """A secret a process reads from the environment variable `variable`."""

    variable: str
    purpose: str
    # What is wrong with a value that is set, None when nothing: by default, being shorter than
    # MINIMUM_BYTES (see `secret_problem`).
    check: Callable[[str], str | None] | None = field(default=None, compare=False)
    # A fresh random value (`make run`'s var/secrets.env, the tests, the benchmarks).
    generate: Callable[[], str] = field(
        default=lambda: secrets.token_urlsafe(48), compare=False, repr=False
    )


AUTH_SECRET = Secret("AUTH_SECRET", "the key that signs and checks the bearer tokens")
IDENTITY_HASH_KEY = Secret(
    "IDENTITY_HASH_KEY",
    "registration's key of the hashes that find duplicate phones and ID numbers",
)
SMS_SECRET = Secret(
    "SMS_SECRET", "the key notifications signs its SMS requests with, and the gateway checks"
)
CERTIFICATE_SIGNING_KEY = Secret(
    "CERTIFICATE_SIGNING_KEY",
    "teams' Ed25519 private key that signs the certificates of volunteer service",
    check=lambda value: (
        None
        if (problem := signing_key_problem(value)) is None
        else "CERTIFICATE_SIGNING_KEY is not an Ed25519 private key (PEM, or base64 of the raw 32 "
        f"bytes or of the DER): {problem}"
    ),
    generate=new_signing_key_text,
)
# Every secret some process of the stack needs.
ALL_SECRETS = (AUTH_SECRET, IDENTITY_HASH_KEY, CERTIFICATE_SIGNING_KEY)
# What `make run` generates a value for: those, and the secret of its development SMS sink (SMS
# go out only when SMS_URL is set, and then notifications needs SMS_SECRET with it).
GENERATED_SECRETS = (*ALL_SECRETS, SMS_SECRET)


class Process(StrEnum):
    """The kinds of process a service or an operator starts."""

    WEB = "web"
    WORKER = "worker"
    CATCH_UP = "catch-up"
    REBUILD = "rebuild"
    # A command that signs a token for an operator: association-token, association-announce, seed.
    TOKEN_ISSUER = "token-issuer"


# What a process of each kind needs whatever its service; a service adds its own (its definition's
# `secrets`). Workers neither issue nor check tokens.
SHARED_NEEDS: Mapping[Process, tuple[Secret, ...]] = {
    Process.WEB: (AUTH_SECRET,),  # checks the requests' tokens
    Process.CATCH_UP: (AUTH_SECRET,),  # signs the token it reads the producers' feeds with
    Process.TOKEN_ISSUER: (AUTH_SECRET,),
}

ServiceNeeds = Mapping[Process, Sequence[Secret]]


def secrets_needed(process: Process, service_needs: ServiceNeeds | None = None) -> list[Secret]:
    """The secrets a process of kind `process` needs: the shared ones, then its service's own."""
    needed = list(SHARED_NEEDS.get(process, ()))
    for secret in (service_needs or {}).get(process, ()):
        if secret not in needed:
            needed.append(secret)
    return needed


def secret_problem(secret: Secret, environ: Mapping[str, str]) -> str | None:
    """None when `environ` holds the secret at its full length, else one line saying what is
    wrong (naming the variable, never its value)."""
    value = environ.get(secret.variable, "")
    if not value:
        if secret.check is not None:
            return (
                f"{secret.variable} is not set: it is {secret.purpose}; set it to one (e.g. the "
                "PEM of `openssl genpkey -algorithm ed25519`)"
            )
        return (
            f"{secret.variable} is not set: it is {secret.purpose}; set it to {MINIMUM_BYTES} or "
            "more random bytes (e.g. `openssl rand -base64 48`)"
        )
    if secret.check is not None:
        return secret.check(value)
    length = len(value.encode())
    if length < MINIMUM_BYTES:
        return f"{secret.variable} must be at least {MINIMUM_BYTES} bytes (it has {length})"
    return None


def require_secrets(
    process: Process,
    service_needs: ServiceNeeds | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Refuse to start unless every secret the process needs is set and long enough.

    Raises SystemExit with the first problem: Python prints its one line on stderr, no
    traceback, and the process exits with status 1.
    """
    env = os.environ if environ is None else environ
    for secret in secrets_needed(process, service_needs):
        problem = secret_problem(secret, env)
        if problem:
            raise SystemExit(problem)
