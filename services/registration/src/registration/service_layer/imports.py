"""Importing a file of volunteers: every row signed up exactly as `POST /volunteers` would, in
batches of `BATCH_ROWS` rows a transaction, the report stored as it goes.

No transaction stays open for the whole file: each batch commits its volunteers, their events and
its rows' outcomes together, so other sign-ups get in between batches, and a report read
meanwhile shows how far the import has come (the log says so too, `association.progress`). Rows
whose phone or ID number is already registered (by an earlier upload of the same file, say)
create nothing again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy.orm import Session

from association.db import Database
from association.progress import Progress
from registration.adapters import import_reports
from registration.adapters.read_models import organisations
from registration.adapters.roster_files import RosterFile
from registration.domain.import_report import COMPLETED, FAILED, RowOutcome
from registration.domain.roster import RosterColumns, RosterVocabularies, sign_up_form
from registration.domain.vocabularies import Vocabulary
from registration.domain.volunteer import SignUp
from registration.service_layer.commands import Registration

BATCH_ROWS = 200
LOG_EVERY_ROWS = 2_000


@dataclass(frozen=True)
class VolunteerImports:
    """Runs imports on `database` with the sign-up's own schema, rules and vocabularies."""

    database: Database
    registration: Registration
    sign_up_schema: Schema
    streets: Vocabulary
    skills: Vocabulary
    batch_rows: int = BATCH_ROWS

    def run(self, roster: RosterFile, requested_by: str | None) -> str:
        """Import the file's rows; its import id. RosterRefused (before anything is written)
        when its columns cannot be read; should a batch fail, the import is marked failed and
        what committed before stays."""
        columns = RosterColumns.from_headers(roster.headers)
        import_id = str(uuid.uuid4())
        with self.database.transaction() as session:
            import_reports.begin(
                session, import_id, roster.file_format, len(roster.rows), requested_by
            )
            units = {o["name"]: o["organisation_id"] for o in organisations(session)}
        known = RosterVocabularies(self.streets, self.skills, units)
        progress = Progress(
            f"import {import_id}",
            len(roster.rows),
            unit="rows",
            terminal=False,
            every=LOG_EVERY_ROWS,
        )
        try:
            with progress:
                for start in range(0, len(roster.rows), self.batch_rows):
                    batch = roster.rows[start : start + self.batch_rows]
                    with self.database.transaction() as session:
                        outcomes = self._sign_up(session, columns, known, batch)
                        import_reports.record(session, import_id, outcomes)
                    progress.advance(len(batch))
        except BaseException:
            with self.database.transaction() as session:
                import_reports.finish(session, import_id, FAILED)
            raise
        with self.database.transaction() as session:
            import_reports.finish(session, import_id, COMPLETED)
        return import_id

    def _sign_up(
        self,
        session: Session,
        columns: RosterColumns,
        known: RosterVocabularies,
        batch: Sequence[tuple[int, list[Any]]],
    ) -> list[RowOutcome]:
        outcomes: dict[int, RowOutcome] = {}
        signups: list[tuple[int, SignUp]] = []
        for row_number, cells in batch:
            form, unreadable = sign_up_form(columns.cells(cells), known)
            try:
                data = self.sign_up_schema.load(form)
            except ValidationError as error:
                outcomes[row_number] = RowOutcome.refused(row_number, _messages(error) | unreadable)
                continue
            if unreadable:
                outcomes[row_number] = RowOutcome.refused(row_number, unreadable)
                continue
            signups.append((row_number, SignUp(**data)))
        results = self.registration.register_volunteers(session, [s for _, s in signups])
        for (row_number, _), result in zip(signups, results, strict=True):
            outcomes[row_number] = RowOutcome.of(row_number, result)
        return [outcomes[row_number] for row_number, _ in batch]


def _messages(error: ValidationError) -> dict[str, Any]:
    return error.messages if isinstance(error.messages, dict) else {"_row": error.messages}
