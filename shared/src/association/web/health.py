"""`GET /health`: the state of the database plus the service's own checks (broker, outbox …).

200 with status "ok", or "degraded" when a non-database check fails; 503 with status "down" when
the database does not answer `SELECT 1`. A check is a callable returning a dict with an "ok" key; a
check that raises counts as not ok. The answer is public, so it gives states only
({"ok": false, "state": "unreachable"}): never a server's address, a driver's message or an
exception's text, which go to the log.
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
        metadata={
            "description": 'one entry per check, each with an "ok" boolean and, for the database, '
            'the broker and any check that failed, a "state" ("ok", "unreachable", "failing")'
        },
    )


OK, UNREACHABLE, FAILING = "ok", "unreachable", "failing"


def database_check(database: Database) -> dict[str, Any]:
    """Run `SELECT 1` on the database; never raises. What went wrong is logged, not answered."""
    started = time.perf_counter()
    try:
        with database.reader() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("health check database failed: %s", error)
        return {"ok": False, "state": UNREACHABLE, "dialect": database.dialect}
    latency = round((time.perf_counter() - started) * 1000, 1)
    return {"ok": True, "state": OK, "dialect": database.dialect, "latency_ms": latency}


def run_check(name: str, check: HealthCheck) -> dict[str, Any]:
    """Run one extra check; an exception (logged, state "failing") or a result without a true "ok"
    counts as not ok."""
    try:
        result = dict(check())
    except Exception as error:
        log.warning("health check %s failed", name, exc_info=error)
        return {"ok": False, "state": FAILING}
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
