"""The 10-working-day rule: China's dates, statutory holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest

from teams.domain.working_days import (
    CHINA,
    Basis,
    add_working_days,
    china_date,
    is_working_day,
    overdue_cutoff,
    recording_deadline,
)


def china(day: str, clock: str = "12:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), CHINA)


def test_the_spring_festival_2026_is_as_the_calendar_has_it() -> None:
    holiday = [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]
    assert [chinese_calendar.is_holiday(day) for day in holiday] == [True] * 9
    assert [is_working_day(day)[0] for day in holiday] == [False] * 9
    for make_up in (date(2026, 2, 14), date(2026, 2, 28)):
        assert make_up.weekday() == 5  # Saturdays
        assert chinese_calendar.is_workday(make_up)
        assert is_working_day(make_up) == (True, Basis.STATUTORY)


def test_ten_working_days_from_an_ordinary_monday() -> None:
    deadline = recording_deadline(china("2026-03-02", "01:00"))
    assert (deadline.last_day, deadline.basis) == (date(2026, 3, 16), Basis.STATUTORY)


def test_the_spring_festival_holiday_does_not_count_and_make_up_saturdays_do() -> None:
    # Friday 13 February: Sat 14 (make-up) is the 1st; 15–23 are off; Tue 24 is the 2nd, …,
    # Sat 28 (make-up) the 6th, and Thu 5 March the 10th.
    assert recording_deadline(china("2026-02-13", "18:00")).last_day == date(2026, 3, 5)
    # Tuesday 10 February: 11, 12, 13, Sat 14 are the 1st to 4th; the 10th is Mon 2 March.
    assert add_working_days(date(2026, 2, 10), 10).last_day == date(2026, 3, 2)
    # Ending on the holiday itself: the end date is not counted either way.
    assert add_working_days(date(2026, 2, 20), 1).last_day == date(2026, 2, 24)
    # A make-up Saturday is itself a working day to count from.
    assert add_working_days(date(2026, 2, 27), 1).last_day == date(2026, 2, 28)


def test_the_end_date_is_china_s_date() -> None:
    # 17:00 UTC on Friday 13 February is 01:00 on Saturday 14 in China.
    late_evening = datetime(2026, 2, 13, 17, 0, tzinfo=UTC)
    assert china_date(late_evening) == date(2026, 2, 14)
    assert recording_deadline(late_evening).last_day == date(2026, 3, 6)


def test_beyond_the_years_the_calendar_knows_monday_to_friday_count_and_it_says_so() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 3, 1))
    deadline = recording_deadline(china("2027-03-01"))
    assert (deadline.last_day, deadline.basis) == (date(2027, 3, 15), Basis.WEEKDAYS)
    # Counting into an unknown year from a known one is on the weekdays basis as well.
    crossing = recording_deadline(china("2026-12-25"))
    assert (crossing.last_day, crossing.basis) == (date(2027, 1, 8), Basis.WEEKDAYS)


def test_late_means_after_the_last_on_time_day_in_china() -> None:
    deadline = recording_deadline(china("2026-03-02", "01:00"))
    assert not deadline.is_late(china("2026-03-16", "23:59"))
    assert deadline.is_late(china("2026-03-17", "00:00"))
    assert deadline.ends_at() == datetime(2026, 3, 16, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "today", ["2026-03-03", "2026-02-24", "2026-02-28", "2026-03-01", "2026-12-05", "2027-01-04"]
)
def test_the_overdue_cutoff_separates_exactly_the_end_dates_past_their_last_day(
    today: str,
) -> None:
    now = china(today, "09:30")
    cutoff = overdue_cutoff(now)
    for back in range(60):
        ended = china(today, "20:00") - timedelta(days=back)
        overdue = recording_deadline(ended).last_day < china_date(now)
        assert (ended < cutoff) == overdue, (ended, cutoff)
