"""`association-sms-sink`: prints each correctly signed SMS, refuses the others."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request

import pytest

from association.sms_sink import sink_server
from support.threads import serving

SECRET = "k" * 40


def post(url: str, body: bytes, signature: str) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"X-Association-Signature": signature}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_sink_prints_signed_messages_and_refuses_the_rest() -> None:
    out = io.StringIO()
    server = sink_server("127.0.0.1", 0, SECRET, out)
    url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    body = json.dumps({"phone": "+8613812345678", "text": "验证码 123456"}).encode()
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    with serving(server):
        assert post(url, body, good) == 204
        assert post(url, body, "sha256=" + "0" * 64) == 401
        assert (
            post(
                url,
                b"not json",
                "sha256=" + hmac.new(SECRET.encode(), b"not json", hashlib.sha256).hexdigest(),
            )
            == 400
        )
    lines = out.getvalue().splitlines()
    assert lines == [
        "SMS to +8613812345678: 验证码 123456",
        "SMS refused: its signature does not match SMS_SECRET",
    ]


def test_the_sink_refuses_to_start_without_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from association.sms_sink import main

    monkeypatch.delenv("SMS_SECRET", raising=False)
    with pytest.raises(SystemExit, match="SMS_SECRET is not set"):
        main(["--port", "0"])
