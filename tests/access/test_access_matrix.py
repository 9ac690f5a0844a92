"""Who reaches what, route by route: every operation of each service's OpenAPI document, tried as
each kind of caller, against the table below.

The operations come from the documents themselves, so a new route that is missing from EXPECTED
fails the test until someone decides who may call it. Each operation is tried as: a volunteer on
their own record and on another's; a coordinator on their organisation's volunteers, teams and
activities and on another organisation's; the office; a partner; an admin; and without a token.
Outside one's reach the answer is 404 (or, for an id in the body, what an unknown id gets), never
403: only a token lacking the route's scope gets 403.

The three apps run in-process, on SQLite files and then on PostgreSQL schemas; events go from one
to the others by calling the consumers' handlers directly (no broker in between). Reads share one
scene of seeded objects; every write gets a fresh scene, so that what one caller did does not
decide another's answer.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from association.auth import issue_token
from association.events import Envelope
from association.service import ServiceDefinition
from association.testing import private_schema
from notifications.definition import SERVICE as NOTIFICATIONS
from registration.definition import SERVICE as REGISTRATION
from support.apps import context_of, make_app
from support.tokens import SECRET
from teams.definition import SERVICE as TEAMS
from teams.domain.check_in_codes import CheckInCodes, check_in_key

SERVICES: dict[str, ServiceDefinition] = {
    "registration": REGISTRATION,
    "teams": TEAMS,
    "notifications": NOTIFICATIONS,
}
CALLERS = (
    "volunteer_own",
    "volunteer_other",
    "coordinator_own",
    "coordinator_other",
    "office",
    "partner",
    "admin",
    "no_token",
)
METHODS = ("get", "post", "put", "patch", "delete")


def row(
    volunteer_own: str,
    volunteer_other: str,
    coordinator_own: str,
    coordinator_other: str,
    office: str,
    partner: str,
    admin: str,
    no_token: str,
) -> dict[str, str]:
    return dict(zip(CALLERS, locals().values(), strict=True))


PUBLIC = row("2xx", "2xx", "2xx", "2xx", "2xx", "2xx", "2xx", "2xx")
EVENTS = row("403", "403", "403", "403", "2xx", "403", "2xx", "401")
ADMIN_ONLY = row("403", "403", "403", "403", "403", "403", "2xx", "401")
PARTNER = row("403", "403", "403", "403", "403", "2xx", "2xx", "401")
# A volunteer's own record, read: volunteers:read, or self.
OWN_READ = row("2xx", "404", "2xx", "404", "2xx", "403", "2xx", "401")
# A volunteer's own record, changed or withdrawn: volunteers:write, or self.
OWN_WRITE = row("2xx", "404", "403", "403", "2xx", "403", "2xx", "401")
# A list, narrowed to what the caller reaches.
LISTED = row("403", "403", "2xx", "2xx", "2xx", "403", "2xx", "401")
# A team or activity (or a volunteer's hours through one), read or written by id in the path.
ORGANISATION = row("403", "403", "2xx", "404", "2xx", "403", "2xx", "401")
# An id in the body out of reach is answered as an unknown one: 422 naming the field.
ORGANISATION_IN_BODY = row("403", "403", "2xx", "422", "2xx", "403", "2xx", "401")
# The office's bulk work: volunteers:write, which neither a volunteer nor a coordinator holds.
OFFICE_WRITE = row("403", "403", "403", "403", "2xx", "403", "2xx", "401")
# Logging in: public, and a wrong code or refresh token is 401 whoever asks.
LOGIN_REFUSED = row("401", "401", "401", "401", "401", "401", "401", "401")
# A volunteer's certificate issued: teams:write (a coordinator of their organisation, the office),
# or self.
OWN_CERTIFICATE = row("2xx", "404", "2xx", "404", "2xx", "403", "2xx", "401")
# Applying for an activity, or cancelling: teams:write (a coordinator of the activity's
# organisation, the office), or self for their own application.
OWN_APPLICATION = row("2xx", "404", "2xx", "404", "2xx", "403", "2xx", "401")
# The activities: a list narrowed to what the caller reaches, a volunteer's to what they may
# apply for.
LISTED_OR_OWN = row("2xx", "2xx", "2xx", "2xx", "2xx", "403", "2xx", "401")
# A check-in or check-out: teams:write (a coordinator of the activity's organisation, the office),
# or a volunteer's own token for themselves only (another volunteer: 404).
PRESENCE = row("2xx", "404", "2xx", "404", "2xx", "403", "2xx", "401")
# Logging out: any valid token.
ANY_TOKEN = row("2xx", "2xx", "2xx", "2xx", "2xx", "2xx", "2xx", "401")

EXPECTED: dict[tuple[str, str, str], dict[str, str]] = {
    ("registration", "GET", "/health"): PUBLIC,
    ("registration", "GET", "/events"): EVENTS,
    ("registration", "GET", "/volunteers"): LISTED,
    ("registration", "POST", "/volunteers"): PUBLIC,
    ("registration", "GET", "/volunteers/{volunteer_id}"): OWN_READ,
    ("registration", "PATCH", "/volunteers/{volunteer_id}"): OWN_WRITE,
    ("registration", "DELETE", "/volunteers/{volunteer_id}"): OWN_WRITE,
    ("registration", "GET", "/organisations"): PUBLIC,
    ("registration", "POST", "/organisations"): ADMIN_ONLY,
    ("registration", "POST", "/volunteers/imports"): OFFICE_WRITE,
    ("registration", "GET", "/volunteers/imports/{import_id}"): OFFICE_WRITE,
    ("registration", "GET", "/volunteers/export"): LISTED,
    ("registration", "POST", "/sessions/codes"): PUBLIC,
    ("registration", "POST", "/sessions"): LOGIN_REFUSED,
    ("registration", "POST", "/sessions/refresh"): LOGIN_REFUSED,
    ("registration", "DELETE", "/sessions/current"): ANY_TOKEN,
    ("registration", "POST", "/staff"): ADMIN_ONLY,
    ("registration", "GET", "/staff"): ADMIN_ONLY,
    ("registration", "DELETE", "/staff/{staff_id}"): ADMIN_ONLY,
    ("teams", "GET", "/health"): PUBLIC,
    ("teams", "GET", "/events"): EVENTS,
    ("teams", "POST", "/teams"): ORGANISATION_IN_BODY,
    ("teams", "GET", "/teams"): LISTED,
    ("teams", "GET", "/teams/{team_id}"): ORGANISATION,
    ("teams", "POST", "/teams/{team_id}/members"): ORGANISATION,
    ("teams", "DELETE", "/teams/{team_id}/members/{volunteer_id}"): ORGANISATION,
    ("teams", "GET", "/teams/{team_id}/activities"): ORGANISATION,
    ("teams", "POST", "/activities"): ORGANISATION_IN_BODY,
    ("teams", "GET", "/activities/{activity_id}"): ORGANISATION,
    ("teams", "POST", "/activities/{activity_id}/completion"): ORGANISATION,
    ("teams", "POST", "/activities/{activity_id}/cancellation"): ORGANISATION,
    ("teams", "GET", "/volunteers/{volunteer_id}/hours"): OWN_READ,
    ("teams", "GET", "/activities"): LISTED_OR_OWN,
    ("teams", "POST", "/activities/{activity_id}/corrections"): ORGANISATION,
    ("teams", "GET", "/volunteers/{volunteer_id}/records"): OWN_READ,
    ("teams", "POST", "/volunteers/{volunteer_id}/certificates"): OWN_CERTIFICATE,
    ("teams", "GET", "/volunteers/{volunteer_id}/certificates"): OWN_READ,
    ("teams", "GET", "/volunteers/{volunteer_id}/certificates/{number}.pdf"): OWN_READ,
    ("teams", "GET", "/certificates/{number}/verification"): PUBLIC,
    ("teams", "GET", "/certificates/public-key"): PUBLIC,
    ("teams", "POST", "/activities/{activity_id}/applications"): OWN_APPLICATION,
    ("teams", "DELETE", "/activities/{activity_id}/applications/{volunteer_id}"): OWN_APPLICATION,
    ("teams", "GET", "/activities/{activity_id}/applications"): ORGANISATION,
    ("teams", "GET", "/volunteers/{volunteer_id}/applications"): OWN_READ,
    ("teams", "GET", "/activities/{activity_id}/check-in-code"): ORGANISATION,
    ("teams", "GET", "/activities/{activity_id}/check-in-code.png"): ORGANISATION,
    ("teams", "POST", "/activities/{activity_id}/check-ins"): PRESENCE,
    ("teams", "POST", "/activities/{activity_id}/check-outs"): PRESENCE,
    ("teams", "GET", "/activities/{activity_id}/presences"): ORGANISATION,
    ("teams", "POST", "/activities/{activity_id}/attendance"): ORGANISATION,
    # Asked of the side's organisation: a coordinator's own, or another's (404 as unknown).
    ("teams", "GET", "/reports/hours"): ORGANISATION,
    ("teams", "GET", "/teams/{team_id}/calendar.ics"): ORGANISATION,
    ("notifications", "GET", "/health"): PUBLIC,
    ("notifications", "GET", "/events"): EVENTS,
    ("notifications", "GET", "/volunteers/{volunteer_id}/notifications"): OWN_READ,
    ("notifications", "GET", "/subscriptions"): PARTNER,
    ("notifications", "POST", "/subscriptions"): PARTNER,
    ("notifications", "GET", "/subscriptions/{subscription_id}"): PARTNER,
    ("notifications", "DELETE", "/subscriptions/{subscription_id}"): PARTNER,
    # Resuming a subscription that is not paused is a conflict: the caller got past the policy.
    ("notifications", "POST", "/subscriptions/{subscription_id}/resume"): PARTNER
    | {"partner": "409", "admin": "409"},
    ("notifications", "GET", "/subscriptions/{subscription_id}/deliveries"): PARTNER,
    ("notifications", "GET", "/public/events"): PARTNER,
}

Operation = tuple[str, str, str]


def documented_operations(apps: dict[str, Flask]) -> list[tuple[Operation, dict[str, Any]]]:
    """Every (service, METHOD, path) of the three OpenAPI documents, with its operation object."""
    found = []
    for name, app in apps.items():
        document = app.test_client().get("/openapi.json").get_json()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if method in METHODS:
                    found.append(((name, method.upper(), path), operation))
    return found


def status_class(status: int) -> str:
    return "2xx" if 200 <= status < 300 else str(status)


_numbers = itertools.count(1)


def _unique() -> int:
    return next(_numbers)


@dataclass
class World:
    """The three apps, two member organisations, and the events carried between the apps."""

    apps: dict[str, Flask]
    organisations: tuple[str, str] = ("", "")
    delivered: dict[str, int] = field(default_factory=lambda: {"registration": 0, "teams": 0})

    def __post_init__(self) -> None:
        self.handlers = {
            name: dict(SERVICES[name].handlers(context_of(self.apps[name])))  # type: ignore[misc]
            for name in ("teams", "notifications")
        }
        self.organisations = (self.organisation(), self.organisation())

    def call(self, service: str, method: str, path: str, **options: Any) -> Any:
        return self.apps[service].test_client().open(path, method=method, **options)

    def organisation(self) -> str:
        body = {"name": f"成员单位 {_unique()}", "kind": "community"}
        answer = self.call("registration", "POST", "/organisations", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["organisation_id"]

    def pump(self) -> None:
        """Carry the new events of registration and teams, as their feeds (`GET /events`) give
        them out, to the services that consume them."""
        for producer in ("registration", "teams"):
            url = f"/events?after={self.delivered[producer]}&limit=1000"
            page = self.call(producer, "GET", url, headers=ADMIN).get_json()
            self.delivered[producer] = page["next_after"]
            for data in page["events"]:
                event = Envelope.from_json(json.dumps(data))
                for consumer, handlers in self.handlers.items():
                    handler = handlers.get(event.routing_key)
                    if handler is None or consumer == producer:
                        continue
                    consuming = context_of(self.apps[consumer])
                    upcast = consuming.definition.registry.upcast(event)
                    with consuming.database.transaction() as session:
                        handler(session, upcast)


ADMIN = {"Authorization": f"Bearer {issue_token(SECRET, 'admin', 'admin')}"}


def sign_up_body(organisation_id: str | None) -> dict[str, Any]:
    return {
        "name": "刘明珠",
        "phone": f"139{_unique():08d}",
        "street": "jiangpu",
        "skills": ["first_aid"],
        "consent": True,
        "organisation_id": organisation_id,
    }


def activity_body(team_id: str) -> dict[str, Any]:
    starts = datetime.now(UTC) - timedelta(hours=3)
    return {
        "team_id": team_id,
        "title": "早高峰文明交通劝导",
        "kind": "civilised_traffic",
        "location": "浦珠路口",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "content": "劝导行人遵守信号灯",
        "organising_unit": "城市治理志愿者协会",
        "person_in_charge": "王队长",
    }


@dataclass
class Side:
    """One organisation's objects in a scene: a member of its team, a volunteer in no team, the
    team and an activity of it that has ended, and one completed with the member's hours."""

    organisation_id: str
    member: str
    spare: str
    team_id: str
    activity_id: str
    completed_activity_id: str = ""
    # The number of a certificate of the member's, for hours of a second, completed activity.
    certificate_number: str = ""
    # Activities of the team open for sign-up: one the member has not applied for, one they have.
    open_activity_id: str = ""
    applied_activity_id: str = ""
    # An activity under way (started an hour ago, ending in an hour): check-ins are open.
    ongoing_activity_id: str = ""


@dataclass
class Scene:
    own: Side
    other: Side
    partner: str
    subscription_id: str
    staff_id: str
    import_id: str

    @classmethod
    def seeded(cls, world: World) -> Scene:
        sides = [_side(world, organisation) for organisation in world.organisations]
        partner = f"partner-{_unique()}"
        body = {"url": "http://127.0.0.1:9/hook", "event_types": ["VolunteerRegistered"]}
        answer = world.call(
            "notifications", "POST", "/subscriptions", json=body, headers=bearer(partner, "partner")
        )
        assert answer.status_code == 201, answer.get_json()
        subscription_id = answer.get_json()["id"]
        staff = world.call("registration", "POST", "/staff", json=staff_body(), headers=ADMIN)
        assert staff.status_code == 201, staff.get_json()
        imported = world.call(
            "registration", "POST", "/volunteers/imports", **upload(), headers=ADMIN
        )
        assert imported.status_code == 201, imported.get_json()
        return cls(
            sides[0],
            sides[1],
            partner,
            subscription_id,
            staff.get_json()["staff_id"],
            imported.get_json()["import_id"],
        )


def staff_body() -> dict[str, Any]:
    return {"name": "王协调", "phone": f"137{_unique():08d}", "role": "office"}


def upload() -> dict[str, Any]:
    """The request options of an import: a one-row CSV file under Chinese headers."""
    rows = f"姓名,手机号,街道,技能\n刘明珠,136{_unique():08d},jiangpu,first_aid\n"
    return {
        "data": {"file": (io.BytesIO(rows.encode()), "volunteers.csv")},
        "content_type": "multipart/form-data",
    }


def _side(world: World, organisation_id: str) -> Side:
    volunteers = []
    for _ in range(2):
        answer = world.call(
            "registration", "POST", "/volunteers", json=sign_up_body(organisation_id), headers=ADMIN
        )
        assert answer.status_code == 201, answer.get_json()
        volunteers.append(answer.get_json()["volunteer_id"])
    world.pump()
    body = {
        "name": f"文明劝导队 {_unique()}",
        "kind": "community",
        "organisation_id": organisation_id,
    }
    team = world.call("teams", "POST", "/teams", json=body, headers=ADMIN).get_json()
    member = {"volunteer_id": volunteers[0], "role": "member"}
    answer = world.call(
        "teams", "POST", f"/teams/{team['team_id']}/members", json=member, headers=ADMIN
    )
    assert answer.status_code == 201, answer.get_json()
    activity = world.call(
        "teams", "POST", "/activities", json=activity_body(team["team_id"]), headers=ADMIN
    ).get_json()
    completed = world.call(
        "teams", "POST", "/activities", json=activity_body(team["team_id"]), headers=ADMIN
    ).get_json()["activity_id"]
    attendance = {"attendance": [{"volunteer_id": volunteers[0], "hours": "1.5"}]}
    answer = world.call(
        "teams", "POST", f"/activities/{completed}/completion", json=attendance, headers=ADMIN
    )
    assert answer.status_code == 201, answer.get_json()
    world.pump()
    return Side(
        organisation_id,
        volunteers[0],
        volunteers[1],
        team["team_id"],
        activity["activity_id"],
        completed,
        _certificate(world, team["team_id"], volunteers[0]),
        *_open_activities(world, team["team_id"], volunteers[0]),
        _ongoing(world, team["team_id"]),
    )


def _open_activities(world: World, team_id: str, member: str) -> tuple[str, str]:
    """Two activities of the team starting tomorrow, the member applied for the second."""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    body = activity_body(team_id) | {
        "starts_at": tomorrow.isoformat(),
        "ends_at": (tomorrow + timedelta(hours=2)).isoformat(),
    }
    made = [world.call("teams", "POST", "/activities", json=body, headers=ADMIN) for _ in "ab"]
    assert all(answer.status_code == 201 for answer in made), [a.get_json() for a in made]
    opened, applied = (answer.get_json()["activity_id"] for answer in made)
    path = f"/activities/{applied}/applications"
    answer = world.call("teams", "POST", path, json={"volunteer_id": member}, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    return opened, applied


def _ongoing(world: World, team_id: str) -> str:
    body = activity_body(team_id)
    starts = datetime.now(UTC) - timedelta(hours=1)
    body |= {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}
    answer = world.call("teams", "POST", "/activities", json=body, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["activity_id"]


def presence_body(side: Side) -> dict[str, Any]:
    """The member, with the code shown on site now (a roll call ignores it)."""
    codes = CheckInCodes(check_in_key(SECRET))
    code, _expires = codes.current(uuid.UUID(side.ongoing_activity_id), datetime.now(UTC))
    return {"volunteer_id": side.member, "code": code}


def _checked_in(world: World, side: Side) -> None:
    path = f"/activities/{side.ongoing_activity_id}/check-ins"
    answer = world.call("teams", "POST", path, json={"volunteer_id": side.member}, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()


def _certificate(world: World, team_id: str, member: str) -> str:
    """A certificate of the member's: a second activity of the team completed with their hours."""
    served = world.call(
        "teams", "POST", "/activities", json=activity_body(team_id), headers=ADMIN
    ).get_json()
    completion = {"attendance": [{"volunteer_id": member, "hours": "1.5"}]}
    path = f"/activities/{served['activity_id']}/completion"
    answer = world.call("teams", "POST", path, json=completion, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    path = f"/volunteers/{member}/certificates"
    answer = world.call("teams", "POST", path, json={}, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["number"]


def bearer(sub: str, scopes: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, scopes, **claims)}"}


def caller_headers(caller: str, scene: Scene) -> dict[str, str]:
    """The Authorization header of each kind of caller (the volunteer is the own side's member,
    the coordinator coordinates the own side's organisation)."""
    if caller.startswith("volunteer"):
        return bearer(scene.own.member, "self", role="volunteer")
    if caller.startswith("coordinator"):
        organisation = scene.own.organisation_id
        return bearer(
            "coordinator-1", "volunteers:read teams:write", role="coordinator", org=organisation
        )
    if caller == "office":
        return bearer(
            "office-1", "volunteers:read volunteers:write teams:write events:read", role="office"
        )
    if caller == "partner":
        return bearer(scene.partner, "partner")
    if caller == "admin":
        return ADMIN
    return {}


def side_of(caller: str, scene: Scene) -> Side:
    """The objects a caller is tried on: the other side's for the "_other" callers."""
    return scene.other if caller.endswith("_other") else scene.own


def path_values(caller: str, scene: Scene) -> dict[str, str]:
    side = side_of(caller, scene)
    return {
        "volunteer_id": side.member,
        "team_id": side.team_id,
        "activity_id": side.activity_id,
        "subscription_id": scene.subscription_id,
        "staff_id": scene.staff_id,
        "import_id": scene.import_id,
        "number": side.certificate_number,
    }


Body = Callable[[Side], dict[str, Any]]
BODIES: dict[Operation, Body] = {
    ("registration", "POST", "/volunteers"): lambda side: sign_up_body(side.organisation_id),
    ("registration", "PATCH", "/volunteers/{volunteer_id}"): lambda side: {"skills": ["first_aid"]},
    ("registration", "POST", "/organisations"): lambda side: {
        "name": f"成员单位 {_unique()}",
        "kind": "university",
    },
    ("teams", "POST", "/teams"): lambda side: {
        "name": f"志愿服务队 {_unique()}",
        "kind": "community",
        "organisation_id": side.organisation_id,
    },
    ("teams", "POST", "/teams/{team_id}/members"): lambda side: {
        "volunteer_id": side.spare,
        "role": "member",
    },
    ("teams", "POST", "/activities"): lambda side: activity_body(side.team_id),
    ("teams", "POST", "/activities/{activity_id}/completion"): lambda side: {
        "attendance": [{"volunteer_id": side.member, "hours": "1.5"}]
    },
    ("teams", "POST", "/activities/{activity_id}/cancellation"): lambda side: {"reason": "暴雨"},
    ("teams", "POST", "/activities/{activity_id}/corrections"): lambda side: {
        "volunteer_id": side.member,
        "hours": "1",
        "reason": "签到时间有误",
    },
    ("teams", "POST", "/activities/{activity_id}/applications"): lambda side: {
        "volunteer_id": side.member
    },
    ("teams", "POST", "/activities/{activity_id}/check-ins"): presence_body,
    ("teams", "POST", "/activities/{activity_id}/check-outs"): presence_body,
    ("teams", "POST", "/activities/{activity_id}/attendance"): lambda side: {
        "attendance": [{"volunteer_id": side.member, "hours": "1.5"}]
    },
    ("registration", "POST", "/sessions/codes"): lambda side: {"phone": f"135{_unique():08d}"},
    ("registration", "POST", "/sessions"): lambda side: {"phone": "13500000000", "code": "000000"},
    ("registration", "POST", "/sessions/refresh"): lambda side: {"refresh_token": "spent"},
    ("registration", "POST", "/staff"): lambda side: staff_body(),
    ("notifications", "POST", "/subscriptions"): lambda side: {
        "url": "http://127.0.0.1:9/hook",
        "event_types": ["TeamCreated"],
    },
}


# Routes tried on the side's completed activity rather than its scheduled one.
ON_COMPLETED = {("teams", "POST", "/activities/{activity_id}/corrections")}
# Routes tried on an activity open for sign-up: one the member has not applied for, or has.
ON_OPEN = {("teams", "POST", "/activities/{activity_id}/applications")}
ON_APPLIED = {("teams", "DELETE", "/activities/{activity_id}/applications/{volunteer_id}")}

# Routes tried on the side's activity under way, and what is done there first.
ON_ONGOING = {
    ("teams", "POST", "/activities/{activity_id}/check-ins"),
    ("teams", "POST", "/activities/{activity_id}/check-outs"),
}
PREPARED: dict[Operation, Callable[[World, Side], None]] = {
    ("teams", "POST", "/activities/{activity_id}/check-outs"): _checked_in,
}

# Routes asked of the side's objects in their query string.
QUERIES: dict[Operation, Callable[[Side], str]] = {
    ("teams", "GET", "/reports/hours"): lambda side: f"?organisation_id={side.organisation_id}",
}

# Routes whose body is a file rather than JSON.
UPLOADS = {("registration", "POST", "/volunteers/imports")}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, amqp_url: str
) -> Iterator[World]:
    """The three apps, each on its own SQLite file, then each on its own PostgreSQL schema."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            folder: Path = tmp_path_factory.mktemp("access")
            urls = {name: f"sqlite:///{folder / name}.db" for name in SERVICES}
        else:
            postgres_url = request.getfixturevalue("postgres_url")
            urls = {name: stack.enter_context(private_schema(postgres_url)) for name in SERVICES}
        apps = {
            name: make_app(
                definition,
                urls[name],
                amqp_url=amqp_url,
                amqp_prefix=f"access-{uuid.uuid4().hex[:10]}.",
                webhook_allow_loopback=True,
            )
            for name, definition in SERVICES.items()
        }
        yield World(apps)
        for app in apps.values():
            context_of(app).database.dispose()


def test_every_documented_route_answers_each_caller_as_the_table_says(world: World) -> None:
    operations = documented_operations(world.apps)
    missing = sorted(operation for operation, _ in operations if operation not in EXPECTED)
    assert not missing, f"routes with no row in EXPECTED (decide who may call them): {missing}"
    shared_scene = Scene.seeded(world)
    wrong = []
    for operation, _document in operations:
        service, method, path = operation
        for caller in CALLERS:
            scene = shared_scene if method == "GET" else Scene.seeded(world)
            values = path_values(caller, scene)
            if operation in ON_COMPLETED:
                values["activity_id"] = side_of(caller, scene).completed_activity_id
            if operation in ON_OPEN:
                values["activity_id"] = side_of(caller, scene).open_activity_id
            if operation in ON_APPLIED:
                values["activity_id"] = side_of(caller, scene).applied_activity_id
            if operation in ON_ONGOING:
                values["activity_id"] = side_of(caller, scene).ongoing_activity_id
            if operation in PREPARED:
                PREPARED[operation](world, side_of(caller, scene))
            url = path.format(**values)
            if operation in QUERIES:
                url += QUERIES[operation](side_of(caller, scene))
            options: dict[str, Any] = {"headers": caller_headers(caller, scene)}
            body = BODIES.get(operation)
            if body is not None:
                options["json"] = body(side_of(caller, scene))
            if operation in UPLOADS:
                options |= upload()
            answer = world.call(service, method, url, **options)
            expected = EXPECTED[operation][caller]
            if status_class(answer.status_code) != expected:
                wrong.append((operation, caller, expected, answer.status_code, answer.get_json()))
    assert not wrong, "\n".join(map(str, wrong))


def test_the_documents_say_which_routes_admit_a_volunteer_s_own_token(world: World) -> None:
    """`x-self-allowed` is true exactly where a volunteer reaches their own record."""
    for operation, document in documented_operations(world.apps):
        protected = bool(document.get("security"))
        expected = EXPECTED[operation]
        admits_self = protected and expected["volunteer_own"] == "2xx" and expected != ANY_TOKEN
        assert document.get("x-self-allowed", False) is admits_self, operation


def test_a_coordinator_s_lists_hold_only_their_organisation(world: World) -> None:
    scene = Scene.seeded(world)
    coordinator = caller_headers("coordinator_own", scene)
    listed = world.call(
        "registration", "GET", "/volunteers?page_size=100", headers=coordinator
    ).get_json()
    assert listed["items"], "the coordinator's organisation has volunteers"
    assert {v["organisation_id"] for v in listed["items"]} == {scene.own.organisation_id}
    teams = world.call("teams", "GET", "/teams?page_size=100", headers=coordinator).get_json()
    assert teams, "the coordinator's organisation has teams"
    assert {team["organisation_id"] for team in teams} == {scene.own.organisation_id}
    # Asking for another organisation's volunteers gives none of them.
    other = f"/volunteers?organisation_id={scene.other.organisation_id}"
    assert world.call("registration", "GET", other, headers=coordinator).get_json()["items"] == []


def test_a_coordinator_s_team_is_of_their_organisation_whatever_they_ask(world: World) -> None:
    scene = Scene.seeded(world)
    coordinator = caller_headers("coordinator_own", scene)
    body = {"name": f"志愿服务队 {_unique()}", "kind": "community"}
    answer = world.call("teams", "POST", "/teams", json=body, headers=coordinator)
    assert answer.status_code == 422
    assert "organisation_id" in answer.get_json()["errors"]["json"]
    before = world.call("teams", "GET", "/teams?page_size=100", headers=ADMIN).get_json()
    assert body["name"] not in {team["name"] for team in before}, "a refusal creates nothing"
