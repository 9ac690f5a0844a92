"""POSTing a webhook: to an address checked just before, within a deadline, no redirects followed.

The host is resolved and every address checked again at each delivery (a DNS answer may have
changed since the subscription was made), and the connection goes to the checked address, with
the URL's host name in the Host header and for TLS, so the check cannot be raced.

The timeout is a wall-clock deadline for the whole delivery: connecting, the TLS handshake, sending
and reading the answer. A socket timeout alone restarts at every byte, so an endpoint that trickles
its answer would hold the delivery for as long as it likes; at the deadline a watchdog shuts the
socket down, which ends whatever read or write is waiting on it.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from notifications.domain.webhook_urls import Resolver, UrlRefused, check_webhook_url

log = logging.getLogger(__name__)

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
        # The handshake runs after `self.sock` is set, so that the watchdog can cut it too.
        self.sock = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()


class _Deadline:
    """Shuts the connection's socket down when the deadline passes, unless cancelled first."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.passed = False
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        self.passed = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed: it ended as the deadline passed
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class WebhookClient:
    """Delivers webhook bodies; `post` never raises for a network or HTTP failure."""

    def __init__(
        self, timeout: float, allow_loopback: bool, resolve: Resolver = resolve_host
    ) -> None:
        self.timeout = timeout
        self.allow_loopback = allow_loopback
        self.resolve = resolve

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookResponse:
        """POST `body` to `url` within `timeout` seconds in all; a 3xx answer is a failure."""
        started = time.monotonic()
        try:
            target = check_webhook_url(
                url, allow_loopback=self.allow_loopback, resolve=self.resolve
            )
        except UrlRefused as error:
            log.warning("webhook to %s refused: %s", url, error.detail)
            return WebhookResponse(None, f"refused: {error}")
        remaining = self.timeout - (time.monotonic() - started)
        if remaining <= 0:
            return self._late()
        kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        connection = kind(target.host, target.port, target.addresses[0], remaining)
        deadline = _Deadline(connection, remaining)
        try:
            connection.request("POST", target.path, body=body, headers=dict(headers))
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            if deadline.passed or isinstance(error, TimeoutError):
                return self._late()
            return WebhookResponse(None, f"{type(error).__name__}: {error}")
        finally:
            deadline.cancel()
            connection.close()
        if deadline.passed:  # cut while reading the body: the answer is incomplete
            return self._late()
        return WebhookResponse(status)

    def _late(self) -> WebhookResponse:
        return WebhookResponse(None, f"timed out: no complete answer within {self.timeout:g}s")
