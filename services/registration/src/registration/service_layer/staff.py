"""Staff: the office adds and removes coordinators and office members (admin only).

Removing a member deletes their row and destroys their key (what was sealed under it cannot be
read again), forgets stored answers naming them and revokes their refresh tokens at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from association.refusals import Conflict, Invalid, NotFound
from association.web.idempotency import forget_responses_naming
from registration.adapters import login_records, staff_records
from registration.adapters.identities import IdentityIndex
from registration.adapters.read_models import organisation_exists
from registration.adapters.staff_records import StaffMember
from registration.service_layer.sessions import STAFF_PHONE


class StaffNotFound(NotFound):
    def __init__(self, staff_id: str) -> None:
        super().__init__(f"no staff member {staff_id}")


class Staff:
    def __init__(self, identities: IdentityIndex) -> None:
        self.identities = identities

    def add(self, session: Session, data: dict[str, Any]) -> StaffMember:
        organisation_id = str(data["organisation_id"]) if data.get("organisation_id") else None
        if organisation_id is not None and not organisation_exists(session, organisation_id):
            raise Invalid(
                "no member organisation has this id",
                {"organisation_id": ["no member organisation has this id"]},
            )
        member = StaffMember(
            str(uuid.uuid4()),
            data["name"],
            data["phone"],
            data["role"],
            organisation_id,
            datetime.now(UTC),
        )
        digest = self.identities.digest(STAFF_PHONE, member.phone)
        if not staff_records.add_staff(session, member, digest):
            raise Conflict("this phone is already staff", {"phone": ["already staff"]})
        return member

    def remove(self, session: Session, staff_id: str) -> None:
        if not staff_records.remove_staff(session, staff_id):
            raise StaffNotFound(staff_id)
        forget_responses_naming(session, staff_id)
        login_records.revoke_person(session, staff_id)
