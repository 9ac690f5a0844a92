"""The Activity aggregate: planned length, completion rules and the closing of an activity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from teams.domain.activity import Activity
from teams.domain.errors import ActivityClosed, Invalid, InvalidAttendance
from teams.domain.events import ActivityCancelled, ActivityScheduled, Attendance
from teams.domain.vocabularies import ActivityKind, ActivityStatus

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 1, 22, 0, tzinfo=CST)


def plan(starts: datetime = START, hours: float = 3) -> ActivityScheduled:
    return ActivityScheduled(
        uuid.uuid4(),
        uuid.uuid4(),
        "夜间巡河",
        ActivityKind.RIVER_PATROL,
        "湘江风光带",
        starts,
        starts + timedelta(hours=hours),
        "巡查河岸垃圾",
        "岳麓区河长办",
        "赵敏",
        starts - timedelta(days=1),
    )


def test_an_activity_crossing_midnight_has_its_positive_length() -> None:
    activity = Activity.from_events([Activity.schedule(plan(hours=3.5))])
    assert activity.length == Decimal("3.5")
    assert activity.plan.ends_at.date() > activity.plan.starts_at.date()


def test_an_activity_must_end_after_it_starts() -> None:
    with pytest.raises(Invalid) as refused:
        Activity.schedule(plan(hours=0))
    assert refused.value.errors == {"ends_at": ["must be after starts_at"]}


def test_completion_carries_the_record_and_closes_the_activity() -> None:
    activity = Activity.from_events([plan()])
    member = uuid.uuid4()
    later = START + timedelta(hours=4)
    event = activity.complete([Attendance(member, Decimal("3"))], {member}, later)
    assert (event.started_at, event.ended_at, event.completed_at) == (
        activity.plan.starts_at,
        activity.plan.ends_at,
        later,
    )
    assert event.attendance == (Attendance(member, Decimal("3")),)
    activity.apply(event)
    assert (activity.status, activity.version) == (ActivityStatus.COMPLETED, 2)
    with pytest.raises(ActivityClosed, match="completed"):
        activity.complete([Attendance(member, Decimal(1))], {member}, later)
    with pytest.raises(ActivityClosed):
        activity.cancel("rain", later)


def test_every_attendee_problem_is_named() -> None:
    activity = Activity.from_events([plan(hours=2)])
    member, outsider = uuid.uuid4(), uuid.uuid4()
    attendance = [
        Attendance(member, Decimal("2.001")),
        Attendance(outsider, Decimal("1")),
        Attendance(member, Decimal("2.5")),
        Attendance(uuid.uuid4(), Decimal("0")),
    ]
    with pytest.raises(InvalidAttendance) as refused:
        activity.complete(attendance, {member}, START + timedelta(hours=2))
    errors = refused.value.errors["attendance"]
    assert errors[0] == {"hours": ["must have at most two decimal places", errors[0]["hours"][1]]}
    assert errors[1] == {
        "volunteer_id": ["neither a member of the activity's team nor an accepted applicant"]
    }
    assert errors[2]["volunteer_id"] == ["listed more than once"]
    assert "length of 2.00" in errors[2]["hours"][0]
    assert errors[3]["hours"] == ["must be greater than 0"]


def test_no_attendance_is_refused() -> None:
    activity = Activity.from_events([plan()])
    with pytest.raises(InvalidAttendance) as refused:
        activity.complete([], set(), START + timedelta(hours=4))
    assert refused.value.errors == {
        "attendance": ["at least one attendee is required (none was recorded ahead or checked out)"]
    }


@pytest.mark.parametrize("before_end", [timedelta(hours=4), timedelta(microseconds=1)])
def test_an_activity_cannot_be_completed_before_it_ends(before_end: timedelta) -> None:
    activity = Activity.from_events([plan()])
    member = uuid.uuid4()
    with pytest.raises(Invalid) as refused:
        activity.complete(
            [Attendance(member, Decimal(1))], {member}, activity.plan.ends_at - before_end
        )
    assert set(refused.value.errors) == {"ends_at"}
    assert activity.plan.ends_at.isoformat() in refused.value.errors["ends_at"][0]
    at_the_end = activity.complete(
        [Attendance(member, Decimal(1))], {member}, activity.plan.ends_at
    )
    assert at_the_end.late_reason is None


def test_a_cancelled_activity_stays_cancelled() -> None:
    activity = Activity.from_events([plan()])
    event = activity.cancel("暴雨预警", START.astimezone(UTC))
    assert isinstance(event, ActivityCancelled) and event.reason == "暴雨预警"
    activity.apply(event)
    assert activity.status is ActivityStatus.CANCELLED
    member = uuid.uuid4()
    with pytest.raises(ActivityClosed, match="cancelled"):
        activity.complete([Attendance(member, Decimal(1))], {member}, START + timedelta(hours=5))
