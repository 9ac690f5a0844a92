"""`association-dev-secrets`, through which `make run`, `make token` and `make seed` get one set of
development secrets from var/secrets.env: made once, owner-only, the environment winning."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from association.auth import decode_token
from association.dev_secrets import ensure_secrets_file, read_values
from association.process_secrets import GENERATED_SECRETS, MINIMUM_BYTES
from support.processes import BIN

SECRET_VARIABLES = {secret.variable for secret in GENERATED_SECRETS}


def test_the_file_is_made_once_owner_only_with_a_long_random_value_per_secret(
    tmp_path: Path,
) -> None:
    path = tmp_path / "var" / "secrets.env"
    first = ensure_secrets_file(path)
    assert set(first) == SECRET_VARIABLES
    assert all(len(value.encode()) >= MINIMUM_BYTES for value in first.values())
    assert len(set(first.values())) == len(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_secrets_file(path) == first


def test_a_secret_the_file_lacks_is_added_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("AUTH_SECRET=" + "a" * 40 + "\n")
    values = ensure_secrets_file(path)
    assert values["AUTH_SECRET"] == "a" * 40
    assert set(values) == SECRET_VARIABLES
    assert read_values(path.read_text()) == values


def command_output(path: Path, environ: dict[str, str], *command: str) -> str:
    return subprocess.run(
        [str(BIN / "association-dev-secrets"), str(path), "--", *command],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout


def test_make_token_signs_with_the_file_unless_the_environment_sets_a_secret(
    tmp_path: Path,
) -> None:
    path = tmp_path / "var" / "secrets.env"
    bare = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
    token = command_output(path, bare, str(BIN / "association-token")).strip()
    from_file = read_values(path.read_text())["AUTH_SECRET"]
    assert decode_token(from_file, token).sub == "operator"
    again = command_output(path, bare, str(BIN / "association-token"), "--sub", "again").strip()
    assert decode_token(from_file, again).sub == "again"  # the same secret, not a new one

    own = "e" * 48
    token = command_output(path, bare | {"AUTH_SECRET": own}, str(BIN / "association-token"))
    assert decode_token(own, token.strip()).sub == "operator"
