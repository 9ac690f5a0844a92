"""Signatures of webhook bodies and the backoff between delivery attempts."""

from __future__ import annotations

import hashlib
import hmac

from notifications.domain.retries import RetryPolicy
from notifications.domain.signatures import new_secret, signature, signature_matches


def test_the_signature_is_the_hex_hmac_sha256_of_the_exact_body() -> None:
    body = '{"event_type":"TeamAssigned","payload":{"team_name":"五四路"}}'.encode()
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature("s3cret", body) == f"sha256={expected}"
    assert signature_matches("s3cret", body, f"sha256={expected}")
    assert not signature_matches("s3cret", body + b" ", f"sha256={expected}")
    assert not signature_matches("other", body, f"sha256={expected}")


def test_secrets_are_long_and_never_repeat() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(len(s) >= 40 for s in secrets)


def test_retries_back_off_exponentially_up_to_the_ceiling() -> None:
    policy = RetryPolicy(base=2.0, ceiling=60.0)
    assert [policy.delay(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert policy.delay(10_000) == 60
