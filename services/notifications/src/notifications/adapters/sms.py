"""SMS through an HTTP gateway: `SMS_URL` gets `{"phone": "+86…", "text": "…"}` as JSON, signed
with `SMS_SECRET` in `X-Association-Signature: sha256=<hex HMAC-SHA256 of the body>`.

A 2xx answer is sent; a 4xx but 408 and 429 is refused for good; anything else (5xx, no answer,
a timeout) is worth another attempt. Errors never quote the body: it may hold a login code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Association-Signature"
RETRYABLE_STATUSES = (408, 429)


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def international(phone: str) -> str:
    """A mainland mobile number as `+86` and its 11 digits."""
    return phone if phone.startswith("+") else f"+86{phone}"


@dataclass(frozen=True)
class SmsGateway:
    """Where SMS go, and the secret their bodies are signed with."""

    url: str
    secret: str
    timeout: float = 10.0

    class Refused(Exception):
        """The gateway refused the message for good."""

    class Failed(Exception):
        """The gateway did not take the message this time."""

    def send(self, phone: str, text: str) -> None:
        body = json.dumps(
            {"phone": international(phone), "text": text}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: signature(self.secret, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read(1024)
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code not in RETRYABLE_STATUSES:
                raise SmsGateway.Refused(f"the SMS gateway answered {error.code}") from None
            raise SmsGateway.Failed(f"the SMS gateway answered {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsGateway.Failed(f"the SMS gateway did not answer: {reason}") from None
