"""The sign-up page (/) in Chromium against the real stack: a resident signs up on a phone, with
the keyboard; refusals appear beside their fields in Chinese and create nothing; a minor is asked
for a guardian's consent; a phone already registered is pointed to the login."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests
from playwright.sync_api import expect

from registration.domain.identity import id_check_character
from support.web_stack import PHONE, WebStack, screenshot


def registered(site: WebStack) -> int:
    """How many volunteers registration has."""
    answer = requests.get(
        f"{site.api('registration')}/volunteers", headers=site.admin(), timeout=30
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


def id_number_born(born: date, region: str = "320111") -> str:
    first17 = f"{region}{born:%Y%m%d}123"
    return first17 + id_check_character(first17)


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def open_form(site: WebStack, page: Any) -> None:
    page.goto(f"{site.url}/")
    expect(page.get_by_role("button", name="提交报名")).to_be_visible()


def test_a_resident_signs_up_with_the_keyboard_and_sees_the_masked_phone(
    site: WebStack, phone_page: Any
) -> None:
    page = phone_page
    open_form(site, page)
    # The vocabularies come from registration's OpenAPI document, labelled in Chinese.
    street = page.get_by_label("所在街道")
    expect(street.locator("option", has_text="江浦街道")).to_have_count(1)
    expect(page.get_by_label("垃圾分类督导")).to_be_visible()
    before = registered(site)

    page.get_by_label("姓名").focus()
    page.keyboard.type("赵小满")
    page.keyboard.press("Tab")
    page.keyboard.type("13700001234")
    page.keyboard.press("Tab")
    street.select_option(label="桥林街道")
    page.get_by_label("垃圾分类督导").check()
    page.get_by_label("急救").check()
    page.get_by_label("我已阅读并同意").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "sign-up")
    page.get_by_role("button", name="提交报名").focus()
    page.keyboard.press("Enter")

    done = page.get_by_role("heading", name="报名成功")
    expect(done).to_be_visible()
    expect(done).to_be_focused()
    expect(page.locator(".masked-phone")).to_have_text("137****1234")
    assert "13700001234" not in page.content()
    screenshot(page, "sign-up-done")
    assert registered(site) == before + 1


def test_each_refusal_appears_beside_its_field_in_chinese_and_creates_nothing(
    site: WebStack, phone_page: Any
) -> None:
    page = phone_page
    open_form(site, page)
    before = registered(site)
    page.get_by_role("button", name="提交报名").click()

    expect(page.locator("#name-error")).to_have_text("请填写姓名（1–50 个字）")
    expect(page.locator("#phone-error")).to_contain_text("中国大陆手机号")
    expect(page.locator("#street-error")).to_have_text("请选择所在街道")
    expect(page.locator("#consent-error")).to_contain_text("请阅读并同意")
    expect(page.get_by_label("姓名")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("姓名")).to_be_focused()
    described = page.get_by_label("手机号").get_attribute("aria-describedby") or ""
    assert "phone-error" in described.split()

    # Put right what was wrong but give an ID number whose check character is wrong.
    page.get_by_label("姓名").fill("钱多多")
    page.get_by_label("手机号").fill("13700005678")
    page.get_by_label("所在街道").select_option("jiangpu")
    page.get_by_label("我已阅读并同意").check()
    good = id_number_born(date(1990, 5, 17))
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.get_by_label("身份证号（选填）").fill(wrong)
    page.get_by_role("button", name="提交报名").click()
    expect(page.locator("#id_number-error")).to_contain_text("身份证号码无效")
    expect(page.locator("#name-error")).to_be_hidden()
    screenshot(page, "sign-up-errors")
    assert registered(site) == before

    page.get_by_label("身份证号（选填）").fill(good)
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_role("heading", name="报名成功")).to_be_visible()
    assert registered(site) == before + 1


def test_a_minor_is_asked_for_a_guardians_consent(site: WebStack, phone_page: Any) -> None:
    page = phone_page
    open_form(site, page)
    consent = page.get_by_label("我的监护人已知悉并同意我参加志愿服务")
    expect(consent).to_be_hidden()

    # The ID number of a sixteen-year-old says so; the birth date of an adult says otherwise.
    page.get_by_label("身份证号（选填）").fill(id_number_born(years_ago(16)))
    expect(consent).to_be_visible()
    page.get_by_label("身份证号（选填）").fill("")
    page.get_by_label("出生日期（选填）").fill(years_ago(30).isoformat())
    expect(consent).to_be_hidden()
    page.get_by_label("出生日期（选填）").fill(years_ago(16).isoformat())
    expect(consent).to_be_visible()

    page.get_by_label("姓名").fill("孙小雨")
    page.get_by_label("手机号").fill("13700009999")
    page.get_by_label("所在街道").select_option("tangquan")
    page.get_by_label("我已阅读并同意").check()
    before = registered(site)
    page.get_by_role("button", name="提交报名").click()
    expect(page.locator("#guardian_consent-error")).to_contain_text("监护人同意")
    assert registered(site) == before

    consent.check()
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_role("heading", name="报名成功")).to_be_visible()
    expect(page.locator(".masked-phone")).to_have_text("137****9999")
    assert registered(site) == before + 1


def test_a_phone_already_registered_is_pointed_to_the_login(
    site: WebStack, phone_page: Any
) -> None:
    page = phone_page
    open_form(site, page)
    before = registered(site)
    page.get_by_label("姓名").fill("陈志愿")
    page.get_by_label("手机号").fill("138 0000 2222")  # the arranged volunteer's
    page.get_by_label("所在街道").select_option("jiangpu")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="提交报名").click()

    message = page.locator(".form-message")
    expect(message).to_contain_text("该手机号已经报名过了")
    assert registered(site) == before
    message.get_by_role("link", name="登录").click()
    expect(page).to_have_url(f"{site.url}/login")
