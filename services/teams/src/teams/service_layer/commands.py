"""How a command writes: under the writers' lock, retried from a fresh read, its event recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from association.store import EventStore, serialise_writers
from teams.adapters.repository import record
from teams.domain.errors import NotFound
from teams.domain.events import DomainEvent
from teams.service_layer.retry import with_retries


class Aggregate(Protocol):
    """A team or an activity: `version` is the number of its events so far."""

    version: int


A = TypeVar("A", bound=Aggregate)
E = TypeVar("E", bound=DomainEvent)
Loader = Callable[[Session, EventStore, UUID], A | None]


def start(session: Session, store: EventStore, decide: Callable[[], E]) -> E:
    """Record the first event of a new team or activity, as `decide` draws it up."""

    def attempt() -> E:
        serialise_writers(session)
        event = decide()
        record(session, store, [(event, 1)])
        return event

    return with_retries(session, attempt)


def change(
    session: Session,
    store: EventStore,
    load: Loader[A],
    what: str,
    aggregate_id: UUID,
    decide: Callable[[A], E],
    within_reach: Callable[[A], bool] = lambda _aggregate: True,
) -> E:
    """Record the event `decide` draws from the aggregate as it stands; NotFound without one,
    or when the caller's reach does not take it in (`within_reach`, see `association.access`).

    `what` names the aggregate in the refusal ("no team …"); a retry loads it afresh.
    """

    def attempt() -> E:
        serialise_writers(session)
        aggregate = load(session, store, aggregate_id)
        if aggregate is None or not within_reach(aggregate):
            raise NotFound(f"no {what} {aggregate_id}")
        event = decide(aggregate)
        record(session, store, [(event, aggregate.version + 1)])
        return event

    return with_retries(session, attempt)
