"""The message dispatcher on SQLite and PostgreSQL: the log channel, leases, erased messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from notifications.adapters import message_deliveries
from notifications.adapters.message_deliveries import OutgoingMessage
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.volunteer_tables import message_deliveries_table
from notifications.domain.retries import RetryPolicy
from notifications.service_layer.message_dispatch import MessageDispatcher


def dispatcher_of(service: Any) -> MessageDispatcher:
    components = service.context.definition.worker_components(service.context)
    return next(c for c in components if isinstance(c, MessageDispatcher))


class RecordingLog:
    """Stands in for the log channel: remembers what it sent, can stop its dispatcher."""

    name = "log"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.stop_after: tuple[int, MessageDispatcher] | None = None
        self.after_send: Callable[[OutgoingMessage], None] | None = None

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message.notification_id)
        if self.stop_after and len(self.sent) == self.stop_after[0]:
            self.stop_after[1].stop()
        if self.after_send:
            self.after_send(message)


def recording_dispatcher(
    service: Any, lease_seconds: float = 600.0, max_read_age: float = 0.05
) -> tuple[MessageDispatcher, RecordingLog]:
    channel = RecordingLog()
    policy = RetryPolicy(0.05, 0.4)
    database = service.context.database
    dispatcher = MessageDispatcher(
        database, [channel], policy, 3, lease_seconds=lease_seconds, max_read_age=max_read_age
    )
    return dispatcher, channel


def deliveries(service: Any) -> list[tuple[str, int, bool]]:
    """(status, attempts, leased) of every delivery."""
    d = message_deliveries_table.c
    with service.context.database.reader() as session:
        rows = session.execute(select(d.status, d.attempts, d.lease_until).order_by(d.status))
        return [(status, attempts, lease is not None) for status, attempts, lease in rows]


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


def test_a_volunteer_who_withdraws_while_a_batch_goes_out_gets_nothing_more(
    service, events
) -> None:
    volunteers = [events.registered(phone=f"1371234567{n}") for n in range(2)]
    service.apply(*volunteers)
    dispatcher, channel = recording_dispatcher(service, max_read_age=0.0)  # always read again
    ids = {v.payload["volunteer_id"] for v in volunteers}

    def the_other_withdraws(message: OutgoingMessage) -> None:
        channel.after_send = None
        [other] = ids - {message.volunteer_id}
        service.apply(events.withdrawn(other))

    channel.after_send = the_other_withdraws
    assert dispatcher.work_once() == 2
    assert len(channel.sent) == 1
    assert deliveries(service) == [("sent", 1, False)]


def test_a_batch_is_read_with_its_claim(service, events) -> None:
    service.apply(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    dispatcher, channel = recording_dispatcher(service, max_read_age=600.0)
    statements: list[str] = []
    event.listen(
        service.context.database.engine,
        "before_cursor_execute",
        lambda _conn, _cursor, sql, *_: statements.append(sql.split()[0].upper()),
    )
    assert dispatcher.work_once() == 3
    assert len(channel.sent) == 3
    done = [s for s in statements if s not in {"BEGIN", "COMMIT", "ROLLBACK"}]
    assert done == ["UPDATE", "SELECT", "UPDATE"]  # the claim, the messages, the outcomes


def test_the_outcomes_of_a_batch_are_written_in_one_transaction(service, events) -> None:
    service.apply(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    dispatcher, channel = recording_dispatcher(service)
    commits: list[int] = []
    event.listen(service.context.database.engine, "commit", lambda _conn: commits.append(1))
    assert dispatcher.work_once() == 3
    assert len(commits) == 2  # the claim, then the three outcomes
    assert len(set(channel.sent)) == 3
    assert deliveries(service) == [("sent", 1, False)] * 3


def test_a_batch_slow_for_its_lease_writes_each_outcome_as_it_comes(service, events) -> None:
    service.apply(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    dispatcher, _ = recording_dispatcher(service, lease_seconds=0.0)  # always "slow"
    commits: list[int] = []
    event.listen(service.context.database.engine, "commit", lambda _conn: commits.append(1))
    assert dispatcher.work_once() == 3
    assert len(commits) == 4  # the claim, then each outcome on its own
    assert deliveries(service) == [("sent", 1, False)] * 3


def test_a_dispatcher_stopped_mid_batch_writes_what_it_sent_and_gives_back_the_rest(
    service, events
) -> None:
    service.apply(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    dispatcher, channel = recording_dispatcher(service)
    channel.stop_after = (1, dispatcher)
    assert dispatcher.work_once() == 3
    assert len(channel.sent) == 1
    assert deliveries(service) == [("pending", 0, False)] * 2 + [("sent", 1, False)]


def test_outcomes_the_database_failed_to_take_are_written_next_round_not_sent_again(
    service, events, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.apply(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    dispatcher, channel = recording_dispatcher(service)
    record = message_deliveries.record_outcomes
    failures = iter([OperationalError("UPDATE", {}, Exception("database gone"))])

    def failing_once(session: Any, outcomes: Any) -> None:
        if (failure := next(failures, None)) is not None:
            raise failure
        record(session, outcomes)

    monkeypatch.setattr(message_deliveries, "record_outcomes", failing_once)
    with pytest.raises(OperationalError):
        dispatcher.work_once()
    assert deliveries(service) == [("pending", 0, True)] * 3  # still leased: nobody resends them
    assert dispatcher.work_once() == 0
    assert deliveries(service) == [("sent", 1, False)] * 3
    assert len(channel.sent) == 3
