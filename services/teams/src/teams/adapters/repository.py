"""Teams and activities from the event store, and new events into projections and store at once."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.orm import Session

from association.events import Envelope
from association.store import EventStore
from teams.adapters.codec import from_envelope, to_envelope
from teams.adapters.projections import project
from teams.domain.activity import Activity
from teams.domain.events import (
    ActivityEvent,
    ActivityScheduled,
    DomainEvent,
    TeamCreated,
    TeamEvent,
)
from teams.domain.team import Team


def load_team(session: Session, store: EventStore, team_id: UUID) -> Team | None:
    """The team rebuilt from its events, None when there is no such team."""
    events = [from_envelope(e) for e in store.load(session, str(team_id))]
    if not events or not isinstance(events[0], TeamCreated):
        return None
    return Team.from_events([e for e in events if isinstance(e, TeamEvent)])


def load_activity(session: Session, store: EventStore, activity_id: UUID) -> Activity | None:
    """The activity rebuilt from its events, None when there is no such activity."""
    events = [from_envelope(e) for e in store.load(session, str(activity_id))]
    if not events or not isinstance(events[0], ActivityScheduled):
        return None
    return Activity.from_events([e for e in events if isinstance(e, ActivityEvent)])


def record(
    session: Session,
    store: EventStore,
    changes: Sequence[tuple[DomainEvent, int]],
    causation_id: str | None = None,
) -> list[Envelope]:
    """Project each (event, aggregate version) and append them all, the append being last."""
    for event, _version in changes:
        project(session, event)
    envelopes = [to_envelope(event, version, causation_id) for event, version in changes]
    return store.append(session, envelopes)
