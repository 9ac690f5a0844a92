"""The registration service's own settings, read from the environment once per process.

The shared runtime calls `RegistrationConfig.from_environ` when it starts the process and hands
the result to the parts in its context (`ServiceContext.config`); see the README's table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from association.process_secrets import IDENTITY_HASH_KEY, Process
from registration.domain.vocabularies import Vocabulary

# The processes that compute identity hashes: the web (sign-ups, changes) and the rebuild.
SECRETS_NEEDED = {Process.WEB: (IDENTITY_HASH_KEY,), Process.REBUILD: (IDENTITY_HASH_KEY,)}


@dataclass(frozen=True)
class RegistrationConfig:
    """The secret of the identity hashes, and the street and skill vocabularies in force."""

    identity_hash_key: bytes
    streets: Vocabulary
    skills: Vocabulary
    # Flask-Limiter's limit per client address on the login routes (`off`: none).
    login_rate_limit: str = "30/minute"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> RegistrationConfig:
        """`IDENTITY_HASH_KEY`, `STREETS_FILE` and `SKILLS_FILE` (else the vocabularies shipped),
        `LOGIN_RATE_LIMIT`.

        The key has no default: the processes that hash (web, rebuild) refuse to start without it
        (`SECRETS_NEEDED`); the worker needs none and reads it as empty.
        """
        return cls(
            identity_hash_key=environ.get("IDENTITY_HASH_KEY", "").encode(),
            streets=read_vocabulary("streets", environ.get("STREETS_FILE")),
            skills=read_vocabulary("skills", environ.get("SKILLS_FILE")),
            login_rate_limit=environ.get("LOGIN_RATE_LIMIT") or "30/minute",
        )


def read_vocabulary(name: str, path: str | None) -> Vocabulary:
    """The vocabulary in the JSON file at `path`, or the one shipped as `data/<name>.json`."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("registration.data").joinpath(f"{name}.json").read_text("utf-8")
    return Vocabulary.from_entries(name, json.loads(text))
