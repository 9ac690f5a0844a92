"""What became of each row of an imported file: accepted, refused, or already registered.

A row's outcome keeps its row number, the volunteer it made and the reasons by field, never what
the row held: a stored report holds no one's name, phone or ID number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from association.refusals import Refusal
from registration.domain.errors import DuplicateIdentity
from registration.domain.volunteer import Volunteer

ACCEPTED, REFUSED, ALREADY_REGISTERED = "accepted", "refused", "already_registered"
OUTCOMES = (ACCEPTED, REFUSED, ALREADY_REGISTERED)
RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
IMPORT_STATUSES = (RUNNING, COMPLETED, FAILED)


@dataclass(frozen=True)
class RowOutcome:
    """One row's outcome: the volunteer it made, or the reasons by field."""

    row_number: int
    outcome: str
    volunteer_id: str | None = None
    errors: dict[str, Any] | None = None

    @classmethod
    def refused(cls, row_number: int, errors: dict[str, Any]) -> RowOutcome:
        return cls(row_number, REFUSED, errors=errors)

    @classmethod
    def of(cls, row_number: int, result: Volunteer | Refusal) -> RowOutcome:
        """The outcome of a sign-up's result: a volunteer, a duplicate, or another refusal."""
        if isinstance(result, Volunteer):
            return cls(row_number, ACCEPTED, volunteer_id=result.volunteer_id)
        if isinstance(result, DuplicateIdentity):
            return cls(row_number, ALREADY_REGISTERED, errors=result.errors)
        return cls.refused(row_number, result.errors or {"_row": [result.message]})
