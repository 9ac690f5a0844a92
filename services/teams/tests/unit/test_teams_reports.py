"""What a report says of its groups (no I/O): labels, order, hours, file names, file cells."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from teams.adapters.report_files import report_csv
from teams.domain.reports import file_name, label_of, month_label, report_rows, total_row


@dataclass(frozen=True)
class Sums:
    hundredths: int
    volunteers: int = 1
    attendances: int = 1
    activities: int = 1


def test_months_read_in_chinese_and_come_in_order() -> None:
    assert month_label("2026-03") == "2026年3月"
    assert month_label("2026-12") == "2026年12月"
    rows = report_rows("month", [("2026-04", Sums(100)), ("2026-03", Sums(900))], {})
    assert [(row.key, row.label) for row in rows] == [
        ("2026-03", "2026年3月"),
        ("2026-04", "2026年4月"),
    ]


def test_other_groupings_come_most_hours_first_the_keyless_last_among_equals() -> None:
    groups = [("b", Sums(150)), (None, Sums(150)), ("a", Sums(150)), ("c", Sums(975))]
    rows = report_rows("street", groups, {})
    assert [(row.key, row.label, row.hours) for row in rows] == [
        ("c", "c", 9.75),
        ("a", "a", 1.5),
        ("b", "b", 1.5),
        (None, "未填写", 1.5),
    ]


def test_labels_name_teams_and_say_what_has_no_key() -> None:
    assert label_of("team", "t1", {"t1": "文明劝导队"}) == "文明劝导队"
    assert label_of("organisation", "o1", {}) == "o1"
    assert label_of("organisation", None, {}) == "未归属单位"
    assert label_of("street", None, {}) == "未填写"
    assert label_of("street", "jiangpu", {}) == "jiangpu"


def test_hours_have_two_decimals_and_the_total_is_labelled() -> None:
    total = total_row(Sums(1234567, 3, 4, 5))
    assert total.label == "合计"
    assert total.figures() == {
        "hours": 12345.67,
        "volunteers": 3,
        "attendances": 4,
        "activities": 5,
    }


def test_file_names_say_the_grouping_and_period() -> None:
    assert (
        file_name("month", date(2026, 1, 1), date(2026, 12, 31), "csv")
        == "hours-by-month-2026-01-01-2026-12-31.csv"
    )
    assert file_name("team", None, date(2026, 6, 30), "xlsx") == "hours-by-team-all-2026-06-30.xlsx"


def test_a_label_a_spreadsheet_would_evaluate_is_written_inert() -> None:
    rows = report_rows("team", [("t1", Sums(100))], {"t1": "=HYPERLINK(1)"})
    body = report_csv("team", rows, total_row(Sums(100))).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[1] == ["'=HYPERLINK(1)", "1.00", "1", "1", "1"]
