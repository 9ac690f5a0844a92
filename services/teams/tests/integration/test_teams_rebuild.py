"""The read models rebuilt from the event store equal the live ones."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from association.progress import Progress
from teams.adapters.codec import to_envelope
from teams.adapters.rebuild import REBUILT_TABLES, rebuild
from teams.adapters.tables import teams_table
from teams.domain.events import TeamCreated
from teams.domain.vocabularies import TeamKind
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
    certificate = kit.client.post(f"/volunteers/{crew[0]}/certificates", json={}, headers=WRITER)
    assert certificate.status_code == 201, certificate.get_json()
    cancelled = kit.activity(teams[0]["team_id"]).get_json()["activity_id"]
    kit.client.post(f"/activities/{cancelled}/cancellation", json={"reason": "雨"}, headers=WRITER)
    late = kit.activity(teams[0]["team_id"], hours_ago=24 * 40).get_json()["activity_id"]
    assert kit.complete(late, [(crew[1], 1)], late_reason="补录").status_code == 201
    for volunteer, hours in [(crew[0], "0.5"), (crew[0], 0), (crew[2], "1.5"), (crew[1], 0)]:
        body = {"volunteer_id": str(volunteer), "hours": hours, "reason": "更正"}
        corrected = kit.client.post(f"/activities/{done}/corrections", json=body, headers=WRITER)
        assert corrected.status_code == 201, corrected.get_json()
    body = {"volunteer_id": str(crew[1]), "hours": "1.75", "reason": "更正"}
    assert (
        kit.client.post(f"/activities/{late}/corrections", json=body, headers=WRITER).status_code
        == 201
    )
    recruiting = kit.activity(teams[0]["team_id"], hours_ago=-48, slots=1).get_json()
    path = f"/activities/{recruiting['activity_id']}/applications"
    for volunteer in (crew[0], crew[1], crew[2]):
        applied = kit.client.post(path, json={"volunteer_id": str(volunteer)}, headers=WRITER)
        assert applied.status_code == 201, applied.get_json()
    assert kit.client.delete(f"{path}/{crew[0]}", headers=WRITER).status_code == 204
    ongoing = kit.activity(teams[0]["team_id"], hours_ago=1).get_json()["activity_id"]
    for route in ("check-ins", "check-outs"):
        body = {"volunteer_id": str(crew[0])}
        marked = kit.client.post(f"/activities/{ongoing}/{route}", json=body, headers=WRITER)
        assert marked.status_code == 201, marked.get_json()
    ended = kit.activity(teams[0]["team_id"]).get_json()["activity_id"]
    for hours in ("1.5", "2"):
        body = {"attendance": [{"volunteer_id": str(crew[1]), "hours": hours}]}
        recorded = kit.client.post(f"/activities/{ended}/attendance", json=body, headers=WRITER)
        assert recorded.status_code == 201, recorded.get_json()
    kit.deliver(withdrawn(crew[2], 2))
    live = snapshot(kit)
    assert all(live.values())

    with kit.context.database.transaction() as session:
        applied = rebuild(session, kit.context.store)
    assert applied == len(kit.event_types())
    assert snapshot(kit) == live


def test_a_rebuild_of_thousands_of_events_reports_its_progress(
    kit: Kit, caplog: pytest.LogCaptureFixture
) -> None:
    formed = [
        TeamCreated(uuid.uuid4(), f"队 {n}", TeamKind.COMMUNITY, "", (), None, datetime.now(UTC))
        for n in range(3000)
    ]
    with kit.context.database.transaction() as session:
        kit.context.store.append(session, [to_envelope(event, 1) for event in formed])
    caplog.set_level(logging.INFO, "association.progress")
    with kit.context.database.transaction() as session:
        total = kit.context.store.last_sequence(session)
        with Progress("rebuilding teams", total, terminal=False, every=1000) as progress:
            applied = rebuild(session, kit.context.store, progress=progress.advance)
        assert session.execute(select(func.count()).select_from(teams_table)).scalar_one() == 3000
    assert applied == 3000
    lines = [record.getMessage() for record in caplog.records]
    assert [line.split(" (")[0] for line in lines] == [
        f"rebuilding teams: {n}/3000 events" for n in (1000, 2000, 3000)
    ]
    assert all("events/s]" in line for line in lines)
