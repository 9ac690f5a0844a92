"""`make seed` loads an association through the APIs of the real processes, and twice is once —
under the default sign-up rate limit, since its sign-ups carry an operator token."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from support.polling import wait_for
from support.stack import Stack, running_stack
from support.tokens import SECRET
from tools import seed


def stored_events(stack: Stack) -> dict[str, int]:
    """How many events registration and teams have stored."""
    counts = {}
    for service in ("registration", "teams"):
        feed = requests.get(
            f"{stack.urls[service]}/events?limit=1000",
            headers=stack.token("events:read"),
            timeout=10,
        ).json()
        counts[service] = len(feed["events"])
    return counts


@pytest.mark.slow
def test_seeding_twice_loads_one_association_with_hours_and_notifications(
    tmp_path: Path, amqp_url: str, amqp_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default limit of 20 sign-ups a minute per address, as a plain `make run` has it.
    with running_stack(tmp_path, amqp_url, amqp_prefix, SIGNUP_RATE_LIMIT="20/minute") as stack:
        monkeypatch.setenv("AUTH_SECRET", SECRET)
        arguments = [
            "--volunteers=25",
            f"--registration={stack.urls['registration']}",
            f"--teams={stack.urls['teams']}",
        ]
        seed.main(arguments)
        first = stored_events(stack)
        seed.main(arguments)
        assert stored_events(stack) == first  # the second run created nothing
        reader = stack.token("volunteers:read")
        listed = requests.get(
            f"{stack.urls['registration']}/volunteers?page_size=100", headers=reader, timeout=10
        ).json()
        assert listed["total"] == 25
        teams = requests.get(f"{stack.urls['teams']}/teams", headers=reader, timeout=10).json()
        assert len(teams) == len(seed.TEAMS)
        volunteer_id = listed["items"][0]["volunteer_id"]

        def thanked() -> bool:
            found = requests.get(
                f"{stack.urls['notifications']}/volunteers/{volunteer_id}/notifications",
                headers=reader,
                timeout=10,
            ).json()["notifications"]
            return {"welcome", "team_assigned"} <= {n["kind"] for n in found}

        wait_for(thanked, timeout=30)
