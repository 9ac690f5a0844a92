"""Pytest plugin of the support package, for every test in the repository: tokens, free ports,
components on threads (the servers and databases come from `association.testing`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from support import ports, threads, tokens


@pytest.fixture
def bearer() -> Callable[..., dict[str, str]]:
    """`bearer("partner", sub="uni")`: an Authorization header with a valid test token."""
    return tokens.bearer


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    return ports.free_port


@pytest.fixture
def run_components() -> Callable[..., AbstractContextManager]:
    """Run some components (say, a dispatcher alone) on threads for a block of the test."""
    return threads.running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one for the whole run: Playwright's sync API runs an
    event loop in the thread that starts it, so a second one could not start beside it."""
    from support.web_stack import chromium

    with chromium() as running:
        yield running
