"""`association-web-pages`: the association's own web pages (`web/`) on port 8080.

The pages are plain HTML and ES modules that call the three APIs from the browser; this process
only serves them. It answers:

- `/`, `/login`, `/me`, `/console`: the four pages, each a Jinja template of `web/pages/` that
  fills in the blocks of `base.html` (title, what its head loads);
- `/src/…`, `/styles/…`: the pages' modules and style sheets as they are in `web/`;
- `/vendor/<package>/…`: the files of the npm packages the pages use (`web/package.json`,
  installed by `make install` into `web/node_modules`), and nothing else of `node_modules`;
- `/config.js`: where the APIs are for the browser (`WEB_REGISTRATION_URL`, `WEB_TEAMS_URL`,
  `WEB_NOTIFICATIONS_URL`; unset, a page calls the host it came from on the service's own port);
- `/health`.

Every page carries a Content-Security-Policy allowing scripts and styles from here only and
requests to here and to the three APIs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from flask import Flask, Response, abort, render_template, request, send_from_directory
from jinja2 import FileSystemLoader

from association.service.web import GunicornApplication, gunicorn_options
from association.settings import Settings

DEFAULT_PORT = 8080
PAGES = {"/": "index.html", "/login": "login.html", "/me": "me.html", "/console": "console.html"}
# Each API: the variable that places it for the browser, and its port on the page's own host.
APIS = {
    "registration": ("WEB_REGISTRATION_URL", 8081),
    "teams": ("WEB_TEAMS_URL", 8082),
    "notifications": ("WEB_NOTIFICATIONS_URL", 8083),
}
# The npm packages whose files the pages load, and the folder of each that holds them.
VENDORED = {"chart.js": "dist"}


def default_root() -> Path:
    """`web/` of the working directory (`make run`), else `WEB_ROOT`."""
    return Path(os.environ.get("WEB_ROOT") or "web").resolve()


def create_app(root: Path, environ: Mapping[str, str] | None = None) -> Flask:
    """The pages of `root` (a `web/` folder) and where the browser finds the APIs."""
    env = os.environ if environ is None else environ
    configured = {name: env.get(variable) or None for name, (variable, _) in APIS.items()}
    app = Flask(__name__, static_folder=None)
    app.jinja_loader = FileSystemLoader(root / "pages")

    def api_origins() -> list[str]:
        host = request.host.rpartition(":")[0] if ":" in request.host else request.host
        return [
            configured[name] or f"{request.scheme}://{host}:{port}"
            for name, (_, port) in APIS.items()
        ]

    @app.after_request
    def secure(response: Response) -> Response:
        apis = " ".join(api_origins())
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; connect-src 'self' {apis}; img-src 'self' data: blob: {apis}; "
            "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    for path, page in PAGES.items():
        app.add_url_rule(
            path,
            f"page_{page.partition('.')[0]}",
            lambda page=page: render_template(page),
        )

    @app.get("/src/<path:name>")
    def module(name: str) -> Response:
        return send_from_directory(root / "src", name, max_age=0)

    @app.get("/styles/<path:name>")
    def style(name: str) -> Response:
        return send_from_directory(root / "styles", name, max_age=0)

    @app.get("/vendor/<path:name>")
    def vendor(name: str) -> Response:
        for package, folder in VENDORED.items():
            if name.startswith(f"{package}/{folder}/"):
                directory = root / "node_modules" / package / folder
                return send_from_directory(
                    directory, name.removeprefix(f"{package}/{folder}/"), max_age=86400
                )
        abort(404)

    @app.get("/config.js")
    def config() -> Response:
        body = (
            "// Where the APIs are (null: this page's host on the service's own port).\n"
            f"export const apis = {json.dumps(configured)};\n"
        )
        return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/health")
    def health() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Serve `web/` under gunicorn on `HOST`:`PORT` (default 127.0.0.1:8080)."""
    argparse.ArgumentParser(
        prog="association-web-pages",
        description="Serve the association's web pages (web/, or WEB_ROOT) on HOST:PORT "
        "(default 127.0.0.1:8080); WEB_REGISTRATION_URL, WEB_TEAMS_URL and "
        "WEB_NOTIFICATIONS_URL tell the browser where the APIs are.",
    ).parse_args(argv)
    root = default_root()
    if not (root / "pages" / "index.html").is_file():
        sys.exit(f"no web pages at {root}: run from the repository, or set WEB_ROOT")
    if not (root / "node_modules" / "chart.js").is_dir():
        sys.exit(f"{root}/node_modules lacks chart.js: run `make install` (npm ci in web/)")
    settings = Settings.from_env()
    port = DEFAULT_PORT if settings.port is None else settings.port
    options = gunicorn_options(settings, port)
    GunicornApplication(lambda: create_app(root), options).run()


if __name__ == "__main__":
    main()
