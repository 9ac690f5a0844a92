"""Structured (JSON) logs carrying the correlation id of the request or message being handled."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The correlation id of the work in hand, or None outside a request or message."""
    return _correlation_id.get()


@contextmanager
def correlation(correlation_id: str | None) -> Iterator[str]:
    """Run a block under a correlation id (a new one when None is given)."""
    value = correlation_id or str(uuid.uuid4())
    token = _correlation_id.set(value)
    try:
        yield value
    finally:
        _correlation_id.reset(token)


def set_correlation_id(correlation_id: str | None) -> None:
    _correlation_id.set(correlation_id)


EXTRA_FIELDS = ("event_id", "event_type", "sequence", "status", "path", "method", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, correlation_id, extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": current_correlation_id(),
        }
        for key in EXTRA_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record of the process to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("pika").setLevel(logging.WARNING)
