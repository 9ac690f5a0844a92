"""The sign-up page's weight: the bytes a phone transfers on its first visit to `/`, until the
form is built, measured by Chromium itself (the DevTools protocol's `encodedDataLength`: headers
and bodies as they came over the wire), next to the console page's first load in the same run —
the page that carries the chart library.

Real processes: `registration-web` on a fresh SQLite file (the form's vocabularies and member units
come from it) and `association-web-pages` serving web/, on free loopback ports; Debian's Chromium
under Playwright, a fresh browser context (empty cache) per load.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.http import _registration_web
from bench.servers import server
from support.web_stack import CHROMIUM, PHONE

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"


def _load(browser: Any, url: str, ready: str | None) -> dict[str, int]:
    """Bytes transferred per kind of request (page, API, total) and the request count."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    devtools.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    devtools.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url)
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    context.close()
    origin = url.rsplit("/", 1)[0] if url.count("/") > 3 else url.rstrip("/")
    totals: dict[str, int] = defaultdict(int)
    for request, size in sizes.items():
        kind = "page" if urls.get(request, "").startswith(origin) else "api"
        totals[kind] += size
        totals["total"] += size
        totals["requests"] += 1
    return dict(totals)


def _kib(count: int) -> str:
    return f"{count / 1024:,.1f} KiB"


def run(amqp_url: str, _postgres_url: str | None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as directory:
        folder = Path(directory)
        registration_env = {
            "DATABASE_URL": f"sqlite:///{folder / 'registration.db'}",
            "AMQP_URL": amqp_url,
            "AMQP_PREFIX": f"bench-{uuid.uuid4().hex[:8]}.",
            "CORS_ORIGINS": "*",
            "WEB_CONCURRENCY": "1",
        }
        with server(_registration_web(), registration_env, folder / "registration.log") as api:
            pages_env = {
                "WEB_ROOT": str(WEB_ROOT),
                "WEB_CONCURRENCY": "1",
                "WEB_REGISTRATION_URL": f"http://127.0.0.1:{api.port}",
            }
            with (
                server(
                    [str(Path(sys.executable).with_name("association-web-pages"))],
                    pages_env,
                    folder / "pages.log",
                ) as pages,
                sync_playwright() as playwright,
            ):
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                base = f"http://127.0.0.1:{pages.port}"
                sign_up = _load(browser, f"{base}/", "form button[type=submit]")
                console = _load(browser, f"{base}/console", None)
                browser.close()
    return [
        {
            "benchmark": "Sign-up page: bytes on first load (empty cache)",
            "ours": f"{_kib(sign_up['total'])} in {sign_up['requests']} requests",
            "reference": f"{_kib(console['total'])} in {console['requests']} requests, "
            "the console page's first load",
            "ratio": console["total"] / sign_up["total"],
            "target": None,
            "note": f"of which the page's own HTML, CSS and modules {_kib(sign_up['page'])}, "
            f"the API answers its form is built from (OpenAPI document, member units) "
            f"{_kib(sign_up['api'])}; uncompressed; ratio: how many times lighter than the console",
        }
    ]
