"""The access policy: what each kind of token reaches, in Python and as SQL conditions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from association.access import EVERYTHING, Extent, Reach
from association.auth import Principal
from association.events import default_registry
from association.events.envelope import Envelope

ORG, OTHER_ORG = str(uuid.uuid4()), str(uuid.uuid4())
ME, SOMEONE = str(uuid.uuid4()), str(uuid.uuid4())


def reach(scopes: str, role: str | None = None, org: str | None = None, sub: str = ME) -> Reach:
    return Reach.of(Principal(sub, frozenset(scopes.split()), role, org))


def test_a_volunteer_reaches_their_own_record_and_no_team() -> None:
    mine = reach("self", "volunteer")
    assert mine.extent is Extent.OWN_RECORD
    assert mine.reaches_volunteer(ME, None) and mine.reaches_volunteer(uuid.UUID(ME), ORG)
    assert not mine.reaches_volunteer(SOMEONE, ORG)
    assert not mine.reaches_team(ORG) and not mine.reaches_team(None)


def test_a_token_carrying_self_speaks_for_its_subject_only_even_without_a_role() -> None:
    assert reach("self volunteers:read").extent is Extent.OWN_RECORD


def test_a_coordinator_reaches_their_organisation_only() -> None:
    coordinator = reach("volunteers:read teams:write", "coordinator", ORG)
    assert coordinator.reaches_volunteer(SOMEONE, ORG)
    assert coordinator.reaches_volunteer(SOMEONE, uuid.UUID(ORG))
    assert not coordinator.reaches_volunteer(SOMEONE, OTHER_ORG)
    assert not coordinator.reaches_volunteer(SOMEONE, None)
    assert coordinator.reaches_team(ORG) and not coordinator.reaches_team(OTHER_ORG)
    assert not coordinator.reaches_team(None), "the association's own teams are the office's"
    assert coordinator.coordinating == ORG


def test_a_coordinator_without_an_organisation_reaches_nothing() -> None:
    lost = reach("volunteers:read teams:write", "coordinator", None)
    assert not lost.reaches_volunteer(SOMEONE, None) and not lost.reaches_team(None)


@pytest.mark.parametrize(
    ("scopes", "role"),
    [("volunteers:read volunteers:write teams:write events:read", "office"), ("admin", None)],
)
def test_the_office_and_operators_reach_everything(scopes: str, role: str | None) -> None:
    everything = reach(scopes, role)
    assert everything == EVERYTHING and everything.everything
    assert everything.reaches_volunteer(SOMEONE, OTHER_ORG) and everything.reaches_team(None)


def test_the_sql_conditions_keep_the_same_rows_the_checks_allow() -> None:
    metadata = MetaData()
    people = Table("people", metadata, Column("id", String), Column("org", String))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    rows = [{"id": ME, "org": ORG}, {"id": SOMEONE, "org": OTHER_ORG}, {"id": "x", "org": None}]
    reaches = [
        reach("self", "volunteer"),
        reach("volunteers:read", "coordinator", ORG),
        reach("volunteers:read", "coordinator", None),
        EVERYTHING,
    ]
    with engine.begin() as connection:
        connection.execute(insert(people), rows)
        for each in reaches:
            kept = set(
                connection.execute(
                    select(people.c.id).where(each.volunteers_where(people.c.id, people.c.org))
                ).scalars()
            )
            assert kept == {r["id"] for r in rows if each.reaches_volunteer(r["id"], r["org"])}
            teams = set(
                connection.execute(
                    select(people.c.id).where(each.teams_where(people.c.org))
                ).scalars()
            )
            assert teams == {r["id"] for r in rows if each.reaches_team(r["org"])}


def test_team_created_version_1_reads_as_a_team_of_no_organisation() -> None:
    payload = {
        "team_id": str(uuid.uuid4()),
        "name": "文明劝导队",
        "kind": "community",
        "description": "",
        "required_skills": [],
        "capacity": None,
        "created_at": "2026-12-05T06:00:00+00:00",
    }
    envelope = Envelope(
        event_type="TeamCreated",
        aggregate_id=payload["team_id"],
        aggregate_version=1,
        payload=payload,
        producer="teams",
        schema_version=1,
    )
    upcast = default_registry().upcast(envelope)
    assert upcast.schema_version == 2
    assert upcast.payload["organisation_id"] is None
