"""The rules of login codes and refresh tokens, without I/O."""

from __future__ import annotations

import re

from registration.domain.logins import (
    CodeHasher,
    new_code,
    new_refresh_token,
    refresh_digest,
)


def test_codes_are_six_random_digits() -> None:
    codes = {new_code() for _ in range(200)}
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(codes) > 190


def test_a_code_digest_is_keyed_and_bound_to_audience_and_phone() -> None:
    hasher = CodeHasher.derived_from(b"k" * 32)
    digest = hasher.digest("volunteer", "phone-digest", "123456")
    assert "123456" not in digest and len(digest) == 64
    assert hasher.matches(digest, hasher.digest("volunteer", "phone-digest", "123456"))
    assert not hasher.matches(digest, hasher.digest("staff", "phone-digest", "123456"))
    assert not hasher.matches(digest, hasher.digest("volunteer", "other-phone", "123456"))
    assert not hasher.matches(digest, hasher.digest("volunteer", "phone-digest", "123457"))
    assert not hasher.matches(None, digest)
    other_key = CodeHasher.derived_from(b"j" * 32)
    assert other_key.digest("volunteer", "phone-digest", "123456") != digest


def test_refresh_tokens_are_random_and_stored_as_digests() -> None:
    first, second = new_refresh_token(), new_refresh_token()
    assert first != second and len(first) >= 40
    assert refresh_digest(first) != first and len(refresh_digest(first)) == 64
    assert refresh_digest(first) == refresh_digest(first)
