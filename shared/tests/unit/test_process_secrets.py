"""Which process needs which secret, and what a process says when one is missing or short."""

from __future__ import annotations

import pytest

from association.dev_secrets import environment_with, read_values
from association.preflight import secrets_problem
from association.process_secrets import (
    ALL_SECRETS,
    AUTH_SECRET,
    CERTIFICATE_SIGNING_KEY,
    IDENTITY_HASH_KEY,
    Process,
    require_secrets,
    secret_problem,
    secrets_needed,
)
from registration.definition import SERVICE as REGISTRATION
from teams.definition import SERVICE as TEAMS

FULL = "k" * 32


def test_web_processes_catch_up_and_token_issuers_need_the_auth_secret_workers_none() -> None:
    assert secrets_needed(Process.WEB) == [AUTH_SECRET]
    assert secrets_needed(Process.CATCH_UP) == [AUTH_SECRET]
    assert secrets_needed(Process.TOKEN_ISSUER) == [AUTH_SECRET]
    assert secrets_needed(Process.WORKER) == []
    assert secrets_needed(Process.REBUILD, TEAMS.secrets) == []


def test_registration_adds_its_identity_hash_key_where_it_hashes() -> None:
    assert secrets_needed(Process.WEB, REGISTRATION.secrets) == [AUTH_SECRET, IDENTITY_HASH_KEY]
    assert secrets_needed(Process.REBUILD, REGISTRATION.secrets) == [IDENTITY_HASH_KEY]
    assert secrets_needed(Process.WORKER, REGISTRATION.secrets) == []


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (None, "AUTH_SECRET is not set: "),
        ("", "AUTH_SECRET is not set: "),
        ("k" * 31, "AUTH_SECRET must be at least 32 bytes (it has 31)"),
        ("密" * 10, "AUTH_SECRET must be at least 32 bytes (it has 30)"),  # bytes, not characters
    ],
)
def test_a_missing_or_short_secret_is_one_line_naming_the_variable_not_the_value(
    value: str | None, said: str
) -> None:
    environ = {} if value is None else {"AUTH_SECRET": value}
    problem = secret_problem(AUTH_SECRET, environ)
    assert problem is not None and problem.startswith(said)
    assert "\n" not in problem
    assert not value or value not in problem
    assert secret_problem(AUTH_SECRET, {"AUTH_SECRET": FULL}) is None


def test_a_process_refuses_at_its_first_problem_and_starts_when_all_are_there() -> None:
    with pytest.raises(SystemExit) as refused:
        require_secrets(Process.WEB, REGISTRATION.secrets, {"AUTH_SECRET": FULL})
    assert str(refused.value.code).startswith("IDENTITY_HASH_KEY is not set")
    require_secrets(Process.WORKER, REGISTRATION.secrets, {})
    require_secrets(
        Process.WEB, REGISTRATION.secrets, {"AUTH_SECRET": FULL, "IDENTITY_HASH_KEY": FULL}
    )


def test_preflight_checks_every_secret_of_the_stack() -> None:
    everything = {
        secret.variable: FULL if secret.check is None else secret.generate()
        for secret in ALL_SECRETS
    }
    assert secrets_problem(everything) is None
    problem = secrets_problem(everything | {"IDENTITY_HASH_KEY": "short"})
    assert problem is not None and problem.startswith("IDENTITY_HASH_KEY must be at least")


def test_the_secrets_file_is_read_and_the_environment_wins_over_it() -> None:
    values = read_values("# made by make run\nAUTH_SECRET=from-file\n\nIDENTITY_HASH_KEY=a=b\n")
    assert values == {"AUTH_SECRET": "from-file", "IDENTITY_HASH_KEY": "a=b"}
    merged = environment_with(values, {"AUTH_SECRET": "from-env", "IDENTITY_HASH_KEY": ""})
    assert merged == {"AUTH_SECRET": "from-env", "IDENTITY_HASH_KEY": "a=b"}


def test_teams_web_needs_the_certificate_signing_key_and_nothing_else_of_teams_does() -> None:
    assert secrets_needed(Process.WEB, TEAMS.secrets) == [AUTH_SECRET, CERTIFICATE_SIGNING_KEY]
    assert secrets_needed(Process.WORKER, TEAMS.secrets) == []
    assert secrets_needed(Process.REBUILD, TEAMS.secrets) == []


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (None, "CERTIFICATE_SIGNING_KEY is not set: "),
        ("k" * 48, "CERTIFICATE_SIGNING_KEY is not an Ed25519 private key"),
        (
            "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----",
            "CERTIFICATE_SIGNING_KEY is not an Ed25519",
        ),
    ],
)
def test_teams_web_refuses_without_an_ed25519_key_in_one_line(value: str | None, said: str) -> None:
    environ = {"AUTH_SECRET": FULL} | ({} if value is None else {"CERTIFICATE_SIGNING_KEY": value})
    with pytest.raises(SystemExit) as refused:
        require_secrets(Process.WEB, TEAMS.secrets, environ)
    message = str(refused.value.code)
    assert message.startswith(said) and "\n" not in message
    assert not value or value not in message
    key = CERTIFICATE_SIGNING_KEY.generate()
    require_secrets(
        Process.WEB, TEAMS.secrets, {"AUTH_SECRET": FULL, "CERTIFICATE_SIGNING_KEY": key}
    )
