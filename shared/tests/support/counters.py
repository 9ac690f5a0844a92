"""A tiny event type and projection the shared library's tests use: counters that get ticked."""

from __future__ import annotations

from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, select, update
from sqlalchemy.orm import Session

from association.db import Database
from association.events import Envelope, EventRegistry, default_registry, new_event

projection_metadata = MetaData()

counters_table = Table(
    "counters",
    projection_metadata,
    Column("counter_id", String(64), primary_key=True),
    Column("ticks", Integer, nullable=False),
)


class CounterTickedV1(Schema):
    counter_id = fields.String(required=True)
    by = fields.Integer(required=True, strict=True)


def counter_registry() -> EventRegistry:
    registry = default_registry().copy()
    registry.register("CounterTicked", 1, CounterTickedV1)
    return registry


def ticked(counter_id: str, version: int, by: int = 1) -> Envelope:
    return new_event("CounterTicked", counter_id, version, {"counter_id": counter_id, "by": by})


def published(event: Envelope, sequence: int = 1) -> Envelope:
    """`event` as the relay of the `counting` service publishes it, `sequence`-th in its log."""
    return Envelope(**{**event.to_dict(), "producer": "counting", "sequence": sequence})


def apply_tick(session: Session, event: Envelope) -> None:
    """The projection handler: add the tick to the counter's row."""
    counter_id, by = event.payload["counter_id"], event.payload["by"]
    found = session.execute(
        select(counters_table.c.ticks).where(counters_table.c.counter_id == counter_id)
    ).first()
    if found is None:
        session.execute(counters_table.insert().values(counter_id=counter_id, ticks=by))
    else:
        session.execute(
            update(counters_table)
            .where(counters_table.c.counter_id == counter_id)
            .values(ticks=counters_table.c.ticks + by)
        )


def ticks_of(session: Session, counter_id: str) -> int | None:
    return session.execute(
        select(counters_table.c.ticks).where(counters_table.c.counter_id == counter_id)
    ).scalar_one_or_none()


def ticks(database: Database, counter_id: str) -> int | None:
    """A counter's ticks as a reader of `database` sees them now; None before its first tick."""
    with database.reader() as session:
        return ticks_of(session, counter_id)
