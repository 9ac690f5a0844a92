"""The public log: every consumed event, redacted, in the order partners see it.

It is the outbox of the relay that publishes to `association.public` (the `Outbox` protocol of
association.messaging.relay) and the source of `GET /public/events` and of webhook deliveries.
An event's `sequence` here is its position in this log, which is what `after` takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from association.backends import take_writers_lock
from association.events import Envelope
from association.statements import insert_new_returning
from association.transaction_memo import transaction_memo
from notifications.adapters.database import utcnow
from notifications.adapters.partner_tables import public_events_table, public_outbox_table
from notifications.domain.redaction import erase_person

_e = public_events_table.c
_QUEUE_FOR_PUBLICATION = insert(public_outbox_table)  # built once, run with {"position": ...}
_LOCKED = "notifications.public_events_locked"


def _envelope(position: int, stored: dict[str, Any]) -> Envelope:
    return Envelope(**{**stored, "sequence": position})


def _lock_until_commit(session: Session) -> None:
    """Take the public log's writers' lock for the rest of the transaction (see `append`).

    Taken once per transaction: the lock is held until commit anyway. Rolling back a savepoint
    lets go of the locks taken in it and forgets the transaction's memo, so it is taken again.
    """
    memo = transaction_memo(session, _LOCKED)
    if not memo:
        take_writers_lock(session, public_events_table)
        memo["done"] = True


class PublicEventLog:
    """Appends redacted events and hands them to the public relay and the feed."""

    def append(
        self, session: Session, event: Envelope, volunteer_id: str | None = None
    ) -> Envelope | None:
        """Store a redacted event for publication; None when it was stored before.

        The log's writers' lock is held until commit, so positions commit in order and a reader
        following "everything after N" never skips a late commit (the relay and the feed do).
        """
        _lock_until_commit(session)
        stored = {key: value for key, value in vars(event).items() if key != "sequence"}
        row = {
            "event_id": event.event_id,
            "event_type": event.event_type,
            "volunteer_id": volunteer_id,
            "envelope": stored,
            "recorded_at": utcnow(),
        }
        position = insert_new_returning(session, public_events_table, row, ["event_id"], "position")
        if position is None:
            return None
        session.execute(_QUEUE_FOR_PUBLICATION, {"position": position})
        return _envelope(position, stored)

    def read_after(self, session: Session, after: int, limit: int) -> list[Envelope]:
        """Up to `limit` public events after position `after`, in order."""
        rows = session.execute(
            select(_e.position, _e.envelope)
            .where(_e.position > after)
            .order_by(_e.position)
            .limit(limit)
        )
        return [_envelope(position, stored) for position, stored in rows]

    def at(self, session: Session, position: int) -> Envelope:
        """The public event at `position`."""
        stored = session.execute(select(_e.envelope).where(_e.position == position)).scalar_one()
        return _envelope(position, stored)

    def unpublished(self, session: Session, after: int, limit: int) -> list[Envelope]:
        """Up to `limit` events still in the public outbox after position `after`, in order."""
        rows = session.execute(
            select(_e.position, _e.envelope)
            .join(public_outbox_table, public_outbox_table.c.position == _e.position)
            .where(public_outbox_table.c.position > after)
            .order_by(public_outbox_table.c.position)
            .limit(limit)
        )
        return [_envelope(position, stored) for position, stored in rows]

    def mark_published(self, session: Session, sequences: Sequence[int]) -> None:
        """Take events the broker confirmed out of the public outbox."""
        if sequences:
            session.execute(
                delete(public_outbox_table).where(public_outbox_table.c.position.in_(sequences))
            )

    def backlog(self, session: Session) -> int:
        """How many public events wait to be published."""
        return session.execute(select(func.count()).select_from(public_outbox_table)).scalar_one()

    def erase_volunteer(self, session: Session, volunteer_id: str) -> None:
        """Remove what could identify a withdrawn volunteer from the public copies of their data."""
        rows = session.execute(
            select(_e.position, _e.envelope).where(_e.volunteer_id == volunteer_id)
        ).all()
        for position, stored in rows:
            erased = {**stored, "payload": erase_person(stored["payload"])}
            session.execute(
                update(public_events_table).where(_e.position == position).values(envelope=erased)
            )
