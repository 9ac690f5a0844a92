"""Hours reports over HTTP on SQLite and PostgreSQL: the figures of each grouping against a hand
computation (a correction, a forgotten attendee, a withdrawn volunteer, a month boundary in China
time), the period and filters, who reads what, the refusals, and the CSV and XLSX files."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook
from reports_testkit import OFFICE, ORG_A, ORG_B, Association, coordinator_of, seed_association

from association.auth import issue_token
from support.tokens import SECRET
from teams_testkit import Kit


@pytest.fixture
def association(kit: Kit) -> Association:
    return seed_association(kit)


def report(kit: Kit, query: str, headers: dict[str, str] = OFFICE) -> dict[str, Any]:
    answer = kit.client.get(f"/reports/hours?{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["hours"], row["volunteers"], row["attendances"], row["activities"])


def test_each_grouping_adds_up_as_counted_by_hand(kit: Kit, association: Association) -> None:
    by_month = report(kit, "group_by=month")
    assert [(r["key"], r["label"], *figures(r)) for r in by_month["rows"]] == [
        ("2026-03", "2026年3月", 3.5, 2, 2, 1),
        ("2026-04", "2026年4月", 11.25, 4, 6, 3),
        ("2026-05", "2026年5月", 1.0, 1, 1, 1),
    ]
    assert figures(by_month["total"]) == (15.75, 4, 9, 5)
    assert by_month | {"rows": None, "total": None} == {
        "group_by": "month",
        "from": None,
        "to": None,
        "organisation_id": None,
        "team_id": None,
        "rows": None,
        "total": None,
    }

    teams = association.teams
    by_team = report(kit, "group_by=team")
    assert [(r["key"], r["label"], *figures(r)) for r in by_team["rows"]] == [
        (teams["t1"]["team_id"], teams["t1"]["name"], 9.0, 3, 4, 2),
        (teams["t2"]["team_id"], teams["t2"]["name"], 3.75, 3, 3, 1),
        (teams["t3"]["team_id"], teams["t3"]["name"], 2.0, 1, 1, 1),
        (teams["t4"]["team_id"], teams["t4"]["name"], 1.0, 1, 1, 1),
    ]
    assert figures(by_team["total"]) == (15.75, 4, 9, 5)

    by_organisation = report(kit, "group_by=organisation")
    assert [(r["key"], r["label"], *figures(r)) for r in by_organisation["rows"]] == [
        (ORG_A, ORG_A, 12.75, 4, 7, 3),
        (ORG_B, ORG_B, 2.0, 1, 1, 1),
        (None, "未归属单位", 1.0, 1, 1, 1),
    ]

    by_street = report(kit, "group_by=street")
    assert [(r["key"], r["label"], *figures(r)) for r in by_street["rows"]] == [
        ("五一街道", "五一街道", 8.75, 2, 5, 4),
        ("江浦街道", "江浦街道", 4.5, 1, 3, 3),
        ("泰山街道", "泰山街道", 2.5, 1, 1, 1),
    ]
    assert figures(by_street["total"]) == (15.75, 4, 9, 5)


def test_the_withdrawn_volunteer_s_hours_count_and_their_name_never_shows(
    kit: Kit, association: Association
) -> None:
    for group_by in ("month", "team", "organisation", "street"):
        for form in ("json", "csv"):
            answer = kit.client.get(
                f"/reports/hours?group_by={group_by}&format={form}", headers=OFFICE
            )
            assert answer.status_code == 200
            assert "赵退出" not in answer.get_data(as_text=True)
            assert str(association.volunteers["v3"]) not in answer.get_data(as_text=True)


def test_the_period_is_of_china_start_dates_inclusive(kit: Kit, association: Association) -> None:
    april = report(kit, "from=2026-04-01&to=2026-04-30")
    assert [(r["key"], *figures(r)) for r in april["rows"]] == [("2026-04", 11.25, 4, 6, 3)]
    assert (april["from"], april["to"]) == ("2026-04-01", "2026-04-30")
    end_of_march = report(kit, "from=2026-03-11&to=2026-03-31")
    assert end_of_march["rows"] == []
    assert figures(end_of_march["total"]) == (0.0, 0, 0, 0)
    first_of_april = report(kit, "from=2026-04-01&to=2026-04-01")
    assert figures(first_of_april["total"]) == (5.5, 2, 2, 1)
    since_may = report(kit, "from=2026-05-01&group_by=street")
    assert [(r["key"], *figures(r)) for r in since_may["rows"]] == [("江浦街道", 1.0, 1, 1, 1)]


def test_a_team_or_an_organisation_narrows_the_report(kit: Kit, association: Association) -> None:
    t1 = association.teams["t1"]["team_id"]
    of_team = report(kit, f"team_id={t1}")
    assert of_team["team_id"] == t1
    assert [(r["key"], *figures(r)) for r in of_team["rows"]] == [
        ("2026-03", 3.5, 2, 2, 1),
        ("2026-04", 5.5, 2, 2, 1),
    ]
    of_b = report(kit, f"organisation_id={ORG_B}&group_by=team")
    assert [r["key"] for r in of_b["rows"]] == [association.teams["t3"]["team_id"]]
    assert figures(of_b["total"]) == (2.0, 1, 1, 1)


def test_a_coordinator_reads_only_their_organisation(kit: Kit, association: Association) -> None:
    coordinator = coordinator_of(ORG_A)
    own = report(kit, "group_by=organisation", coordinator)
    assert own["organisation_id"] == ORG_A
    assert [(r["key"], *figures(r)) for r in own["rows"]] == [(ORG_A, 12.75, 4, 7, 3)]
    t1 = association.teams["t1"]["team_id"]
    assert figures(report(kit, f"team_id={t1}", coordinator)["total"]) == (9.0, 3, 4, 2)
    assert report(kit, f"organisation_id={ORG_A}", coordinator)["total"]["hours"] == 12.75
    t3 = association.teams["t3"]["team_id"]
    t4 = association.teams["t4"]["team_id"]
    for query in (f"organisation_id={ORG_B}", f"team_id={t3}", f"team_id={t4}"):
        answer = kit.client.get(f"/reports/hours?{query}", headers=coordinator)
        assert answer.status_code == 404, query
        assert ORG_B not in answer.get_data(as_text=True) or query.startswith("organisation")
    unknown = kit.client.get(f"/reports/hours?team_id={uuid.uuid4()}", headers=OFFICE)
    assert unknown.status_code == 404
    volunteer = kit.client.get(
        "/reports/hours",
        headers={"Authorization": "Bearer " + issue_token(SECRET, "v", "self", role="volunteer")},
    )
    assert volunteer.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=week", "group_by"),
        ("format=pdf", "format"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-05-01&to=2026-04-30", "to"),
        ("organisation_id=not-an-id", "organisation_id"),
        ("team_id=42", "team_id"),
    ],
)
def test_a_bad_query_is_refused_naming_the_field(
    kit: Kit, association: Association, query: str, field: str
) -> None:
    answer = kit.client.get(f"/reports/hours?{query}", headers=OFFICE)
    assert answer.status_code == 422
    assert set(answer.get_json()["errors"]["query"]) == {field}


def test_the_csv_has_a_bom_chinese_headers_and_a_total(kit: Kit, association: Association) -> None:
    answer = kit.client.get(
        "/reports/hours?from=2026-01-01&to=2026-12-31&format=csv", headers=OFFICE
    )
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=hours-by-month-2026-01-01-2026-12-31.csv"
    )
    body = answer.get_data()
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines == [
        ["月份", "服务时长（小时）", "志愿者人数", "服务人次", "活动场次"],
        ["2026年3月", "3.50", "2", "2", "1"],
        ["2026年4月", "11.25", "4", "6", "3"],
        ["2026年5月", "1.00", "1", "1", "1"],
        ["合计", "15.75", "4", "9", "5"],
    ]
    streets = kit.client.get("/reports/hours?group_by=street&format=csv", headers=OFFICE)
    assert streets.get_data().decode("utf-8-sig").splitlines()[0].startswith("街道,")
    assert "filename=hours-by-street-all-all.csv" in streets.headers["Content-Disposition"]


def test_the_xlsx_reads_back_the_same_numbers(kit: Kit, association: Association) -> None:
    answer = kit.client.get("/reports/hours?group_by=team&format=xlsx", headers=OFFICE)
    assert answer.status_code == 200
    assert answer.mimetype == ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=hours-by-team")
    sheet = load_workbook(io.BytesIO(answer.get_data())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["团队", "服务时长（小时）", "志愿者人数", "服务人次", "活动场次"]
    assert all(cell.font.bold for cell in next(sheet.iter_rows(max_row=1)))
    teams = association.teams
    assert rows[1:] == [
        [teams["t1"]["name"], 9, 3, 4, 2],
        [teams["t2"]["name"], 3.75, 3, 3, 1],
        [teams["t3"]["name"], 2, 1, 1, 1],
        [teams["t4"]["name"], 1, 1, 1, 1],
        ["合计", 15.75, 4, 9, 5],
    ]
    json_rows = report(kit, "group_by=team")["rows"]
    assert [row[1] for row in rows[1:-1]] == [row["hours"] for row in json_rows]
