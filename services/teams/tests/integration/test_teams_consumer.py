"""Registration's events through a real RabbitMQ into the teams projection, exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.topology import Topology
from association.store import inbox_table
from association.store.tables import events_table
from support.broker import message_count, publish
from support.polling import wait_for
from support.threads import consuming
from teams.definition import SERVICE
from teams_testkit import READER, Kit, profile_updated, registered, withdrawn

EXCHANGE_SUFFIX = "association.events"


@contextmanager
def teams_consumer(kit: Kit, amqp_url: str, prefix: str, attempts: int = 5) -> Iterator[Consumer]:
    """The teams worker's consumer with the service's own handlers, on a thread."""
    topology = Topology("teams", prefix, max_delivery_attempts=attempts)
    assert SERVICE.handlers is not None
    consumer = Consumer(
        kit.context.database,
        amqp_url,
        topology,
        SERVICE.registry,
        SERVICE.handlers(kit.context),
    )
    with consuming(consumer):
        yield consumer


def send(amqp_url: str, prefix: str, *events: Envelope) -> None:
    """Publish the events in this order, as registration's relay would (one routing key each)."""
    for event in events:
        publish(amqp_url, prefix + EXCHANGE_SUFFIX, event.routing_key, [event.to_json()])


def inbox_size(kit: Kit) -> int:
    with kit.context.database.reader() as session:
        return session.execute(select(func.count()).select_from(inbox_table)).scalar_one()


def name_of(kit: Kit, team_id: str, volunteer_id: uuid.UUID) -> str | None:
    members = kit.client.get(f"/teams/{team_id}", headers=READER).get_json()["members"]
    return next(m["name"] for m in members if m["volunteer_id"] == str(volunteer_id))


def test_a_registration_delivered_twice_reaches_the_projection_once(
    kit: Kit, amqp_url: str, amqp_prefix: str
) -> None:
    volunteer = uuid.uuid4()
    signup, update = registered(volunteer, "刘玉珠"), profile_updated(volunteer, 2, name="刘珠")
    with teams_consumer(kit, amqp_url, amqp_prefix) as consumer:
        send(amqp_url, amqp_prefix, signup, signup)
        wait_for(lambda: consumer.applied == 2)
        team = kit.team()
        assert kit.assign(team["team_id"], volunteer).status_code == 201
        # The registration again, after a later update: it must not put the old name back.
        send(amqp_url, amqp_prefix, update, signup)
        wait_for(lambda: consumer.applied == 4)
    assert name_of(kit, team["team_id"], volunteer) == "刘珠"
    assert inbox_size(kit) == 2
    assert message_count(amqp_url, Topology("teams", amqp_prefix).inbox_queue) == 0


def test_an_update_ahead_of_its_registration_is_applied_after_it(
    kit: Kit, amqp_url: str, amqp_prefix: str
) -> None:
    volunteer = uuid.uuid4()
    # Attempts to spare: the update is handed back to the queue until its registration is in.
    with teams_consumer(kit, amqp_url, amqp_prefix, attempts=50):
        send(amqp_url, amqp_prefix, profile_updated(volunteer, 2, name="后改名"))
        send(amqp_url, amqp_prefix, registered(volunteer, "先注册"))
        wait_for(lambda: inbox_size(kit) == 2)
    team = kit.team()
    kit.assign(team["team_id"], volunteer)
    assert name_of(kit, team["team_id"], volunteer) == "后改名"
    topology = Topology("teams", amqp_prefix)
    assert message_count(amqp_url, topology.dead_letter_queue) == 0


def test_a_withdrawal_from_the_broker_removes_the_member_by_an_outgoing_event(
    kit: Kit, amqp_url: str, amqp_prefix: str
) -> None:
    volunteer = kit.volunteer()
    team = kit.team()
    kit.assign(team["team_id"], volunteer)
    outbox = kit.outbox_size()
    with teams_consumer(kit, amqp_url, amqp_prefix) as consumer:
        send(amqp_url, amqp_prefix, withdrawn(volunteer, 2), withdrawn(volunteer, 2))
        wait_for(lambda: consumer.applied == 2)
    assert kit.event_types()[-1] == "TeamMemberRemoved"
    assert kit.outbox_size() == outbox + 1
    assert kit.client.get(f"/teams/{team['team_id']}", headers=READER).get_json()["members"] == []


def test_what_the_consumer_s_handlers_append_is_the_system_s(
    kit: Kit, amqp_url: str, amqp_prefix: str
) -> None:
    volunteer = uuid.uuid4()
    kit.deliver(registered(volunteer, "刘玉珠"))
    team = kit.team()
    assert kit.assign(team["team_id"], volunteer, "member").status_code == 201
    with teams_consumer(kit, amqp_url, amqp_prefix) as consumer:
        send(amqp_url, amqp_prefix, withdrawn(volunteer, 2))
        wait_for(lambda: consumer.applied == 1, timeout=20)
    with kit.context.database.reader() as session:
        rows = session.execute(
            select(events_table.c.event_type, events_table.c.metadata).order_by(
                events_table.c.sequence
            )
        ).all()
    actors = {event_type: meta["actor"] for event_type, meta in rows}
    assert actors["TeamCreated"] == {"kind": "admin", "id": "tester"}
    assert actors["TeamMemberRemoved"] == {"kind": "system", "id": None}
