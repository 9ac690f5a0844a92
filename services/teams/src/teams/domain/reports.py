"""Hours reports: the groupings, each group's key and label, their order, and the figures.

Plain data: the read model's sums come in as (key, figures) pairs; what a report says of them —
labels in Chinese, the order, hours from hundredths — is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

GROUPINGS = ("month", "team", "organisation", "street")
FORMATS = ("json", "csv", "xlsx")
NO_ORGANISATION = "未归属单位"
NO_STREET = "未填写"
# The first column's header of each grouping, then the figures' headers (files only).
KEY_HEADERS = {"month": "月份", "team": "团队", "organisation": "单位", "street": "街道"}
FIGURE_HEADERS = ("服务时长（小时）", "志愿者人数", "服务人次", "活动场次")
TOTAL_LABEL = "合计"


class Counted(Protocol):
    hundredths: int
    volunteers: int
    attendances: int
    activities: int


@dataclass(frozen=True)
class ReportRow:
    key: str | None
    label: str
    hundredths: int
    volunteers: int
    attendances: int
    activities: int

    @property
    def hours(self) -> float:
        """Credited hours, two decimals."""
        return round(self.hundredths / 100, 2)

    def figures(self) -> dict[str, float | int]:
        return {
            "hours": self.hours,
            "volunteers": self.volunteers,
            "attendances": self.attendances,
            "activities": self.activities,
        }


def month_label(key: str) -> str:
    """`2026-03` → `2026年3月`."""
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def label_of(group_by: str, key: str | None, names: Mapping[str, str]) -> str:
    """What a group is called: a month in Chinese, a team's name, an organisation's name when
    known (else its id), a street as stored; the groups without a key say so."""
    if group_by == "month":
        return month_label(key or "")
    if group_by == "organisation" and key is None:
        return NO_ORGANISATION
    if group_by == "street" and key is None:
        return NO_STREET
    return names.get(key or "", key or "")


def report_rows(
    group_by: str, groups: Sequence[tuple[str | None, Counted]], names: Mapping[str, str]
) -> list[ReportRow]:
    """The rows of a report: by month in order, any other grouping by hours, most first (then
    by key, the keyless last)."""
    rows = [
        ReportRow(
            key,
            label_of(group_by, key, names),
            figures.hundredths,
            figures.volunteers,
            figures.attendances,
            figures.activities,
        )
        for key, figures in groups
    ]
    if group_by == "month":
        return sorted(rows, key=lambda row: row.key or "")
    return sorted(rows, key=lambda row: (-row.hundredths, row.key is None, row.key or ""))


def total_row(figures: Counted) -> ReportRow:
    return ReportRow(
        None,
        TOTAL_LABEL,
        figures.hundredths,
        figures.volunteers,
        figures.attendances,
        figures.activities,
    )


def file_name(group_by: str, since: date | None, until: date | None, suffix: str) -> str:
    """`hours-by-month-2026-01-01-2026-12-31.csv`; an open end reads `all`."""
    ends = "-".join(day.isoformat() if day else "all" for day in (since, until))
    return f"hours-by-{group_by}-{ends}.{suffix}"
