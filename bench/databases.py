"""Where a benchmark runs: a fresh SQLite file, and a private PostgreSQL schema when named."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from association.testing import private_schema

DatabaseFactory = Callable[[], AbstractContextManager[str]]


@contextmanager
def sqlite_file() -> Iterator[str]:
    """The URL of a SQLite file in a temporary directory, deleted on exit."""
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'bench.db'}"


def engines(postgres_url: str | None) -> list[tuple[str, DatabaseFactory]]:
    """(label, factory of fresh database URLs) for SQLite and, when given, PostgreSQL."""
    found: list[tuple[str, DatabaseFactory]] = [("SQLite", sqlite_file)]
    if postgres_url:
        found.append(("PostgreSQL", lambda: private_schema(postgres_url)))
    return found


def schema_of(url: str) -> str:
    """The schema a `private_schema` URL puts its connections in."""
    return make_url(url).query["options"].rpartition("=")[2]
