"""Capacity holds under concurrency on PostgreSQL: 50 parallel assignments, 10 places."""

from __future__ import annotations

import threading
from collections import Counter

from teams_testkit import READER, WRITER, teams_kit


def test_fifty_parallel_assignments_fill_ten_places_exactly(
    postgres_schema_url: str, amqp_url: str
) -> None:
    with teams_kit(postgres_schema_url, amqp_url) as kit:
        team_id = kit.team(capacity=10)["team_id"]
        volunteers = [kit.volunteer(f"志愿者{n}") for n in range(50)]
        start = threading.Barrier(len(volunteers))
        statuses: list[int] = []

        def assign(volunteer: object) -> None:
            client = kit.app.test_client()
            start.wait()
            response = client.post(
                f"/teams/{team_id}/members",
                json={"volunteer_id": str(volunteer)},
                headers=WRITER,
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=assign, args=(v,)) for v in volunteers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert Counter(statuses) == {201: 10, 409: 40}
        team = kit.client.get(f"/teams/{team_id}", headers=READER).get_json()
        assert team["member_count"] == len(team["members"]) == 10
        assert kit.event_types().count("TeamAssigned") == 10
