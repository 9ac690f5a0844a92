"""The web pages in a real browser against the whole stack as real processes.

`web_stack()` starts the six processes of the services (support.stack), the development SMS sink
that `make run` starts (its lines carry the login codes) and `association-web-pages` serving
`web/`, each API allowing the pages' origin (CORS_ORIGINS). `chromium()` is Debian's Chromium
driven by Playwright, headless; `Screenshots` keeps a page's picture under `var/screenshots/`.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from association.auth import ROLE_SCOPES, issue_token
from association.testing import delete_broker_names
from support.polling import wait_for
from support.ports import free_port
from support.processes import ServiceProcess, health
from support.stack import Stack, running_stack
from support.tokens import SECRET, bearer

REPOSITORY = Path(__file__).resolve().parents[3]
WEB_ROOT = REPOSITORY / "web"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or REPOSITORY / "var" / "screenshots")
SMS_SECRET = "web-tests-sms-secret-" + "x" * 20
# A phone of 390 × 844 CSS pixels (the sign-up and a volunteer's pages), a desk of 1280 × 900.
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@dataclass
class WebStack:
    """The running stack, the pages' URL and the SMS sink's console."""

    stack: Stack
    url: str
    sink: ServiceProcess
    web: ServiceProcess

    def api(self, service: str) -> str:
        return self.stack.urls[service]

    def admin(self) -> dict[str, str]:
        return bearer("admin", sub="web-tests")

    def code_for(self, phone: str, after: int = 0) -> str:
        """The newest login code the sink printed for `phone` (`+86…`) past offset `after`."""
        pattern = re.compile(rf"SMS to {re.escape(phone)}: .*?(\d{{6}})")

        def found() -> str | None:
            codes = pattern.findall(self.sink.output()[after:])
            return codes[-1] if codes else None

        return wait_for(found, timeout=60, interval=0.2, what=f"a login code for {phone}")

    def sink_offset(self) -> int:
        return len(self.sink.output())

    def post(self, service: str, path: str, body: dict[str, Any], **headers: str) -> dict:
        """POST as an administrator; the answer's JSON once it is 2xx."""
        response = requests.post(
            f"{self.api(service)}{path}",
            json=body,
            headers={**self.admin(), **headers},
            timeout=30,
        )
        assert response.ok, (path, response.status_code, response.text)
        return response.json() if response.content else {}

    def person_headers(self, role: str, sub: str, org: str | None = None) -> dict[str, str]:
        """A person's Authorization header signed directly (for arranging, not for the pages)."""
        token = issue_token(SECRET, sub, ROLE_SCOPES[role], role=role, org=org)
        return {"Authorization": f"Bearer {token}"}

    def log_in(self, phone: str, as_: str = "volunteer") -> dict[str, Any]:
        """Log in over the API as the pages do (code by SMS to the sink): the token pair."""
        offset = self.sink_offset()
        registration = self.api("registration")
        asked = requests.post(
            f"{registration}/sessions/codes", json={"phone": phone, "as": as_}, timeout=30
        )
        assert asked.status_code == 202, asked.text
        code = self.code_for(f"+86{phone[-11:]}", offset)
        pair = requests.post(
            f"{registration}/sessions", json={"phone": phone, "code": code, "as": as_}, timeout=30
        )
        assert pair.status_code == 201, pair.text
        return pair.json()

    def enter_session(self, page: Any, pair: dict[str, Any], path: str = "/me") -> None:
        """Open `path` in `page` already logged in with `pair` (as /login leaves it)."""
        page.goto(f"{self.url}/login")
        page.evaluate(
            "pair => sessionStorage.setItem('association.session', JSON.stringify("
            "{access: pair.access_token, refresh: pair.refresh_token}))",
            pair,
        )
        page.goto(f"{self.url}{path}")


@contextmanager
def web_stack(tmp_path: Path, amqp_url: str) -> Iterator[WebStack]:
    """The services, the SMS sink and the web pages on free ports, stopped after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    sink_port = web_port = free_port()
    while web_port == sink_port:  # a port just freed may be handed out again at once
        web_port = free_port()
    url = f"http://127.0.0.1:{web_port}"
    extra = {
        "CORS_ORIGINS": url,
        "SMS_URL": f"http://127.0.0.1:{sink_port}/sms",
        "SMS_SECRET": SMS_SECRET,
        "WEB_BASE_URL": url,
    }
    try:
        with running_stack(tmp_path, amqp_url, prefix, **extra) as stack:
            sink = ServiceProcess(
                "association-sms-sink",
                {"SMS_SECRET": SMS_SECRET, "SMS_SINK_PORT": str(sink_port)},
                tmp_path / "sms-sink.log",
            )
            web = ServiceProcess(
                "association-web-pages",
                {
                    "PORT": str(web_port),
                    "WEB_ROOT": str(WEB_ROOT),
                    "WEB_CONCURRENCY": "1",
                    "WEB_REGISTRATION_URL": stack.urls["registration"],
                    "WEB_TEAMS_URL": stack.urls["teams"],
                    "WEB_NOTIFICATIONS_URL": stack.urls["notifications"],
                },
                tmp_path / "web-pages.log",
            )
            sink.start()
            web.start()
            try:
                wait_for(lambda: health(url), timeout=30, what="the web pages answer")
                wait_for(lambda: "SMS sink on" in sink.output(), timeout=30, what="the SMS sink")
                yield WebStack(stack, url, sink, web)
            finally:
                codes = (sink.stop(), web.stop())
                assert codes == (0, 0), (codes, sink.output()[-2000:], web.output()[-2000:])
    finally:
        delete_broker_names(amqp_url, prefix)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, headless (no browser is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--lang=zh-CN"]
        )
        try:
            yield browser
        finally:
            browser.close()


class PageErrors:
    """Every uncaught script error and console error of a page, to assert there were none.

    Chromium logs each answer of status 4xx/5xx as a console error ("Failed to load resource");
    the pages show those to people, so they are not counted here.
    """

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as `var/screenshots/<name>.png` (or under SCREENSHOT_DIR)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
