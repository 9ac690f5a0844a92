"""Events applied as the consumer applies a batch, in one transaction, on SQLite and PostgreSQL.

What the handlers read once per transaction (that a volunteer has not withdrawn, the
subscriptions) or do once (lock the public log) must hold for the whole batch, savepoints
included.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from association.events import Envelope
from notifications.adapters import volunteer_records
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.partner_tables import webhook_deliveries_table
from notifications.adapters.public_log import PublicEventLog
from notifications.service_layer import subscriptions


def handle(service: Any, session: Session, event: Envelope) -> None:
    """Apply one event in the caller's transaction, as the consumer does within a batch."""
    upcast = service.context.definition.registry.upcast(event)
    service.handlers[upcast.routing_key](session, upcast)


def kinds(service: Any, volunteer_id: str) -> list[str]:
    with service.context.database.reader() as session:
        return [n["kind"] for n in notifications_of(session, volunteer_id, 0, 100)]


def queued(session: Session) -> list[tuple[str, str]]:
    w = webhook_deliveries_table.c
    query = select(w.subscription_id, w.event_type).order_by(w.position)
    return [tuple(row) for row in session.execute(query)]


def subscribe(session: Session, service: Any, *event_types: str) -> str:
    created, _ = subscriptions.subscribe(
        session,
        service.context.store,
        owner="uni",
        url="http://127.0.0.1:1/",
        event_types=list(event_types),
        limit=service.context.config.webhook_max_subscriptions,
    )
    return created["subscription_id"]


# The public log is locked on PostgreSQL only, and on SQLite no other transaction commits while a
# batch is applied: these tests take the PostgreSQL run of `database_url` only.
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def test_a_batch_writes_nothing_for_a_volunteer_after_their_withdrawal(service, events) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    other = events.registered(name="王五", phone="13900000000")
    other_id = other.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    service.apply_batch(
        volunteer,
        other,
        events.team_created(team_id),
        events.assigned(volunteer_id, team_id),
        events.withdrawn(volunteer_id),
        events.profile_updated(volunteer_id, name="刘丽"),
        events.assigned(volunteer_id, team_id),
        events.completed(team_id, [(volunteer_id, "3"), (other_id, "1")]),
        volunteer,  # a late redelivery of the registration
    )
    assert kinds(service, volunteer_id) == []
    assert kinds(service, other_id) == ["welcome", "activity_thanks"]
    with service.context.database.reader() as session:
        assert volunteer_records.contact_of(session, volunteer_id) is None
        assert volunteer_records.is_withdrawn(session, volunteer_id)
        public = PublicEventLog().read_after(session, 0, 100)
    about_them = [e for e in public if e.payload.get("volunteer_id") == volunteer_id]
    assert about_them and all("name" not in e.payload for e in about_them)


def test_a_withdrawal_rolled_back_to_its_savepoint_leaves_the_volunteer_in(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    with service.context.database.transaction() as session:
        handle(service, session, volunteer)
        with pytest.raises(RuntimeError), session.begin_nested():
            handle(service, session, events.withdrawn(volunteer_id))
            raise RuntimeError("the handler failed after the erasure")
        handle(service, session, events.assigned(volunteer_id, team_id))
    assert kinds(service, volunteer_id) == ["welcome", "team_assigned"]


def test_a_withdrawal_in_a_savepoint_kept_holds_for_the_rest_of_the_batch(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    with service.context.database.transaction() as session:
        handle(service, session, volunteer)
        with session.begin_nested():
            handle(service, session, events.withdrawn(volunteer_id))
        handle(service, session, events.assigned(volunteer_id, str(uuid.uuid4())))
    assert kinds(service, volunteer_id) == []


@postgresql_only
def test_a_batch_locks_the_public_log_once(service, events) -> None:
    locks: list[str] = []

    @event.listens_for(service.context.database.engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if "pg_advisory_xact_lock('public_events'" in sql:
            locks.append(sql)

    service.apply_batch(*[events.registered(phone=f"1371234567{n}") for n in range(3)])
    assert len(locks) == 1


@postgresql_only
def test_the_public_log_is_locked_again_after_a_savepoint_rolled_back(service, events) -> None:

    def locked(session: Session) -> bool:
        held = text(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND granted"
            " AND locktype = 'advisory' AND objid = 'public_events'::regclass::oid"
        )
        return session.execute(held).scalar_one() > 0

    with service.context.database.transaction() as session:
        with pytest.raises(RuntimeError), session.begin_nested():
            handle(service, session, events.team_created(str(uuid.uuid4())))
            assert locked(session)
            raise RuntimeError("the handler failed after the append")
        assert not locked(session)  # rolling back to a savepoint lets go of its locks
        handle(service, session, events.team_created(str(uuid.uuid4())))
        assert locked(session)


def test_a_subscription_made_during_a_batch_gets_the_rest_of_it(service, events) -> None:
    with service.context.database.transaction() as session:
        handle(service, session, events.team_created(str(uuid.uuid4())))  # subscriptions read
        subscription_id = subscribe(session, service, "TeamCreated")
        handle(service, session, events.team_created(str(uuid.uuid4())))
        assert queued(session) == [(subscription_id, "TeamCreated")]
        subscriptions.cancel(session, service.context.store, subscription_id)
        handle(service, session, events.team_created(str(uuid.uuid4())))
        assert queued(session) == []


@postgresql_only
def test_a_subscription_cancelled_elsewhere_during_a_batch_does_not_fail_it(
    service, events
) -> None:
    database = service.context.database
    with database.transaction() as session:
        subscription_id = subscribe(session, service, "TeamCreated")
    with database.transaction() as session:
        handle(service, session, events.registered())  # the batch reads the subscriptions
        with database.transaction() as elsewhere:
            subscriptions.cancel(elsewhere, service.context.store, subscription_id)
        handle(service, session, events.team_created(str(uuid.uuid4())))
    with database.reader() as session:
        assert queued(session) == []
