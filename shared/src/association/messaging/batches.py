"""A batch of deliveries applied to the database: in one transaction, else event by event.

The common case runs the whole batch in one transaction with one inbox statement, each run of
consecutive events of a set-based handler's routing key in one call. Only when a handler fails
is the batch run again, event by event in savepoints, so that the failing event alone is handed
back. A database outage is not the events' fault: the batch is retried until the database
answers, without spending the events' attempts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from association.actors import SYSTEM_ACTOR, acting_as
from association.backends import is_outage
from association.db import Database
from association.events import Envelope
from association.logging_context import correlation
from association.messaging.backoff import Backoff
from association.messaging.handlers import Handler, SetBasedHandler
from association.messaging.inbox import apply_once, claim
from association.messaging.topology import Topology

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """A message taken from the inbox queue; `event` is set once it passed validation."""

    tag: int
    routing_key: str
    body: bytes
    attempt: int
    event: Envelope | None = None

    @property
    def valid_event(self) -> Envelope:
        """The event of a delivery that passed validation."""
        assert self.event is not None
        return self.event


class BatchApplier:
    """Applies batches of validated deliveries with `handlers`, keyed by routing key."""

    def __init__(
        self, database: Database, handlers: Mapping[str, Handler], topology: Topology
    ) -> None:
        self.database = database
        self.handlers = dict(handlers)
        self.topology = topology
        self._many = {
            key: handler.apply_many
            for key, handler in handlers.items()
            if isinstance(handler, SetBasedHandler)
        }

    def apply_until_committed(
        self, batch: list[Delivery], sleep: Callable[[float], None]
    ) -> set[int]:
        """`apply`, retried while the database is unreachable; `sleep` waits between tries."""
        backoff = Backoff()
        while True:
            try:
                return self.apply(batch)
            except Exception as error:
                if not is_outage(error):
                    raise
                delay = backoff.next()
                log.warning("database unavailable (%s); retrying the batch in %.1fs", error, delay)
                sleep(delay)

    def apply(self, batch: list[Delivery]) -> set[int]:
        """Apply a batch; the tags of the deliveries that failed (whatever raised).

        Handlers act as the system: the events they append say so (`association.actors`).
        """
        with acting_as(SYSTEM_ACTOR):
            return self._apply(batch)

    def _apply(self, batch: list[Delivery]) -> set[int]:
        """`apply`, under the system actor.

        The common case runs the whole batch in one transaction with one inbox statement. Only
        when a handler fails is the batch run again, event by event in savepoints and with the
        per-event handlers, so that the failing event alone is handed back. Should the batch
        fail otherwise (its commit, say), each event is applied in a transaction of its own.
        """
        try:
            self._apply_all(batch)
            return set()
        except _HandlerFailed as failure:
            blamed = failure.delivery
            self._log_batch_failure(failure)
        except Exception as error:
            if is_outage(error):
                raise
            log.warning("the batch failed as a whole (%r); applying each event alone", error)
            return self._apply_alone(batch)
        # A blamed event has had its attempt; the others (all, if a set-based handler failed) are
        # applied around it, one by one.
        failed = set() if blamed is None else {blamed.tag}
        try:
            return self._apply_around(batch, failed)
        except Exception as error:
            if is_outage(error):
                raise
            log.warning(
                "the batch failed around its failing events (%r); applying each alone", error
            )
            return failed | self._apply_alone([d for d in batch if d.tag not in failed])

    def _apply_around(self, batch: list[Delivery], failed: set[int]) -> set[int]:
        """Apply the batch but `failed` in one transaction, each event in a savepoint; `failed`
        and the tags of the events whose handler failed."""
        failed = set(failed)
        with self.database.transaction() as session:
            for delivery in batch:
                if delivery.tag in failed:
                    continue
                event = delivery.valid_event
                with correlation(_correlation_id(event)):
                    try:
                        apply_once(session, self.handlers[event.routing_key], event)
                    except Exception as error:  # a handler's failure costs this event an attempt
                        if is_outage(error):
                            raise
                        failed.add(delivery.tag)
                        self._log_failure(delivery, error)
        return failed

    def _apply_alone(self, batch: list[Delivery]) -> set[int]:
        """Apply each event in a transaction of its own; the tags of those that failed."""
        failed: set[int] = set()
        for delivery in batch:
            event = delivery.valid_event
            with correlation(_correlation_id(event)):
                try:
                    with self.database.transaction() as session:
                        apply_once(session, self.handlers[event.routing_key], event)
                except Exception as error:  # whatever this event made raise is its failure
                    if is_outage(error):
                        raise
                    failed.add(delivery.tag)
                    self._log_failure(delivery, error)
        return failed

    def _log_batch_failure(self, failure: _HandlerFailed) -> None:
        """Log why the batch is run again event by event.

        A failed run of a set-based handler blames no event: the per-event run finds (and logs)
        the failing one, so only its error is noted here.
        """
        if failure.delivery is not None:
            self._log_failure(failure.delivery, failure.__cause__)  # type: ignore[arg-type]
        else:
            log.warning(
                "a set-based handler failed on a run of %d events (%r); applying the batch "
                "event by event",
                failure.run_length,
                failure.__cause__,
            )

    def _apply_all(self, batch: list[Delivery]) -> None:
        """Apply the batch in one transaction, runs of a set-based handler's events in one call."""
        with self.database.transaction() as session:
            fresh = _unprocessed(session, batch)
            for run in _runs(fresh):
                self._apply_run(session, run)

    def _apply_run(self, session: Session, run: list[Delivery]) -> None:
        """Apply consecutive deliveries of one routing key; _HandlerFailed if a handler raised."""
        routing_key = run[0].valid_event.routing_key
        many = self._many.get(routing_key)
        if many is not None and len(run) > 1:
            try:
                many(session, [delivery.valid_event for delivery in run])
            except Exception as error:
                if is_outage(error):
                    raise
                raise _HandlerFailed(None, len(run)) from error
            return
        handler = self.handlers[routing_key]
        for delivery in run:
            event = delivery.valid_event
            with correlation(_correlation_id(event)):
                try:
                    handler(session, event)
                except Exception as error:
                    if is_outage(error):
                        raise
                    raise _HandlerFailed(delivery) from error

    def _log_failure(self, delivery: Delivery, error: Exception) -> None:
        log_failed_attempt("handler", delivery, error, self.topology.max_delivery_attempts)


def log_failed_attempt(step: str, delivery: Delivery, error: Exception, attempts: int) -> None:
    """Log that `step` (decoding, validation, the handler) failed on this delivery, saying when
    the failure sends the event to the dead-letter queue, with the error and its traceback."""
    event = delivery.event
    log.error(
        "%s failed on attempt %d of %d for %s%s: %r",
        step,
        delivery.attempt,
        attempts,
        delivery.routing_key,
        " (goes to the dead-letter queue)" if delivery.attempt >= attempts else "",
        error,
        exc_info=error,
        extra={"event_id": event.event_id, "event_type": event.event_type} if event else {},
    )


def _unprocessed(session: Session, batch: list[Delivery]) -> list[Delivery]:
    """Record the batch's new events in the inbox; their deliveries, each event once, in order."""
    claimed = claim(session, [delivery.valid_event for delivery in batch])
    fresh: list[Delivery] = []
    for delivery in batch:
        event_id = delivery.valid_event.event_id
        if event_id in claimed:
            claimed.discard(event_id)
            fresh.append(delivery)
    return fresh


def _runs(deliveries: list[Delivery]) -> list[list[Delivery]]:
    """The deliveries cut into runs of consecutive ones with the same routing key, in order."""
    runs: list[list[Delivery]] = []
    for delivery in deliveries:
        if runs and runs[-1][0].valid_event.routing_key == delivery.valid_event.routing_key:
            runs[-1].append(delivery)
        else:
            runs.append([delivery])
    return runs


def _correlation_id(event: Envelope) -> str:
    """The correlation id to handle an event under: its own, else its event id.

    An event published outside any request carries none; its id serves as well as a fresh
    uuid4 would (logs and the events it causes can be traced back to it) and costs nothing.
    """
    return event.correlation_id or event.event_id


class _HandlerFailed(Exception):
    """A handler raised while a batch ran in one piece; the batch is rolled back and split.

    `delivery` is the event whose handler raised, None when a set-based handler raised on a run
    of `run_length` events (which of them is at fault is not known).
    """

    def __init__(self, delivery: Delivery | None, run_length: int = 1) -> None:
        super().__init__(delivery.routing_key if delivery else f"a run of {run_length}")
        self.delivery = delivery
        self.run_length = run_length
