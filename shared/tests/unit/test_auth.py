"""Tokens: issue, decode, expiry, signature, scopes, and the association-token command (no I/O)."""

from __future__ import annotations

import time

import jwt
import pytest

from association.auth import ROLE_SCOPES, SCOPES, Principal, TokenError, decode_token, issue_token
from association.auth.token_cli import main as token_main
from support.tokens import SECRET


def test_round_trip_keeps_sub_and_scopes() -> None:
    token = issue_token(SECRET, "ops", ["teams:write", "events:read"])
    principal = decode_token(SECRET, token)
    assert principal == Principal("ops", frozenset({"teams:write", "events:read"}))


def test_scopes_may_be_a_space_separated_string() -> None:
    token = issue_token(SECRET, "ops", "teams:write  events:read")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["scope"] == "events:read teams:write"
    assert claims["sub"] == "ops"
    assert claims["exp"] > time.time()


def test_has_honours_admin() -> None:
    admin = Principal("root", frozenset({"admin"}))
    assert all(admin.has(scope) for scope in SCOPES - {"self"})
    assert not admin.has("self"), "only a volunteer's own token speaks for them"
    reader = Principal("r", frozenset({"volunteers:read"}))
    assert reader.has("volunteers:read")
    assert not reader.has("volunteers:write")
    assert not reader.has("admin")


def test_expired_token_is_refused() -> None:
    token = jwt.encode({"sub": "ops", "scope": "admin", "exp": int(time.time()) - 5}, SECRET)
    with pytest.raises(TokenError, match="expired"):
        decode_token(SECRET, token)


def test_bad_signature_is_refused() -> None:
    token = issue_token("another-secret-0123456789abcdef0123456789", "ops", "admin")
    with pytest.raises(TokenError, match="signature"):
        decode_token(SECRET, token)


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
def test_missing_or_malformed_token_is_refused(token: str | None) -> None:
    with pytest.raises(TokenError):
        decode_token(SECRET, token)


def test_token_without_exp_is_refused() -> None:
    token = jwt.encode({"sub": "ops", "scope": "admin"}, SECRET)
    with pytest.raises(TokenError, match="exp"):
        decode_token(SECRET, token)


def test_other_algorithms_are_refused() -> None:
    token = jwt.encode(
        {"sub": "ops", "scope": "admin", "exp": int(time.time()) + 60}, SECRET, algorithm="HS512"
    )
    with pytest.raises(TokenError):
        decode_token(SECRET, token)


def test_non_string_scope_is_refused() -> None:
    token = jwt.encode({"sub": "ops", "scope": ["admin"], "exp": int(time.time()) + 60}, SECRET)
    with pytest.raises(TokenError, match="scope"):
        decode_token(SECRET, token)


def test_issue_refuses_unknown_scope_empty_sub_and_bad_ttl() -> None:
    with pytest.raises(ValueError, match="root"):
        issue_token(SECRET, "ops", "root")
    with pytest.raises(ValueError):
        issue_token(SECRET, "", "admin")
    with pytest.raises(ValueError):
        issue_token(SECRET, "ops", "admin", ttl_seconds=0)


def test_cli_defaults_to_an_admin_operator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTH_SECRET", SECRET)
    assert token_main([]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    principal = decode_token(SECRET, out.strip())
    assert principal == Principal("operator", frozenset({"admin"}))


@pytest.mark.parametrize(
    ("value", "said"),
    [("", "AUTH_SECRET is not set"), ("x" * 31, "AUTH_SECRET must be at least 32 bytes")],
)
def test_cli_refuses_without_a_full_length_secret(
    value: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTH_SECRET", value)
    with pytest.raises(SystemExit) as refused:
        token_main([])
    assert str(refused.value.code).startswith(said)
    assert capsys.readouterr().out == ""


def test_cli_uses_auth_secret_scope_sub_and_ttl(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTH_SECRET", SECRET)
    token_main(["--scope", "teams:write events:read", "--sub", "ops", "--ttl", "120"])
    token = capsys.readouterr().out.strip()
    expected = Principal("ops", frozenset({"teams:write", "events:read"}))
    assert decode_token(SECRET, token) == expected
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["exp"] <= time.time() + 120


def test_cli_rejects_unknown_scope(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        token_main(["--scope", "everything"])
    assert exit_info.value.code == 2
    assert "everything" in capsys.readouterr().err


def test_a_persons_claims_round_trip() -> None:
    token = issue_token(
        "s" * 32, "c-1", ROLE_SCOPES["coordinator"], role="coordinator", org="org-7", sid="l-1"
    )
    principal = decode_token("s" * 32, token)
    assert (principal.role, principal.org, principal.sid) == ("coordinator", "org-7", "l-1")
    assert principal.has("teams:write") and not principal.has("volunteers:write")


def test_an_unknown_role_is_refused_both_ways() -> None:
    with pytest.raises(ValueError, match="role"):
        issue_token("s" * 32, "x", ["self"], role="mayor")
    forged = jwt.encode(
        {"sub": "x", "scope": "self", "exp": int(time.time()) + 60, "role": "mayor"},
        "s" * 32,
        algorithm="HS256",
    )
    with pytest.raises(TokenError, match="role"):
        decode_token("s" * 32, forged)
