"""The association the hours reports' tests count by hand: teams of two organisations and of
none, four volunteers in three streets, activities over March to June 2026 with corrections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from association.auth import issue_token
from support.tokens import SECRET
from teams_testkit import WRITER, Kit, registered, withdrawn

LATE = "活动结束后统一补录"
ORG_A, ORG_B = str(uuid.uuid4()), str(uuid.uuid4())
OFFICE = {
    "Authorization": "Bearer "
    + issue_token(SECRET, "office-1", "volunteers:read volunteers:write teams:write", role="office")
}


def coordinator_of(organisation: str) -> dict[str, str]:
    token = issue_token(
        SECRET, "coordinator", "volunteers:read teams:write", role="coordinator", org=organisation
    )
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Association:
    teams: dict[str, dict[str, Any]]
    volunteers: dict[str, uuid.UUID]
    activities: dict[str, str]


def _activity(kit: Kit, team_id: str, starts: str, ends: str) -> str:
    answer = kit.activity(team_id, starts_at=starts, ends_at=ends)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["activity_id"]


def _complete(kit: Kit, activity_id: str, attendance: list[tuple[Any, str]]) -> None:
    answer = kit.complete(activity_id, attendance, late_reason=LATE)
    assert answer.status_code == 201, answer.get_json()


def _correct(kit: Kit, activity_id: str, volunteer: uuid.UUID, hours: str) -> None:
    body = {"volunteer_id": str(volunteer), "hours": hours, "reason": "签到记录有误"}
    answer = kit.client.post(f"/activities/{activity_id}/corrections", json=body, headers=WRITER)
    assert answer.status_code == 201, answer.get_json()


def seed_association(kit: Kit) -> Association:
    """Teams of organisations A (two), B and none; four volunteers in three streets; activities
    in March to June 2026 (one starting at 00:30 on 1 April, China time: still 31 March in UTC),
    with a correction down, a forgotten attendee added, hours corrected to nothing, a cancelled
    activity, and a volunteer who withdraws afterwards."""
    streets = {"v1": "五一街道", "v2": "江浦街道", "v3": "泰山街道", "v4": "五一街道"}
    names = {"v1": "刘玉珠", "v2": "王建国", "v3": "赵退出", "v4": "陈小红"}
    volunteers = {}
    for key, street in streets.items():
        volunteers[key] = uuid.uuid4()
        kit.deliver(registered(volunteers[key], names[key], street=street))
    teams = {
        "t1": kit.team(organisation_id=ORG_A),
        "t2": kit.team(organisation_id=ORG_A),
        "t3": kit.team(organisation_id=ORG_B),
        "t4": kit.team(),
    }
    for team in teams.values():
        for volunteer in volunteers.values():
            assert kit.assign(team["team_id"], volunteer).status_code == 201
    v1, v2, v3, v4 = (volunteers[k] for k in ("v1", "v2", "v3", "v4"))
    t = {key: team["team_id"] for key, team in teams.items()}
    a = {
        "a1": _activity(kit, t["t1"], "2026-03-10T09:00:00+08:00", "2026-03-10T11:00:00+08:00"),
        "a2": _activity(kit, t["t1"], "2026-04-01T00:30:00+08:00", "2026-04-01T03:30:00+08:00"),
        "a3": _activity(kit, t["t2"], "2026-04-15T09:00:00+08:00", "2026-04-15T11:00:00+08:00"),
        "a4": _activity(kit, t["t3"], "2026-04-20T09:00:00+08:00", "2026-04-20T11:00:00+08:00"),
        "a5": _activity(kit, t["t4"], "2026-05-02T09:00:00+08:00", "2026-05-02T11:00:00+08:00"),
        "a6": _activity(kit, t["t1"], "2026-05-09T09:00:00+08:00", "2026-05-09T11:00:00+08:00"),
        "a7": _activity(kit, t["t1"], "2026-06-01T09:00:00+08:00", "2026-06-01T11:00:00+08:00"),
    }
    _complete(kit, a["a1"], [(v1, "2"), (v2, "1.5")])
    _complete(kit, a["a2"], [(v1, "3"), (v3, "2.5")])
    _complete(kit, a["a3"], [(v2, "2"), (v4, "1")])
    _correct(kit, a["a3"], v4, "0.5")
    _correct(kit, a["a3"], v1, "1.25")
    _complete(kit, a["a4"], [(v1, "2")])
    _complete(kit, a["a5"], [(v2, "1")])
    cancelled = kit.client.post(
        f"/activities/{a['a6']}/cancellation", json={"reason": "暴雨"}, headers=WRITER
    )
    assert cancelled.status_code in (200, 201), cancelled.get_json()
    _complete(kit, a["a7"], [(v2, "1")])
    _correct(kit, a["a7"], v2, "0")
    kit.deliver(withdrawn(v3, 2))
    return Association(teams, volunteers, a)
