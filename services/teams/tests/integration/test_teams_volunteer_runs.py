"""Runs of registrations and profile updates applied set-based, as the consumer does in a batch.

The set-based form must leave the volunteers table as applying the same events one by one does,
and raise (so that the consumer falls back to one by one) wherever one of them would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.handlers import Handler, SetBasedHandler
from association.messaging.topology import Topology
from support.broker import message_count, publish_events
from support.polling import wait_for
from support.threads import consuming
from teams.adapters.tables import volunteers_table
from teams.definition import SERVICE
from teams.domain.volunteer import VolunteerEventOutOfOrder
from teams_testkit import Kit, profile_updated, registered, withdrawn

EVENTS_EXCHANGE = "association.events"  # after the test's broker prefix


def rows(kit: Kit, volunteers: Sequence[uuid.UUID]) -> list[dict[str, Any] | None]:
    """The volunteers' rows without their id, in the order given (None for no row)."""
    with kit.context.database.reader() as session:
        found = {
            row["volunteer_id"]: {k: v for k, v in row.items() if k != "volunteer_id"}
            for row in session.execute(select(volunteers_table)).mappings()
        }
    return [found.get(str(volunteer)) for volunteer in volunteers]


def story(v: Sequence[uuid.UUID]) -> list[list[Envelope]]:
    """Runs of one routing key each: repeats, stale versions, several events of one volunteer,
    a sign-up after a withdrawal (v[3] withdrew before it)."""
    return [
        [
            registered(v[0], "王芳", skills=["first_aid"]),
            registered(v[1], "李雷"),
            registered(v[0], "重复的报名"),
            registered(v[3], "韩梅梅"),
        ],
        [
            profile_updated(v[0], 2, name="王小芳", phone="13900000000"),
            profile_updated(v[1], 2, street="东风街道"),
            profile_updated(v[0], 3, skills=["translation", "first_aid"]),
            profile_updated(v[0], 2, name="过时的改名"),
            profile_updated(v[1], 3, name="李雷雷", skills=[]),
        ],
        [registered(v[2], "刘玉珠"), registered(v[2], "别的名字")],
    ]


def relabelled(event: Envelope, ids: dict[str, str]) -> Envelope:
    """The same event (same times) about other volunteers."""
    payload = {**event.payload, "volunteer_id": ids[event.payload["volunteer_id"]]}
    return replace(event, aggregate_id=ids[event.aggregate_id], payload=payload)


def test_runs_applied_set_based_leave_what_applying_them_one_by_one_leaves(kit: Kit) -> None:
    one_by_one = [uuid.uuid4() for _ in range(4)]
    set_based = [uuid.uuid4() for _ in range(4)]
    ids = {str(a): str(b) for a, b in zip(one_by_one, set_based, strict=True)}
    runs = story(one_by_one)
    withdrawal = withdrawn(one_by_one[3], 2)
    kit.deliver(withdrawal)
    kit.deliver(relabelled(withdrawal, ids))
    for run in runs:
        for event in run:
            kit.deliver(event)
        kit.deliver_run([relabelled(event, ids) for event in run])
    assert rows(kit, set_based) == rows(kit, one_by_one)
    first, second, third, withdrew = rows(kit, set_based)
    assert first and (first["name"], first["skills"], first["version"]) == (
        "王小芳",
        ["translation", "first_aid"],
        3,
    )
    assert second and (second["name"], second["street"], second["skills"]) == (
        "李雷雷",
        "东风街道",
        [],
    )
    assert third and (third["name"], third["version"]) == ("刘玉珠", 1)
    assert withdrew and (withdrew["name"], withdrew["active"]) == (None, False)


def test_a_volunteer_changed_twice_in_a_run_keeps_the_time_of_the_last_change(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    kit.deliver(registered(volunteer))
    updates = [profile_updated(volunteer, 2, name="一"), profile_updated(volunteer, 3, name="二")]
    kit.deliver_run(updates)
    (row,) = rows(kit, [volunteer])
    assert row and row["name"] == "二"
    assert row["updated_at"].isoformat()[:19] == updates[1].payload["updated_at"][:19]


@pytest.mark.parametrize("gap", ["a later version", "an update before the registration"])
def test_a_run_with_an_event_from_beyond_a_gap_raises_and_changes_nothing(
    kit: Kit, gap: str
) -> None:
    known, other = uuid.uuid4(), uuid.uuid4()
    kit.deliver(registered(known, "王芳"))
    if gap == "a later version":
        kit.deliver(registered(other, "李雷"))
    culprit = profile_updated(other, 3, name="李雷雷")
    with pytest.raises(VolunteerEventOutOfOrder):
        kit.deliver_run([profile_updated(known, 2, name="王小芳"), culprit])
    assert [row and row["version"] for row in rows(kit, [known])] == [1]


# Through the broker: the teams worker's consumer with the service's own handlers.


@dataclass
class NotingRuns:
    """A set-based handler noting the length of each run it is given."""

    handler: SetBasedHandler
    runs: list[int]

    def __call__(self, session: Session, event: Envelope) -> None:
        self.handler(session, event)

    def apply_many(self, session: Session, events: Sequence[Envelope]) -> None:
        self.runs.append(len(events))
        self.handler.apply_many(session, events)


def noting_runs(handlers: dict[str, Handler], runs: list[int]) -> dict[str, Handler]:
    """The handlers, their set-based forms noting the length of each run they are given."""
    return {
        key: NotingRuns(h, runs) if isinstance(h, SetBasedHandler) else h
        for key, h in handlers.items()
    }


@contextmanager
def teams_consumer(kit: Kit, amqp_url: str, prefix: str, runs: list[int]) -> Iterator[Consumer]:
    """One batch for what is published at once; attempts to spare for the event that waits."""
    topology = Topology("teams", prefix, max_delivery_attempts=50)
    assert SERVICE.handlers is not None
    handlers = noting_runs(SERVICE.handlers(kit.context), runs)
    consumer = Consumer(
        kit.context.database, amqp_url, topology, SERVICE.registry, handlers, batch_wait=0.5
    )
    consumer.retry_delay = 0.05
    with consuming(consumer):
        yield consumer


def test_a_batch_of_runs_with_a_gap_applies_the_rest_once_and_the_gap_after_its_predecessor(
    kit: Kit, amqp_url: str, amqp_prefix: str
) -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = [
        registered(a, "王芳"),
        registered(b, "李雷"),
        registered(c, "刘玉珠"),
        registered(a, "王芳"),  # the same registration again, by version: stale
        profile_updated(a, 2, name="王小芳"),
        profile_updated(b, 3, street="东风街道"),  # waits for version 2
        profile_updated(c, 2, skills=["translation"]),
    ]
    runs: list[int] = []
    with teams_consumer(kit, amqp_url, amqp_prefix, runs) as consumer:
        publish_events(amqp_url, amqp_prefix + EVENTS_EXCHANGE, batch)
        wait_for(lambda: consumer.applied == len(batch) - 1)
        # The registrations in one call, then the updates, which failed on the gap: one by one.
        assert runs == [4, 3]
        publish_events(
            amqp_url, amqp_prefix + EVENTS_EXCHANGE, [profile_updated(b, 2, name="李雷雷")]
        )
        wait_for(lambda: consumer.applied == len(batch) + 1)
    first, second, third = rows(kit, [a, b, c])
    assert first and (first["name"], first["version"]) == ("王小芳", 2)
    assert second and (second["name"], second["street"], second["version"]) == (
        "李雷雷",
        "东风街道",
        3,
    )
    assert third and (third["skills"], third["version"]) == (["translation"], 2)
    topology = Topology("teams", amqp_prefix)
    assert message_count(amqp_url, topology.dead_letter_queue) == 0
    assert message_count(amqp_url, topology.inbox_queue) == 0
