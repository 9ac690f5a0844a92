"""Which member organisation each volunteer belongs to, as registration's events said last."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.statements import upsert
from notifications.adapters.volunteer_tables import volunteer_organisations_table

_o = volunteer_organisations_table.c


def follow_organisation(
    session: Session, volunteer_id: str, organisation_id: Any, version: int
) -> None:
    """Keep the organisation that the volunteer's event of `version` names, unless a later event
    of theirs has set it already (events may arrive out of order)."""
    known = session.execute(
        select(_o.version).where(_o.volunteer_id == volunteer_id)
    ).scalar_one_or_none()
    if known is not None and known >= version:
        return
    row = {
        "volunteer_id": volunteer_id,
        "organisation_id": None if organisation_id is None else str(organisation_id),
        "version": version,
    }
    upsert(session, volunteer_organisations_table, row, ["volunteer_id"])


def organisation_of(session: Session, volunteer_id: str) -> str | None:
    """The volunteer's organisation as known here (None: none, or not known)."""
    return session.execute(
        select(_o.organisation_id).where(_o.volunteer_id == volunteer_id)
    ).scalar_one_or_none()


def forget_organisation(session: Session, volunteer_id: str) -> None:
    """Forget a withdrawn volunteer's organisation."""
    session.execute(delete(volunteer_organisations_table).where(_o.volunteer_id == volunteer_id))
