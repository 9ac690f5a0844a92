"""`registration-rebuild-projections`: empty the read tables and rebuild them from the store."""

from __future__ import annotations

import logging

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.logging_context import configure_logging
from association.service import bootstrap
from association.store import EventStore
from registration.adapters.projections import RegistrationProjection
from registration.adapters.tables import (
    identities_table,
    organisations_table,
    volunteer_skills_table,
    volunteers_table,
)
from registration.bootstrap import wire

PAGE = 500
log = logging.getLogger(__name__)


def rebuild(session: Session, store: EventStore, projection: RegistrationProjection) -> int:
    """Empty the read tables and apply every stored event again; returns how many were applied."""
    for table in (volunteer_skills_table, identities_table, volunteers_table, organisations_table):
        session.execute(delete(table))
    applied, after = 0, 0
    while events := store.read_after(session, after, PAGE):
        for event in events:
            projection.apply(session, event)
        applied += len(events)
        after = events[-1].sequence or after
    return applied


def main() -> None:
    from registration.definition import SERVICE

    configure_logging("registration")
    context = bootstrap(SERVICE)
    with context.database.bulk_transaction() as session:
        applied = rebuild(session, context.store, wire(context.store).projection)
    log.info("rebuilt the projections from %d events", applied)
