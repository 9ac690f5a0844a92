"""Certificates of volunteer service (志愿服务证明): what one states, the bytes that are signed,
its number, and which activities it counts. Plain Python: the signing itself is an adapter's.

A certificate states its number, the volunteer's masked name, the total hours and the number of
activities they come from, the period it covers, when and by whom it was issued. The signature
is over the canonical bytes of exactly those fields (`Statement.canonical`): the JSON object

    {"activity_count": 3, "issued_at": "2026-12-05T08:30:00+00:00", "issuer": "城市治理志愿者协会",
     "name": "刘*珠", "number": "ZYZM-2026-000001", "period": {"from": "2026-01-01", "to": null},
     "total_hours": "7.50"}

with sorted keys, no spaces, non-ASCII characters as they are, encoded in UTF-8; hours as a
two-decimal string, the issue time in UTC with its offset and whole seconds, dates as
`YYYY-MM-DD` or null. The verification answer carries the same fields, so anyone can check it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from association.masking import mask_name
from association.service_hours import CENT
from teams.domain.errors import Invalid

# Service records are kept in China Standard Time: an activity's day, a certificate's year.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))

NUMBER_PREFIX = "ZYZM"
SERIAL_DIGITS = 6
NUMBER_PATTERN = re.compile(rf"^{NUMBER_PREFIX}-([0-9]{{4}})-([0-9]{{{SERIAL_DIGITS},9}})$")


def year_of_issue(issued_at: datetime) -> int:
    """The year a certificate issued at `issued_at` is numbered in: China's calendar year."""
    return issued_at.astimezone(CHINA_STANDARD_TIME).year


def certificate_number(year: int, serial: int) -> str:
    """The number of the `serial`-th certificate of `year`, e.g. `ZYZM-2026-000001`."""
    return f"{NUMBER_PREFIX}-{year:04d}-{serial:0{SERIAL_DIGITS}d}"


def parse_number(text: str) -> tuple[int, int] | None:
    """(year, serial) of a well-formed certificate number, None for anything else."""
    match = NUMBER_PATTERN.match(text)
    return None if match is None else (int(match.group(1)), int(match.group(2)))


def next_number(year: int, last_serial: int | None) -> str:
    """The number after the last one given in `year` (None before any)."""
    return certificate_number(year, (last_serial or 0) + 1)


@dataclass(frozen=True)
class Period:
    """The days a certificate covers (China dates): from the first activity when `start` is None,
    until its issue when `end` is None."""

    start: date | None = None
    end: date | None = None

    def check(self) -> None:
        """Invalid naming `from` and `to` when the period ends before it starts."""
        if self.start is not None and self.end is not None and self.start > self.end:
            message = f"the period ends ({self.end}) before it starts ({self.start})"
            raise Invalid(message, {"from": [message], "to": [message]})

    def holds(self, starts_at: datetime) -> bool:
        """Whether an activity starting at `starts_at` lies in the period (by its China date)."""
        day = starts_at.astimezone(CHINA_STANDARD_TIME).date()
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class CertifiedActivity:
    """One activity a certificate counts, with the hours it credited at the issue."""

    activity_id: UUID
    hours: Decimal


@dataclass(frozen=True)
class Statement:
    """What a certificate states: the fields its signature covers."""

    number: str
    name_masked: str
    total_hours: Decimal
    activity_count: int
    period: Period
    issued_at: datetime
    issuer: str

    def fields(self) -> dict[str, Any]:
        """The signed fields as JSON values (the verification answer's, less `valid` and
        `signature`)."""
        return {
            "number": self.number,
            "name": self.name_masked,
            "total_hours": format(self.total_hours.quantize(CENT), "f"),
            "activity_count": self.activity_count,
            "period": {
                "from": _day(self.period.start),
                "to": _day(self.period.end),
            },
            "issued_at": self.issued_at.astimezone(UTC).isoformat(),
            "issuer": self.issuer,
        }

    def canonical(self) -> bytes:
        """The bytes that are signed."""
        return canonical_bytes(self.fields())


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """JSON with sorted keys, no spaces, non-ASCII kept, in UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def certified(
    credits: Iterable[tuple[UUID, datetime, Decimal]], period: Period
) -> tuple[CertifiedActivity, ...]:
    """The activities (id, start, hours credited) that lie in the period and credited hours, by
    start."""
    kept = sorted(
        (starts_at, activity_id, hours)
        for activity_id, starts_at, hours in credits
        if hours > 0 and period.holds(starts_at)
    )
    return tuple(CertifiedActivity(activity_id, hours) for _, activity_id, hours in kept)


def draw_up(
    number: str,
    name: str,
    activities: tuple[CertifiedActivity, ...],
    period: Period,
    issued_at: datetime,
    issuer: str,
) -> Statement:
    """The statement of a new certificate for the volunteer called `name` (masked here);
    Invalid naming `from` and `to` when the period holds no hours."""
    period.check()
    if not activities:
        message = "no service hours in the period"
        raise Invalid(message, {"from": [message], "to": [message]})
    total = sum((activity.hours for activity in activities), Decimal(0)).quantize(CENT)
    return Statement(
        number,
        mask_name(name),
        total,
        len(activities),
        period,
        issued_at.astimezone(UTC).replace(microsecond=0),
        issuer,
    )


Signer = Callable[[bytes], str]
