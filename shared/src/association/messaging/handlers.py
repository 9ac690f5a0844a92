"""What the consumer calls with an event: a handler, and the set-based form a handler may add.

A service writes its rules once, per event (`Handler`). Where a run of events is worth applying
in one call (one read and one write of a table rather than one per event), the handler also has
an `apply_many` method (`SetBasedHandler`), which the consumer finds on its own; a `RunHandler`
builds such a handler from rules written for a run, an event alone being a run of one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from association.events import Envelope

Handler = Callable[[Session, Envelope], None]
ManyHandler = Callable[[Session, Sequence[Envelope]], None]


@runtime_checkable
class SetBasedHandler(Protocol):
    """A handler that can also apply a run of its events in one call.

    Called with one event it is a plain handler. While a batch runs in one piece, the consumer
    gives `apply_many` each run of consecutive events of this routing key instead (in delivery
    order, duplicates left out). Should anything in the batch fail, it is rolled back and every
    event is applied alone in a savepoint of its own, so that only the failing event is handed
    back: `apply_many(session, events)` must therefore leave the database exactly as calling the
    handler on each event in turn would. It runs outside any one event's correlation id, as the
    run mixes them.
    """

    def __call__(self, session: Session, event: Envelope) -> None: ...

    def apply_many(self, session: Session, events: Sequence[Envelope]) -> None: ...


class RunHandler:
    """A set-based handler whose rules are written once, for a run: one event is a run of one."""

    __slots__ = ("apply_many",)

    def __init__(self, apply_many: ManyHandler) -> None:
        self.apply_many = apply_many

    def __call__(self, session: Session, event: Envelope) -> None:
        self.apply_many(session, [event])
