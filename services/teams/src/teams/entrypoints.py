"""The processes of the teams service: `teams-web` and `teams-worker`."""

from flask import Flask

from association import service
from teams.definition import SERVICE


def create_app() -> Flask:
    """The teams app, configured from the environment."""
    return service.create_app(SERVICE)


def web() -> None:
    service.serve_web(SERVICE)


def worker() -> None:
    service.run_worker(SERVICE)
