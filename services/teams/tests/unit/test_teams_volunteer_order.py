"""The order of a volunteer's events: the next version applies, older ones are stale, gaps wait."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teams.domain.volunteer import Ordering, order_of


@pytest.mark.parametrize(
    ("known", "event", "ordering"),
    [
        (None, 1, Ordering.APPLY),
        (None, 2, Ordering.GAP),
        (1, 1, Ordering.STALE),
        (1, 2, Ordering.APPLY),
        (3, 2, Ordering.STALE),
        (3, 5, Ordering.GAP),
    ],
)
def test_ordering(known: int | None, event: int, ordering: Ordering) -> None:
    assert order_of(known, event) is ordering


@given(st.permutations(range(1, 12)))
def test_retrying_gaps_applies_every_version_once_in_order(arrivals: list[int]) -> None:
    applied: list[int] = []
    waiting = list(arrivals)
    while waiting:
        version = waiting.pop(0)
        ordering = order_of(applied[-1] if applied else None, version)
        if ordering is Ordering.APPLY:
            applied.append(version)
        elif ordering is Ordering.GAP:
            waiting.append(version)
    assert applied == list(range(1, 12))
