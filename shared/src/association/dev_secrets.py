"""`association-dev-secrets FILE -- COMMAND …`: run COMMAND with the development secrets of FILE.

`make run`, `make token` and `make seed` go through it with `var/secrets.env`, so that a newcomer
sets nothing and the three agree on one secret. The file is written once (mode 0600) with a fresh
random value for every secret of the stack; a secret added to the stack later is appended to an
older file. A value set in the environment always wins over the file's.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from association.process_secrets import GENERATED_SECRETS


def read_values(text: str) -> dict[str, str]:
    """The `NAME=value` lines of a secrets file (blank lines and `#` comments left out)."""
    values = {}
    for line in text.splitlines():
        name, separator, value = line.strip().partition("=")
        if separator and not name.startswith("#"):
            values[name.strip()] = value.strip()
    return values


def ensure_secrets_file(path: Path) -> dict[str, str]:
    """The values of the secrets file at `path`, after giving every secret of the stack it lacks a
    fresh value (creating the file, readable by its owner only, when absent)."""
    existing = read_values(path.read_text()) if path.exists() else {}
    missing = [secret for secret in GENERATED_SECRETS if not existing.get(secret.variable)]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{secret.variable}={secret.generate()}\n" for secret in missing)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as file:
            file.write(lines)
    return read_values(path.read_text())


def environment_with(values: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with `values` added where it has no value of its own (the environment wins)."""
    merged = dict(environ)
    for name, value in values.items():
        if not merged.get(name):
            merged[name] = value
    return merged


def main(argv: Sequence[str] | None = None) -> None:
    """Make sure the secrets file exists, then replace this process with the command."""
    parser = argparse.ArgumentParser(
        prog="association-dev-secrets",
        description="Run a command with the development secrets of FILE (made when absent).",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    environment = environment_with(ensure_secrets_file(args.file), os.environ)
    os.execvpe(command[0], command, environment)
