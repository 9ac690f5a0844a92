"""Reading and writing the volunteer projection: contacts, withdrawals, team names, hours.

Contacts are sealed under a key per volunteer (`association.sealing`) that their withdrawal
destroys; a contact stored in clear by an earlier version is read as it is until it is rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, delete, select, update
from sqlalchemy.orm import Session

from association.sealing import Keyring, open_fields, seal_fields
from association.statements import insert_new, upsert
from association.transaction_memo import transaction_memo
from notifications.adapters.database import utcnow
from notifications.adapters.volunteer_tables import (
    contact_keys_table,
    contact_versions_table,
    contacts_table,
    hours_credits_table,
    sealed_contacts_table,
    service_hours_table,
    team_names_table,
    withdrawn_table,
)
from notifications.domain.contacts import Contact

# Read on every event about a volunteer: built once, run with {"volunteer_id": ...}.
_WITHDRAWN = select(withdrawn_table.c.volunteer_id).where(
    withdrawn_table.c.volunteer_id == bindparam("volunteer_id")
)
_s, _k, _c = sealed_contacts_table.c, contact_keys_table.c, contacts_table.c
_SEALED_CONTACT = (
    select(_s.sealed, _k.key)
    .join(contact_keys_table, _k.volunteer_id == _s.volunteer_id)
    .where(_s.volunteer_id == bindparam("volunteer_id"))
)
_CLEAR_CONTACT = select(_c.name, _c.email).where(_c.volunteer_id == bindparam("volunteer_id"))
_CONTACT_COLUMNS = (
    _s.sealed.label("contact_sealed"),
    _k.key.label("contact_key"),
    _c.name.label("contact_name"),
    _c.email.label("contact_email"),
)
_SEALED_FIELDS = ("name", "email", "phone")
_keyring = Keyring(contact_keys_table)
_CONTACT_VERSIONS = select(contact_versions_table).where(
    contact_versions_table.c.volunteer_id == bindparam("volunteer_id")
)

# Where contacts are kept: their keys, sealed and (from earlier versions) clear, their versions.
CONTACT_TABLES = (contact_keys_table, sealed_contacts_table, contacts_table, contact_versions_table)

# Volunteers found not withdrawn in the transaction in hand (see `is_withdrawn`).
_NOT_WITHDRAWN = "notifications.not_withdrawn"


def is_withdrawn(session: Session, volunteer_id: str) -> bool:
    """Whether the volunteer has withdrawn (their data is gone; write nothing for them).

    Handling one event may ask it twice (its projection, then its republication), and a batch may
    hold several events of one volunteer: a "no" is kept for the rest of the transaction (see
    `transaction_memo`). Only `erase_volunteer` turns it into a "yes"; it forgets the "no".
    """
    not_withdrawn = transaction_memo(session, _NOT_WITHDRAWN)
    if volunteer_id in not_withdrawn:
        return False
    if session.execute(_WITHDRAWN, {"volunteer_id": volunteer_id}).first() is not None:
        return True
    not_withdrawn[volunteer_id] = True
    return False


def contact_of(session: Session, volunteer_id: str) -> Contact | None:
    """The volunteer's contact, or None when they are unknown here."""
    parameters = {"volunteer_id": volunteer_id}
    row = session.execute(_SEALED_CONTACT, parameters).first()
    if row is not None:
        return Contact(volunteer_id, **open_fields(row.key, row.sealed, volunteer_id))
    row = session.execute(_CLEAR_CONTACT, parameters).first()
    return Contact(volunteer_id, row.name, row.email) if row is not None else None


def with_contact(query: Select[Any], volunteer_id: ColumnElement[str]) -> Select[Any]:
    """`query` joined with the contact of its rows' `volunteer_id`, for `contact_in` to read (in
    the same statement): sealed, or in clear as an earlier version wrote it, or none."""
    return (
        query.add_columns(*_CONTACT_COLUMNS)
        .outerjoin(sealed_contacts_table, _s.volunteer_id == volunteer_id)
        .outerjoin(contact_keys_table, _k.volunteer_id == volunteer_id)
        .outerjoin(contacts_table, _c.volunteer_id == volunteer_id)
    )


def contact_in(row: Row[Any], volunteer_id: str) -> Contact | None:
    """The contact a row of a `with_contact` query holds, opened; None when there is none."""
    if row.contact_sealed is not None and row.contact_key is not None:
        return Contact(
            volunteer_id, **open_fields(row.contact_key, row.contact_sealed, volunteer_id)
        )
    if row.contact_name is not None:
        return Contact(volunteer_id, row.contact_name, row.contact_email)
    return None


def contact_versions(session: Session, volunteer_id: str) -> dict[str, int]:
    """The version of the volunteer's event that last set each contact field (0 when unknown)."""
    row = session.execute(_CONTACT_VERSIONS, {"volunteer_id": volunteer_id}).first()
    if row is None:
        return {"name": 0, "email": 0, "phone": 0}
    return {"name": row.name_version, "email": row.email_version, "phone": row.phone_version}


def save_contact(session: Session, contact: Contact, versions: Mapping[str, int]) -> None:
    """Store or replace the volunteer's contact, sealed, its fields set by the events of
    `versions` (a contact kept in clear before is deleted: it is rewritten sealed)."""
    volunteer_id = contact.volunteer_id
    key = _keyring.get(session, volunteer_id) or _keyring.create(session, volunteer_id)
    fields = {name: getattr(contact, name) for name in _SEALED_FIELDS}
    row = {
        "volunteer_id": volunteer_id,
        "sealed": seal_fields(key, fields, volunteer_id),
        "updated_at": utcnow(),
    }
    upsert(session, sealed_contacts_table, row, ["volunteer_id"])
    session.execute(delete(contacts_table).where(contacts_table.c.volunteer_id == volunteer_id))
    upsert(
        session,
        contact_versions_table,
        {
            "volunteer_id": contact.volunteer_id,
            "name_version": versions["name"],
            "email_version": versions["email"],
            "phone_version": versions["phone"],
        },
        ["volunteer_id"],
    )


def erase_volunteer(session: Session, volunteer_id: str, withdrawn_at: datetime) -> None:
    """Destroy the volunteer's key, delete their contact and hours, and remember only that they
    withdrew."""
    transaction_memo(session, _NOT_WITHDRAWN).pop(volunteer_id, None)
    _keyring.destroy(session, volunteer_id)
    erased = (sealed_contacts_table, contacts_table, contact_versions_table)
    for table in (*erased, service_hours_table, hours_credits_table):
        session.execute(delete(table).where(table.c.volunteer_id == volunteer_id))
    insert_new(
        session,
        withdrawn_table,
        [{"volunteer_id": volunteer_id, "withdrawn_at": withdrawn_at}],
        ["volunteer_id"],
    )


def remember_team(session: Session, team_id: str, name: str) -> None:
    """Store or rename a team."""
    upsert(session, team_names_table, {"team_id": team_id, "name": name}, ["team_id"])


def team_name(session: Session, team_id: str) -> str | None:
    """The team's name, or None when the service has not heard of it."""
    return session.execute(
        select(team_names_table.c.name).where(team_names_table.c.team_id == team_id)
    ).scalar_one_or_none()


def credit_hours(session: Session, activity_id: str, volunteer_id: str, centihours: int) -> bool:
    """Record an activity's hours for a volunteer; False when they were credited already."""
    row = {"activity_id": activity_id, "volunteer_id": volunteer_id, "centihours": centihours}
    return insert_new(session, hours_credits_table, [row], ["activity_id", "volunteer_id"]) == 1


def credited_hours(session: Session, activity_id: str, volunteer_id: str) -> int | None:
    """The centihours credited to the volunteer for the activity, None when none were."""
    credits = hours_credits_table.c
    return session.execute(
        select(credits.centihours).where(
            credits.activity_id == activity_id, credits.volunteer_id == volunteer_id
        )
    ).scalar_one_or_none()


def set_credited_hours(
    session: Session, activity_id: str, volunteer_id: str, centihours: int
) -> None:
    """Credit the volunteer anew for the activity (a correction): `centihours` replaces any
    credit, and a completion read later credits nothing more."""
    row = {"activity_id": activity_id, "volunteer_id": volunteer_id, "centihours": centihours}
    upsert(session, hours_credits_table, row, ["activity_id", "volunteer_id"])


def add_to_total(session: Session, volunteer_id: str, centihours: int) -> tuple[int, int]:
    """Add hours (fewer when negative) to the volunteer's running total; returns (new total, star
    level before)."""
    insert_new(
        session,
        service_hours_table,
        [{"volunteer_id": volunteer_id, "total_centihours": 0, "star_level": 0}],
        ["volunteer_id"],
    )
    key = service_hours_table.c.volunteer_id == volunteer_id
    session.execute(
        update(service_hours_table)
        .where(key)
        .values(total_centihours=service_hours_table.c.total_centihours + centihours)
    )
    row = session.execute(
        select(service_hours_table.c.total_centihours, service_hours_table.c.star_level).where(key)
    ).one()
    return row.total_centihours, row.star_level


def set_star_level(session: Session, volunteer_id: str, level: int) -> None:
    """Remember the highest star level the volunteer was told about (lower once their total has
    fallen below it, so that reaching it again is told again)."""
    session.execute(
        update(service_hours_table)
        .where(service_hours_table.c.volunteer_id == volunteer_id)
        .values(star_level=level)
    )
