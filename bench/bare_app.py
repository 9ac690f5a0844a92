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
from gunicorn.app.base import BaseApplication

app = Flask(__name__)


@app.post("/volunteers")
def sign_up() -> tuple[dict[str, Any], int]:
    form = request.get_json()
    return {"volunteer_id": str(uuid.uuid4()), "street": form.get("street")}, 201


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings differ between gunicorn releases
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return app


def main() -> None:
    """Serve the bare endpoint with the options `serve_web` gives a service's web process."""
    options = {
        "bind": f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ['PORT']}",
        "workers": int(os.environ.get("WEB_CONCURRENCY", 2)),
        "worker_class": "gthread",
        "threads": int(os.environ.get("WEB_THREADS", 4)),
        "accesslog": None,
        "graceful_timeout": 10,
        "control_socket_disable": True,
    }
    _Gunicorn(options).run()


if __name__ == "__main__":
    main()
