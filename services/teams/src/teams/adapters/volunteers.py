"""The volunteers table: what registration's events told this service about each volunteer."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, insert, select, update
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
    return None if row is None else _known(row)


def find_volunteers(
    session: Session, volunteer_ids: Collection[UUID]
) -> dict[UUID, KnownVolunteer]:
    """Those of these volunteers known here, by id: one query for all of them."""
    if not volunteer_ids:
        return {}
    rows = session.execute(
        select(volunteers_table).where(_v.volunteer_id.in_([str(v) for v in volunteer_ids]))
    ).mappings()
    return {volunteer.volunteer_id: volunteer for volunteer in map(_known, rows)}


def add_volunteer(session: Session, volunteer: KnownVolunteer, at: datetime) -> None:
    """Store a volunteer seen for the first time."""
    add_volunteers(session, [(volunteer, at)])


def add_volunteers(session: Session, volunteers: Sequence[tuple[KnownVolunteer, datetime]]) -> None:
    """Store volunteers seen for the first time, each with the time of its last change."""
    if volunteers:
        session.execute(insert(volunteers_table), [_row(v, at) for v, at in volunteers])


# Built once; the parameters are prefixed because a bound column name is reserved for SET.
_REPLACE = (
    update(volunteers_table)
    .where(_v.volunteer_id == bindparam("p_volunteer_id"))
    .values({c.name: bindparam(f"p_{c.name}") for c in volunteers_table.c if not c.primary_key})
)


def replace_volunteers(
    session: Session, volunteers: Sequence[tuple[KnownVolunteer, datetime]]
) -> None:
    """Overwrite the rows of volunteers known here with their new state: one executemany."""
    if volunteers:
        rows = [{f"p_{k}": value for k, value in _row(v, at).items()} for v, at in volunteers]
        session.execute(_REPLACE, rows)


def teams_of(session: Session, volunteer_id: UUID) -> list[UUID]:
    """The teams a volunteer is a member of."""
    rows = session.execute(
        select(team_members_table.c.team_id)
        .where(team_members_table.c.volunteer_id == str(volunteer_id))
        .order_by(team_members_table.c.team_id)
    )
    return [UUID(team_id) for team_id in rows.scalars()]


def _known(row: Mapping[str, Any]) -> KnownVolunteer:
    return KnownVolunteer(
        UUID(row["volunteer_id"]),
        row["name"],
        row["street"],
        tuple(row["skills"]),
        row["active"],
        row["version"],
        row["organisation_id"],
        row["id_number_masked"],
        row["minor"],
    )


def _row(volunteer: KnownVolunteer, at: datetime) -> dict[str, Any]:
    return {
        "volunteer_id": str(volunteer.volunteer_id),
        "name": volunteer.name,
        "street": volunteer.street,
        "skills": list(volunteer.skills),
        "organisation_id": volunteer.organisation_id,
        "id_number_masked": volunteer.id_number_masked,
        "minor": volunteer.minor,
        "active": volunteer.active,
        "version": volunteer.version,
        "updated_at": at,
    }
