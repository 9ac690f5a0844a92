"""The browser tests' fixtures: one stack of real processes and the web pages for the run, what an
office arranged on it before (support.web_arrangement), and a fresh context of the run's Chromium
(`browser`, support.fixtures) per test that fails the test on any script error.

The modules are numbered in the order people come: sign-up, a volunteer's own page, the console
(whose completion from check-ins waits for the activity under way to end)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.web_arrangement import Arrangement, arrange
from support.web_stack import DESK, PHONE, PageErrors, WebStack, web_stack


@pytest.fixture(scope="session")
def site(amqp_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    with web_stack(Path(tmp_path_factory.mktemp("web-stack")), amqp_url) as running:
        yield running


@pytest.fixture(scope="session", autouse=True)
def arranged(site: WebStack) -> Arrangement:
    """Arranged at the first browser test, so that the activity under way runs meanwhile."""
    return arrange(site)


def _page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = PageErrors(page)
    try:
        yield page
    finally:
        context.close()
    assert not errors.errors, errors.errors


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page in a phone-sized window (390 × 844)."""
    yield from _page(browser, PHONE)


@pytest.fixture
def desk_page(browser: Any) -> Iterator[Any]:
    """A page in a desktop window (1280 × 900)."""
    yield from _page(browser, DESK)
