"""The 10-working-day rule of service records (《志愿服务记录与证明出具办法》 2021, Art. 8).

Hours are to be recorded within 10 working days of the activity's end. Dates are China's
(Asia/Shanghai, UTC+8, no daylight saving); working days follow the statutory holidays and the
make-up working days (调休) as `chinese_calendar` knows them. For a year it does not know yet,
Monday to Friday count, and the answer says so (`basis` "weekdays").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum

import chinese_calendar

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
RECORDING_WORKING_DAYS = 10


class Basis(StrEnum):
    """How working days were told apart: China's statutory calendar, or plain weekdays."""

    STATUTORY = "statutory"
    WEEKDAYS = "weekdays"


@dataclass(frozen=True)
class Deadline:
    """The last on-time recording date (China date), and how it was counted."""

    last_day: date
    basis: Basis

    def ends_at(self) -> datetime:
        """The first instant past the last on-time day (its next midnight in China), in UTC."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), CHINA).astimezone(UTC)

    def is_late(self, at: datetime) -> bool:
        """Whether recording at `at` is later than the last on-time day."""
        return china_date(at) > self.last_day


def china_date(instant: datetime) -> date:
    """The date in China at an aware instant."""
    return instant.astimezone(CHINA).date()


def is_working_day(day: date) -> tuple[bool, Basis]:
    """Whether `day` is a working day in China, and the basis of the answer."""
    try:
        return chinese_calendar.is_workday(day), Basis.STATUTORY
    except NotImplementedError:
        return day.weekday() < 5, Basis.WEEKDAYS


def add_working_days(start: date, count: int) -> Deadline:
    """The `count`-th working day after `start` (`start` itself not counted)."""
    day, counted, basis = start, 0, Basis.STATUTORY
    while counted < count:
        day += timedelta(days=1)
        working, day_basis = is_working_day(day)
        if day_basis is Basis.WEEKDAYS:
            basis = Basis.WEEKDAYS
        counted += working
    return Deadline(day, basis)


def recording_deadline(ended_at: datetime) -> Deadline:
    """The last day on which an activity that ended at `ended_at` is recorded on time."""
    return add_working_days(china_date(ended_at), RECORDING_WORKING_DAYS)


def overdue_cutoff(now: datetime) -> datetime:
    """The instant before which an activity must have ended to be overdue at `now`: more than
    10 working days past its end date, today (China's) being later than its last on-time day.

    The last on-time day never moves back as the end date moves on, so the overdue end dates
    are those before the first whose last on-time day is today or later: midnight of that date
    in China. Ten working days never span more than five weeks (the longest holidays included).
    """
    today = china_date(now)
    day = today - timedelta(days=35)
    while add_working_days(day, RECORDING_WORKING_DAYS).last_day < today:
        day += timedelta(days=1)
    return datetime.combine(day, time(), CHINA).astimezone(UTC)
