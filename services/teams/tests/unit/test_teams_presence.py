"""Presence on site: the hours a check-in and check-out credit, the times they are allowed, and
the check-in codes' windows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teams.config import TeamsSettings
from teams.domain.activity import Activity
from teams.domain.check_in_codes import CheckInCodes, check_in_key, code_for, window_of
from teams.domain.errors import ActivityClosed, AlreadyPresent, NotCheckedIn, OutsideHours
from teams.domain.events import ActivityCancelled, ActivityScheduled
from teams.domain.presence import Presence, credited_hours
from teams.domain.recruitment_events import CheckedIn, CheckedOut
from teams.domain.vocabularies import ActivityKind, CheckInMethod

START = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
ROLL_CALL = CheckInMethod.ROLL_CALL


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("checked_in", "checked_out", "hours"),
    [
        (0, 119.99, Decimal("1.9")),  # rounded down, never up
        (-60, 180, Decimal("2.0")),  # clipped to the start and the end
        (30, 36, Decimal("0.1")),  # six minutes: the least counted
        (30, 35.99, None),  # under a tenth
        (-30, -5, None),  # left before the start
        (121, 150, None),  # came after the end
    ],
)
def test_the_hours_of_a_presence(checked_in: float, checked_out: float, hours: Decimal) -> None:
    assert credited_hours(at(checked_in), at(checked_out), START, END) == hours


def test_a_presence_without_a_check_out_credits_nothing() -> None:
    assert credited_hours(at(0), None, START, END) is None


instants = st.integers(min_value=-200 * 60, max_value=400 * 60).map(
    lambda seconds: START + timedelta(seconds=seconds)
)


@given(instants, instants, st.integers(min_value=1, max_value=6 * 3600))
def test_credited_hours_are_tenths_within_the_activity(
    checked_in: datetime, checked_out: datetime, length: int
) -> None:
    ends = START + timedelta(seconds=length)
    hours = credited_hours(checked_in, checked_out, START, ends)
    seconds = (min(checked_out, ends) - max(checked_in, START)) // timedelta(seconds=1)
    inside = Decimal(seconds) / 3600
    if hours is None:
        assert inside < Decimal("0.1")
    else:
        assert hours == hours.quantize(Decimal("0.1"))
        assert Decimal("0.1") <= hours <= inside < hours + Decimal("0.1")
        assert hours <= Decimal(length) / 3600


def activity() -> Activity:
    plan = ActivityScheduled(
        uuid.uuid4(),
        uuid.uuid4(),
        "夜间巡河",
        ActivityKind.RIVER_PATROL,
        "湘江风光带",
        START,
        END,
        "巡查河岸垃圾",
        "岳麓区河长办",
        "赵敏",
        START - timedelta(days=1),
    )
    return Activity.from_events([plan])


def test_check_in_opens_an_hour_before_the_start_and_closes_at_the_end() -> None:
    held, volunteer = activity(), uuid.uuid4()
    with pytest.raises(OutsideHours) as early:
        Presence().check_in(held, volunteer, ROLL_CALL, at(-61))
    assert list(early.value.errors) == ["starts_at"]
    with pytest.raises(OutsideHours) as late:
        Presence().check_in(held, volunteer, ROLL_CALL, at(121))
    assert list(late.value.errors) == ["ends_at"]
    arrived = Presence().check_in(held, volunteer, ROLL_CALL, at(-60))
    assert arrived.checked_in_at == at(-60) and arrived.method is ROLL_CALL
    assert Presence().check_in(held, volunteer, CheckInMethod.CODE, at(120)).checked_in_at == END


def test_each_presence_checks_in_and_out_once_in_order() -> None:
    held, volunteer = activity(), uuid.uuid4()
    with pytest.raises(NotCheckedIn):
        Presence().check_out(held, volunteer, ROLL_CALL, at(30))
    arrived = Presence().check_in(held, volunteer, ROLL_CALL, at(0))
    presence = Presence.from_events([arrived])
    with pytest.raises(AlreadyPresent):
        presence.check_in(held, volunteer, ROLL_CALL, at(10))
    with pytest.raises(OutsideHours) as late:
        presence.check_out(held, volunteer, ROLL_CALL, at(181))
    assert list(late.value.errors) == ["ends_at"]
    left = presence.check_out(held, volunteer, ROLL_CALL, at(180))
    assert isinstance(left, CheckedOut)
    done = Presence.from_events([arrived, left])
    assert done.version == 2
    with pytest.raises(AlreadyPresent):
        done.check_out(held, volunteer, ROLL_CALL, at(100))


def test_no_presence_at_a_cancelled_activity() -> None:
    held = activity()
    held.apply(ActivityCancelled(held.plan.activity_id, held.plan.team_id, "暴雨", at(-120)))
    with pytest.raises(ActivityClosed):
        Presence().check_in(held, uuid.uuid4(), ROLL_CALL, at(0))
    arrived = CheckedIn(held.plan.activity_id, held.plan.team_id, uuid.uuid4(), ROLL_CALL, at(0))
    with pytest.raises(ActivityClosed):
        Presence.from_events([arrived]).check_out(held, arrived.volunteer_id, ROLL_CALL, at(30))


CODES = CheckInCodes(check_in_key("s" * 48), 300)


ACTIVITY = uuid.UUID("0b5c6b53-4d5e-4f6a-8b7c-9d0e1f2a3b4c")
OTHER = uuid.UUID("1c6d7c64-5e6f-4a7b-9c8d-0e1f2a3b4c5d")


def test_a_code_is_six_digits_accepted_in_its_window_and_the_next() -> None:
    activity_id, now = ACTIVITY, datetime(2026, 3, 1, 1, 2, 30, tzinfo=UTC)
    code, expires_at = CODES.current(activity_id, now)
    assert len(code) == 6 and code.isdigit()
    assert expires_at == datetime(2026, 3, 1, 1, 10, tzinfo=UTC)
    assert CODES.accepts(activity_id, code, now)
    assert CODES.accepts(activity_id, code, expires_at - timedelta(microseconds=1))
    assert not CODES.accepts(activity_id, code, expires_at)
    older = code_for(CODES.key, activity_id, window_of(now, 300) - 2)
    assert older != code and not CODES.accepts(activity_id, older, now)
    assert not CODES.accepts(OTHER, code, now), "each activity has codes of its own"


def test_the_key_depends_on_the_secret_only() -> None:
    assert check_in_key("s" * 48) == CODES.key
    assert check_in_key("t" * 48) != CODES.key
    assert len(CODES.key) == 32


def test_the_settings_of_check_in_codes_are_read_and_checked() -> None:
    settings = TeamsSettings.from_env({})
    assert settings.web_base_url == "http://localhost:8080"
    assert settings.check_in_code_seconds == 300
    chosen = TeamsSettings.from_env(
        {"WEB_BASE_URL": "https://me.example.org/", "CHECK_IN_CODE_SECONDS": "60"}
    )
    assert chosen.web_base_url == "https://me.example.org" and chosen.check_in_code_seconds == 60
    with pytest.raises(ValueError, match="WEB_BASE_URL"):
        TeamsSettings.from_env({"WEB_BASE_URL": "me.example.org"})
    for wrong in ("0", "29", "86401", "five"):
        with pytest.raises(ValueError, match="CHECK_IN_CODE_SECONDS"):
            TeamsSettings.from_env({"CHECK_IN_CODE_SECONDS": wrong})
