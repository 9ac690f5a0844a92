"""Queries of the read tables, with personal columns decrypted for the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.sealing import Keyring, open_fields
from registration.adapters.projections import personal_columns
from registration.adapters.tables import (
    organisations_table,
    volunteer_skills_table,
    volunteers_table,
)
from registration.domain.volunteer import Volunteer

_v = volunteers_table.c


def volunteer_active(session: Session, volunteer_id: str) -> bool:
    """Whether an active volunteer has this id (not withdrawn, nor never registered)."""
    active = session.execute(
        select(_v.active).where(_v.volunteer_id == volunteer_id)
    ).scalar_one_or_none()
    return bool(active)


def organisation_exists(session: Session, organisation_id: str) -> bool:
    return session.execute(
        select(exists().where(organisations_table.c.organisation_id == organisation_id))
    ).scalar_one()


def organisation_name_taken(session: Session, name: str) -> bool:
    return session.execute(select(exists().where(organisations_table.c.name == name))).scalar_one()


@dataclass(frozen=True)
class VolunteerFilter:
    street: str | None = None
    skill: str | None = None
    organisation_id: str | None = None


class VolunteerReadModel:
    """Active volunteers as dicts: public columns merged with their decrypted personal data."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def get(
        self, session: Session, volunteer_id: str, reach: Reach = EVERYTHING
    ) -> dict[str, Any] | None:
        """The active volunteer with this id, None when there is none within `reach`."""
        row = (
            session.execute(
                select(volunteers_table).where(
                    _v.volunteer_id == volunteer_id,
                    _v.active.is_(True),
                    reach.volunteers_where(_v.volunteer_id, _v.organisation_id),
                )
            )
            .mappings()
            .one_or_none()
        )
        return self._with_personal(session, [row])[0] if row is not None else None

    def page(
        self,
        session: Session,
        where: VolunteerFilter,
        page: int,
        page_size: int,
        reach: Reach = EVERYTHING,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the active volunteers within `reach` in sign-up order, and how many match
        in all."""
        query = _matching(where, reach)
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(
            query.order_by(_v.registered_at, _v.volunteer_id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).mappings()
        return self._with_personal(session, list(rows)), total

    def after(
        self,
        session: Session,
        where: VolunteerFilter,
        last: dict[str, Any] | None,
        limit: int,
        reach: Reach = EVERYTHING,
    ) -> list[dict[str, Any]]:
        """Up to `limit` active volunteers in sign-up order from just after `last` (a volunteer
        this returned), or from the first: pages that stay cheap however deep they go."""
        query = _matching(where, reach)
        if last is not None:
            moment = datetime.fromisoformat(last["registered_at"])
            query = query.where(
                (_v.registered_at > moment)
                | ((_v.registered_at == moment) & (_v.volunteer_id > last["volunteer_id"]))
            )
        rows = session.execute(query.order_by(_v.registered_at, _v.volunteer_id).limit(limit))
        return self._with_personal(session, list(rows.mappings()))

    def _with_personal(self, session: Session, rows: list[Any]) -> list[dict[str, Any]]:
        keys = self.keyring.get_many(session, [row["volunteer_id"] for row in rows])
        result = []
        for row in rows:
            volunteer = {k: v for k, v in row.items() if k not in ("sealed", "active")}
            key = keys.get(row["volunteer_id"])
            if key is not None and row["sealed"] is not None:
                volunteer |= open_fields(key, row["sealed"], row["volunteer_id"])
            for column in ("registered_at", "updated_at"):
                volunteer[column] = _iso(volunteer[column])
            result.append(volunteer)
        return result


def _matching(where: VolunteerFilter, reach: Reach = EVERYTHING) -> Select[Any]:
    """The active volunteers within `reach` that `where` lets through."""
    query = select(volunteers_table).where(
        _v.active.is_(True), reach.volunteers_where(_v.volunteer_id, _v.organisation_id)
    )
    if where.street:
        query = query.where(_v.street == where.street)
    if where.organisation_id:
        query = query.where(_v.organisation_id == where.organisation_id)
    if where.skill:
        query = query.where(
            exists().where(
                volunteer_skills_table.c.volunteer_id == _v.volunteer_id,
                volunteer_skills_table.c.skill == where.skill,
            )
        )
    return query


def described(volunteer: Volunteer) -> dict[str, Any]:
    """What `VolunteerReadModel.get` reads back once the volunteer's events are projected.

    A command answers from the events in hand instead of reading (and decrypting) the row it has
    just written: on PostgreSQL that would lengthen the hold of the events-table lock.
    """
    return {
        "volunteer_id": volunteer.volunteer_id,
        "version": volunteer.version,
        "street": volunteer.street,
        "skills": volunteer.skills,
        "organisation_id": volunteer.organisation_id,
        "id_verified": volunteer.id_verified,
        "source": volunteer.source,
        "registered_at": _iso(volunteer.registered_at),
        "updated_at": _iso(volunteer.updated_at),
        **personal_columns(volunteer),
    }


def organisations(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(organisations_table).order_by(organisations_table.c.name))
    return [{**row, "joined_at": _iso(row["joined_at"])} for row in rows.mappings()]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()
