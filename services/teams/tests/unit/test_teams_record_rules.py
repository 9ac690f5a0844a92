"""Recording on time or late with a reason, and correcting an attendee's hours afterwards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from teams.domain.activity import Activity
from teams.domain.errors import ActivityClosed, Invalid
from teams.domain.events import ActivityScheduled, Attendance, HoursCorrected
from teams.domain.vocabularies import ActivityKind
from teams.domain.working_days import CHINA

ENDS = datetime(2026, 2, 13, 18, 0, tzinfo=CHINA)  # due by Thursday 5 March 2026
TEAM, ALICE, BOB, STRANGER = (uuid.uuid4() for _ in range(4))


def scheduled() -> Activity:
    return Activity.from_events(
        [
            ActivityScheduled(
                uuid.uuid4(),
                TEAM,
                "春节前市容巡查",
                ActivityKind.CITY_APPEARANCE,
                "五一广场",
                ENDS - timedelta(hours=3),
                ENDS,
                "清理小广告",
                "五一街道",
                "王建国",
                ENDS - timedelta(days=3),
            )
        ]
    )


def completed(hours: str = "2.5") -> Activity:
    activity = scheduled()
    activity.apply(activity.complete([Attendance(ALICE, Decimal(hours))], {ALICE, BOB}, ENDS))
    return activity


def test_on_the_last_day_no_reason_is_needed_and_none_is_kept() -> None:
    last = datetime(2026, 3, 5, 23, 59, tzinfo=CHINA)
    event = scheduled().complete([Attendance(ALICE, Decimal(1))], {ALICE}, last, "不需要")
    assert event.late_reason is None


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_the_day_after_a_reason_is_required(reason: str | None) -> None:
    late = datetime(2026, 3, 6, 0, 0, tzinfo=CHINA)
    with pytest.raises(Invalid) as refused:
        scheduled().complete([Attendance(ALICE, Decimal(1))], {ALICE}, late, reason)
    assert set(refused.value.errors) == {"late_reason"}
    assert "2026-03-05" in refused.value.errors["late_reason"][0]


def test_a_late_completion_carries_its_reason() -> None:
    late = datetime(2026, 3, 6, 0, 0, tzinfo=CHINA)
    event = scheduled().complete([Attendance(ALICE, Decimal(1))], {ALICE}, late, "负责人出差")
    assert event.late_reason == "负责人出差"


def test_corrections_fold_into_the_hours() -> None:
    activity = completed()
    now = datetime(2026, 3, 10, tzinfo=UTC)
    down = activity.correct(ALICE, Decimal("1.25"), "提前离开", {BOB}, now)
    assert isinstance(down, HoursCorrected)
    assert (down.previous_hours, down.hours) == (Decimal("2.50"), Decimal("1.25"))
    activity.apply(down)
    assert (activity.hours[ALICE], activity.version) == (Decimal("1.25"), 3)
    forgotten = activity.correct(BOB, Decimal(3), "漏记", {BOB}, now)
    assert forgotten.previous_hours == Decimal("0.00")
    activity.apply(forgotten)
    to_zero = activity.correct(ALICE, Decimal(0), "未到场", set(), now)
    activity.apply(to_zero)
    assert activity.hours == {ALICE: Decimal(0), BOB: Decimal(3)}
    assert activity.version == 5


@pytest.mark.parametrize(
    ("volunteer", "hours", "fields", "words"),
    [
        (STRANGER, Decimal(1), {"volunteer_id"}, "neither"),
        (ALICE, Decimal("2.50"), {"hours"}, "already 2.50"),
        (BOB, Decimal(0), {"hours"}, "already 0.00"),
        (ALICE, Decimal("-1"), {"hours"}, "0 or more"),
        (ALICE, Decimal("1.005"), {"hours"}, "two decimal"),
        (ALICE, Decimal("3.01"), {"hours"}, "length of 3.00"),
    ],
)
def test_invalid_corrections_name_the_field(
    volunteer: uuid.UUID, hours: Decimal, fields: set[str], words: str
) -> None:
    with pytest.raises(Invalid) as refused:
        completed().correct(volunteer, hours, "更正", {BOB}, ENDS)
    assert set(refused.value.errors) == fields
    assert words in " ".join(next(iter(refused.value.errors.values())))


def test_only_a_completed_activity_s_hours_are_corrected() -> None:
    with pytest.raises(ActivityClosed, match="scheduled"):
        scheduled().correct(ALICE, Decimal(1), "更正", {ALICE}, ENDS)
    cancelled = scheduled()
    cancelled.apply(cancelled.cancel("暴雨", ENDS))
    with pytest.raises(ActivityClosed, match="cancelled"):
        cancelled.correct(ALICE, Decimal(1), "更正", {ALICE}, ENDS)
