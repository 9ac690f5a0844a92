"""Pytest plugin of the support package, for every test in the repository: tokens, free ports,
components on threads (the servers and databases come from `association.testing`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

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
