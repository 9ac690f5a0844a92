"""Where a person's data can still be read: their values searched byte by byte in every form a
database may keep them in, in the files of SQLite databases and in the rows of PostgreSQL schemas.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import create_engine, text


def forms(value: str) -> set[bytes]:
    """The byte strings `value` may be stored as: UTF-8, UTF-16 either way round, JSON's `\\u`
    escapes of four hex digits (SQLAlchemy's JSON columns write ASCII), and hex of UTF-8 (a
    PostgreSQL bytea cast to text)."""
    escaped = json.dumps(value)[1:-1]
    found = {
        value.encode(),
        value.encode("utf-16-le"),
        value.encode("utf-16-be"),
        escaped.encode(),
        escaped.upper().replace("\\U", "\\u").encode(),
        value.encode().hex().encode(),
    }
    return {form for form in found if form}


def found_in(data: bytes, values: Iterable[str]) -> set[str]:
    """Those of `values` that `data` holds in any of their forms."""
    return {value for value in values if any(form in data for form in forms(value))}


def files_of(database: Path) -> list[Path]:
    """Every file of a SQLite database: the main file, `-wal`, `-shm` and any other beside it."""
    return sorted(p for p in database.parent.iterdir() if p.name.startswith(database.name))


def traces_in_files(database: Path, values: Iterable[str]) -> dict[str, set[str]]:
    """For each file of a SQLite database that holds any of `values`, which ones."""
    values = list(values)
    traces = {str(path): found_in(path.read_bytes(), values) for path in files_of(database)}
    return {path: found for path, found in traces.items() if found}


def traces_in_schema(url: str, values: Iterable[str]) -> dict[str, set[str]]:
    """For each column of each table of the URL's schema (its search_path) that holds any of
    `values` in a live row, which ones: every column is cast to text and searched."""
    values, traces = list(values), {}
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            columns = connection.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
                )
            ).all()
            for table, column in columns:
                cells = connection.execute(
                    text(f'SELECT CAST("{column}" AS text) FROM "{table}"')
                ).scalars()
                data = "\n".join(cell for cell in cells if cell is not None).encode()
                found = found_in(data, values)
                if found:
                    traces[f"{table}.{column}"] = found
    finally:
        engine.dispose()
    return traces
