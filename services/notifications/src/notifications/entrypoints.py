"""The processes of the notifications service: `notifications-web` and `notifications-worker`."""

from flask import Flask

from association import service
from notifications.definition import SERVICE


def create_app() -> Flask:
    """The notifications app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    service.serve_web(SERVICE)


def worker() -> None:
    service.run_worker(SERVICE)
