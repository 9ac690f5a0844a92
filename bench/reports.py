"""`GET /reports/hours` on a teams database of 1,000,000 attendance entries and 100,000 volunteers.

Teams' app in-process (Flask's test client, one thread) on a fresh database whose read models are
filled in bulk (not through events): 100,000 volunteers in 20 streets, 1,000 teams of 20
organisations (100 volunteers each), 20 completed activities per team over 2025 with 50 of the
team's volunteers at each (1,000,000 attendance entries), and the hours reports' read model of
the same entries. Each grouping (month, team, organisation, street) is asked for the year, and
for one organisation's year. The reference, in the same run on the same database, is the same
answer (checked equal) computed by a plain GROUP BY over the raw attendance ⨝ activities ⨝ teams
⨝ volunteers tables, executed directly (no HTTP in the way), which is what a report would cost
without the read model.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from association.auth import issue_token
from association.db import Database
from bench.databases import engines
from support.apps import context_of, make_app
from support.tokens import SECRET
from teams.adapters.report_projection import china_day, month_of
from teams.definition import SERVICE

VOLUNTEERS = 100_000
ORGANISATIONS = 20
TEAMS = 1_000
STREETS = 20
ACTIVITIES_PER_TEAM = 20
ATTENDEES = 50
# (warm-up, timed, reference timed) requests per grouping: the whole association's year reads
# every entry, one organisation's a twentieth of them.
REQUESTS = {"the association": (1, 5, 3), "one organisation": (3, 50, 5)}
CHUNK = 20_000
GROUPINGS = ("month", "team", "organisation", "street")
START = datetime(2025, 1, 3, 1, 0, tzinfo=UTC)
OFFICE = {
    "Authorization": "Bearer "
    + issue_token(SECRET, "bench", "volunteers:read teams:write", role="office")
}


def _uuid(kind: int, number: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{number:012x}"


def _organisation(team: int) -> str:
    return _uuid(4, team % ORGANISATIONS)


def _street(volunteer: int) -> str:
    return f"street-{volunteer % STREETS:02d}"


def _starts(team: int, n: int) -> datetime:
    return START + timedelta(days=18 * n, hours=team % 12)


def _entries() -> Iterator[tuple[str, str, int, int, int]]:
    """(activity id, volunteer id, hundredths, team, volunteer) of every attendance entry."""
    chosen = random.Random(11)
    for team in range(TEAMS):
        crew = range(team * 100, team * 100 + 100)
        for n in range(ACTIVITIES_PER_TEAM):
            activity = _uuid(2, team * ACTIVITIES_PER_TEAM + n)
            for volunteer in chosen.sample(crew, ATTENDEES):
                hundredths = chosen.choice((100, 150, 200, 250, 300))
                yield activity, _uuid(1, volunteer), hundredths, team, volunteer


def _bulk(session: Session, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
    """COPY on PostgreSQL, executemany in chunks on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    raw = session.connection().connection.driver_connection
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            raw.executemany(statement, chunk)
            chunk = []
    if chunk:
        raw.executemany(statement, chunk)


def _stored(moment: datetime, postgres: bool) -> Any:
    return moment if postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _fill(session: Session) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    now = _stored(datetime.now(UTC), postgres)
    _bulk(
        session,
        "volunteers",
        ("volunteer_id", "name", "street", "skills", "active", "version", "updated_at"),
        ((_uuid(1, v), "刘明珠", _street(v), "[]", True, 1, now) for v in range(VOLUNTEERS)),
    )
    _bulk(
        session,
        "teams",
        (
            "team_id",
            "name",
            "kind",
            "description",
            "required_skills",
            "created_at",
            "organisation_id",
        ),
        (
            (_uuid(3, t), f"志愿服务队{t:04d}", "community", "", "[]", now, _organisation(t))
            for t in range(TEAMS)
        ),
    )
    activity_columns = (
        "activity_id",
        "team_id",
        "title",
        "kind",
        "location",
        "starts_at",
        "ends_at",
        "content",
        "organising_unit",
        "person_in_charge",
        "status",
        "scheduled_at",
        "completed_at",
        "open_to",
        "adults_only",
    )

    def activities() -> Iterator[tuple]:
        for t in range(TEAMS):
            for n in range(ACTIVITIES_PER_TEAM):
                starts = _starts(t, n)
                yield (
                    _uuid(2, t * ACTIVITIES_PER_TEAM + n),
                    _uuid(3, t),
                    "文明交通劝导",
                    "civilised_traffic",
                    "五一广场",
                    _stored(starts, postgres),
                    _stored(starts + timedelta(hours=3), postgres),
                    "劝导行人遵守信号灯",
                    "五一街道办事处",
                    "王建国",
                    "completed",
                    _stored(starts - timedelta(days=2), postgres),
                    _stored(starts + timedelta(hours=4), postgres),
                    "team",
                    False,
                )

    _bulk(session, "activities", activity_columns, activities())
    _bulk(
        session,
        "attendance",
        ("activity_id", "volunteer_id", "hundredths"),
        ((a, v, h) for a, v, h, _t, _v in _entries()),
    )

    def report_rows() -> Iterator[tuple]:
        for activity, volunteer_id, hundredths, team, volunteer in _entries():
            n = int(activity.rpartition("-")[2], 16) % ACTIVITIES_PER_TEAM
            day = china_day(_starts(team, n))
            yield (
                activity,
                volunteer_id,
                _uuid(3, team),
                _organisation(team),
                day if postgres else day.isoformat(),
                month_of(day),
                _street(volunteer),
                hundredths,
            )

    _bulk(
        session,
        "hours_report",
        (
            "activity_id",
            "volunteer_id",
            "team_id",
            "organisation_id",
            "day",
            "month",
            "street",
            "hundredths",
        ),
        report_rows(),
    )


def _reference_sql(group_by: str, postgres: bool, organisation: bool, grouped: bool) -> str:
    """The plain way: join the raw tables, filter by the period, group."""
    month = (
        "to_char(a.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
        if postgres
        else "strftime('%Y-%m', a.starts_at, '+8 hours')"
    )
    keys = {"month": month, "team": "a.team_id", "organisation": "t.organisation_id"}
    key = keys.get(group_by, "v.street")
    where = "at.hundredths > 0 AND a.starts_at >= :since AND a.starts_at < :until"
    if organisation:
        where += " AND t.organisation_id = :organisation"
    measures = (
        "sum(at.hundredths), count(DISTINCT at.volunteer_id), count(*), "
        "count(DISTINCT at.activity_id)"
    )
    return (
        f"SELECT {key + ', ' if grouped else ''}{measures} FROM attendance at "
        "JOIN activities a ON a.activity_id = at.activity_id "
        "JOIN teams t ON t.team_id = a.team_id "
        "LEFT JOIN volunteers v ON v.volunteer_id = at.volunteer_id "
        f"WHERE {where}{' GROUP BY ' + key if grouped else ''}"
    )


def _reference(
    database: Database, group_by: str, organisation: str | None
) -> Callable[[], dict[str, Any]]:
    """The reference's answer, as {key: (hours, volunteers, attendances, activities)}."""
    china = timedelta(hours=8)
    since = datetime(2025, 1, 1, tzinfo=UTC) - china
    until = datetime(2026, 1, 1, tzinfo=UTC) - china

    def answer() -> dict[str, Any]:
        with database.reader() as session:
            postgres = session.get_bind().dialect.name == "postgresql"
            bounds: dict[str, Any] = {
                "since": _stored(since, postgres),
                "until": _stored(until, postgres),
            }
            if organisation:
                bounds["organisation"] = organisation
            grouped_sql = _reference_sql(group_by, postgres, bool(organisation), True)
            total_sql = _reference_sql(group_by, postgres, bool(organisation), False)
            rows = session.execute(text(grouped_sql), bounds).all()
            total = session.execute(text(total_sql), bounds).one()
        found = {key: (h / 100, v, n, a) for key, h, v, n, a in rows}
        return found | {"total": (total[0] / 100, *total[1:])}

    return answer


def _ours(client: FlaskClient, path: str) -> Callable[[], dict[str, Any]]:
    def answer() -> dict[str, Any]:
        response = client.get(path, headers=OFFICE)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        found = {
            row["key"]: (row["hours"], row["volunteers"], row["attendances"], row["activities"])
            for row in body["rows"]
        }
        total = body["total"]
        figures = (total["hours"], total["volunteers"], total["attendances"], total["activities"])
        return found | {"total": figures}

    return answer


def _timed(call: Callable[[], Any], times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def _ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def _measure(url: str) -> tuple[list[dict[str, Any]], float]:
    app = make_app(SERVICE, url)
    try:
        database = context_of(app).database
        started = time.perf_counter()
        with database.transaction() as session:
            _fill(session)
        with database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
            else:
                connection.execute(text("ANALYZE"))
                connection.commit()
        filled = time.perf_counter() - started
        client = app.test_client()
        results = []
        organisation = _organisation(7)
        for scope in (None, organisation):
            for group_by in GROUPINGS:
                query = f"group_by={group_by}&from={date(2025, 1, 1)}&to={date(2025, 12, 31)}"
                if scope:
                    query += f"&organisation_id={scope}"
                ours = _ours(client, f"/reports/hours?{query}")
                reference = _reference(database, group_by, scope)
                assert ours() == reference(), (group_by, scope)
                named = "one organisation" if scope else "the association"
                warm_up, requests, reference_requests = REQUESTS[named]
                _timed(ours, warm_up)
                ours_times = _timed(ours, requests)
                reference_times = _timed(reference, reference_requests)
                results.append(
                    {
                        "group_by": group_by,
                        "scope": named,
                        "ours": ours_times,
                        "reference": reference_times,
                    }
                )
        return results, filled
    finally:
        context_of(app).database.dispose()


def run(_amqp_url: str, postgres_url: str | None) -> list[dict]:
    """One row per database, grouping and scope: p50/p99 of the report against the plain
    GROUP BY's."""
    rows = []
    entries = TEAMS * ACTIVITIES_PER_TEAM * ATTENDEES
    for label, fresh_database in engines(postgres_url):
        with fresh_database() as url:
            results, filled = _measure(url)
        for result in results:
            ours, reference = result["ours"], result["reference"]
            rows.append(
                {
                    "benchmark": f"`GET /reports/hours?group_by={result['group_by']}`, "
                    f"a year of {result['scope']} ({label})",
                    "ours": f"p50 {_ms(ours, 50):.0f} ms, p99 {_ms(ours, 99):.0f} ms",
                    "reference": f"plain GROUP BY over the raw tables p50 "
                    f"{_ms(reference, 50):.0f} ms, p99 {_ms(reference, 99):.0f} ms",
                    "ratio": statistics.median(reference) / statistics.median(ours),
                    "target": None,
                    "note": f"{entries:,} attendance entries, {VOLUNTEERS:,} volunteers "
                    f"(filled in {filled:.0f} s); {len(ours)} requests (reference "
                    f"{len(reference)}), in-process test client, one thread; same answer "
                    "checked; ratio = p50 reference / p50 ours",
                }
            )
    return rows
