"""Append events with optimistic concurrency, load aggregates, read the log after a position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from association import backends
from association.events import Envelope, EventRegistry
from association.store.tables import AGGREGATE_VERSION_CONSTRAINT, events_table, outbox_table


class ConcurrencyError(Exception):
    """Another writer appended to the same aggregate version first; reload and retry or give up."""

    def __init__(self, aggregate_id: str, version: int) -> None:
        super().__init__(f"aggregate {aggregate_id} already has version {version}")
        self.aggregate_id = aggregate_id
        self.version = version


class PayloadCodec(Protocol):
    """Transforms payloads on their way into and out of the store (e.g. encrypting personal data).

    Both take and return whole batches so that a codec can fetch what it needs in one query.
    """

    def seal(self, session: Session, events: Sequence[Envelope]) -> list[Envelope]: ...

    def open(self, session: Session, events: Sequence[Envelope]) -> list[Envelope]: ...


class EventStore:
    """The source of truth of one service (`producer`): an append-only log with an outbox.

    `append` must be the last write of its transaction: it takes the store's writers' lock
    (`serialise_writers`) until commit so that sequence numbers commit in order and a reader
    following "everything after N" can never skip an event that commits late.
    """

    def __init__(
        self, producer: str, registry: EventRegistry, codec: PayloadCodec | None = None
    ) -> None:
        self.producer = producer
        self.registry = registry
        self.codec = codec

    def append(
        self, session: Session, events: Sequence[Envelope], *, publish: bool = True
    ) -> list[Envelope]:
        """Validate and store a command's events (and outbox rows) in the caller's transaction.

        Raises ConcurrencyError when an (aggregate id, version) is taken, InvalidEvent when a
        payload does not validate. Returns the events with producer and sequence filled in.
        """
        if not events:
            return []
        prepared = [self.registry.validate(e) for e in events]
        sealed = self.codec.seal(session, prepared) if self.codec else prepared
        rows = [_row(event) for event in sealed]
        try:
            sequences = _insert(session.connection(), rows, publish)
        except IntegrityError as error:
            if AGGREGATE_VERSION_CONSTRAINT in str(error.orig) or "aggregate_id" in str(error.orig):
                clash = _clashing(prepared, str(error.orig))
                raise ConcurrencyError(clash.aggregate_id, clash.aggregate_version) from error
            raise
        return [
            replace(event, producer=self.producer, sequence=sequence)
            for event, sequence in zip(prepared, sequences, strict=True)
        ]

    def load(self, session: Session, aggregate_id: str, *, upcast: bool = True) -> list[Envelope]:
        """Every event of one aggregate in version order (upcast to the latest schemas)."""
        rows = session.execute(
            select(events_table)
            .where(events_table.c.aggregate_id == str(aggregate_id))
            .order_by(events_table.c.aggregate_version)
        )
        return self._decode(session, rows, upcast)

    def read_after(
        self,
        session: Session,
        after: int,
        limit: int = 100,
        event_types: Sequence[str] | None = None,
        *,
        upcast: bool = False,
    ) -> list[Envelope]:
        """Up to `limit` events with a sequence above `after`, in sequence order.

        Sequences have gaps (rolled-back transactions) but, because appends are serialised, an
        event is never committed below a position a reader has already passed.
        """
        query = select(events_table).where(events_table.c.sequence > after)
        if event_types:
            query = query.where(events_table.c.event_type.in_(list(event_types)))
        rows = session.execute(query.order_by(events_table.c.sequence).limit(limit))
        return self._decode(session, rows, upcast)

    def by_sequences(self, session: Session, sequences: Sequence[int]) -> list[Envelope]:
        """The events at the given positions, in sequence order."""
        rows = session.execute(
            select(events_table)
            .where(events_table.c.sequence.in_(list(sequences)))
            .order_by(events_table.c.sequence)
        )
        return self._decode(session, rows, False)

    def unpublished(self, session: Session, after: int, limit: int) -> list[Envelope]:
        """Up to `limit` events still in the outbox with a sequence above `after`, in order."""
        rows = session.execute(
            select(events_table)
            .join(outbox_table, outbox_table.c.sequence == events_table.c.sequence)
            .where(outbox_table.c.sequence > after)
            .order_by(outbox_table.c.sequence)
            .limit(limit)
        )
        return self._decode(session, rows, False)

    def mark_published(self, session: Session, sequences: Sequence[int]) -> None:
        """Take events the broker confirmed out of the outbox."""
        if sequences:
            session.execute(
                delete(outbox_table).where(outbox_table.c.sequence.in_(list(sequences)))
            )

    def outbox_backlog(self, session: Session) -> int:
        """How many events wait to be published."""
        return session.execute(select(func.count()).select_from(outbox_table)).scalar_one()

    def oldest_unpublished_at(self, session: Session) -> datetime | None:
        """When the oldest event still waiting in the outbox happened."""
        return session.execute(
            select(func.min(events_table.c.occurred_at)).join(
                outbox_table, outbox_table.c.sequence == events_table.c.sequence
            )
        ).scalar_one_or_none()

    def last_sequence(self, session: Session) -> int:
        return session.execute(
            select(func.coalesce(func.max(events_table.c.sequence), 0))
        ).scalar_one()

    def _decode(self, session: Session, rows, upcast: bool) -> list[Envelope]:  # type: ignore[no-untyped-def]
        events = [self._envelope(row) for row in rows.mappings()]
        if self.codec:
            events = self.codec.open(session, events)
        if not upcast:
            return events
        # Each was validated at its version by `append`: only the upcasters' output is checked.
        return [self.registry.upcast(e, validated=True) for e in events]

    def _envelope(self, row) -> Envelope:  # type: ignore[no-untyped-def]
        meta = row["metadata"] or {}
        return Envelope(
            event_id=row["event_id"],
            event_type=row["event_type"],
            schema_version=row["schema_version"],
            producer=self.producer,
            aggregate_id=row["aggregate_id"],
            aggregate_version=row["aggregate_version"],
            sequence=row["sequence"],
            occurred_at=row["occurred_at"].isoformat(),
            correlation_id=meta.get("correlation_id"),
            causation_id=meta.get("causation_id"),
            payload=row["payload"],
            # Events stored before actors were recorded have none in their metadata: unknown.
            actor=meta.get("actor"),
        )


def serialise_writers(session: Session) -> None:
    """Queue behind every other writer of the store, until this transaction ends.

    `append` takes this lock itself; a command takes it early when what it decides depends on
    the state it reads (capacity, a version), so that no other writer changes that state between
    the read and the append. It is the events table's writers' lock
    (`association.backends.take_writers_lock`).
    """
    backends.take_writers_lock(session, events_table)


# Built once, not per append: executed with parameters, each is compiled once and then cached.
_INSERT_EVENT = insert(events_table).returning(events_table.c.sequence)
_INSERT_EVENTS = insert(events_table).returning(
    events_table.c.sequence, sort_by_parameter_order=True
)
_INSERT_OUTBOX = insert(outbox_table)


def _insert(connection: Connection, rows: list[dict], publish: bool) -> list[int]:
    """Insert the events' rows (and their outbox rows when `publish`); their sequences in order.

    The statements run on the session's connection: the ORM has nothing to add to them. The
    writers' lock is taken first, until commit, so that sequences commit in the order they were
    taken; where the backend can, one event, its lock and its outbox row go in one statement.
    """
    backend = backends.of(connection)
    if publish and len(rows) == 1:
        statement = backend.insert_with_outbox_row(events_table, outbox_table, "sequence")
        if statement is not None:
            return [connection.execute(statement, rows[0]).scalar_one()]
    backends.take_writers_lock(connection, events_table)
    if len(rows) == 1:
        sequences = [connection.execute(_INSERT_EVENT, rows[0]).scalar_one()]
    else:
        sequences = list(connection.execute(_INSERT_EVENTS, rows).scalars())
    if publish:
        connection.execute(_INSERT_OUTBOX, [{"sequence": sequence} for sequence in sequences])
    return sequences


def _row(event: Envelope) -> dict:
    return {
        "event_id": event.event_id,
        "aggregate_id": event.aggregate_id,
        "aggregate_version": event.aggregate_version,
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "payload": event.payload,
        "metadata": {
            "correlation_id": event.correlation_id,
            "causation_id": event.causation_id,
            "actor": event.actor,
        },
        "occurred_at": datetime.fromisoformat(event.occurred_at),
    }


def _clashing(events: Sequence[Envelope], message: str) -> Envelope:
    """The event the database refused, when its message names it; else the first one."""
    for event in events:
        if event.aggregate_id in message:
            return event
    return events[0]
