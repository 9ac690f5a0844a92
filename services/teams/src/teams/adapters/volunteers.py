"""The volunteers table: what registration's events told this service about each volunteer."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from teams.adapters.tables import team_members_table, volunteers_table
from teams.domain.volunteer import KnownVolunteer

_v = volunteers_table.c


def find_volunteer(session: Session, volunteer_id: UUID) -> KnownVolunteer | None:
    """The volunteer as known here, None when no event about them has arrived yet."""
    row = (
        session.execute(select(volunteers_table).where(_v.volunteer_id == str(volunteer_id)))
        .mappings()
        .one_or_none()
    )
    if row is None:
        return None
    return KnownVolunteer(
        UUID(row["volunteer_id"]),
        row["name"],
        row["street"],
        tuple(row["skills"]),
        row["active"],
        row["version"],
    )


def add_volunteer(session: Session, volunteer: KnownVolunteer, at: datetime) -> None:
    """Store a volunteer seen for the first time."""
    session.execute(
        insert(volunteers_table).values(
            volunteer_id=str(volunteer.volunteer_id),
            name=volunteer.name,
            street=volunteer.street,
            skills=list(volunteer.skills),
            active=volunteer.active,
            version=volunteer.version,
            updated_at=at,
        )
    )


def change_volunteer(
    session: Session, volunteer_id: UUID, version: int, at: datetime, **changes: Any
) -> None:
    """Apply changed fields (name, street, skills, active) and the new version."""
    session.execute(
        update(volunteers_table)
        .where(_v.volunteer_id == str(volunteer_id))
        .values(version=version, updated_at=at, **changes)
    )


def teams_of(session: Session, volunteer_id: UUID) -> list[UUID]:
    """The teams a volunteer is a member of."""
    rows = session.execute(
        select(team_members_table.c.team_id)
        .where(team_members_table.c.volunteer_id == str(volunteer_id))
        .order_by(team_members_table.c.team_id)
    )
    return [UUID(team_id) for team_id in rows.scalars()]
