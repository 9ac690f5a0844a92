"""Whether an activity a command loaded is within the caller's reach."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from association.access import Reach
from teams.adapters.queries import team_organisation
from teams.domain.activity import Activity


def activity_within(session: Session, reach: Reach) -> Callable[[Activity], bool]:
    """Whether an activity is within `reach`: its team's organisation decides."""
    if reach.everything:
        return lambda _activity: True
    return lambda activity: reach.reaches_team(team_organisation(session, activity.plan.team_id))
