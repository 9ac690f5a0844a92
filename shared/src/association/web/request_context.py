"""Per-request context: the correlation id (header `X-Correlation-ID`) and the access log.

An incoming id is used when it matches [A-Za-z0-9._-]{1,64}; otherwise a uuid4 is generated. The id
is set into the logging context for the request and echoed on the response.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Response, g, request

from association.logging_context import set_correlation_id

HEADER = "X-Correlation-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_log = logging.getLogger("association.access")


def accepted_correlation_id(value: str | None) -> str:
    """The given id when it is acceptable, else a fresh uuid4."""
    if value and _VALID_ID.fullmatch(value):
        return value
    return str(uuid.uuid4())


def begin_request() -> None:
    """Before the request: take or make its correlation id and start its clock."""
    g.request_started = time.perf_counter()
    g.correlation_id = accepted_correlation_id(request.headers.get(HEADER))
    set_correlation_id(g.correlation_id)


def finish_request(response: Response) -> Response:
    """After the request: echo the correlation id and write one access-log line."""
    correlation_id = g.get("correlation_id")
    if correlation_id:
        response.headers[HEADER] = correlation_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    access_log.info(
        "%s %s %s %sms",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )
    return response


def end_request(_error: BaseException | None = None) -> None:
    """At teardown: leave no correlation id behind for the next request on this thread."""
    set_correlation_id(None)
