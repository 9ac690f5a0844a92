"""Rebuild the teams, activities, hours, hours reports and certificates read models from the
event store."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.actors import Actor, acting_as
from association.store import EventStore
from teams.adapters.codec import from_envelope, is_domain_event
from teams.adapters.projections import project
from teams.adapters.report_projection import forget_unrecorded
from teams.adapters.tables import (
    activities_table,
    applications_table,
    attendance_table,
    certificates_table,
    hours_corrections_table,
    hours_report_table,
    presences_table,
    recorded_attendance_table,
    service_hours_table,
    team_members_table,
    teams_table,
)

REBUILT_TABLES = (
    teams_table,
    team_members_table,
    activities_table,
    attendance_table,
    service_hours_table,
    hours_corrections_table,
    hours_report_table,
    certificates_table,
    applications_table,
    presences_table,
    recorded_attendance_table,
)


def rebuild(
    session: Session,
    store: EventStore,
    page: int = 1000,
    progress: Callable[[int], None] = lambda read: None,
) -> int:
    """Empty the teams, activities and hours read models and replay the store into them.

    Each event is projected as its own actor, as it was live (unknown for events stored
    before actors were recorded).

    The volunteers table is left alone: it comes from registration's events, not from this
    store. For the same reason the hours reports' rows are rewritten in place, keeping the
    street each was recorded with; a row missing (a database that had none) takes the
    volunteer's street as it is now (none for one who has withdrawn).
    `progress` is told how many events each page read held. Returns how many events were
    applied.
    """
    for table in REBUILT_TABLES:
        if table is not hours_report_table:
            session.execute(delete(table))
    after, applied = 0, 0
    while events := store.read_after(session, after, page, upcast=True):
        for envelope in events:
            if is_domain_event(envelope):
                with acting_as(Actor.from_dict(envelope.actor)):
                    project(session, from_envelope(envelope))
                applied += 1
        after = events[-1].sequence or after
        progress(len(events))
    forget_unrecorded(session)
    return applied
