"""A partner's webhook endpoint for tests: a real HTTP server on a free loopback port."""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from support.threads import serving


class WebhookReceiver:
    """Records every POST (headers and exact body) and answers 204."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/association"
        self._serving = ExitStack()

    def __enter__(self) -> WebhookReceiver:
        self._serving.enter_context(serving(self.server))
        return self

    def __exit__(self, *_exc: object) -> None:
        self._serving.close()

    def events(self, secret: str) -> list[dict]:
        """The received envelopes, each checked against its signature header."""
        envelopes = []
        for headers, body in self.received:
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(headers["X-Association-Signature"], expected)
            envelope = json.loads(body)
            assert headers["X-Association-Event"] == envelope["event_type"]
            envelopes.append(envelope)
        return envelopes
