"""`association-announce`: once every service answers `/health`, say where everything is.

Runs beside the six processes of `make run` (honcho stops them all if it exits); after
announcing it waits quietly until it is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

from association.auth import issue_token
from association.settings import DEV_AUTH_SECRET

SERVICES = (("registration", 8081), ("teams", 8082), ("notifications", 8083))


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200 and json.load(response).get("status") != "down"
    except (OSError, urllib.error.URLError, ValueError):
        return False


def main() -> None:
    urls = {name: f"http://127.0.0.1:{port}" for name, port in SERVICES}
    deadline = time.monotonic() + float(os.environ.get("ANNOUNCE_TIMEOUT", 90))
    waiting = dict(urls)
    while waiting:
        waiting = {name: url for name, url in waiting.items() if not healthy(url)}
        if waiting and time.monotonic() > deadline:
            print(f"not answering /health: {', '.join(waiting)}; see their log lines above")
            sys.exit(1)
        time.sleep(0.3)
    token = issue_token(os.environ.get("AUTH_SECRET") or DEV_AUTH_SECRET, "operator", ["admin"])
    lines = [f"  {name:<14} {url}   (API: {url}/openapi.json)" for name, url in urls.items()]
    print(
        "\n".join(
            [
                "All three services answer:",
                *lines,
                "  logs:          here, one JSON line per request or event (prefixed by process)",
                "  databases:     var/registration.db, var/teams.db, var/notifications.db",
                f"  admin token (1 hour): {token}",
                "Ctrl-C stops everything.",
            ]
        ),
        flush=True,
    )
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
