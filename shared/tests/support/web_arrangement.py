"""What the browser tests find already there, arranged over the APIs as an office would: a member
unit with a coordinator, a team of it with a volunteer who has served, an activity open to all,
and an activity under way at which the volunteer checked in at a roll call.

The activity under way ends `UNDER_WAY_MINUTES` after it is arranged, so that a check-out near
its end credits at least 0.1 h: the console's completion from check-ins waits for that end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests

from support.polling import wait_for
from support.web_stack import WebStack

UNDER_WAY_MINUTES = 7
COORDINATOR_PHONE = "13900001111"
VOLUNTEER_PHONE = "13800002222"


@dataclass
class Arrangement:
    organisation_id: str
    coordinator_id: str
    team_id: str
    volunteer_id: str
    served_activity_id: str  # completed: 2.5 h for the volunteer
    open_activity_id: str  # open to all, starting tomorrow, 5 slots
    under_way_activity_id: str  # started an hour ago; the volunteer checked in
    under_way_ends_at: datetime


def activity_body(team_id: str, title: str, starts: datetime, ends: datetime, **extra) -> dict:
    return {
        "team_id": team_id,
        "title": title,
        "kind": "civilised_traffic",
        "location": "江浦街道浦珠路口",
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "content": "劝导行人遵守信号灯",
        "organising_unit": "浦口区城市治理志愿者协会",
        "person_in_charge": "王队长",
        **extra,
    }


def arrange(site: WebStack) -> Arrangement:
    """Create it all, waiting where one service must first hear of another's event."""
    organisation = site.post(
        "registration", "/organisations", {"name": "江浦街道办事处", "kind": "community"}
    )
    organisation_id = organisation["organisation_id"]
    coordinator = site.post(
        "registration",
        "/staff",
        {
            "name": "王协调",
            "phone": COORDINATOR_PHONE,
            "role": "coordinator",
            "organisation_id": organisation_id,
        },
    )
    volunteer = site.post(
        "registration",
        "/volunteers",
        {
            "name": "陈志愿",
            "phone": VOLUNTEER_PHONE,
            "street": "jiangpu",
            "skills": ["traffic_civility"],
            "organisation_id": organisation_id,
            "consent": True,
        },
    )
    volunteer_id = volunteer["volunteer_id"]
    team = site.post(
        "teams",
        "/teams",
        {
            "name": "江浦街道文明劝导队",
            "kind": "community",
            "description": "路口文明交通劝导",
            "required_skills": [],
            "organisation_id": organisation_id,
        },
    )
    team_id = team["team_id"]

    def assigned() -> bool:
        response = requests.post(
            f"{site.api('teams')}/teams/{team_id}/members",
            json={"volunteer_id": volunteer_id, "role": "member"},
            headers=site.admin(),
            timeout=30,
        )
        return response.status_code == 201

    wait_for(assigned, timeout=60, what="teams hears of the sign-up")
    now = datetime.now(UTC).replace(microsecond=0)
    served = site.post(
        "teams",
        "/activities",
        activity_body(
            team_id,
            "早高峰文明交通劝导",
            now - timedelta(days=3),
            now - timedelta(days=3) + timedelta(hours=3),
        ),
    )
    site.post(
        "teams",
        f"/activities/{served['activity_id']}/completion",
        {"attendance": [{"volunteer_id": volunteer_id, "hours": "2.5"}]},
    )
    tomorrow = now + timedelta(days=1)
    open_activity = site.post(
        "teams",
        "/activities",
        activity_body(
            team_id,
            "周末河道巡护",
            tomorrow,
            tomorrow + timedelta(hours=2),
            slots=5,
            open_to="all",
        ),
    )
    ends = now + timedelta(minutes=UNDER_WAY_MINUTES)
    under_way = site.post(
        "teams",
        "/activities",
        activity_body(team_id, "共享单车整理", now - timedelta(hours=1), ends),
    )
    site.post(
        "teams",
        f"/activities/{under_way['activity_id']}/check-ins",
        {"volunteer_id": volunteer_id},
    )
    return Arrangement(
        organisation_id=organisation_id,
        coordinator_id=coordinator["staff_id"],
        team_id=team_id,
        volunteer_id=volunteer_id,
        served_activity_id=served["activity_id"],
        open_activity_id=open_activity["activity_id"],
        under_way_activity_id=under_way["activity_id"],
        under_way_ends_at=ends,
    )
