"""The association as a fault test drives it over HTTP, remembering everything submitted.

`Association` signs volunteers up (from several threads while a fault happens), changes their
names, founds teams, assigns volunteers and completes activities; `Submitted` is what the
projections must then show exactly once (see exactly_once).
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import requests

from support.polling import wait_for
from support.stack import Stack

HTTP_TIMEOUT = 15


def expect(response: requests.Response, status: int = 201) -> dict:
    assert response.status_code == status, (response.request.method, response.url, response.text)
    return response.json() if response.content else {}


@dataclass
class Submitted:
    """Everything the test submitted that the projections must show exactly once."""

    names: dict[str, str] = field(default_factory=dict)  # volunteer id → latest name
    profile_updates: Counter[str] = field(default_factory=Counter)
    assignments: set[tuple[str, str]] = field(default_factory=set)  # (team id, volunteer id)
    completions: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # activity → hours


class SignUpLoad:
    """Threads signing volunteers up until told to stop; every answer must be a 201."""

    def __init__(self, association: Association, threads: int, at_least: int, at_most: int):
        self.association = association
        self.at_least = at_least
        self.at_most = at_most
        self.done = 0
        self.refused: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def reached(self, count: int) -> bool:
        return self.done >= count or not any(t.is_alive() for t in self._threads)

    def finish(self, timeout: float = 120) -> int:
        """Stop once `at_least` are in; the number signed up."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
            assert not thread.is_alive(), "a sign-up thread hangs"
        assert not self.refused, self.refused[:5]
        assert self.done >= self.at_least, (self.done, self.at_least)
        return self.done

    def _run(self) -> None:
        http = requests.Session()
        while True:
            with self._lock:
                enough = self._stop.is_set() and self.done >= self.at_least
                if enough or self.done >= self.at_most:
                    return
                self.done += 1
            try:
                self.association.sign_up(http)
            except (AssertionError, requests.RequestException) as error:
                with self._lock:
                    self.refused.append(repr(error))
                return


class Association:
    """Front ends and coordinators of one running stack, remembering what they submitted."""

    def __init__(self, stack: Stack) -> None:
        self.urls = stack.urls
        self.coordinator = stack.token("teams:write", "volunteers:read", "volunteers:write")
        self.partner = stack.token("partner")
        self.events_reader = stack.token("events:read")
        self.submitted = Submitted()
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    # Sign-ups and profile changes (registration)

    def sign_up(self, http: requests.Session | None = None) -> str:
        with self._lock:
            n = next(self._numbers)
        name = f"志愿者{n}"
        answer = expect(
            (http or requests).post(
                f"{self.urls['registration']}/volunteers",
                json={
                    "name": name,
                    "phone": f"139{n:08d}",
                    "email": f"v{n}@example.cn",
                    "street": "jiangpu",
                    "skills": ["first_aid"],
                    "consent": True,
                },
                timeout=HTTP_TIMEOUT,
            )
        )
        with self._lock:
            self.submitted.names[answer["volunteer_id"]] = name
        return answer["volunteer_id"]

    def volunteers(self) -> list[str]:
        """The volunteers signed up so far (sign-ups may be going on on other threads)."""
        with self._lock:
            return list(self.submitted.names)

    def sign_up_many(self, count: int, threads: int = 4) -> list[str]:
        """Sign `count` volunteers up from `threads` threads; their ids."""
        before = set(self.volunteers())
        with self.signing_up(threads, at_least=count, at_most=count):
            pass
        return [v for v in self.submitted.names if v not in before]

    @contextmanager
    def signing_up(self, threads: int, at_least: int, at_most: int) -> Iterator[SignUpLoad]:
        """Sign-ups keep arriving from `threads` threads while the body runs (and until
        `at_least` are in, never more than `at_most`)."""
        load = SignUpLoad(self, threads, at_least, at_most)
        load.start()
        try:
            yield load
        finally:
            load.finish()

    def rename(self, volunteer_id: str, name: str) -> None:
        registration = self.urls["registration"]
        current = requests.get(
            f"{registration}/volunteers/{volunteer_id}", headers=self.coordinator, timeout=10
        )
        expect(current, 200)
        expect(
            requests.patch(
                f"{registration}/volunteers/{volunteer_id}",
                json={"name": name},
                headers=self.coordinator | {"If-Match": current.headers["ETag"]},
                timeout=HTTP_TIMEOUT,
            ),
            200,
        )
        self.submitted.names[volunteer_id] = name
        self.submitted.profile_updates[volunteer_id] += 1

    # Teams, assignments and activities (teams)

    def found_team(self, name: str) -> str:
        team = expect(
            requests.post(
                f"{self.urls['teams']}/teams",
                json={"name": name, "kind": "community", "description": "故障演练"},
                headers=self.coordinator,
                timeout=HTTP_TIMEOUT,
            )
        )
        return team["team_id"]

    def assign(self, team_id: str, volunteer_id: str, timeout: float = 60) -> None:
        """Assign once teams has heard of the volunteer (422 until then)."""
        key = f"assign-{team_id}-{volunteer_id}"  # a retry after a lost answer changes nothing

        def assigned() -> bool:
            answer = requests.post(
                f"{self.urls['teams']}/teams/{team_id}/members",
                json={"volunteer_id": volunteer_id, "role": "member"},
                headers=self.coordinator | {"Idempotency-Key": key},
                timeout=HTTP_TIMEOUT,
            )
            assert answer.status_code in (201, 422), answer.text
            return answer.status_code == 201

        wait_for(assigned, timeout=timeout, interval=0.1)
        with self._lock:
            self.submitted.assignments.add((team_id, volunteer_id))

    def assign_all(self, team_id: str, volunteer_ids: Iterable[str], threads: int = 4) -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda v: self.assign(team_id, v), volunteer_ids))

    def complete_activity(self, team_id: str, hours: dict[str, str]) -> str:
        teams, now = self.urls["teams"], datetime.now(UTC)
        activity = expect(
            requests.post(
                f"{teams}/activities",
                json={
                    "team_id": team_id,
                    "title": "早高峰文明交通劝导",
                    "kind": "civilised_traffic",
                    "location": "江浦街道浦珠路口",
                    "starts_at": (now - timedelta(hours=3)).isoformat(),
                    "ends_at": (now - timedelta(minutes=30)).isoformat(),
                    "content": "劝导行人遵守信号灯",
                    "organising_unit": "浦口区城市治理志愿者协会",
                    "person_in_charge": "王队长",
                },
                headers=self.coordinator,
                timeout=HTTP_TIMEOUT,
            )
        )["activity_id"]
        expect(
            requests.post(
                f"{teams}/activities/{activity}/completion",
                json={"attendance": [{"volunteer_id": v, "hours": h} for v, h in hours.items()]},
                headers=self.coordinator,
                timeout=60,
            )
        )
        self.submitted.completions[activity] = {v: Decimal(h) for v, h in hours.items()}
        return activity

    # Reading back

    def feed(self, service: str) -> list[dict]:
        """Every event of a producer's `GET /events`."""
        return self._pages(f"{self.urls[service]}/events", self.events_reader)

    def public_feed(self) -> list[dict]:
        """Every event of notifications' `GET /public/events`, as partners see them."""
        return self._pages(f"{self.urls['notifications']}/public/events", self.partner)

    def _pages(self, url: str, headers: dict[str, str]) -> list[dict]:
        events: list[dict] = []
        after = 0
        while True:
            page = expect(
                requests.get(
                    url,
                    params={"after": after, "limit": 500},
                    headers=headers,
                    timeout=HTTP_TIMEOUT,
                ),
                200,
            )
            events += page["events"]
            if not page["events"]:
                return events
            after = page["next_after"]
