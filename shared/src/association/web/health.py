"""`GET /health`: the state of the database plus the service's own checks (broker, outbox …).

200 with status "ok", or "degraded" when a non-database check fails; 503 with status "down" when
the database does not answer `SELECT 1`. A check is a callable returning a dict with an "ok" key; a
check that raises counts as not ok, with its error message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import text

from association.db import Database

HealthCheck = Callable[[], dict[str, Any]]

log = logging.getLogger("association.health")


class HealthSchema(Schema):
    """The body of `GET /health`."""

    status = fields.String(validate=validate.OneOf(["ok", "degraded", "down"]))
    service = fields.String()
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": 'one entry per check, each with an "ok" boolean'},
    )


def _error_text(error: BaseException) -> str:
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:300]


def database_check(database: Database) -> dict[str, Any]:
    """Run `SELECT 1` on the database; never raises."""
    started = time.perf_counter()
    try:
        with database.reader() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("health check database failed: %s", error)
        return {"ok": False, "dialect": database.dialect, "error": _error_text(error)}
    latency = round((time.perf_counter() - started) * 1000, 1)
    return {"ok": True, "dialect": database.dialect, "latency_ms": latency}


def run_check(name: str, check: HealthCheck) -> dict[str, Any]:
    """Run one extra check; an exception or a result without a true "ok" counts as not ok."""
    try:
        result = dict(check())
    except Exception as error:
        log.warning("health check %s failed", name, exc_info=error)
        return {"ok": False, "error": _error_text(error)}
    result["ok"] = bool(result.get("ok"))
    return result


def health_report(
    service: str, database: Database, checks: Mapping[str, HealthCheck]
) -> tuple[dict[str, Any], int]:
    """The health body and its HTTP status."""
    results = {"database": database_check(database)}
    for name, check in checks.items():
        results[name] = run_check(name, check)
    if not results["database"]["ok"]:
        return {"status": "down", "service": service, "checks": results}, 503
    status = "ok" if all(result["ok"] for result in results.values()) else "degraded"
    return {"status": status, "service": service, "checks": results}, 200


def health_blueprint(
    service: str, database: Database, checks: Mapping[str, HealthCheck] | None = None
) -> Blueprint:
    """A blueprint serving `GET /health` (no token needed)."""
    extra = dict(checks or {})
    blp = Blueprint("health", __name__, description="Liveness and dependencies")

    @blp.route("/health")
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="The database does not answer")
    def health() -> tuple[dict[str, Any], int]:
        """The state of the database and the service's other dependencies."""
        return health_report(service, database, extra)

    return blp
