"""Growth: rebuild the teams read models from 100k and from 1M stored events.

The store is filled (not timed) with a realistic history of the teams service: thousands of teams,
each created, then its volunteers assigned (a few removed again) and its activities scheduled, most
of them completed with the attendance of a few members, some cancelled; teams' histories are
interleaved, each aggregate's versions in order, and a fifth of the completions are stored in
their old schema version 1 (the rebuild upcasts them). They are appended in big transactions by
`EventStore.append`, already published (no outbox rows). What is timed is the real
`teams-rebuild-projections` command in a process of its own, on the same database at 100k events
and again after the store has grown to 1M: its wall time and its peak resident memory (the child's
VmHWM, polled). The rebuilt read models are checked against the history that was stored.

Linear growth means the time per event stays the same and the peak memory stays flat (the store is
streamed, not loaded); the time per event leaves out the command's start-up, taken from a run on an
empty store. `BENCH_GROWTH_MAX` sets the larger size (default 1,000,000).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select

from association.db import Database
from association.events import Envelope, default_registry
from association.store import EventStore
from association.store import metadata as store_metadata
from bench.databases import engines
from teams.adapters.codec import payload_of
from teams.adapters.tables import (
    activities_table,
    attendance_table,
    service_hours_table,
    team_members_table,
    teams_table,
)
from teams.adapters.tables import metadata as teams_metadata
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    Attendance,
    DomainEvent,
    TeamAssigned,
    TeamCreated,
    TeamMemberRemoved,
    aggregate_id,
)
from teams.domain.hours import to_hundredths
from teams.domain.vocabularies import ActivityKind, RemovalReason, TeamKind, TeamRole

SMALL = 100_000
LARGE = 1_000_000
TARGET = 1.25
SEED = 20_240_601
VOLUNTEERS = 50_000  # the pool teams recruit from
WINDOW = 64  # teams whose histories are interleaved at any moment
OLD_COMPLETIONS = 0.2  # share of ActivityCompleted stored in schema version 1
BATCH = 5_000  # events per transaction in the fill
STEP = timedelta(seconds=60)  # time between two events of the history
COMMAND = "teams-rebuild-projections"
POLL = 0.05  # seconds between two readings of the rebuild's memory
REGISTRY = default_registry()
STORE = EventStore("teams", REGISTRY)
APPLIED = re.compile(r"rebuilt the teams read models from (\d+) events")


@dataclass
class Expected:
    """What the read models must hold after a rebuild of the events stored so far."""

    events: int = 0
    teams: int = 0
    members: int = 0
    scheduled: int = 0
    completed: int = 0
    cancelled: int = 0
    attendance: int = 0
    hundredths: int = 0
    credited: set[uuid.UUID] = field(default_factory=set)

    def count(self, event: DomainEvent) -> None:
        self.events += 1
        if isinstance(event, TeamCreated):
            self.teams += 1
        elif isinstance(event, TeamAssigned):
            self.members += 1
        elif isinstance(event, TeamMemberRemoved):
            self.members -= 1
        elif isinstance(event, ActivityScheduled):
            self.scheduled += 1
        elif isinstance(event, ActivityCompleted):
            self.scheduled -= 1
            self.completed += 1
            self.attendance += len(event.attendance)
            self.hundredths += sum(to_hundredths(entry.hours) for entry in event.attendance)
            self.credited.update(entry.volunteer_id for entry in event.attendance)
        elif isinstance(event, ActivityCancelled):
            self.scheduled -= 1
            self.cancelled += 1

    def read_model(self) -> dict[str, int]:
        """The figures `read_model` must find."""
        return {
            "teams": self.teams,
            "members": self.members,
            "scheduled": self.scheduled,
            "completed": self.completed,
            "cancelled": self.cancelled,
            "attendance": self.attendance,
            "hundredths": self.hundredths,
            "credited volunteers": len(self.credited),
            "credited activities": self.attendance,
        }


class History:
    """A deterministic, endless history of the teams service, as stored envelopes."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.now = datetime(2024, 1, 1, 8, tzinfo=UTC)
        self.volunteers = [self._uuid() for _ in range(VOLUNTEERS)]
        self.expected = Expected()
        self._envelopes = self._interleaved()

    def take(self, count: int) -> Iterator[Envelope]:
        """The next `count` events."""
        for _ in range(count):
            yield next(self._envelopes)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _interleaved(self) -> Iterator[Envelope]:
        lives: list[Iterator[tuple[DomainEvent, int]]] = []
        teams = 0
        while True:
            while len(lives) < WINDOW:
                teams += 1
                lives.append(self._team_life(teams))
            index = self.rng.randrange(len(lives))
            try:
                event, version = next(lives[index])
            except StopIteration:
                lives[index] = lives[-1]
                lives.pop()
                continue
            self.expected.count(event)
            yield self._envelope(event, version)
            self.now += STEP

    def _envelope(self, event: DomainEvent, version: int) -> Envelope:
        """The envelope `to_envelope` makes, with the history's time and (seeded) event id."""
        event_type = type(event).__name__
        payload, schema_version = payload_of(event), REGISTRY.latest_version(event_type)
        if isinstance(event, ActivityCompleted) and self.rng.random() < OLD_COMPLETIONS:
            old = ("content", "organising_unit", "person_in_charge")
            payload = {key: value for key, value in payload.items() if key not in old}
            schema_version = 1
        return Envelope(
            event_type=event_type,
            aggregate_id=str(aggregate_id(event)),
            aggregate_version=version,
            payload=payload,
            schema_version=schema_version,
            event_id=str(self._uuid()),
            occurred_at=self.now.isoformat(),
        )

    def _team_life(self, number: int) -> Iterator[tuple[DomainEvent, int]]:
        """One team's events with their versions; each activity's with theirs."""
        rng = self.rng
        team_id = self._uuid()
        name = f"第{number}志愿服务队"
        size = rng.randint(12, 30)
        candidates = rng.sample(self.volunteers, size)
        kind = rng.choice(list(TeamKind))
        skills = rng.sample(["急救", "驾驶", "摄影", "外语", "手语", "心理疏导", "电工"], 2)
        yield (
            TeamCreated(
                team_id,
                name,
                kind,
                f"{name}：{kind.label}，服务社区，每周开展志愿活动。",
                tuple(skills),
                None,
                self.now,
            ),
            1,
        )
        version = 1
        members: list[uuid.UUID] = []
        open_activities: list[ActivityScheduled] = []
        actions = ["assign"] * (size - 3) + ["schedule"] * rng.randint(10, 40)
        actions += ["remove"] * rng.randint(0, 3)
        rng.shuffle(actions)
        actions = ["assign"] * 3 + actions
        while actions:
            action = actions.pop(0)
            if action == "remove" and len(members) < 4:
                actions.append(action)  # later, once the team has grown
            elif action == "assign":
                volunteer = candidates.pop()
                role = TeamRole.LEADER if not members else TeamRole.MEMBER
                members.append(volunteer)
                version += 1
                yield TeamAssigned(team_id, name, volunteer, role, self.now), version
            elif action == "remove":
                volunteer = members.pop(rng.randrange(1, len(members)))
                reason = rng.choice(list(RemovalReason))
                version += 1
                yield TeamMemberRemoved(team_id, volunteer, reason, self.now), version
            elif action == "schedule":
                starts_at = self.now + timedelta(hours=rng.randint(1, 6))
                plan = ActivityScheduled(
                    self._uuid(),
                    team_id,
                    f"{name}·第{rng.randint(1, 500)}期活动",
                    rng.choice(list(ActivityKind)),
                    f"{rng.choice(['东湖', '西城', '南山', '北关'])}街道{rng.randint(1, 99)}号",
                    starts_at,
                    starts_at + timedelta(hours=rng.randint(2, 4)),
                    "文明宣传、秩序维护与便民服务，活动结束后整理场地并登记服务时长。",
                    f"{name}",
                    "张老师",
                    self.now,
                )
                yield plan, 1
                if rng.random() < 0.9:  # the rest stay scheduled
                    actions.insert(rng.randint(0, len(actions)), "close")
                open_activities.append(plan)
            else:  # close: complete (8 in 9) or cancel the oldest open activity
                plan = open_activities.pop(0)
                if rng.random() < 1 / 9:
                    yield ActivityCancelled(plan.activity_id, team_id, "天气原因", self.now), 2
                    continue
                hours = (plan.ends_at - plan.starts_at) // timedelta(hours=1)
                attendance = tuple(
                    Attendance(volunteer, Decimal(rng.randint(50, hours * 100)) / 100)
                    for volunteer in rng.sample(members, rng.randint(1, min(8, len(members))))
                )
                yield (
                    ActivityCompleted(
                        plan.activity_id,
                        team_id,
                        plan.title,
                        plan.kind,
                        plan.location,
                        plan.starts_at,
                        plan.ends_at,
                        max(self.now, plan.ends_at),
                        attendance,
                        plan.content,
                        plan.organising_unit,
                        plan.person_in_charge,
                    ),
                    2,
                )


def _fill(databases: list[Database], history: History, count: int) -> None:
    """Append `count` more events of the history to every database, in big transactions."""
    events = history.take(count)
    while batch := list(islice(events, BATCH)):
        for database in databases:
            with database.bulk_transaction() as session:
                STORE.append(session, batch, publish=False)


def read_model(database: Database) -> dict[str, int]:
    """The figures of the rebuilt read models that `Expected.read_model` predicts."""
    status = activities_table.c.status
    with database.reader() as session:

        def count(table, *where) -> int:  # type: ignore[no-untyped-def]
            query = select(func.count()).select_from(table)
            return session.execute(query.where(*where) if where else query).scalar_one()

        def total(column) -> int:  # type: ignore[no-untyped-def]
            return session.execute(select(func.coalesce(func.sum(column), 0))).scalar_one()

        return {
            "teams": count(teams_table),
            "members": count(team_members_table),
            "scheduled": count(activities_table, status == "scheduled"),
            "completed": count(activities_table, status == "completed"),
            "cancelled": count(activities_table, status == "cancelled"),
            "attendance": count(attendance_table),
            "hundredths": int(total(service_hours_table.c.hundredths)),
            "credited volunteers": count(service_hours_table),
            "credited activities": int(total(service_hours_table.c.activity_count)),
        }


@dataclass(frozen=True)
class Rebuild:
    events: int
    seconds: float
    peak_mib: float


def _command() -> list[str]:
    """The console script beside this interpreter, or its entry point when it is not installed."""
    script = Path(sys.executable).with_name(COMMAND)
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "from teams.entrypoints import rebuild_projections; rebuild_projections()",
    ]


def _high_water_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def rebuild(url: str, events: int) -> Rebuild:
    """Run `teams-rebuild-projections` on `url`: its wall time and its peak resident memory.

    The peak is the child's own VmHWM, polled until it exits: its `ru_maxrss` would not do, as
    Linux carries over the high-water mark of the process it was forked from (this one).
    """
    environment = {**os.environ, "DATABASE_URL": url}
    peak = 0.0
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            _command(), env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        while process.poll() is None:
            peak = max(peak, _high_water_mib(process.pid))
            time.sleep(POLL)
        seconds = time.perf_counter() - started
        output.seek(0)
        said = output.read().decode(errors="replace")
    applied = APPLIED.search(said)
    if process.returncode != 0 or not applied:
        raise RuntimeError(f"{COMMAND} exited with {process.returncode}: {said[-2000:]}")
    if int(applied[1]) != events:
        raise RuntimeError(f"{COMMAND} applied {applied[1]} events of {events} stored")
    return Rebuild(events, seconds, peak)


def _check(label: str, database: Database, expected: Expected) -> None:
    found, wanted = read_model(database), expected.read_model()
    if found != wanted:
        raise RuntimeError(f"{label}: the rebuilt read models hold {found}, not {wanted}")


def _size(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    return f"{count // 1000}k" if count % 1000 == 0 else f"{count:,}"


def _measure(
    postgres_url: str | None, small: int, large: int
) -> list[tuple[str, Rebuild, Rebuild, Rebuild, float]]:
    """(label, empty, small and large rebuilds, seconds spent filling) per database.

    The databases are filled in step from one history, so that they hold the same events.
    """
    with ExitStack() as stack:
        labels, databases = [], []
        for label, fresh_database in engines(postgres_url):
            database = Database(stack.enter_context(fresh_database()))
            stack.callback(database.dispose)
            database.create_schema(store_metadata, teams_metadata)
            labels.append(label)
            databases.append(database)
        empty = [rebuild(database.url, 0) for database in databases]
        history, filling, runs = History(), 0.0, []
        for size in (small, large):
            started = time.perf_counter()
            _fill(databases, history, size - history.expected.events)
            filling += time.perf_counter() - started
            print(f"  filled {size:,} events in {filling:.0f} s", file=sys.stderr, flush=True)
            sized = []
            for label, database in zip(labels, databases, strict=True):
                sized.append(rebuild(database.url, size))
                _check(label, database, history.expected)
                print(
                    f"  {label}: rebuilt {size:,} events in {sized[-1].seconds:.1f} s, "
                    f"peak {sized[-1].peak_mib:.0f} MiB",
                    file=sys.stderr,
                    flush=True,
                )
            runs.append(sized)
        return [
            (label, empty[i], runs[0][i], runs[1][i], filling) for i, label in enumerate(labels)
        ]


def run(
    _amqp_url: str, postgres_url: str | None, small: int = SMALL, large: int | None = None
) -> list[dict]:
    """One row per database: the rebuild at the larger size against the rebuild at the smaller."""
    large = large or int(os.environ.get("BENCH_GROWTH_MAX") or LARGE)
    rows = []
    for label, empty, before, after, filling in _measure(postgres_url, small, large):

        def per_event(done: Rebuild, empty: Rebuild = empty) -> float:
            return (done.seconds - empty.seconds) / done.events

        time_ratio = per_event(after) / per_event(before)
        memory_ratio = after.peak_mib / before.peak_mib
        rows.append(
            {
                "benchmark": f"rebuild teams projections, {_size(small)} → {_size(large)} "
                f"events ({label})",
                "ours": f"{_size(large)}: {after.seconds:,.0f} s, peak {after.peak_mib:.0f} MiB",
                "reference": f"{_size(small)}: {before.seconds:,.0f} s, "
                f"peak {before.peak_mib:.0f} MiB",
                "ratio": time_ratio,
                "target": f"time per event ×≤{TARGET}, memory ×≤{TARGET}",
                "met": time_ratio <= TARGET and memory_ratio <= TARGET,
                "note": f"{1 / per_event(before):,.0f} → {1 / per_event(after):,.0f} events/s; "
                f"peak memory ×{memory_ratio:.2f}; start-up on an empty store "
                f"{empty.seconds:.1f} s, {empty.peak_mib:.0f} MiB (left out of the time per "
                f"event); filling both databases (not timed) {filling:,.0f} s",
            }
        )
    return rows


def main() -> None:
    from association.settings import DEFAULT_AMQP_URL

    amqp_url = os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL
    postgres_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL")
    for row in run(amqp_url, postgres_url):
        print(row)


if __name__ == "__main__":
    main()
