"""POSTing a webhook: to an address checked just before, with a timeout, never following redirects.

The host is resolved and every address checked again at each delivery (a DNS answer may have
changed since the subscription was made), and the connection goes to the checked address, with
the URL's host name in the Host header and for TLS, so the check cannot be raced.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from notifications.domain.webhook_urls import Resolver, UrlRefused, check_webhook_url

MAX_RESPONSE_BYTES = 64 * 1024


def resolve_host(host: str, port: int) -> Sequence[str]:
    """Every address `host` resolves to (raises OSError when it does not resolve)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


@dataclass(frozen=True)
class WebhookResponse:
    """How a POST went: the status code, or the error when there was no answer."""

    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class WebhookClient:
    """Delivers webhook bodies; `post` never raises for a network or HTTP failure."""

    def __init__(
        self, timeout: float, allow_loopback: bool, resolve: Resolver = resolve_host
    ) -> None:
        self.timeout = timeout
        self.allow_loopback = allow_loopback
        self.resolve = resolve

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookResponse:
        """POST `body` to `url`; a 3xx answer is a failure like any other non-2xx."""
        try:
            target = check_webhook_url(
                url, allow_loopback=self.allow_loopback, resolve=self.resolve
            )
        except UrlRefused as error:
            return WebhookResponse(None, f"refused: {error}")
        kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        connection = kind(target.host, target.port, target.addresses[0], self.timeout)
        try:
            connection.request("POST", target.path, body=body, headers=dict(headers))
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            return WebhookResponse(response.status)
        except (OSError, http.client.HTTPException) as error:
            return WebhookResponse(None, f"{type(error).__name__}: {error}")
        finally:
            connection.close()
