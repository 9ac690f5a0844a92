"""Contacts are kept sealed under a key per volunteer, destroyed on withdrawal; a contact stored in
clear by an earlier version still reads, and is sealed when it is next written."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from notifications.adapters.volunteer_records import contact_of
from notifications.adapters.volunteer_tables import (
    contact_keys_table,
    contacts_table,
    sealed_contacts_table,
)
from notifications.domain.contacts import Contact


def rows(service, table) -> int:  # type: ignore[no-untyped-def]
    with service.context.database.reader() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_contact_is_stored_sealed_and_its_key_goes_with_the_withdrawal(service, events) -> None:
    volunteer = events.registered(name="欧阳澜珊", email="lanshan@example.cn")
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer)
    with service.context.database.reader() as session:
        [sealed] = session.execute(select(sealed_contacts_table.c.sealed)).scalars().all()
        assert contact_of(session, volunteer_id) == Contact(
            volunteer_id, "欧阳澜珊", "lanshan@example.cn", volunteer.payload["phone"]
        )
    assert "欧阳澜珊".encode() not in sealed and b"lanshan" not in sealed
    assert volunteer.payload["phone"].encode() not in sealed
    assert rows(service, contacts_table) == 0
    service.apply(events.withdrawn(volunteer_id))
    assert rows(service, contact_keys_table) == rows(service, sealed_contacts_table) == 0


def test_a_contact_stored_in_clear_reads_until_it_is_rewritten_sealed(service, events) -> None:
    volunteer_id = "2b0d4c5e-0000-4000-8000-000000000001"
    with service.context.database.transaction() as session:  # as an earlier version stored it
        session.execute(
            insert(contacts_table).values(
                volunteer_id=volunteer_id, name="李雷", email="li@example.cn", updated_at=func.now()
            )
        )
    with service.context.database.reader() as session:
        assert contact_of(session, volunteer_id) == Contact(volunteer_id, "李雷", "li@example.cn")
    service.apply(events.profile_updated(volunteer_id, email="lei@example.cn"))
    with service.context.database.reader() as session:
        assert contact_of(session, volunteer_id) == Contact(volunteer_id, "李雷", "lei@example.cn")
    assert rows(service, contacts_table) == 0 and rows(service, sealed_contacts_table) == 1
    service.apply(events.withdrawn(volunteer_id))
    assert rows(service, contact_keys_table) == rows(service, sealed_contacts_table) == 0
