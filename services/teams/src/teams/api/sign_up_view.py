"""How the activities list narrows itself to what is open for sign-up, for staff asking
`open=true` and always for a volunteer's own token."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from association.access import EVERYTHING, Extent, Reach
from teams.adapters.application_queries import (
    open_for_sign_up,
    open_to_volunteer,
    own_application_columns,
)
from teams.adapters.volunteers import find_volunteer

View = tuple[Reach, tuple[ColumnElement[bool], ...], tuple[Any, ...]]


def sign_up_view(session: Session, reach: Reach, open_only: bool, now: datetime) -> View:
    """The reach, conditions and extra columns of the activities list for this caller: a
    volunteer sees what they may apply for now, with their own application's status (nothing
    once withdrawn or before they are known here); staff with `open_only` the activities within
    reach still open for sign-up."""
    if reach.extent is Extent.OWN_RECORD:
        volunteer_id = _uuid(reach.volunteer_id)
        known = find_volunteer(session, volunteer_id) if volunteer_id else None
        if volunteer_id is None or known is None or not known.active:
            return reach, (), ()
        return (
            EVERYTHING,
            (open_to_volunteer(volunteer_id, known.minor, now),),
            tuple(own_application_columns(volunteer_id)),
        )
    if open_only:
        return reach, (open_for_sign_up(now),), ()
    return reach, (), ()


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
