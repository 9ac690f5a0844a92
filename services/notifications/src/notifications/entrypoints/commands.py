"""The processes of the notifications service: `notifications-web` and `notifications-worker`."""

from flask import Flask

from association import service
from notifications.definition import SERVICE


def create_app() -> Flask:
    """The notifications app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    """Run the web process (gunicorn) on `PORT`, 8083 by default."""
    service.serve_web(SERVICE)


def worker() -> None:
    """Run the worker: consumer, relays, message and webhook delivery."""
    service.run_worker(SERVICE)


def catch_up() -> None:
    """`notifications-catch-up --from URL`: apply what a producer's `GET /events` feed holds."""
    service.catch_up_command(SERVICE)
