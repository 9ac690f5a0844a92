"""The HTTP benchmark's reference: a bare Flask `POST /volunteers` under gunicorn.

It parses the JSON body and answers 201 with a small JSON, nothing else. `python -m bench.bare_app`
serves it the way `association.service.serve_web` serves a service (gthread workers, no access
log), configured by the same PORT, HOST, WEB_CONCURRENCY and WEB_THREADS.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from flask import Flask, request

from association.service.web import GunicornApplication, gunicorn_options
from association.settings import Settings

app = Flask(__name__)


@app.post("/volunteers")
def sign_up() -> tuple[dict[str, Any], int]:
    form = request.get_json()
    return {"volunteer_id": str(uuid.uuid4()), "street": form.get("street")}, 201


def main() -> None:
    """Serve the bare endpoint with the options `serve_web` gives a service's web process."""
    settings = Settings.from_env()
    GunicornApplication(lambda: app, gunicorn_options(settings, int(os.environ["PORT"]))).run()


if __name__ == "__main__":
    main()
