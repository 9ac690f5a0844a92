"""What `GET /health` adds for this service: how many redacted events wait for the exchange."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from association.service import ServiceContext
from notifications.adapters.public_log import PublicEventLog


def health_checks(context: ServiceContext) -> dict[str, Callable[[], dict[str, Any]]]:
    """The backlog of the public outbox (redacted events not yet on `association.public`)."""
    public_log = PublicEventLog()

    def public_outbox() -> dict[str, Any]:
        with context.database.reader() as session:
            return {"ok": True, "backlog": public_log.backlog(session)}

    return {"public_outbox": public_outbox}
