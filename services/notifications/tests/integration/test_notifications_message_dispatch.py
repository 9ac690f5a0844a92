"""The message dispatcher on SQLite and PostgreSQL: the log channel, leases, erased messages."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from notifications.adapters.notification_records import notifications_of
from notifications.adapters.volunteer_tables import message_deliveries_table
from notifications.service_layer.message_dispatch import MessageDispatcher


def dispatcher_of(service: Any) -> MessageDispatcher:
    components = service.context.definition.worker_components(service.context)
    return next(c for c in components if isinstance(c, MessageDispatcher))


def channels(service: Any, volunteer_id: str) -> list[dict[str, Any]]:
    with service.context.database.reader() as session:
        return [c for n in notifications_of(session, volunteer_id, 0, 10) for c in n["channels"]]


def test_every_notification_is_logged(service, events, caplog: pytest.LogCaptureFixture) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer)
    with caplog.at_level(logging.INFO, logger="notifications.messages"):
        assert dispatcher_of(service).work_once() == 1
    [line] = [r.getMessage() for r in caplog.records if r.name == "notifications.messages"]
    assert volunteer_id in line and "welcome" in line
    assert "刘丽珠" not in line  # ids and the subject only: logs are no place for contact data
    [log] = channels(service, volunteer_id)
    assert (log["channel"], log["status"], log["attempts"]) == ("log", "sent", 1)
    assert log["sent_at"] is not None
    assert dispatcher_of(service).work_once() == 0


def test_a_stopping_dispatcher_gives_back_what_it_claimed_but_did_not_send(service, events) -> None:
    volunteers = [events.registered(phone=f"1371234567{n}") for n in range(3)]
    service.apply(*volunteers)
    dispatcher = dispatcher_of(service)
    dispatcher.stop()
    assert dispatcher.work_once() == 3
    with service.context.database.reader() as session:
        rows = session.execute(
            select(message_deliveries_table.c.status, message_deliveries_table.c.lease_until)
        ).all()
    assert rows == [("pending", None)] * 3
    assert dispatcher_of(service).work_once() == 3


def test_a_message_to_a_volunteer_who_withdrew_before_it_went_out_is_not_sent(
    service, events
) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer, events.withdrawn(volunteer_id))
    dispatcher = dispatcher_of(service)
    assert dispatcher.work_once() == 0
    assert dispatcher.sent == 0
