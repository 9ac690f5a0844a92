"""The SMS gateway's signature and settings, without I/O."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from notifications.adapters.sms import international, signature
from notifications.config import NotificationSettings


def test_the_signature_is_the_hmac_sha256_of_the_exact_body() -> None:
    body = '{"phone":"+8613812345678","text":"验证码"}'.encode()
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature("secret", body) == f"sha256={expected}"
    assert signature("secret", body + b" ") != signature("secret", body)


def test_phones_go_out_with_the_country_code() -> None:
    assert international("13812345678") == "+8613812345678"
    assert international("+8613812345678") == "+8613812345678"


def test_sms_needs_a_long_secret_and_an_http_url() -> None:
    assert NotificationSettings.from_env({}).sms_gateway is None
    with pytest.raises(ValueError, match="SMS_SECRET"):
        NotificationSettings.from_env({"SMS_URL": "http://127.0.0.1:8089/sms"})
    with pytest.raises(ValueError, match="SMS_SECRET"):
        NotificationSettings.from_env({"SMS_URL": "http://x/sms", "SMS_SECRET": "short"})
    with pytest.raises(ValueError, match="SMS_URL"):
        NotificationSettings.from_env({"SMS_URL": "ftp://x/sms", "SMS_SECRET": "s" * 32})
    gateway = NotificationSettings.from_env({"SMS_URL": "http://x/sms", "SMS_SECRET": "s" * 32})
    assert gateway.sms_gateway is not None and gateway.sms_gateway.url == "http://x/sms"
