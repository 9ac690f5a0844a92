"""`GET /volunteers/{id}/records` on a teams database holding 1,000,000 attendance entries.

Teams' app in-process (Flask's test client, one thread) on a fresh database whose read models are
filled in bulk (not through events): 2,000 volunteers, each at all of 500 completed activities
(1,000,000 attendance rows, their totals), and a correction for one volunteer in ten at each of
the first ten activities. Pages of 50 entries of random volunteers, at random pages, are timed
per request; the reference, in the same run on the same database, is `GET /volunteers/{id}/hours`
(a one-row read of the totals, and the latest record).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from association.auth import issue_token
from bench.databases import engines
from support.apps import context_of, make_app
from support.tokens import SECRET
from teams.adapters.tables import (
    activities_table,
    attendance_table,
    hours_corrections_table,
    service_hours_table,
    teams_table,
    volunteers_table,
)
from teams.definition import SERVICE

VOLUNTEERS = 2000
ACTIVITIES = 500
PAGE_SIZE = 50
WARM_UP = 50
REQUESTS = 400
CHUNK = 20_000
READER = {"Authorization": f"Bearer {issue_token(SECRET, 'bench', 'volunteers:read')}"}
START = datetime(2025, 1, 1, 0, 30, tzinfo=UTC)


def _uuid(kind: int, number: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{number:012x}"


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _attendance() -> Iterator[dict[str, Any]]:
    for activity in range(ACTIVITIES):
        for volunteer in range(VOLUNTEERS):
            yield {
                "activity_id": _uuid(2, activity),
                "volunteer_id": _uuid(1, volunteer),
                "hundredths": 150 if volunteer % 10 or activity >= 10 else 100,
            }


def _fill(session: Session) -> None:
    """The read models of 2,000 volunteers at 500 activities, written in bulk."""
    now = datetime.now(UTC)
    session.execute(
        insert(volunteers_table),
        [
            {
                "volunteer_id": _uuid(1, n),
                "name": "刘明珠",
                "street": "五一街道",
                "skills": [],
                "active": True,
                "version": 1,
                "updated_at": now,
                "organisation_id": None,
            }
            for n in range(VOLUNTEERS)
        ],
    )
    team = _uuid(3, 0)
    session.execute(
        insert(teams_table),
        [
            {
                "team_id": team,
                "name": "文明劝导队",
                "kind": "community",
                "description": "",
                "required_skills": [],
                "capacity": None,
                "created_at": START,
                "organisation_id": None,
            }
        ],
    )
    activities = []
    for n in range(ACTIVITIES):
        starts = START + timedelta(hours=17 * n)
        activities.append(
            {
                "activity_id": _uuid(2, n),
                "team_id": team,
                "title": "五一广场文明交通劝导",
                "kind": "civilised_traffic",
                "location": "五一广场东北角",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "content": "早高峰路口文明交通劝导，劝导行人遵守信号灯",
                "organising_unit": "五一街道办事处",
                "person_in_charge": "王建国",
                "status": "completed",
                "scheduled_at": starts - timedelta(days=1),
                "completed_at": starts + timedelta(hours=3),
                "recorded_by_kind": "person",
                "recorded_by_id": "coordinator-1",
                "late_reason": None,
            }
        )
    session.execute(insert(activities_table), activities)
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            statement = "COPY attendance (activity_id, volunteer_id, hundredths) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in _attendance():
                    copy.write_row((row["activity_id"], row["volunteer_id"], row["hundredths"]))
    else:
        for chunk in _chunks(_attendance()):
            session.execute(insert(attendance_table), chunk)
    corrected = [(a, v) for a in range(10) for v in range(0, VOLUNTEERS, 10)]
    session.execute(
        insert(hours_corrections_table),
        [
            {
                "activity_id": _uuid(2, a),
                "number": v // 10 + 1,
                "volunteer_id": _uuid(1, v),
                "previous_hundredths": 150,
                "hundredths": 100,
                "reason": "签到时间有误",
                "corrected_at": START + timedelta(days=30),
                "corrected_by_kind": "person",
                "corrected_by_id": "coordinator-1",
            }
            for a, v in corrected
        ],
    )
    corrections_of = {v: sum(1 for _, w in corrected if w == v) for v in range(VOLUNTEERS)}
    session.execute(
        insert(service_hours_table),
        [
            {
                "volunteer_id": _uuid(1, v),
                "hundredths": 150 * ACTIVITIES - 50 * corrections_of[v],
                "activity_count": ACTIVITIES,
            }
            for v in range(VOLUNTEERS)
        ],
    )
    session.execute(text("ANALYZE"))


def _timed(client: FlaskClient, paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        started = time.perf_counter()
        answer = client.get(path, headers=READER)
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.get_json()
    return timings


def _ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def _measure(url: str) -> tuple[list[float], list[float], float, int]:
    app = make_app(SERVICE, url)
    try:
        database = context_of(app).database
        started = time.perf_counter()
        with database.transaction() as session:
            _fill(session)
        filled = time.perf_counter() - started
        client = app.test_client()
        chosen = random.Random(7)
        pages = ACTIVITIES // PAGE_SIZE
        records = [
            f"/volunteers/{_uuid(1, chosen.randrange(VOLUNTEERS))}/records"
            f"?page={chosen.randint(1, pages)}&page_size={PAGE_SIZE}"
            for _ in range(WARM_UP + REQUESTS)
        ]
        hours = [
            f"/volunteers/{_uuid(1, chosen.randrange(VOLUNTEERS))}/hours"
            for _ in range(WARM_UP + REQUESTS)
        ]
        sample = client.get(records[0], headers=READER)
        assert len(sample.get_json()) == PAGE_SIZE, sample.get_json()
        _timed(client, records[:WARM_UP])
        _timed(client, hours[:WARM_UP])
        ours, reference = [], []
        for half in (slice(WARM_UP, WARM_UP + REQUESTS // 2), slice(WARM_UP + REQUESTS // 2, None)):
            ours += _timed(client, records[half])
            reference += _timed(client, hours[half])
        return ours, reference, filled, VOLUNTEERS * ACTIVITIES
    finally:
        context_of(app).database.dispose()


def run(_amqp_url: str, postgres_url: str | None) -> list[dict]:
    """One row per database: p50/p99 of a page of a volunteer's record against their hours."""
    rows = []
    for label, fresh_database in engines(postgres_url):
        with fresh_database() as url:
            ours, reference, filled, entries = _measure(url)
        rows.append(
            {
                "benchmark": f"`GET /volunteers/{{id}}/records` ({label})",
                "ours": f"p50 {_ms(ours, 50):.1f} ms, p99 {_ms(ours, 99):.1f} ms",
                "reference": f"`GET /volunteers/{{id}}/hours` p50 {_ms(reference, 50):.1f} ms, "
                f"p99 {_ms(reference, 99):.1f} ms",
                "ratio": statistics.median(reference) / statistics.median(ours),
                "target": None,
                "note": f"pages of {PAGE_SIZE} of random volunteers on {entries:,} attendance "
                f"entries ({VOLUNTEERS:,} volunteers × {ACTIVITIES} activities, filled in "
                f"{filled:.0f} s); {REQUESTS} requests each, in-process test client, one thread; "
                "ratio = p50 hours / p50 records",
            }
        )
    return rows
