"""The console (/console) at a desk, as the arranged unit's coordinator: their team and its
member, an activity published after a refusal shown beside its field, its check-in QR code, the
activity under way completed from its check-ins once it has ended, and the reports drawn and
downloaded with the new hours; another unit's coordinator sees none of it.

The completion waits for the activity under way to end (support.web_arrangement), so it comes
late in the module, and the reports, which count its hours, after it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from support.polling import wait_for
from support.web_arrangement import COORDINATOR_PHONE, Arrangement
from support.web_stack import WebStack, screenshot

BEIJING = timedelta(hours=8)
OTHER_COORDINATOR_PHONE = "13900007777"
OFFICE_PHONE = "13900005555"
TEAM = "江浦街道文明劝导队"
# What the completion credited, for the reports that follow it.
credited: dict[str, float] = {}


@pytest.fixture(scope="module")
def office(site: WebStack) -> dict[str, Any]:
    """A member of the association's office, added and logged in once for the module."""
    site.post(
        "registration", "/staff", {"name": "赵办公室", "phone": OFFICE_PHONE, "role": "office"}
    )
    return site.log_in(OFFICE_PHONE, "staff")


@pytest.fixture(scope="module")
def coordinator(site: WebStack) -> dict[str, Any]:
    """The arranged coordinator's token pair, logged in once for the module."""
    return site.log_in(COORDINATOR_PHONE, "staff")


def open_console(page: Any, site: WebStack, pair: dict[str, Any], tab: str | None = None) -> None:
    site.enter_session(page, pair, "/console")
    expect(page.get_by_role("tab", name="团队与成员")).to_be_visible()
    if tab:
        page.get_by_role("tab", name=tab).click()


def workbook(path: Any) -> Any:
    """The first sheet of a downloaded XLSX (saved without a suffix, which openpyxl wants)."""
    return openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes())).active


def month_label(instant: datetime) -> str:
    local = instant.astimezone(UTC) + BEIJING
    return f"{local.year}年{local.month}月"


def test_the_coordinator_sees_their_units_team_and_its_member(
    desk_page: Any, site: WebStack, coordinator: dict[str, Any]
) -> None:
    open_console(desk_page, site, coordinator)
    expect(desk_page.locator(".unit")).to_contain_text("江浦街道办事处")
    expect(desk_page.get_by_role("cell", name=TEAM, exact=True)).to_be_visible()
    desk_page.get_by_role("button", name=f"查看队员：{TEAM}").click()
    detail = desk_page.locator(".team-detail")
    expect(detail.get_by_role("cell", name="陈志愿", exact=True)).to_be_visible()
    # The unit's volunteers to add, by name; adding one already there is refused in Chinese.
    picker = detail.get_by_label("志愿者", exact=True)
    expect(picker.locator("option", has_text="陈志愿")).to_have_count(1)
    picker.select_option(label=picker.locator("option", has_text="陈志愿").inner_text())
    detail.get_by_role("button", name="添加队员").click()
    expect(detail.locator(".form-message")).to_have_text("该志愿者已是本队队员，或团队已满员")


def test_an_activity_is_published_once_its_times_are_right_and_shows_its_check_in_code(
    desk_page: Any, site: WebStack, coordinator: dict[str, Any]
) -> None:
    open_console(desk_page, site, coordinator, "活动")
    panel = desk_page.locator("#panel-activities")
    expect(panel.get_by_label("团队", exact=True)).to_have_value(re.compile(".+"))
    form = panel.get_by_role("form", name="发布活动")
    tomorrow = (datetime.now(UTC) + BEIJING + timedelta(days=1)).date().isoformat()
    form.get_by_label("活动名称").fill("社区垃圾分类桶边督导")
    form.get_by_label("活动类型").select_option(label="垃圾分类桶边督导")
    form.get_by_label("活动地点").fill("江浦街道求雨山社区")
    form.get_by_label("开始时间（北京时间）").fill(f"{tomorrow}T09:00")
    form.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T08:00")
    form.get_by_label("服务内容").fill("在垃圾投放点指导居民分类投放")
    form.get_by_label("组织单位").fill("江浦街道办事处")
    form.get_by_label("负责人").fill("王协调")
    form.get_by_label("招募名额").fill("8")
    form.get_by_role("button", name="发布活动").click()

    ends = form.get_by_label("结束时间（北京时间）")
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#activity-ends-error")).to_have_text("结束时间须晚于开始时间")
    ends.fill(f"{tomorrow}T11:00")
    form.get_by_role("button", name="发布活动").click()
    expect(form.locator(".form-message")).to_have_text("已发布活动“社区垃圾分类桶边督导”")
    expect(ends).not_to_have_attribute("aria-invalid", "true")
    expect(panel.get_by_role("cell", name="社区垃圾分类桶边督导", exact=True)).to_be_visible()

    detail = panel.locator(".activity-detail")
    expect(detail.get_by_role("heading", name="社区垃圾分类桶边督导")).to_be_visible()
    detail.get_by_role("button", name="显示签到二维码").click()
    image = detail.get_by_role("img", name="签到二维码")
    expect(image).to_be_visible()
    wait_for(
        lambda: image.evaluate("img => img.complete && img.naturalWidth > 0"),
        timeout=15,
        what="the QR code drawn",
    )
    expect(detail.locator(".check-in-code .code")).to_have_text(re.compile(r"^\d{6}$"))
    screenshot(desk_page, "console")


def test_a_coordinator_of_another_unit_sees_none_of_its_teams(
    phone_page: Any, site: WebStack
) -> None:
    unit = site.post(
        "registration", "/organisations", {"name": "汤泉街道办事处", "kind": "community"}
    )
    site.post(
        "registration",
        "/staff",
        {
            "name": "周协调",
            "phone": OTHER_COORDINATOR_PHONE,
            "role": "coordinator",
            "organisation_id": unit["organisation_id"],
        },
    )
    open_console(phone_page, site, site.log_in(OTHER_COORDINATOR_PHONE, "staff"))
    expect(phone_page.locator(".unit")).to_contain_text("汤泉街道办事处")
    expect(phone_page.locator("#panel-teams").get_by_text("暂无团队")).to_be_visible()
    expect(phone_page.get_by_text(TEAM)).to_have_count(0)
    phone_page.get_by_role("tab", name="活动").click()
    chooser = phone_page.locator("#panel-activities").get_by_label("团队", exact=True)
    expect(chooser).to_have_value("")
    expect(phone_page.locator(".activity-list")).to_have_text("请先选择团队")
    expect(phone_page.get_by_role("button", name=re.compile("^管理："))).to_have_count(0)
    # On a phone: one column, nothing wider than the screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone_page, "console-phone")


def test_nobody_logged_in_is_sent_to_the_staff_login(desk_page: Any, site: WebStack) -> None:
    desk_page.goto(f"{site.url}/console")
    expect(desk_page.get_by_role("status")).to_contain_text("请先登录")
    expect(desk_page.get_by_role("link", name="以工作人员身份登录")).to_have_attribute(
        "href", "/login?as=staff"
    )
    expect(desk_page.get_by_role("tab")).to_have_count(0)


def test_the_office_picks_a_unit_and_sees_its_teams(
    desk_page: Any, site: WebStack, office: dict[str, Any]
) -> None:
    open_console(desk_page, site, office)
    expect(desk_page.get_by_role("heading", level=1)).to_have_text("管理台 · 协会办公室")
    desk_page.get_by_label("查看单位").select_option(label="江浦街道办事处")
    teams = desk_page.locator("#panel-teams .team-list")
    expect(teams.get_by_role("cell", name=TEAM, exact=True)).to_be_visible()
    expect(teams.get_by_role("row")).to_have_count(2)
    desk_page.get_by_label("查看单位").select_option(label="汤泉街道办事处")
    expect(teams).to_have_text("暂无团队")


def test_the_office_sees_every_units_hours(
    desk_page: Any, site: WebStack, office: dict[str, Any]
) -> None:
    open_console(desk_page, site, office, "统计报表")
    units = desk_page.locator(".report-chart").filter(
        has=desk_page.get_by_role("heading", name="各单位服务时长")
    )
    row = units.get_by_role("row").filter(has_text="江浦街道办事处")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2.5")


def test_the_activity_under_way_is_completed_from_its_check_ins_once_it_has_ended(
    desk_page: Any, site: WebStack, arranged: Arrangement, coordinator: dict[str, Any]
) -> None:
    # Its check-out (by roll call) after the end credits the whole time since the check-in.
    wait_for(
        lambda: datetime.now(UTC) > arranged.under_way_ends_at + timedelta(seconds=2),
        timeout=(arranged.under_way_ends_at - datetime.now(UTC)).total_seconds() + 30,
        interval=1,
        what="the activity under way ends",
    )
    open_console(desk_page, site, coordinator, "活动")
    panel = desk_page.locator("#panel-activities")
    panel.get_by_role("button", name="管理：共享单车整理").click()
    detail = panel.locator(".activity-detail")
    expect(detail.get_by_role("heading", name="共享单车整理")).to_be_visible()
    detail.get_by_role("button", name="签退：陈志愿").click()
    expect(detail.locator(".status-line").first).to_have_text("陈志愿已签退")

    detail.get_by_role("button", name="按签到完成").click()
    expect(detail.locator(".status-line").first).to_have_text("活动已完成")
    expect(detail.locator(".badge")).to_have_text("已完成")
    row = detail.get_by_role("row").filter(has_text="陈志愿").last
    figures = re.search(r"([\d.]+) 小时", row.inner_text())
    assert figures, row.inner_text()
    credited["hours"] = float(figures.group(1))
    assert credited["hours"] >= 0.1


def test_the_reports_draw_the_units_hours_and_download_them(
    desk_page: Any, site: WebStack, arranged: Arrangement, coordinator: dict[str, Any]
) -> None:
    new_hours = credited.get("hours")
    assert new_hours, "the completion test runs first"
    ended = arranged.under_way_ends_at
    expected: dict[str, float] = {}
    served_month = month_label(ended - timedelta(minutes=7) - timedelta(days=3))
    expected[served_month] = 2.5
    under_way_month = month_label(ended - timedelta(hours=1, minutes=7))
    expected[under_way_month] = round(expected.get(under_way_month, 0) + new_hours, 2)

    open_console(desk_page, site, coordinator, "统计报表")
    panel = desk_page.locator("#panel-reports")
    monthly = panel.locator(".report-chart").filter(
        has=desk_page.get_by_role("heading", name="每月服务时长")
    )
    for label, hours in expected.items():
        row = monthly.get_by_role("row").filter(has_text=label)
        expect(row.get_by_role("cell").nth(1)).to_have_text(f"{hours:g}")
    canvas = monthly.locator("canvas")
    wait_for(
        lambda: canvas.evaluate(
            "c => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height)"
            ".data.some((v, i) => i % 4 === 3 && v > 0)"
        ),
        timeout=15,
        what="the monthly chart drawn",
    )
    expect(panel.get_by_role("heading", name="各街道志愿者人数")).to_be_visible()
    screenshot(desk_page, "console-reports")

    with desk_page.expect_download() as csv_download:
        panel.get_by_role("button", name="下载 CSV").click()
    body = Path(csv_download.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0][:2] == ["月份", "服务时长（小时）"]
    in_csv = {line[0]: float(line[1]) for line in lines[1:]}
    for label, hours in expected.items():
        assert in_csv[label] == pytest.approx(hours)

    with desk_page.expect_download() as xlsx_download:
        panel.get_by_role("button", name="下载 Excel").click()
    sheet = workbook(xlsx_download.value.path())
    in_xlsx = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for label, hours in expected.items():
        assert in_xlsx[label] == pytest.approx(hours)
    assert in_xlsx["合计"] == pytest.approx(2.5 + new_hours)

    # The unit's volunteers (phones masked) and the team's calendar.
    with desk_page.expect_download() as volunteers:
        panel.get_by_role("button", name="导出志愿者名单").click()
    listed = workbook(volunteers.value.path())
    cells = [str(c) for row in listed.iter_rows(values_only=True) for c in row if c]
    assert "陈志愿" in cells
    assert not any("13800002222" in c for c in cells)
    panel.get_by_label("团队日历").select_option(label=TEAM)
    with desk_page.expect_download() as calendar:
        panel.get_by_role("button", name="订阅日历").click()
    ics = Path(calendar.value.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "共享单车整理" in ics
