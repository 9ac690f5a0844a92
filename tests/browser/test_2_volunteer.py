"""A volunteer's own pages in a phone's browser: /login (as a volunteer, as staff, by keyboard)
and /me (figures, service record, certificates, applications, check-in by the code on site).

One code per phone a minute may be sent, so the volunteer logs in through /login once (scanning
a check-in QR code first, which sends them there and back); the later tests of this module open
/me with the login that left in the browser (`_login`), and the last one logs it out.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
import pytest
import requests
from playwright.sync_api import expect

from support.tokens import SECRET
from support.web_arrangement import VOLUNTEER_PHONE, Arrangement, activity_body
from support.web_stack import WebStack, screenshot

SESSION_KEY = "association.session"
STAFF_PHONE = "13900003333"
EXPIRED_CODE = "签到码已过期，请扫描现场最新的二维码"
_login: dict[str, Any] = {}


def no_sideways_scrolling(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"


def stored_session(page: Any) -> dict[str, str] | None:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}'))")


def volunteer_pair() -> dict[str, str]:
    if not _login:
        pytest.fail("the volunteer did not log in through /login (test_volunteer_scans_…)")
    return {"access_token": _login["access"], "refresh_token": _login["refresh"]}


def tab_to(page: Any, element_id: str, most: int = 12) -> None:
    """Press Tab until the element `element_id` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def activity_under_way(site: WebStack, arranged: Arrangement) -> tuple[str, str]:
    """A new activity of the team under way now, and the check-in code shown on site."""
    now = datetime.now(UTC).replace(microsecond=0)
    activity = site.post(
        "teams",
        "/activities",
        activity_body(
            arranged.team_id,
            "路口早高峰劝导",
            now - timedelta(minutes=30),
            now + timedelta(hours=2),
        ),
    )
    answer = requests.get(
        f"{site.api('teams')}/activities/{activity['activity_id']}/check-in-code",
        headers=site.admin(),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return activity["activity_id"], answer.json()["code"]


def test_staff_log_in_as_staff_and_land_on_the_console(site: WebStack, phone_page: Any) -> None:
    # A coordinator of a unit of their own: the arranged coordinator's phone stays free of code
    # requests (one a minute) for the console's tests, and the arranged unit stays as it was.
    unit = site.post(
        "registration", "/organisations", {"name": "桥林街道办事处", "kind": "community"}
    )
    site.post(
        "registration",
        "/staff",
        {
            "name": "李协调",
            "phone": STAFF_PHONE,
            "role": "coordinator",
            "organisation_id": unit["organisation_id"],
        },
    )
    page = phone_page
    page.goto(f"{site.url}/login?as=staff")
    expect(page.get_by_label("工作人员")).to_be_checked()
    page.get_by_label("手机号").fill("12345")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#phone-error")).to_have_text("请输入正确的中国大陆手机号（11 位）")
    expect(page.get_by_label("手机号")).to_be_focused()
    page.get_by_label("手机号").fill(STAFF_PHONE)
    offset = site.sink_offset()
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至 139****3333")
    resend = page.get_by_role("button", name=re.compile("重新获取"))
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(re.compile(r"重新获取（5\d 秒）"))  # counting down from 60
    code = site.code_for(f"+86{STAFF_PHONE}", offset)

    # Asked again within the minute (the page reloaded, its countdown gone): 429, in Chinese.
    page.reload()
    page.get_by_label("手机号").fill("139 0000 3333")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_have_text("请求过于频繁，请稍后再试")
    expect(page.get_by_role("button", name="获取验证码")).to_be_enabled()

    page.get_by_label("验证码", exact=True).fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{site.url}/console")
    assert stored_session(page)

    page.goto(f"{site.url}/me")
    expect(page.get_by_role("heading", name="此页面供志愿者使用")).to_be_visible()
    expect(page.get_by_role("link", name="进入管理台")).to_have_attribute("href", "/console")


def test_volunteer_scans_the_code_logs_in_by_keyboard_and_checks_in(
    site: WebStack, arranged: Arrangement, phone_page: Any
) -> None:
    page = phone_page
    activity_id, code = activity_under_way(site, arranged)
    scanned = f"/me?activity={activity_id}&code={code}"
    page.goto(f"{site.url}{scanned}")
    expect(page).to_have_url(f"{site.url}/login?next={quote(scanned, safe='')}")
    expect(page.get_by_text("登录后将回到刚才的页面")).to_be_visible()
    expect(page.get_by_label("志愿者")).to_be_checked()

    # The keyboard alone: Tab to the phone, type it, Tab to the button, Enter; the code field
    # has the focus once the code is sent.
    tab_to(page, "phone")
    page.keyboard.type(VOLUNTEER_PHONE)
    offset = site.sink_offset()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send-code"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至 138****2222")
    expect(page.get_by_label("验证码", exact=True)).to_be_focused()
    sent = site.code_for(f"+86{VOLUNTEER_PHONE}", offset)

    # A wrong code: said in Chinese beside the field; nobody is logged in, the page stays.
    page.keyboard.type("000000" if sent != "000000" else "111111")
    page.keyboard.press("Enter")
    expect(page.locator("#code-error")).to_have_text("验证码错误或已过期")
    expect(page.get_by_label("验证码", exact=True)).to_have_attribute("aria-invalid", "true")
    assert page.url.startswith(f"{site.url}/login?next=")
    assert stored_session(page) is None
    expect(page.get_by_label("手机号")).to_have_value(VOLUNTEER_PHONE)
    expect(page.get_by_label("志愿者")).to_be_checked()
    no_sideways_scrolling(page)
    screenshot(page, "login")

    page.keyboard.press("Control+A")
    page.keyboard.type(sent)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}{scanned}")
    _login.update(stored_session(page) or {})

    # Back on /me with the scanned activity and code filled in: check in.
    form = page.locator("#check-in")
    expect(form.get_by_label("活动")).to_have_value(activity_id)
    expect(form.get_by_label("签到码")).to_have_value(code)
    form.get_by_role("button", name="签到", exact=True).click()
    expect(form.get_by_role("status")).to_contain_text("签到成功")

    # Checking in again: already done (409), said in Chinese.
    form.get_by_role("button", name="签到", exact=True).click()
    expect(form.get_by_role("status")).to_have_text("您已签到，无需重复签到")

    # An old or wrong code: the Chinese message beside the code field.
    wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
    form.get_by_label("签到码").fill(wrong)
    form.get_by_role("button", name="签退").click()
    expect(page.locator("#check-in-code-error")).to_have_text(EXPIRED_CODE)

    form.get_by_label("签到码").fill(code)
    form.get_by_role("button", name="签退").click()
    expect(form.get_by_role("status")).to_contain_text("签退成功")
    expect(page.locator("#check-in-code-error")).to_be_hidden()
    presences = requests.get(
        f"{site.api('teams')}/activities/{activity_id}/presences", headers=site.admin(), timeout=30
    ).json()
    assert [
        (p["volunteer_id"], p["check_in_method"], p["check_out_method"]) for p in presences
    ] == [(arranged.volunteer_id, "code", "code")]
    no_sideways_scrolling(page)


def test_me_shows_hours_and_record_and_issues_a_certificate(
    site: WebStack, arranged: Arrangement, phone_page: Any
) -> None:
    page = phone_page
    # Back after the access token ran out: every part of the page is refused at once, and the
    # login is refreshed once for them all (a refresh token presented twice would end it).
    expired = jwt.encode(
        {
            "sub": arranged.volunteer_id,
            "scope": "self",
            "role": "volunteer",
            "exp": int(time.time()) - 10,
        },
        SECRET,
        algorithm="HS256",
    )
    site.enter_session(page, {**volunteer_pair(), "access_token": expired}, "/me")
    figures = page.locator("#figures")
    expect(figures).to_contain_text("累计服务时长2.5 小时")
    expect(figures).to_contain_text("参加活动1 次")
    expect(figures).to_contain_text("星级尚未获得星级")
    expect(figures).to_contain_text("距下一星级还需")
    expect(page.locator("#summary .profile")).to_contain_text(
        "陈志愿，您好手机号 138****2222 · 江浦街道"
    )
    expect(page.locator("#messages > li").first).to_be_visible()
    record = page.locator("#records > li").filter(has_text="早高峰文明交通劝导")
    expect(record).to_contain_text("2.5 小时")
    expect(record).to_contain_text("浦口区城市治理志愿者协会")

    certificates = page.locator("#certificates")
    form = page.locator("#certificate-form")
    form.get_by_role("button", name="开具服务证明").click()
    expect(form.get_by_role("status")).to_contain_text("已开具服务证明 ZYZM-")
    card = certificates.locator("li.certificate").first
    expect(card).to_contain_text("2.5 小时")
    expect(card.get_by_role("link", name="在线核验链接")).to_have_attribute(
        "href", re.compile(r"/certificates/ZYZM-\d{4}-\d{6}/verification$")
    )
    with page.expect_download() as download:
        card.get_by_role("button", name="下载 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000, len(pdf)
    no_sideways_scrolling(page)
    refreshed = stored_session(page)
    assert refreshed and refreshed["access"] != expired
    _login.update(refreshed)


def test_me_applies_for_an_open_activity_and_cancels(site: WebStack, phone_page: Any) -> None:
    page = phone_page
    site.enter_session(page, volunteer_pair(), "/me")
    section = page.locator("#open-activities-section")
    card = section.locator("li.activity").filter(has_text="周末河道巡护")
    expect(card).to_contain_text("未报名")

    card.get_by_role("button", name="报名", exact=True).click()
    expect(section.locator(".action-message")).to_have_text("报名成功：「周末河道巡护」已录用")
    expect(card).to_contain_text("我的报名已录用")
    mine = page.locator("#my-applications > li").filter(has_text="周末河道巡护")
    expect(mine).to_contain_text("已录用")

    card.get_by_role("button", name="取消报名").click()
    expect(section.locator(".action-message")).to_have_text("已取消「周末河道巡护」的报名")
    expect(mine).to_contain_text("已取消")

    card.get_by_role("button", name="报名", exact=True).click()
    expect(section.locator(".action-message")).to_contain_text("已录用")
    expect(mine).to_contain_text("已录用")
    expect(page.locator("#certificates li.certificate")).not_to_have_count(0)
    expect(page.locator("#records > li").first).to_contain_text("早高峰文明交通劝导")
    stamps = page.locator("#messages time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert stamps and stamps == sorted(stamps, reverse=True), stamps
    no_sideways_scrolling(page)
    screenshot(page, "me")


def test_an_accepted_activity_about_to_start_is_offered_for_check_in(
    site: WebStack, phone_page: Any
) -> None:
    # The association's own team (no unit), so that the arranged unit's activities stay as they
    # were; its activity is open to all volunteers and starts in half an hour.
    team = site.post(
        "teams",
        "/teams",
        {
            "name": "协会应急志愿服务队",
            "kind": "community",
            "description": "临时任务",
            "required_skills": [],
            "organisation_id": None,
        },
    )
    now = datetime.now(UTC).replace(microsecond=0)
    activity = site.post(
        "teams",
        "/activities",
        activity_body(
            team["team_id"],
            "江滨公园秩序维护",
            now + timedelta(minutes=30),
            now + timedelta(hours=2),
            open_to="all",
            slots=3,
        ),
    )
    page = phone_page
    site.enter_session(page, volunteer_pair(), "/me")
    form = page.locator("#check-in")
    card = page.locator("#open-activities li.activity").filter(has_text="江滨公园秩序维护")
    card.get_by_role("button", name="报名", exact=True).click()
    expect(card).to_contain_text("我的报名已录用")

    # Now among the activities to check in at, without scanning: the code typed in.
    choice = form.get_by_label("活动")
    expect(choice.locator("option", has_text="江滨公园秩序维护")).to_have_count(1)
    choice.select_option(activity["activity_id"])
    answer = requests.get(
        f"{site.api('teams')}/activities/{activity['activity_id']}/check-in-code",
        headers=site.admin(),
        timeout=30,
    )
    form.get_by_label("签到码").fill(answer.json()["code"])
    form.get_by_role("button", name="签到", exact=True).click()
    expect(form.get_by_role("status")).to_contain_text("签到成功")


def test_me_says_in_chinese_when_a_part_cannot_be_reached(site: WebStack, phone_page: Any) -> None:
    page = phone_page
    page.route(re.compile(r"/volunteers/[^/]+/records"), lambda route: route.abort())
    site.enter_session(page, volunteer_pair(), "/me")
    expect(page.locator("#service-records .section-status")).to_have_text(
        "网络连接失败，请检查网络后重试"
    )
    expect(page.locator("#figures")).to_contain_text("2.5 小时")


def test_login_page_when_logged_in_offers_to_go_on_or_log_out(
    site: WebStack, phone_page: Any
) -> None:
    page = phone_page
    site.enter_session(page, volunteer_pair(), "/login")
    expect(page.get_by_role("heading", name="您已登录")).to_be_visible()
    page.get_by_role("link", name="进入我的志愿服务").click()
    expect(page).to_have_url(f"{site.url}/me")

    page.goto(f"{site.url}/login")
    page.get_by_role("button", name="退出登录").last.click()
    expect(page.get_by_label("手机号")).to_be_visible()
    assert stored_session(page) is None
    refused = requests.post(
        f"{site.api('registration')}/sessions/refresh",
        json={"refresh_token": _login["refresh"]},
        timeout=30,
    )
    assert refused.status_code == 401
