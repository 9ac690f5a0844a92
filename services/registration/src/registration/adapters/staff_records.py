"""Staff (coordinators and the office): name and phone sealed under each person's own key, found
by the keyed hash of the phone; removing someone destroys their key with their row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.sealing import Keyring, open_fields, seal_fields
from association.statements import insert_new_returning
from registration.adapters.tables import staff_keys_table, staff_table

_s = staff_table.c
_keyring = Keyring(staff_keys_table)


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    name: str
    phone: str
    role: str
    organisation_id: str | None
    created_at: datetime

    def described(self) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "phone": self.phone,
            "role": self.role,
            "organisation_id": self.organisation_id,
            "created_at": self.created_at,
        }


def add_staff(session: Session, member: StaffMember, phone_digest: str) -> bool:
    """Store the member, sealed; False when someone already holds this phone."""
    key = _keyring.create(session, member.staff_id)
    row = {
        "staff_id": member.staff_id,
        "role": member.role,
        "organisation_id": member.organisation_id,
        "phone_digest": phone_digest,
        "sealed": seal_fields(key, {"name": member.name, "phone": member.phone}, member.staff_id),
        "created_at": member.created_at,
    }
    return (
        insert_new_returning(session, staff_table, row, ("phone_digest",), "staff_id") is not None
    )


@dataclass(frozen=True)
class StaffLogin:
    staff_id: str
    role: str
    organisation_id: str | None


def staff_by_phone(session: Session, phone_digest: str) -> StaffLogin | None:
    row = session.execute(
        select(_s.staff_id, _s.role, _s.organisation_id).where(_s.phone_digest == phone_digest)
    ).first()
    return StaffLogin(row.staff_id, row.role, row.organisation_id) if row else None


def staff_exists(session: Session, staff_id: str) -> bool:
    found = session.execute(select(_s.staff_id).where(_s.staff_id == staff_id)).first()
    return found is not None


def all_staff(session: Session) -> list[StaffMember]:
    rows = session.execute(select(staff_table).order_by(_s.created_at, _s.staff_id)).all()
    keys = _keyring.get_many(session, [row.staff_id for row in rows])
    members = []
    for row in rows:
        fields = open_fields(keys[row.staff_id], row.sealed, row.staff_id)
        members.append(
            StaffMember(
                row.staff_id,
                fields["name"],
                fields["phone"],
                row.role,
                row.organisation_id,
                row.created_at,
            )
        )
    return members


def remove_staff(session: Session, staff_id: str) -> bool:
    """Delete the member and destroy their key; False when there is no such member."""
    removed = session.execute(delete(staff_table).where(_s.staff_id == staff_id))
    if removed.rowcount != 1:
        return False
    _keyring.destroy(session, staff_id)
    return True
