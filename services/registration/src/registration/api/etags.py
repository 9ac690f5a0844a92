"""A volunteer's version on the wire: the ETag it is answered with, the one If-Match names."""

from __future__ import annotations

from flask import request


class MalformedIfMatch(ValueError):
    """If-Match is neither `*` nor the ETag of a version (`"3"`, `W/"3"`)."""


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version() -> int | None:
    """The version named by If-Match (`"3"`, `W/"3"` or `*`), None when absent or `*`."""
    value = request.headers.get("If-Match")
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise MalformedIfMatch(value)
    return int(text)
