"""`make seed` loads an association through the APIs of the real processes, and twice is once."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from support.polling import wait_for
from support.stack import running_stack
from support.tokens import SECRET
from tools import seed


@pytest.mark.slow
def test_seeding_twice_loads_one_association_with_hours_and_notifications(
    tmp_path: Path, amqp_url: str, amqp_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path, amqp_url, amqp_prefix) as stack:
        monkeypatch.setenv("AUTH_SECRET", SECRET)
        arguments = [
            "--volunteers=15",
            f"--registration={stack.urls['registration']}",
            f"--teams={stack.urls['teams']}",
        ]
        seed.main(arguments)
        seed.main(arguments)
        reader = stack.token("volunteers:read")
        listed = requests.get(
            f"{stack.urls['registration']}/volunteers?page_size=100", headers=reader, timeout=10
        ).json()
        assert listed["total"] == 15
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
