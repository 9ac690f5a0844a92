"""The stored reports of imports: the import's counts and status, and each row's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from registration.adapters.tables import volunteer_import_rows_table, volunteer_imports_table
from registration.domain.import_report import OUTCOMES, RUNNING, RowOutcome

_imports = volunteer_imports_table.c
_rows = volunteer_import_rows_table.c
_INSERT_ROWS = insert(volunteer_import_rows_table)
REQUESTED_BY_LENGTH = volunteer_imports_table.c.requested_by.type.length or 200


def begin(
    session: Session, import_id: str, file_format: str, total_rows: int, requested_by: str | None
) -> None:
    """Record a new import, running, with nothing counted yet."""
    session.execute(
        insert(volunteer_imports_table).values(
            import_id=import_id,
            status=RUNNING,
            file_format=file_format,
            total_rows=total_rows,
            requested_by=requested_by[:REQUESTED_BY_LENGTH] if requested_by else None,
            started_at=datetime.now(UTC),
            **dict.fromkeys(OUTCOMES, 0),
        )
    )


def record(session: Session, import_id: str, outcomes: Sequence[RowOutcome]) -> None:
    """Store the outcomes of a batch of rows and add them to the import's counts."""
    session.execute(
        _INSERT_ROWS,
        [
            {
                "import_id": import_id,
                "row_number": o.row_number,
                "outcome": o.outcome,
                "volunteer_id": o.volunteer_id,
                "errors": o.errors,
            }
            for o in outcomes
        ],
    )
    counts = {name: _imports[name] + sum(o.outcome == name for o in outcomes) for name in OUTCOMES}
    session.execute(
        update(volunteer_imports_table).where(_imports.import_id == import_id).values(**counts)
    )


def finish(session: Session, import_id: str, status: str) -> None:
    """Mark the import completed or failed, now."""
    session.execute(
        update(volunteer_imports_table)
        .where(_imports.import_id == import_id)
        .values(status=status, finished_at=datetime.now(UTC))
    )


def report(session: Session, import_id: str, outcome: str | None = None) -> dict[str, Any] | None:
    """The import's counts and status with its rows' outcomes (only `outcome`'s when given),
    in row order; None when there is no such import."""
    found = (
        session.execute(select(volunteer_imports_table).where(_imports.import_id == import_id))
        .mappings()
        .one_or_none()
    )
    if found is None:
        return None
    query = select(_rows.row_number, _rows.outcome, _rows.volunteer_id, _rows.errors).where(
        _rows.import_id == import_id
    )
    if outcome is not None:
        query = query.where(_rows.outcome == outcome)
    rows = session.execute(query.order_by(_rows.row_number)).mappings()
    return {
        "import_id": found["import_id"],
        "status": found["status"],
        "file_format": found["file_format"],
        "total_rows": found["total_rows"],
        "counts": {name: found[name] for name in OUTCOMES},
        "started_at": found["started_at"].astimezone(UTC).isoformat(),
        "finished_at": found["finished_at"].astimezone(UTC).isoformat()
        if found["finished_at"]
        else None,
        "rows": [_row(row) for row in rows],
    }


def _row(row: Any) -> dict[str, Any]:
    answer = {"row": row["row_number"], "outcome": row["outcome"]}
    if row["volunteer_id"] is not None:
        answer["volunteer_id"] = row["volunteer_id"]
    if row["errors"]:
        answer["errors"] = row["errors"]
    return answer
