"""The benchmarks' projection of the tests' counters (support.counters): one upsert per counter."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from sqlalchemy import Insert, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope
from association.messaging.handlers import RunHandler
from support.counters import counters_table


def _upsert(dialect: ModuleType) -> Insert:
    statement = dialect.insert(counters_table).values(
        counter_id=bindparam("counter_id"), ticks=bindparam("by")
    )
    return statement.on_conflict_do_update(
        index_elements=[counters_table.c.counter_id],
        set_={"ticks": counters_table.c.ticks + statement.excluded.ticks},
    )


# Built once: the projection should cost what a projection costs, not statement construction.
_UPSERTS = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}


def apply_ticks(session: Session, events: Sequence[Envelope]) -> None:
    """The projection of a run of ticks: one executemany of the upsert, one row per counter.

    Ticks of the same counter are summed first, so each row is upserted once with what the
    run adds to it, the same as applying the ticks one by one.
    """
    added: dict[str, int] = {}
    for event in events:
        counter_id = event.payload["counter_id"]
        added[counter_id] = added.get(counter_id, 0) + event.payload["by"]
    rows = [{"counter_id": counter_id, "by": by} for counter_id, by in added.items()]
    session.execute(_UPSERTS[session.get_bind().dialect.name], rows)


# The consumer's handler: a tick alone is a run of one.
tick_handler = RunHandler(apply_ticks)


def total_ticks(database: Database) -> int:
    with database.reader() as session:
        return session.execute(select(func.sum(counters_table.c.ticks))).scalar_one() or 0
