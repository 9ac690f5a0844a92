"""`make seed`: load a realistic association through the services' own APIs.

Member units, volunteers with valid generated ID numbers, teams of every kind, activities and
completions — so a newcomer sees hours, star levels and notifications appear. Every POST carries
an Idempotency-Key derived from what it creates, and every body is the same on every run (dates
count from a fixed day, not today), so running the seed twice, on any day, creates nothing twice.
Its sign-ups carry an operator token (scope `volunteers:write`), which the public sign-up rate
limit does not count. Progress (count, rate, time left) goes to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import time as clock
import uuid
from datetime import UTC, date, datetime, time, timedelta

import requests

from association.auth import issue_token
from association.process_secrets import Process, require_secrets
from association.progress import Progress

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
GIVEN = "明珠丽华建国伟芳娜敏静秀英强磊军洋勇艳杰娟涛超霞平刚桂兰文辉鹏飞玲婷欣怡浩宇子轩思雨梓涵"
STREETS = [
    "jiangpu",
    "qiaolin",
    "tangquan",
    "pancheng",
    "yanjiang",
    "taishan",
    "dingshan",
    "xingdian",
    "yongning",
]
SKILLS = [
    "traffic_civility",
    "waste_sorting",
    "bike_tidying",
    "city_patrol",
    "river_patrol",
    "first_aid",
    "medical",
    "photography",
]
ORGANISATIONS = [
    ("南京工业大学", "university"),
    ("南京审计大学", "university"),
    ("江浦街道新城社区", "community"),
    ("浦口区中心医院", "hospital"),
    ("共青团南京市浦口区委员会", "government"),
    ("浦口经济开发区企业联合会", "enterprise"),
]
TEAMS = [
    ("浦口区医护志愿服务队", "professional", "medical_clinic", "社区卫生服务站"),
    ("南工大青年志愿者服务队", "university", "shared_bikes", "地铁浦口万汇城站"),
    ("江浦街道文明劝导队", "community", "civilised_traffic", "浦珠路与文德路路口"),
    ("浦口青年突击队", "youth", "river_patrol", "城南河沿岸"),
    ("开发区企业志愿服务队", "enterprise", "waste_sorting", "新城社区垃圾分类点"),
]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Birth dates and activities count from this day, so the bodies (and so the keys) never change.
REFERENCE_DAY = date(2026, 11, 2)
ACTIVITIES_PER_TEAM = 3


def resident_id(rng: random.Random, birth: date) -> str:
    """A resident ID number of a Pukou (320111) resident with a valid GB 11643 check character."""
    first17 = f"320111{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def key(*parts: object) -> dict[str, str]:
    return {
        "Idempotency-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, "seed:" + ":".join(map(str, parts))))
    }


class Seeder:
    def __init__(self, urls: dict[str, str], secret: str, progress: Progress) -> None:
        self.urls = urls
        self.admin = {"Authorization": f"Bearer {issue_token(secret, 'seed', ['admin'])}"}
        self.operator = {
            "Authorization": f"Bearer {issue_token(secret, 'seed', ['volunteers:write'])}"
        }
        self.http = requests.Session()
        self.progress = progress

    def post(
        self,
        service: str,
        path: str,
        body: dict,
        headers: dict[str, str],
        accepted: tuple[int, ...] = (200, 201),
    ) -> dict:
        response = self.http.post(
            f"{self.urls[service]}{path}", json=body, headers=headers, timeout=15
        )
        if response.status_code not in accepted:
            raise RuntimeError(f"POST {service}{path}: {response.status_code} {response.text}")
        self.progress.advance()
        return response.json()

    def organisations(self) -> list[str]:
        ids = []
        for name, kind in ORGANISATIONS:
            made = self.post(
                "registration",
                "/organisations",
                {"name": name, "kind": kind},
                self.admin | key("org", name),
            )
            ids.append(made["organisation_id"])
        return ids

    def volunteers(self, rng: random.Random, count: int, organisations: list[str]) -> list[str]:
        ids = []
        for n in range(count):
            birth = REFERENCE_DAY - timedelta(days=rng.randrange(16 * 365 + 30, 70 * 365))
            form = {
                "name": rng.choice(SURNAMES)
                + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                "phone": f"139{n:08d}",
                "id_number": resident_id(rng, birth),
                "street": rng.choice(STREETS),
                "skills": rng.sample(SKILLS, rng.randrange(1, 4)),
                "organisation_id": rng.choice([*organisations, None, None]),
                "consent": True,
                "guardian_consent": (REFERENCE_DAY - birth).days < 18 * 365 + 5,
            }
            headers = self.operator | key("volunteer", n)
            ids.append(self.post("registration", "/volunteers", form, headers)["volunteer_id"])
        return ids

    def teams(self, rng: random.Random, volunteers: list[str]) -> None:
        pool = list(volunteers)
        rng.shuffle(pool)
        per_team = max(1, len(pool) // len(TEAMS))
        for index, (name, kind, activity_kind, location) in enumerate(TEAMS):
            team = self.post(
                "teams",
                "/teams",
                {
                    "name": name,
                    "kind": kind,
                    "description": f"{name}：浦口区城市治理志愿服务",
                    "required_skills": [],
                    "capacity": per_team + 10,
                },
                self.admin | key("team", name),
            )
            members = pool[index * per_team : (index + 1) * per_team]
            for volunteer_id in members:
                self.assign(team["team_id"], volunteer_id)
            self.activities(rng, team["team_id"], name, activity_kind, location, members)

    def assign(self, team_id: str, volunteer_id: str, deadline: float = 60) -> None:
        """Assign, waiting while the sign-up is still on its way to the teams service (422)."""
        give_up = clock.monotonic() + deadline
        while True:
            response = self.http.post(
                f"{self.urls['teams']}/teams/{team_id}/members",
                json={"volunteer_id": volunteer_id, "role": "member"},
                headers=self.admin | key("member", team_id, volunteer_id),
                timeout=15,
            )
            if response.status_code in (201, 409):
                self.progress.advance()
                return
            if response.status_code != 422 or clock.monotonic() > give_up:
                raise RuntimeError(
                    f"assigning {volunteer_id}: {response.status_code} {response.text}"
                )
            clock.sleep(0.2)

    def activities(
        self,
        rng: random.Random,
        team_id: str,
        team: str,
        kind: str,
        location: str,
        members: list[str],
    ) -> None:
        for week in range(ACTIVITIES_PER_TEAM):
            starts = datetime.combine(REFERENCE_DAY, time(9), UTC) - timedelta(days=7 * week)
            activity = self.post(
                "teams",
                "/activities",
                {
                    "team_id": team_id,
                    "title": f"{team}第{week + 1}次活动",
                    "kind": kind,
                    "location": location,
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=3)).isoformat(),
                    "content": "城市治理志愿服务",
                    "organising_unit": "浦口区城市治理志愿者协会",
                    "person_in_charge": "王队长",
                },
                self.admin | key("activity", team_id, week),
            )
            attendance = [
                {"volunteer_id": v, "hours": str(rng.choice(("1.5", "2", "2.5", "3")))}
                for v in members
                if rng.random() < 0.8
            ]
            if attendance:
                self.post(
                    "teams",
                    f"/activities/{activity['activity_id']}/completion",
                    # Past activities are recorded later than 10 working days after their
                    # end on most days the seed runs: the reason is kept then, ignored else.
                    # (A database seeded before late reasons has them completed already: 409.)
                    {"attendance": attendance, "late_reason": "历史活动集中补录"},
                    self.admin | key("late-completion", activity["activity_id"]),
                    accepted=(200, 201, 409),
                )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line (`--help` touches nothing), then seed the running services."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.seed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--volunteers", type=int, default=200, help="how many (default: 200)")
    parser.add_argument("--registration", default="http://127.0.0.1:8081", metavar="URL")
    parser.add_argument("--teams", default="http://127.0.0.1:8082", metavar="URL")
    parser.add_argument("--seed", type=int, default=2013, help="of the random choices")
    args = parser.parse_args(argv)
    require_secrets(Process.TOKEN_ISSUER)  # `make seed` takes the one of `make run` from var/
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # Organisations, sign-ups, teams, their members, activities and their completions.
    members = max(1, args.volunteers // len(TEAMS)) * len(TEAMS)
    total = (
        len(ORGANISATIONS) + args.volunteers + members + len(TEAMS) * (1 + 2 * ACTIVITIES_PER_TEAM)
    )
    with Progress("seeding", total, unit="requests", every=100) as progress:
        seeder = Seeder(
            {"registration": args.registration, "teams": args.teams},
            os.environ["AUTH_SECRET"],
            progress,
        )
        rng = random.Random(args.seed)
        organisations = seeder.organisations()
        volunteers = seeder.volunteers(rng, args.volunteers, organisations)
        seeder.teams(rng, volunteers)
    print(
        f"seeded {len(organisations)} member units, {len(volunteers)} volunteers, "
        f"{len(TEAMS)} teams with {ACTIVITIES_PER_TEAM} activities each"
    )


if __name__ == "__main__":
    main()
