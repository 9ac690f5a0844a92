"""`association-sms-sink`: the development SMS gateway of `make run`, printing each SMS.

It listens on 127.0.0.1:8089 (`SMS_SINK_PORT`) for what notifications POSTs to `SMS_URL`
(`{"phone", "text"}` as JSON), checks `X-Association-Signature` against `SMS_SECRET` and prints
the message on its console: how a newcomer reads their login code without a real gateway. A
request with a wrong signature is answered 401 and printed as refused. Never run it in production:
printing messages is all it does.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from association.process_secrets import SMS_SECRET, secret_problem

DEFAULT_PORT = 8089
MAX_BODY = 64 * 1024


def signed(secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is the sha256 HMAC of `body` under `secret`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


def sink_server(host: str, port: int, secret: str, out: TextIO) -> ThreadingHTTPServer:
    """The sink's HTTP server (not yet serving)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413)
                return
            body = self.rfile.read(length)
            if not signed(secret, body, self.headers.get("X-Association-Signature", "")):
                print("SMS refused: its signature does not match SMS_SECRET", file=out, flush=True)
                self._answer(401)
                return
            try:
                message = json.loads(body)
                phone, text = message["phone"], message["text"]
            except (ValueError, KeyError, TypeError):
                self._answer(400)
                return
            print(f"SMS to {phone}: {text}", file=out, flush=True)
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)


def _stop(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="association-sms-sink",
        description="Development SMS gateway: check each SMS's signature and print it.",
    )
    default_port = int(os.environ.get("SMS_SINK_PORT") or DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    problem = secret_problem(SMS_SECRET, os.environ)
    if problem:
        raise SystemExit(problem)
    server = sink_server(args.host, args.port, os.environ[SMS_SECRET.variable], sys.stdout)
    signal.signal(signal.SIGTERM, _stop)
    print(f"SMS sink on http://{args.host}:{args.port}/sms: every SMS is printed here", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C: a normal way out
        pass
    finally:
        server.server_close()
