"""The processes of the registration service: `registration-web` and `registration-worker`."""

from flask import Flask

from association import service
from registration.definition import SERVICE


def create_app() -> Flask:
    """The registration app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    service.serve_web(SERVICE)


def worker() -> None:
    service.run_worker(SERVICE)
