"""The read models rebuilt from the event store equal the live ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from teams.adapters.projections import REBUILT_TABLES, rebuild
from teams_testkit import WRITER, Kit, withdrawn


def snapshot(kit: Kit) -> dict[str, list[Any]]:
    with kit.context.database.reader() as session:
        return {
            table.name: sorted(tuple(row) for row in session.execute(select(table)))
            for table in REBUILT_TABLES
        }


def test_rebuilding_the_read_models_reproduces_them(kit: Kit) -> None:
    crew = [kit.volunteer() for _ in range(4)]
    teams = [kit.team(capacity=5), kit.team(kind="professional")]
    for volunteer in crew:
        kit.assign(teams[0]["team_id"], volunteer)
    kit.assign(teams[1]["team_id"], crew[0], "leader")
    kit.client.delete(f"/teams/{teams[0]['team_id']}/members/{crew[3]}", headers=WRITER)
    done = kit.activity(teams[0]["team_id"]).get_json()["activity_id"]
    kit.complete(done, [(crew[0], "1.25"), (crew[1], 2)])
    other = kit.activity(teams[1]["team_id"]).get_json()["activity_id"]
    kit.complete(other, [(crew[0], "0.75")])
    cancelled = kit.activity(teams[0]["team_id"]).get_json()["activity_id"]
    kit.client.post(f"/activities/{cancelled}/cancellation", json={"reason": "雨"}, headers=WRITER)
    kit.deliver(withdrawn(crew[2], 2))
    live = snapshot(kit)
    assert all(live.values())

    with kit.context.database.transaction() as session:
        applied = rebuild(session, kit.context.store)
    assert applied == len(kit.event_types())
    assert snapshot(kit) == live
