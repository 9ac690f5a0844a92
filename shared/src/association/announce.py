"""`association-announce`: once every service answers `/health`, say where everything is.

Runs beside the six processes of `make run` (honcho stops them all if it exits); after
announcing it waits quietly until it is stopped.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from association.auth import issue_token
from association.process_secrets import Process, require_secrets
from association.settings import Settings

SERVICES = (("registration", 8081), ("teams", 8082), ("notifications", 8083))
WEB_PAGES = "http://127.0.0.1:8080"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200 and json.load(response).get("status") != "down"
    except (OSError, urllib.error.URLError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> None:
    """Wait for the three services' `/health`, print where everything is and an admin token signed
    with AUTH_SECRET (refusing at once without it), then wait until stopped."""
    argparse.ArgumentParser(
        prog="association-announce",
        description="Wait until the three services of `make run` answer /health, print their "
        "URLs and an admin token signed with AUTH_SECRET, then wait until stopped.",
    ).parse_args(argv)
    require_secrets(Process.TOKEN_ISSUER)
    settings = Settings.from_env()
    urls = {name: f"http://127.0.0.1:{port}" for name, port in SERVICES}
    deadline = time.monotonic() + settings.announce_timeout
    waiting = {**urls, "web pages": WEB_PAGES}
    while waiting:
        waiting = {name: url for name, url in waiting.items() if not healthy(url)}
        if waiting and time.monotonic() > deadline:
            print(f"not answering /health: {', '.join(waiting)}; see their log lines above")
            sys.exit(1)
        time.sleep(0.3)
    token = issue_token(settings.auth_secret, "operator", ["admin"])
    lines = [f"  {name:<14} {url}   (API: {url}/openapi.json)" for name, url in urls.items()]
    print(
        "\n".join(
            [
                "All three services answer:",
                *lines,
                f"  web pages      {WEB_PAGES}   (sign-up /, /login, /me, /console)",
                "  logs:          here, one JSON line per request or event (prefixed by process)",
                "  databases:     var/registration.db, var/teams.db, var/notifications.db",
                f"  admin token (1 hour): {token}",
                "Ctrl-C stops everything.",
            ]
        ),
        flush=True,
    )
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
