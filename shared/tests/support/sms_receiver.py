"""An SMS gateway for tests: a real HTTP server on a free loopback port checking signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from support.threads import serving


class SmsReceiver:
    """Keeps every correctly signed SMS ({"phone", "text"}) and answers 204; answers 401 to a bad
    signature, and first each status of `failures` (e.g. [503, 503]) to make senders retry."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.messages: list[dict[str, str]] = []
        self.refused = 0
        self.failures: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(receiver.take(body, self.headers.get("X-Association-Signature")))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self._serving = ExitStack()

    def take(self, body: bytes, signature: str | None) -> int:
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        with self.lock:
            if not signature or not hmac.compare_digest(signature, expected):
                self.refused += 1
                return 401
            if self.failures:
                return self.failures.pop(0)
            self.messages.append(json.loads(body))
            return 204

    def __enter__(self) -> SmsReceiver:
        self._serving.enter_context(serving(self.server))
        return self

    def __exit__(self, *_exc: object) -> None:
        self._serving.close()
