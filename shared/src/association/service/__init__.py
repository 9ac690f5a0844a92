"""What makes a service, and the processes built from it: `web`, `worker` and operator commands.

Each service declares one `ServiceDefinition` (`definition`); the shared runtime turns it into the
Flask app under gunicorn (`web`), into the worker of relay and consumer (`worker`) and into the
catch-up and rebuild commands (`commands`), so the three services start, configure and stop the
same way.
"""

from association.service.commands import (
    Rebuild,
    ServiceCommands,
    catch_up_command,
    rebuild_projections_command,
)
from association.service.definition import (
    ServiceContext,
    ServiceDefinition,
    bootstrap,
    process_settings,
)
from association.service.web import BrokerProbe, create_app, serve_web
from association.service.worker import run_worker, worker_components

__all__ = [
    "BrokerProbe",
    "Rebuild",
    "ServiceCommands",
    "ServiceContext",
    "ServiceDefinition",
    "bootstrap",
    "catch_up_command",
    "create_app",
    "process_settings",
    "rebuild_projections_command",
    "run_worker",
    "serve_web",
    "worker_components",
]
